// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "kefu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kefu", targets: ["kefu"]),
        .library(name: "KefuCore", targets: ["KefuCore"]),
        .library(name: "KefuServer", targets: ["KefuServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.3.0"),
    ],
    targets: [
        .target(name: "KefuCore"),
        .target(
            name: "KefuServer",
            dependencies: [
                "KefuCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(name: "kefu", dependencies: ["KefuServer"]),
        // The phrase-matcher benchmark (Benchmarks/language): KefuCore only, so a release build takes seconds.
        .executableTarget(name: "KefuLangBench", dependencies: ["KefuCore"], path: "Sources/KefuLangBench"),
        // The shift-scheduler benchmark against pyworkforce (Benchmarks/workforce): KefuCore only.
        .executableTarget(name: "KefuWorkforceBench", dependencies: ["KefuCore"], path: "Sources/KefuWorkforceBench"),
        .testTarget(name: "KefuCoreTests", dependencies: ["KefuCore"]),
        .testTarget(
            name: "KefuServerTests",
            dependencies: [
                "KefuServer",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ]
)
