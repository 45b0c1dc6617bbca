import Foundation
import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// Where an uptake finds the standard plugin library: from its own location,
/// in the installed layout or its source tree, and what it says when the
/// library is not there.
final class StandardLibraryTests: XCTestCase {
    /// A folder with a space in its name, as users' folders have.
    func folder() throws -> URL { try TemporaryFolder.make(prefix: "uptake lib ") }

    func make(_ root: URL, _ relative: String, directory: Bool = false) throws {
        let url = root.appendingPathComponent(relative)
        if directory {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } else {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data().write(to: url)
        }
    }

    func testAnInstalledBinaryReadsShareUptakePluginsBesideItsBinFolder() throws {
        let prefix = try folder()
        try make(prefix, "bin/uptake")
        try make(prefix, "share/uptake/plugins", directory: true)
        let library = StandardLibrary.locate(executable: prefix.appendingPathComponent("bin/uptake").path)
        XCTAssertEqual(library.directory.path, prefix.appendingPathComponent("share/uptake/plugins").path)
        XCTAssertEqual(library.layout, .installed)
        XCTAssertTrue(library.exists)
    }

    func testABuildReadsItsSourceTreesPlugins() throws {
        let root = try folder()
        try make(root, "Package.swift")
        try make(root, "plugins", directory: true)
        for build in [".build/x86_64-unknown-linux-gnu/debug/uptake", ".build-asan/release/uptake"] {
            let library = StandardLibrary.locate(executable: root.appendingPathComponent(build).path)
            XCTAssertEqual(library.directory.path, root.appendingPathComponent("plugins").path, build)
            XCTAssertEqual(library.layout, .sourceTree, build)
            XCTAssertTrue(library.exists, build)
        }
    }

    func testABuildFolderOutsideAPackageIsNotASourceTree() throws {
        let root = try folder()
        try make(root, "plugins", directory: true)  // plugins/, but no Package.swift: some other project's folder
        let library = StandardLibrary.locate(executable: root.appendingPathComponent(".build/debug/uptake").path)
        XCTAssertFalse(library.exists)
        XCTAssertEqual(library.directory.path, root.appendingPathComponent(".build/share/uptake/plugins").path)
    }

    func testACopiedBinaryAloneHasAMissingLibraryAndTheNotFoundMessageSaysWhereItBelongs() throws {
        let lone = try folder()
        try make(lone, "bin/uptake")
        let library = StandardLibrary.locate(executable: lone.appendingPathComponent("bin/uptake").path)
        XCTAssertFalse(library.exists)
        let expected = lone.appendingPathComponent("share/uptake/plugins").path
        XCTAssertEqual(library.directory.path, expected)

        let project = try TemporaryProject()
        let scenario = try project.scenario("{ \"energy-cap\" },")
        let searchPath = PluginSearchPath.standard(
            scenarioFile: scenario, environment: ["HOME": lone.path], standardLibrary: library)
        XCTAssertFalse(searchPath.directories.map(\.path).contains(expected), "a missing folder is not searched")
        XCTAssertThrowsError(try RunSession(file: scenario, options: .init(searchPath: searchPath))) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("plugin 'energy-cap' (required by the scenario) was not found"), message)
            XCTAssertTrue(
                message.contains(
                    "the standard library is missing: it belongs in \(expected), beside \(lone.path)/bin/uptake; "
                        + "reinstall uptake (`make install PREFIX=...` or the .deb package) rather than copying the binary alone"
                ),
                message)
        }
    }

    func testTheStandardLibraryIsSearchedLastAndItsPluginsAreFound() throws {
        let prefix = try folder()
        try make(prefix, "bin/uptake")
        let plugins = prefix.appendingPathComponent("share/uptake/plugins")
        try FileManager.default.createDirectory(
            at: plugins.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: plugins, withDestinationURL: Repository.root.appendingPathComponent("plugins"))
        let library = StandardLibrary.locate(executable: prefix.appendingPathComponent("bin/uptake").path)
        let project = try TemporaryProject()
        let scenario = try project.scenario("{ \"energy-cap\" },")
        let searchPath = PluginSearchPath.standard(
            scenarioFile: scenario, environment: ["HOME": prefix.path], standardLibrary: library)
        XCTAssertEqual(searchPath.directories.last?.path, plugins.path)
        XCTAssertNil(searchPath.missingLibraryNote)
        let found = PluginCatalog(searchPath: searchPath).manifests.first { $0.name == "energy-cap" }
        XCTAssertEqual(found?.directory.deletingLastPathComponent().path, plugins.path)
    }

    func testTheRunningExecutableIsFoundThroughProcWithSymlinksResolved() {
        let path = SelfExecutable.path
        XCTAssertTrue(path.hasPrefix("/"), path)
        XCTAssertEqual(URL(fileURLWithPath: path).resolvingSymlinksInPath().path, path)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: path), path)
    }
}
