// swift-tools-version:6.0
import PackageDescription

// Uptake: a scriptable simulator of how an innovation spreads among firms.
// Dependencies point one way: uptake -> UptakeScripting -> UptakeKernel.
// The kernel never sees Lua; only UptakeScripting links CLua and CLuaShims.
let package = Package(
    name: "Uptake",
    products: [
        .executable(name: "uptake", targets: ["uptake"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        .target(name: "CLuaShims", dependencies: ["CLua"]),
        .target(name: "UptakeKernel"),
        .target(
            name: "UptakeScripting",
            dependencies: ["UptakeKernel", "CLua", "CLuaShims"]
        ),
        .executableTarget(
            name: "uptake",
            dependencies: [
                "UptakeScripting",
                "UptakeKernel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "UptakeKernelTests", dependencies: ["UptakeKernel"]),
        .testTarget(name: "UptakeScriptingTests", dependencies: ["UptakeScripting", "UptakeKernel"]),
        .testTarget(name: "uptakeTests", dependencies: ["uptake"]),
    ],
    swiftLanguageModes: [.v5]
)
