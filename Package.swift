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
        .target(name: "Datalog"),
        .target(name: "Agora", dependencies: ["Datalog"]),
        .executableTarget(name: "AgoraCLI", dependencies: ["Agora", "Datalog"]),
        .executableTarget(name: "AgoraBench", dependencies: ["Agora", "Datalog"]),
        .testTarget(name: "DatalogTests", dependencies: ["Datalog"]),
        .testTarget(name: "AgoraTests", dependencies: ["Agora", "Datalog", "AgoraCLI"]),
    ]
)
