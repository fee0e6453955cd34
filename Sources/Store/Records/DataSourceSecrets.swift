import Foundation

/// The check that keeps secrets out of stored data-source configs.
///
/// The store keeps no secret, encrypted or not, because no vetted cipher is available to this
/// build. A config names where its secret lives instead: an environment variable in a field
/// ending `_env` (`password_env: "OS_PASSWORD"`), or a clouds.yaml entry in `cloud`, and the
/// driver reads the secret from there when it starts.
enum DataSourceSecrets {
    /// Words that mark a field as a secret when they appear as a whole part of its name, the
    /// parts being split at `_`, `-` and `.` (`password`, `admin_password`, `auth-token`).
    static let secretWords: Set<String> = ["password", "passwd", "secret", "token"]

    /// Returns the path of the first field of `config` that contains a literal secret
    /// (`auth.password`), or nil. Null and empty values are not secrets.
    static func literalSecretField(in config: Any, path: String = "") -> String? {
        if let object = config as? [String: Any] {
            for key in object.keys.sorted() {
                let fieldPath = path.isEmpty ? key : path + "." + key
                let value = object[key]!
                if isSecretName(key) && holdsValue(value) { return fieldPath }
                if let found = literalSecretField(in: value, path: fieldPath) { return found }
            }
        } else if let array = config as? [Any] {
            for (index, element) in array.enumerated() {
                if let found = literalSecretField(in: element, path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }

    static func isSecretName(_ key: String) -> Bool {
        let lowered = key.lowercased()
        if lowered.hasSuffix("_env") { return false }
        let parts = lowered.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." })
        return parts.contains { secretWords.contains(String($0)) }
    }

    private static func holdsValue(_ value: Any) -> Bool {
        if value is NSNull { return false }
        if let text = value as? String { return !text.isEmpty }
        return true
    }
}
