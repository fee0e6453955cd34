/// One documented option of agora.conf.
public struct ConfigOption: Sendable {
    public enum Kind: Sendable {
        case text
        case integer
        case boolean
        case choice([String])
        case list
    }

    public var section: String
    public var name: String
    public var kind: Kind
    public var defaultValue: String
    public var help: String

    init(_ section: String, _ name: String, _ kind: Kind, _ defaultValue: String, _ help: String) {
        self.section = section
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// Every option, in the order `--help-config` prints them.
    public static let all: [ConfigOption] = [
        ConfigOption("DEFAULT", "bind_host", .text, "127.0.0.1", "Address the API listens on."),
        ConfigOption("DEFAULT", "bind_port", .integer, "1789", "Port the API listens on (Congress's port)."),
        ConfigOption("DEFAULT", "data_dir", .text, "/var/lib/agora", "Directory for the store and ingest offsets."),
        ConfigOption(
            "DEFAULT", "database", .text, "",
            "Store location: a SQLite file path or a postgresql:// URL. Empty: agora.db in data_dir."),
        ConfigOption(
            "DEFAULT", "store_sync", .choice(["normal", "full"]), "normal",
            "SQLite durability. normal: a commit survives a crash of Agora (the write-ahead log is synced at "
                + "checkpoints); full: every commit is synced to disk first, so it also survives a power loss, "
                + "at several milliseconds per commit."),
        ConfigOption(
            "DEFAULT", "auth_strategy", .choice(["keystone", "token", "noauth"]), "token",
            "keystone: validate X-Auth-Token with Keystone. token: Agora's own API keys. "
                + "noauth: no checks; refused unless bind_host is a loopback address."),
        ConfigOption("DEFAULT", "log_level", .choice(["debug", "info", "warning", "error"]), "info", "Log level."),
        ConfigOption("DEFAULT", "tls_cert_file", .text, "", "PEM certificate; with tls_key_file, serve HTTPS."),
        ConfigOption("DEFAULT", "tls_key_file", .text, "", "PEM private key for tls_cert_file."),
        ConfigOption("DEFAULT", "max_body_bytes", .integer, "10485760", "Largest request body accepted."),
        ConfigOption("DEFAULT", "request_timeout", .integer, "30", "Seconds before an idle client is cut off."),
        ConfigOption(
            "openstack", "cloud", .text, "",
            "Cloud name in clouds.yaml. Empty: the OS_* environment variables, or none when no cloud is used."),
        ConfigOption(
            "openstack", "compute_endpoint", .text, "", "Nova endpoint override (for clouds without a catalog)."),
        ConfigOption(
            "openstack", "network_endpoint", .text, "", "Neutron endpoint override (for clouds without a catalog)."),
        ConfigOption("openstack", "auth_type", .text, "", "Overrides the cloud's auth type (`none` for test clouds)."),
        ConfigOption(
            "enforcement", "default_mode", .choice(["monitor", "dry-run", "approve", "enforce"]), "dry-run",
            "Mode of a new policy's actions."),
        ConfigOption("enforcement", "max_actions", .integer, "10", "Actions per policy per window before a hold."),
        ConfigOption("enforcement", "max_actions_global", .integer, "25", "Actions of all policies per window."),
        ConfigOption("enforcement", "window_seconds", .integer, "3600", "The window of the two caps above."),
        ConfigOption(
            "enforcement", "max_percent_servers", .integer, "10",
            "Largest share of the cloud's servers acted on per window."),
        ConfigOption(
            "enforcement", "max_inventory_age", .integer, "300",
            "No action when the Nova and Neutron data is older than this many seconds."),
        ConfigOption(
            "enforcement", "hold_down_seconds", .integer, "300", "A row that comes back this soon does not fire again."),
        ConfigOption(
            "enforcement", "repeat_limit", .integer, "3",
            "Quarantines of one VM within repeat_window_seconds after which automatic release stops."),
        ConfigOption("enforcement", "repeat_window_seconds", .integer, "3600", "Window of repeat_limit."),
        ConfigOption(
            "enforcement", "release_after_seconds", .integer, "0",
            "Release responses automatically after this many seconds; 0 keeps them until an operator releases."),
        ConfigOption("enforcement", "protected_servers", .list, "", "Server ids no action may touch."),
        ConfigOption("enforcement", "protected_projects", .list, "", "Project ids no action may touch."),
        ConfigOption("enforcement", "protected_networks", .list, "", "Network ids no action may touch."),
        ConfigOption("enforcement", "protected_cidrs", .list, "", "Addresses and networks no action may touch."),
        ConfigOption(
            "enforcement", "nft_namespace", .text, "",
            "Network namespace for the nftables backend; empty runs nft in Agora's own namespace."),
        ConfigOption("notifications", "webhook_url", .text, "", "POST each event here as JSON."),
        ConfigOption(
            "notifications", "webhook_secret_env", .text, "",
            "Name of the environment variable that holds the HMAC-SHA256 key for X-Agora-Signature."),
        ConfigOption("notifications", "syslog", .boolean, "false", "Also log each event to syslog (facility auth)."),
        ConfigOption(
            "notifications", "per_incident_per_minute", .integer, "6",
            "Notifications per incident and sink in any 60 seconds; the excess goes out in one summary. 0: no limit."),
        ConfigOption("notifications", "syslog_socket", .text, "/dev/log", "Unix datagram socket of the syslog daemon."),
        ConfigOption(
            "notifications", "retry_base_seconds", .integer, "2",
            "Seconds before the first retry of a failed delivery; each later retry waits about twice as long."),
        ConfigOption(
            "notifications", "max_attempts", .integer, "12", "Delivery attempts before a notification is marked failed."
        ),
    ]

    /// The options a `[datasource NAME]` section takes, by driver.
    public static let driverOptions: [String: [(name: String, required: Bool, help: String)]] = [
        "ids": [
            ("files", false, "comma-separated IDS log paths to follow"),
            ("format", false, "suricata (EVE JSON), snort or zeek; default suricata"),
            ("retention_seconds", false, "how long rows stay; default 900"),
            ("poll_interval_ms", false, "file poll interval; default 200"),
            ("socket", false, "unix stream socket path to listen on"),
        ],
        "blocklist": [
            ("feeds", true, "comma-separated name=path-or-URL"), ("format", false, "feed format; detected when absent"),
            ("category", false, "category for entries; default blocklist"),
            ("refresh_seconds", false, "refresh period; default 3600"),
        ],
        "push": [("tables", true, "comma-separated table:column1;column2")],
        "nova": [("poll_time", false, "seconds between polls; default 10")],
        "neutronv2": [("poll_time", false, "seconds between polls; default 10")],
        "simulated": [("preset", false, "demo (default) or empty")],
    ]
}
