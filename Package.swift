// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "agora",
    products: [
        .executable(name: "agora", targets: ["AgoraCLI"]),
        .executable(name: "agora-bench", targets: ["AgoraBench"]),
        .library(name: "Datalog", targets: ["Datalog"]),
    ],
    targets: [
        .target(
            name: "Datalog",
            // The engine's storage is single-threaded and reached only through its own methods,
            // so the run-time exclusivity checks cost time in the join loops and catch nothing.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CPcap", path: "Sources/CPcap", providers: [.apt(["libpcap-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", providers: [.apt(["libpq-dev"])]),
        .target(name: "Store", dependencies: ["CSQLite", "CPostgres"]),
        .systemLibrary(name: "CMicroHTTPD", path: "Sources/CMicroHTTPD", providers: [.apt(["libmicrohttpd-dev"])]),
        .target(name: "HTTP", dependencies: ["CMicroHTTPD"]),
        .target(name: "OpenStack", dependencies: ["CYAML"]),
        .target(name: "Enforcement", dependencies: ["Datalog", "OpenStack", "Store"]),
        .target(name: "DataSources", dependencies: ["Datalog", "OpenStack", "CPcap"]),
        .target(
            name: "Agora", dependencies: ["Datalog", "DataSources", "OpenStack", "Store", "Enforcement", "HTTP"],
            resources: [.copy("Resources/library"), .copy("Resources/dashboard")]),
        .executableTarget(
            name: "AgoraCLI", dependencies: ["Agora", "Datalog", "DataSources", "OpenStack", "Enforcement"]),
        .executableTarget(name: "AgoraBench", dependencies: ["Agora", "Datalog", "DataSources", "Enforcement"]),
        .target(name: "LiveCloudSupport", dependencies: ["OpenStack"], path: "Tests/LiveCloudSupport"),
        .testTarget(name: "DatalogTests", dependencies: ["Datalog"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Enforcement", "Datalog"]),
        .testTarget(
            name: "EnforcementTests",
            dependencies: ["Enforcement", "Store", "OpenStack", "Datalog", "DataSources", "LiveCloudSupport"]),
        .testTarget(name: "DataSourcesTests", dependencies: ["DataSources", "Datalog"]),
        .testTarget(name: "OpenStackTests", dependencies: ["OpenStack", "DataSources", "Datalog", "LiveCloudSupport"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(
            name: "AgoraTests", dependencies: ["Agora", "Datalog", "AgoraCLI", "LiveCloudSupport", "HTTP", "Store"]),
        // Browser tests of the dashboard; see the header of Tests/DashboardTests/DashboardTests.swift.
        .testTarget(name: "DashboardTests", dependencies: ["Agora", "Store"]),
    ]
)
