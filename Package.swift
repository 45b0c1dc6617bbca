// swift-tools-version:6.1
import PackageDescription

// Uptake: a scriptable simulator of how an innovation spreads among firms.
// Dependencies point one way: uptake -> UptakeBatch, UptakeServe -> UptakeScripting -> UptakeKernel;
// UptakeReport (formats and files for people) sits below UptakeBatch and needs only the kernel;
// UptakeFiles (writing outputs whole or not at all) is a leaf below them.
// The kernel never sees Lua; only UptakeScripting links CLua and CLuaShims.
let package = Package(
    name: "Uptake",
    products: [
        .executable(name: "uptake", targets: ["uptake"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
        // uptake serve. No default traits: they bring swift-configuration, which the explorer does not use
        // (traits on a dependency need tools 6.1).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        // Already under Hummingbird; named for the types the explorer uses directly (logger, channel, signals).
        .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        .target(name: "CLuaShims", dependencies: ["CLua"]),
        .target(name: "UptakeKernel"),
        // The one lock type for state that threads share (Locked).
        .target(name: "UptakeLocks"),
        // Outputs written whole or not at all, folders made, file-system errors in words.
        .target(name: "UptakeFiles", dependencies: ["UptakeLocks"]),
        .target(
            name: "UptakeScripting",
            dependencies: [
                "UptakeKernel", "UptakeFiles", "UptakeLocks", "CLua", "CLuaShims",
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(name: "UptakeReport", dependencies: ["UptakeKernel", "UptakeFiles"]),
        .target(
            name: "UptakeBatch",
            // UptakeReport for the one way numbers are written for people (Readable) and the seed's text form.
            dependencies: [
                "UptakeScripting", "UptakeKernel", "UptakeReport", "UptakeFiles", "UptakeLocks",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own binding calls, for the results' rows (DirectInsert).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // uptake serve: the explorer, a local web app over runs that a child uptake does (no Lua in the server).
        .target(
            name: "UptakeServe",
            dependencies: [
                "UptakeScripting", "UptakeReport", "UptakeKernel", "UptakeLocks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "uptake",
            dependencies: [
                "UptakeScripting",
                "UptakeReport",
                "UptakeBatch",
                "UptakeKernel",
                "UptakeFiles",
                "UptakeLocks",
                "UptakeServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Rainbow", package: "Rainbow"),
            ],
            plugins: ["BuildStamp"]
        ),
        // Writes BuildStamp.swift (the git commit) into uptake before every build; see scripts/build-stamp.sh.
        // In Sources/, not the default Plugins/: that name and plugins/ are one folder on a case-insensitive disk.
        .plugin(name: "BuildStamp", capability: .buildTool(), path: "Sources/BuildStamp"),
        // Fuzz targets (one file each) for every parser of outside input and the Lua API;
        // uptake-fuzz is their libFuzzer binary (scripts/fuzz.sh) or, built normally, a replay driver.
        .target(
            name: "UptakeFuzzTargets",
            dependencies: [
                "UptakeScripting", "UptakeBatch", "UptakeReport", "UptakeKernel", "UptakeLocks",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(name: "CLibFuzzer"),
        .executableTarget(name: "uptake-fuzz", dependencies: ["UptakeFuzzTargets", "UptakeLocks", "CLibFuzzer"]),
        // What test targets share (throw-away projects and folders, the repository's folder, running the built uptake); a leaf.
        .target(name: "UptakeTestSupport", path: "Tests/UptakeTestSupport"),
        .testTarget(name: "UptakeKernelTests", dependencies: ["UptakeKernel"]),
        .testTarget(name: "UptakeFilesTests", dependencies: ["UptakeFiles", "UptakeTestSupport"]),
        .testTarget(name: "UptakeLocksTests", dependencies: ["UptakeLocks"]),
        .testTarget(
            name: "UptakeScriptingTests", dependencies: ["UptakeScripting", "UptakeKernel", "UptakeTestSupport"]),
        .testTarget(name: "UptakeReportTests", dependencies: ["UptakeReport", "UptakeKernel"]),
        .testTarget(
            name: "UptakeBatchTests",
            dependencies: [
                "UptakeBatch", "UptakeScripting", "UptakeKernel", "UptakeReport", "UptakeTestSupport", "UptakeLocks",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Real HTTP and WebSocket against a started server, whose runs are children of the built uptake.
        .testTarget(
            name: "UptakeServeTests",
            dependencies: ["UptakeServe", "UptakeScripting", "UptakeLocks", "UptakeTestSupport"]),
        .testTarget(
            name: "UptakeFuzzTargetsTests", dependencies: ["UptakeFuzzTargets", "UptakeScripting", "UptakeTestSupport"]),
        .testTarget(
            name: "uptakeTests",
            dependencies: [
                "uptake", "UptakeLocks", "UptakeScripting", "UptakeFiles", "UptakeTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
