import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// Versions, dependencies, lockfiles, archives: what teams rely on to share plugins.
final class SharingTests: XCTestCase {
    func testVersionConstraints() throws {
        func admits(_ c: String, _ v: String) throws -> Bool { try VersionConstraint(c).admits(SemanticVersion(v)!) }
        XCTAssertTrue(try admits("^1.2", "1.9.0"))
        XCTAssertFalse(try admits("^1.2", "2.0.0"))
        XCTAssertFalse(try admits("^1.2", "1.1.9"))
        XCTAssertTrue(try admits("~1.2.3", "1.2.9"))
        XCTAssertFalse(try admits("~1.2.3", "1.3.0"))
        XCTAssertTrue(try admits(">=1.2 <2", "1.5.0"))
        XCTAssertFalse(try admits(">=1.2 <2", "2.0.0"))
        XCTAssertTrue(try admits("*", "0.0.1"))
        XCTAssertTrue(try admits("=1.2.3", "1.2.3"))
        XCTAssertFalse(try admits("=1.2.3", "1.2.4"))
        XCTAssertTrue(try admits("^0.3", "0.3.5"))
        XCTAssertFalse(try admits("^0.3", "0.4.0"))
        XCTAssertThrowsError(try VersionConstraint("about 1"))
    }

    func testDependenciesLoadFirstAndVersionsAreChosenByConstraint() throws {
        let p = try TemporaryProject()
        try p.plugin("base-lib", version: "1.4.0", initLua: "return { setup = function(ctx) end }")
        try p.write("plugins/base-lib-old/plugin.toml", "name = \"base-lib\"\nversion = \"0.9.0\"\n")
        try p.write("plugins/base-lib-old/init.lua", "return {}")
        try p.plugin("aaa-user", dependencies: "base-lib = \"^1.2\"\n", initLua: "return {}")
        let s = try p.session(try p.scenario("\"aaa-user\","))
        XCTAssertEqual(s.plugins.map(\.name), ["base-lib", "aaa-user"])
        XCTAssertEqual(s.plugins[0].version, SemanticVersion(1, 4, 0))
        // The scenario can ask for the old one explicitly.
        let old = try p.session(try p.scenario("{ \"base-lib\", version = \"<1\" },", name: "old.lua"))
        XCTAssertEqual(old.plugins[0].version, SemanticVersion(0, 9, 0))
    }

    func testMissingDependencyNamesWhoNeedsIt() throws {
        let p = try TemporaryProject()
        try p.plugin("needy", dependencies: "ghost = \"^1\"\n", initLua: "return {}")
        let d = try XCTUnwrap(p.failure(try p.scenario("\"needy\",")))
        XCTAssertTrue(d.problem.contains("'ghost'") && d.problem.contains("plugin 'needy'"), d.description)
        XCTAssertTrue(d.file?.hasSuffix("needy/plugin.toml") ?? false, d.description)
    }

    func testVersionThatFitsNoConstraint() throws {
        let p = try TemporaryProject()
        try p.plugin("base-lib", version: "2.0.0", initLua: "return {}")
        try p.plugin("user", dependencies: "base-lib = \"^1.0\"\n", initLua: "return {}")
        let d = try XCTUnwrap(p.failure(try p.scenario("\"user\",")))
        XCTAssertTrue(d.problem.contains("no version of plugin 'base-lib' fits '^1.0'"), d.description)
        XCTAssertTrue(d.problem.contains("2.0.0"), d.description)
    }

    func testDependencyCycleIsNamed() throws {
        let p = try TemporaryProject()
        try p.plugin("ping", dependencies: "pong = \"*\"\n", initLua: "return {}")
        try p.plugin("pong", dependencies: "ping = \"*\"\n", initLua: "return {}")
        let d = try XCTUnwrap(p.failure(try p.scenario("\"ping\",")))
        XCTAssertTrue(d.problem.contains("ping -> pong -> ping"), d.description)
    }

    func testOptionalDependencyLoadsOnlyWhenUsed() throws {
        let p = try TemporaryProject()
        try p.plugin("extra", initLua: "return {}")
        try p.plugin(
            "main-plugin", dependencies: "extra = { version = \"^1\", optional = true }\n",
            initLua: """
                local ok = pcall(require, "extra")
                local M = {}
                function M.after_tick(ctx) ctx.record("has_extra", ok and 1 or 0) end
                return M
                """)
        let alone = try p.session(try p.scenario("\"main-plugin\","))
        XCTAssertEqual(alone.plugins.map(\.name), ["main-plugin"])
        try alone.run()
        XCTAssertEqual(alone.simulation.metrics[0]["has_extra"], 0)
        let both = try p.session(try p.scenario("\"main-plugin\", \"extra\",", name: "both.lua"))
        XCTAssertEqual(both.plugins.map(\.name), ["extra", "main-plugin"])
        try both.run()
        XCTAssertEqual(both.simulation.metrics[0]["has_extra"], 1)
    }

    func testLockfileRefusesAChangedPluginAndSaysWhichFile() throws {
        let p = try TemporaryProject()
        try p.plugin("steady", initLua: "return {}")
        let file = try p.scenario("\"steady\",")
        let session = try p.session(file)
        try Lockfile.pinning(session.plugins, project: p.root).write(to: p.root.appendingPathComponent("uptake.lock"))
        XCTAssertNoThrow(try p.session(file))
        let reread = try Lockfile.load(p.root.appendingPathComponent("uptake.lock"))
        XCTAssertEqual(reread.entries.map(\.name), ["steady"])
        XCTAssertEqual(reread.entries[0].path, "plugins/steady")
        try p.write("plugins/steady/init.lua", "return { setup = function() end }")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.plugin, "steady")
        XCTAssertTrue(d.problem.contains("differs from uptake.lock: init.lua changed"), d.description)
        try p.write("plugins/steady/extra.lua", "return 1")
        let d2 = try XCTUnwrap(p.failure(file))
        XCTAssertTrue(d2.problem.contains("extra.lua added"), d2.description)
    }

    func testPackAndInstallRoundTripWithChecksums() throws {
        let p = try TemporaryProject()
        try p.plugin("shared-policy", initLua: "return { on_tick = function(ctx) end }")
        try p.write("plugins/shared-policy/test/t.lua", "return {}")
        let archive = try PluginArchive.pack(
            p.root.appendingPathComponent("plugins/shared-policy"), into: p.root.appendingPathComponent("dist"))
        XCTAssertEqual(archive.lastPathComponent, "shared-policy-1.0.0.zip")
        let other = try TemporaryProject()
        let result = try PluginArchive.install(archive, into: other.root.appendingPathComponent("plugins"))
        guard case .installed(let where_) = result else { return XCTFail("\(result)") }
        XCTAssertEqual(where_.path, other.root.appendingPathComponent("plugins/shared-policy").path)
        XCTAssertEqual(
            try ContentHash.directory(other.root.appendingPathComponent("plugins/shared-policy")).total,
            try ContentHash.directory(p.root.appendingPathComponent("plugins/shared-policy")).total)
        guard
            case .alreadyInstalled = try PluginArchive.install(
                archive, into: other.root.appendingPathComponent("plugins"))
        else {
            return XCTFail("a second identical install should be a no-op")
        }
        try other.write("plugins/shared-policy/init.lua", "return {}")
        XCTAssertThrowsError(try PluginArchive.install(archive, into: other.root.appendingPathComponent("plugins"))) {
            e in
            XCTAssertTrue("\(e)".contains("--force"), "\(e)")
        }
        XCTAssertNoThrow(
            try PluginArchive.install(archive, into: other.root.appendingPathComponent("plugins"), force: true))
    }

    func testTamperedArchiveIsRefused() throws {
        let p = try TemporaryProject()
        try p.plugin("shared-policy", initLua: "return {}")
        let archive = try PluginArchive.pack(p.root.appendingPathComponent("plugins/shared-policy"), into: p.root)
        // Flip bytes of a stored file: the zip's own CRC or our checksums must catch it.
        var data = try Data(contentsOf: archive)
        let needle = Data("return {}".utf8)
        if let r = data.range(of: needle) { data.replaceSubrange(r, with: Data("return {1".utf8)) }
        try data.write(to: archive)
        let other = try TemporaryProject()
        XCTAssertThrowsError(try PluginArchive.install(archive, into: other.root.appendingPathComponent("plugins")))
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: other.root.appendingPathComponent("plugins/shared-policy").path))
    }

    func testScaffoldIsRefusedByCheckUntilItsPlaceholdersAreReplaced() throws {
        let p = try TemporaryProject()
        let folder = try PluginScaffold.create(name: "my-policy", in: p.root.appendingPathComponent("plugins"))
        XCTAssertThrowsError(try PluginChecker.check(folder, searchPath: p.searchPath)) { e in
            XCTAssertTrue(
                "\(e)".hasSuffix(
                    "plugin.toml:4: in plugin 'my-policy': the manifest still has the placeholder text of `uptake plugin new` in: "
                        + "description, authors, source of parameter 'share'. Write what the plugin does in one sentence, "
                        + "who maintains it, and where each default comes from"), "\(e)")
        }
        let manifest = folder.appendingPathComponent("plugin.toml")
        let filled = try String(contentsOf: manifest, encoding: .utf8)
            .replacingOccurrences(
                of: PluginScaffold.Placeholder.description, with: "Pays a share of small firms' adoption cost."
            )
            .replacingOccurrences(of: PluginScaffold.Placeholder.author, with: "Policy lab")
            .replacingOccurrences(of: PluginScaffold.Placeholder.source, with: "Provincial programme, 2024.")
        try filled.write(to: manifest, atomically: true, encoding: .utf8)
        let report = try PluginChecker.check(folder, searchPath: p.searchPath)
        XCTAssertEqual(report.manifest.name, "my-policy")
        XCTAssertEqual(report.warnings, [])
        XCTAssertThrowsError(try PluginScaffold.create(name: "My Policy", in: p.root))
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path), ["my-policy"],
            "no temporary folder is left beside the plugin")
    }

    func testCheckFindsABadDefault() throws {
        let p = try TemporaryProject()
        try p.plugin(
            "bad-default", params: "[params.rate]\ntype = \"number\"\ndefault = 5\nmax = 1\n", initLua: "return {}")
        XCTAssertThrowsError(
            try PluginChecker.check(p.root.appendingPathComponent("plugins/bad-default"), searchPath: p.searchPath)
        ) { e in
            XCTAssertTrue("\(e)".contains("default of parameter 'rate'"), "\(e)")
        }
    }
}
