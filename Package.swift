// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "redis-eventsource",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "redis-eventsource", targets: ["RedisEventSourceCLI"]),
        .executable(name: "kube-testserver", targets: ["KubeTestServerCLI"]),
        .executable(name: "redis-eventsource-bench", targets: ["BenchmarkRunner"]),
        .executable(name: "redis-eventsource-chaos", targets: ["ChaosRunner"]),
    ],
    // Exact versions, so every machine resolves the same ones; Package.resolved stays out of git
    // (a resolved file made from offline copies of these packages names commits GitHub does not have).
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        // No pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses with a warning on
        // every build; the module map's `link "hiredis"` and <hiredis/...> includes are all it needs.
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // Filters' regular expressions: PCRE2 with match and depth limits, so matching is bounded.
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(name: "CNats", pkgConfig: "libnats", providers: [.apt(["libnats-dev"])]),
        // curl_easy_setopt/getinfo are variadic; the shim gives Swift typed entry points.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        // posix_spawn's closefrom and pipe2, which glibc declares only under _GNU_SOURCE.
        .target(name: "CProcessSpawn"),
        // The process' one libcurl: global init, easy handles, typed errors and the one transfer thread.
        .target(name: "CurlCore", dependencies: ["CCurl"], swiftSettings: strict),
        .target(name: "ProcessSpawning", dependencies: ["CProcessSpawn"], swiftSettings: strict),

        .target(name: "StructuredData", dependencies: ["CYAML"], swiftSettings: strict),
        // Backoff and an injectable clock: no dependencies, so every layer can use them.
        .target(name: "Timing", swiftSettings: strict),
        .target(name: "FilterExpression", dependencies: ["CPCRE2", "COpenSSL"], swiftSettings: strict),
        .target(name: "EventSourceAPI", dependencies: ["StructuredData", "FilterExpression"], swiftSettings: strict),
        // What an adapter is configured with and reports, and the secret material it carries: the
        // vocabulary Reconciler, Sinks and Adapter share. COpenSSL only for the consumer-name digest.
        .target(
            name: "AdapterModel", dependencies: ["EventSourceAPI", "StructuredData", "COpenSSL"], swiftSettings: strict),
        .target(
            name: "Sinks",
            dependencies: [
                "AdapterModel", "EventSourceAPI", "StructuredData", "CCurl", "CurlCore", "CNats",
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Adapter",
            dependencies: [
                "AdapterModel", "EventSourceAPI", "StructuredData", "FilterExpression", "Sinks", "Timing", "CHiredis",
                "COpenSSL", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Reconciler", dependencies: ["AdapterModel", "EventSourceAPI", "StructuredData"], swiftSettings: strict),
        .target(
            name: "KubeClient",
            dependencies: ["StructuredData", "Timing", "CCurl", "CurlCore", "COpenSSL", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "KubeTestServer",
            dependencies: [
                "StructuredData", "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "KubeTestServerCLI",
            dependencies: [
                "KubeTestServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/kube-testserver",
            swiftSettings: strict
        ),
        .target(
            name: "Controller",
            dependencies: [
                "AdapterModel", "Adapter", "Sinks", "Reconciler", "KubeClient", "EventSourceAPI", "Timing",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "RedisEventSourceCLI",
            dependencies: [
                "Controller", "AdapterModel", "Adapter", "Sinks", "EventSourceAPI", "KubeClient", "StructuredData", "Reconciler",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/redis-eventsource",
            swiftSettings: strict
        ),
        // What the bench and the chaos runner share (child processes, installed tools); not
        // TestSupport, since both ship in `-c release`.
        .target(name: "BenchSupport", dependencies: ["ProcessSpawning"], swiftSettings: strict),
        .executableTarget(
            name: "BenchmarkRunner",
            dependencies: [
                "Adapter", "Sinks", "EventSourceAPI", "CHiredis", "CCurl", "CNats", "BenchSupport", "ProcessSpawning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/redis-eventsource-bench",
            swiftSettings: strict
        ),
        // `make chaos`: fault scenarios and fuzzing against the release binaries. Not TestSupport:
        // nothing built with `-c release` may depend on the test helpers.
        .executableTarget(
            name: "ChaosRunner",
            dependencies: [
                "Adapter", "EventSourceAPI", "StructuredData", "FilterExpression", "KubeClient", "ProcessSpawning", "BenchSupport",
                "CNats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/redis-eventsource-chaos",
            swiftSettings: strict
        ),

        .target(
            name: "TestSupport",
            dependencies: [
                "StructuredData", "AdapterModel", "Adapter", "Sinks", "EventSourceAPI", "CNats", "ProcessSpawning", "Timing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "StructuredDataTests", dependencies: ["StructuredData"], swiftSettings: strict),
        .testTarget(name: "TimingTests", dependencies: ["Timing", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EventSourceAPITests", dependencies: ["EventSourceAPI", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "AdapterTests",
            dependencies: [
                "AdapterModel", "Sinks", "Adapter", "EventSourceAPI", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(name: "CLITests", dependencies: ["Sinks", "TestSupport", "StructuredData", "Adapter"], swiftSettings: strict),
        .testTarget(name: "ReconcilerTests", dependencies: ["AdapterModel", "Reconciler", "EventSourceAPI", "StructuredData"], swiftSettings: strict),
        .testTarget(
            name: "OperatorTests", dependencies: ["Sinks", "TestSupport", "StructuredData", "Adapter"], swiftSettings: strict),
        .testTarget(
            name: "EventBusTests", dependencies: ["AdapterModel", "Sinks", "EventSourceAPI", "StructuredData", "TestSupport"],
            swiftSettings: strict),
        .testTarget(name: "FilterExpressionTests", dependencies: ["FilterExpression"], swiftSettings: strict),
        .testTarget(name: "DeliveryTests", dependencies: ["AdapterModel", "Sinks", "Adapter", "EventSourceAPI", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KubeClientTests", dependencies: ["KubeClient", "KubeTestServer", "TestSupport", "CCurl", "Timing"],
            swiftSettings: strict),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "AdapterModel", "Sinks", "Controller", "Adapter", "TestSupport", "Timing", "KubeClient", "KubeTestServer",
                "Reconciler", "StructuredData", "EventSourceAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KubeTestServerTests", dependencies: ["KubeTestServer", "StructuredData", "TestSupport"],
            swiftSettings: strict),
    ]
)
