// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "beacon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "beacon", targets: ["beacon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV.git", from: "0.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        .systemLibrary(name: "CRoaring", path: "Sources/CRoaring"),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(
            name: "CIngest",
            path: "Sources/CIngest",
            cxxSettings: [.unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        .target(name: "Runtime", dependencies: ["CRoaring", "CIngest"]),
        .target(name: "DemoData"),
        .target(name: "Cluster", dependencies: ["Runtime", "Snapshot", "Actors", "NATS", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Snapshot", dependencies: ["Runtime", "CZstd", "CRoaring"]),
        .target(name: "SQLEngine", dependencies: ["Runtime", "CSQLite"]),
        .target(
            name: "NATS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Actors",
            dependencies: [
                "Runtime", "Snapshot",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "HTTPFront",
            dependencies: [
                "Actors", "Runtime", "Snapshot", "SQLEngine", "Cluster",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            exclude: ["Dashboard", "Tracker"]
        ),
        .executableTarget(
            name: "beacon",
            dependencies: [
                "HTTPFront", "Actors", "Runtime", "Snapshot", "CMalloc", "DemoData", "Cluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(name: "beacon-bench", dependencies: ["Runtime", "Actors"], path: "bench/BeaconBench"),
        .executableTarget(name: "beacon-snapshot-memory", dependencies: ["Runtime", "Snapshot"], path: "bench/SnapshotMemory"),
        .target(name: "TestSupport", path: "Tests/Support"),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "TestSupport"]),
        .testTarget(name: "DemoDataTests", dependencies: ["DemoData"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "Runtime", "Snapshot", "NATS", "NATSTestSupport"]),
        .testTarget(name: "SQLEngineTests", dependencies: ["SQLEngine", "Runtime", "TestSupport"]),
        .testTarget(name: "SnapshotTests", dependencies: ["Snapshot", "Runtime", "TestSupport"]),
        .testTarget(name: "ActorsTests", dependencies: ["Actors", "Snapshot", "Runtime", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "HTTPFrontTests",
            dependencies: [
                "HTTPFront", "Actors", "Runtime", "Cluster",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .target(name: "NATSTestSupport", dependencies: ["NATS"], path: "Tests/NATSSupport"),
        .testTarget(name: "NATSTests", dependencies: ["NATS", "NATSTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "EndToEndTests", dependencies: ["Runtime", "CZstd", "NATSTestSupport"]),
    ],
    cxxLanguageStandard: .cxx17
)
