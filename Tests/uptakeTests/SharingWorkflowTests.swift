import Foundation
import XCTest
import UptakeTestSupport

/// Two teams share a plugin through registries, as docs/plugins.md tells it,
/// with the built `uptake` and the git program, all offline: team A makes a
/// key, packs and publishes to a git registry (a local bare repository) and
/// a folder registry; team B searches, installs, runs, updates within its
/// constraint, and refuses what it should.
final class SharingWorkflowTests: XCTestCase {
    struct Team {
        let root: URL
        let home: URL
        func uptake(_ arguments: [String]) throws -> UptakeCLI.Result {
            try UptakeCLI.run(arguments, in: root, environment: ["HOME": home.path, "NO_COLOR": "1"])
        }
        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        func read(_ relative: String) throws -> String {
            try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
        }
    }

    func team(_ name: String) throws -> Team {
        let root = try TemporaryFolder.make(prefix: "\(name)-")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("plugins"), withIntermediateDirectories: true)
        return Team(root: root, home: try TemporaryFolder.make(prefix: "\(name)-home-"))
    }

    @discardableResult
    func git(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging([
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@localhost",
        ]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw XCTSkip("git \(arguments) failed: \(text)") }
        return text
    }

    /// Team A's plugin at `version`, packed into dist/.
    func release(_ team: Team, version: String, share: String = "0.2") throws -> String {
        try team.write(
            "plugins/my-subsidy/plugin.toml",
            """
            name = "my-subsidy"
            version = "\(version)"
            api = "^1"
            description = "Pays a share of small firms' adoption cost."
            authors = ["Policy lab"]
            license = "MIT"
            """)
        try team.write(
            "plugins/my-subsidy/init.lua",
            "return { on_tick = function(ctx) ctx.set('subsidy', \(share), { size = 'small' }) end }\n")
        let r = try team.uptake(["plugin", "pack", "plugins/my-subsidy"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return "dist/my-subsidy-\(version).zip"
    }

    func testTwoTeamsShareAPluginThroughAGitAndAFolderRegistry() throws {
        let a = try team("team-a"), b = try team("team-b")
        let server = try TemporaryFolder.make(prefix: "server-")
        let bare = server.appendingPathComponent("plugins.git")
        try git(["init", "--quiet", "--bare", bare.path], in: server)
        let gitRegistry = "git+file://" + bare.path
        let folderRegistry = server.appendingPathComponent("shared-drive").path

        // Team A: a key, a release, published to both registries.
        let keygen = try a.uptake(["plugin", "keygen", "policy-lab"])
        XCTAssertEqual(keygen.status, 0, keygen.stderr)
        let trustLine = try XCTUnwrap(keygen.stdout.split(separator: "\n").last { $0.hasPrefix("policy-lab = [") })
        for registry in [gitRegistry, folderRegistry] {
            let r = try a.uptake(["plugin", "publish", try release(a, version: "1.0.0"), "--registry", registry])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("Published my-subsidy 1.0.0"), r.stdout)
            XCTAssertTrue(r.stdout.contains("signed by policy-lab"), r.stdout)
        }

        // Team B trusts policy-lab's key and requires signatures.
        try b.write(
            "uptake.toml",
            """
            require_signatures = true

            [[registry]]
            name = "lab-git"
            url = "\(gitRegistry)"

            [[registry]]
            name = "shared-drive"
            url = "\(folderRegistry)"

            [publishers]
            \(trustLine)
            """)
        let search = try b.uptake(["plugin", "search", "subsidy"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(
            search.stdout.contains("my-subsidy 1.0.0  (registry 'lab-git', signed by policy-lab)"), search.stdout)
        XCTAssertTrue(search.stdout.contains("(registry 'shared-drive', signed by policy-lab)"), search.stdout)

        let install = try b.uptake(["plugin", "install", "my-subsidy@^1.0"])
        XCTAssertEqual(install.status, 0, install.stderr)
        XCTAssertTrue(install.stdout.contains("Installed my-subsidy 1.0.0 from registry 'lab-git'"), install.stdout)
        var lock = try b.read("uptake.lock")
        XCTAssertTrue(lock.contains("source = \"registry:lab-git\""), lock)
        XCTAssertTrue(lock.contains("constraint = \"^1.0\""), lock)
        XCTAssertFalse(lock.contains(b.root.path), "portable: \(lock)")
        try b.write(
            "scenario.lua", "return scenario { ticks = 4, firms = 200, seed = 1, plugins = { \"my-subsidy\" } }\n")
        let run = try b.uptake(["run", "scenario.lua", "--quiet", "--out", "out"])
        XCTAssertEqual(run.status, 0, run.stderr)
        // plugin lock pins the scenario's plugins and keeps where this one came from, its constraint and signature.
        let relock = try b.uptake(["plugin", "lock", "scenario.lua"])
        XCTAssertEqual(relock.status, 0, relock.stderr)
        lock = try b.read("uptake.lock")
        XCTAssertTrue(lock.contains("source = \"registry:lab-git\"\nhash = "), lock)
        XCTAssertTrue(lock.contains("constraint = \"^1.0\"\npublisher = \"policy-lab\""), lock)

        // Team A releases a minor and a major version; team B takes the minor one only.
        for version in ["1.1.0", "2.0.0"] {
            let r = try a.uptake(["plugin", "publish", try release(a, version: version), "--registry", gitRegistry])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let outdated = try b.uptake(["plugin", "outdated"])
        XCTAssertEqual(outdated.status, 0, outdated.stderr)
        XCTAssertTrue(outdated.stdout.contains("1.0.0       1.1.0       2.0.0       ^1.0"), outdated.stdout)
        let update = try b.uptake(["plugin", "update"])
        XCTAssertEqual(update.status, 0, update.stderr)
        XCTAssertTrue(update.stdout.contains("Installed my-subsidy 1.0.0 -> 1.1.0"), update.stdout)
        XCTAssertTrue(update.stdout.contains("my-subsidy 2.0.0 is out of its constraint ^1.0"), update.stdout)
        lock = try b.read("uptake.lock")
        XCTAssertTrue(lock.contains("version = \"1.1.0\""), lock)
        XCTAssertEqual(try b.uptake(["run", "scenario.lua", "--quiet", "--out", "out"]).status, 0)

        // Someone else's key, signing as policy-lab, on the shared drive: refused.
        let forger = try team("forger")
        XCTAssertEqual(try forger.uptake(["plugin", "keygen", "policy-lab"]).status, 0)
        let forged = try forger.uptake([
            "plugin", "publish", try release(forger, version: "1.2.0", share: "0.9"), "--registry", folderRegistry,
        ])
        XCTAssertEqual(forged.status, 0, forged.stderr)
        let refused = try b.uptake(["plugin", "install", "my-subsidy@^1.2"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(
            refused.stderr.hasPrefix("Error: plugin 'my-subsidy' 1.2.0 (registry 'shared-drive') is signed with key"),
            refused.stderr)
        XCTAssertTrue(refused.stderr.contains("does not list for publisher 'policy-lab'"), refused.stderr)
        XCTAssertTrue(try b.read("uptake.lock").contains("version = \"1.1.0\""), "the lock is unchanged")

        // An archive altered on the shared drive: refused by a project that installs from there.
        let c = try team("team-c")
        try c.write("uptake.toml", "[[registry]]\nname = \"shared-drive\"\nurl = \"\(folderRegistry)\"\n")
        let archive = URL(fileURLWithPath: folderRegistry).appendingPathComponent("archives/my-subsidy-1.0.0.zip")
        var bytes = try Data(contentsOf: archive)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: archive)
        let damaged = try c.uptake(["plugin", "install", "my-subsidy@=1.0.0"])
        XCTAssertEqual(damaged.status, 1)
        XCTAssertTrue(damaged.stderr.contains("does not match the checksum in its index"), damaged.stderr)

        // Team B's installed copy altered by hand: the run refuses it.
        try b.write("plugins/my-subsidy/init.lua", "return {}\n")
        let altered = try b.uptake(["run", "scenario.lua", "--quiet", "--out", "out"])
        XCTAssertEqual(altered.status, 1)
        XCTAssertTrue(altered.stderr.contains("differs from uptake.lock: init.lua changed"), altered.stderr)
    }

    func testAPluginInstalledFromAGitTagIsPinnedAndRefusedWhenSignaturesAreRequired() throws {
        let repo = try TemporaryFolder.make(prefix: "plugin-repo-")
        try git(["init", "--quiet", repo.path], in: repo)
        try Data("name = \"git-policy\"\nversion = \"1.2.0\"\napi = \"^1\"\n".utf8).write(
            to: repo.appendingPathComponent("plugin.toml"))
        try Data("return {}\n".utf8).write(to: repo.appendingPathComponent("init.lua"))
        try git(["add", "."], in: repo)
        try git(["commit", "--quiet", "-m", "1.2.0"], in: repo)
        try git(["tag", "v1.2.0"], in: repo)
        let b = try team("team-b")
        let r = try b.uptake(["plugin", "install", "git+file://" + repo.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Installed plugins/git-policy"), r.stdout)
        let origin = try b.read("plugins/git-policy/.uptake-origin.toml")
        XCTAssertTrue(origin.contains("source = \"git+file://\(repo.path)#v1.2.0\""), origin)

        let strict = try team("strict")
        try strict.write("uptake.toml", "require_signatures = true\n")
        let refused = try strict.uptake(["plugin", "install", "git+file://" + repo.path + "#v1.2.0"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("plugin 'git-policy' 1.2.0 (git+file://"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("is not signed"), refused.stderr)
        try strict.write("plugins/hand-made/plugin.toml", "name = \"hand-made\"\nversion = \"0.1.0\"\n")
        try strict.write("plugins/hand-made/init.lua", "return {}\n")
        XCTAssertEqual(try strict.uptake(["plugin", "pack", "plugins/hand-made", "--out", "dist"]).status, 0)
        let byHand = try strict.uptake(["plugin", "install", "dist/hand-made-0.1.0.zip", "--to", "elsewhere"])
        XCTAssertEqual(byHand.status, 1)
        XCTAssertTrue(
            byHand.stderr.hasPrefix(
                "Error: plugin 'hand-made' 0.1.0 (dist/hand-made-0.1.0.zip) is not signed, and "
                    + "\(strict.root.path)/uptake.toml has require_signatures = true"), byHand.stderr)

        let marker = b.root.appendingPathComponent("pwned")
        let hostile = try b.uptake(["plugin", "install", "git+--upload-pack=touch \(marker.path)"])
        XCTAssertEqual(hostile.status, 1)
        XCTAssertTrue(hostile.stderr.contains("is not a git address uptake accepts"), hostile.stderr)
        try b.write("uptake.toml", "[[registry]]\nname = \"evil\"\nurl = \"git+--upload-pack=touch \(marker.path)\"\n")
        let hostileRegistry = try b.uptake(["plugin", "search", "x"])
        XCTAssertEqual(hostileRegistry.status, 1)
        XCTAssertTrue(hostileRegistry.stderr.contains("is not a git address uptake accepts"), hostileRegistry.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path))

        // A link in the repository could point anywhere on the machine: nothing is installed.
        try FileManager.default.createSymbolicLink(
            atPath: repo.appendingPathComponent("data.csv").path, withDestinationPath: "/etc/passwd")
        try git(["add", "data.csv"], in: repo)
        try git(["commit", "--quiet", "-m", "1.2.1"], in: repo)
        try git(["tag", "v1.2.1"], in: repo)
        let linked = try b.uptake(["plugin", "install", "git+file://" + repo.path + "#v1.2.1", "--to", "elsewhere"])
        XCTAssertEqual(linked.status, 1)
        XCTAssertTrue(linked.stderr.contains("holds a symbolic link, data.csv"), linked.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: b.root.appendingPathComponent("elsewhere").path))
    }

    /// The key in keygen's line `policy-lab = ["ed25519:..."]`.
    func publicKey(_ keygen: UptakeCLI.Result) throws -> String {
        let line = try XCTUnwrap(keygen.stdout.split(separator: "\n").last { $0.hasPrefix("policy-lab = [") })
        return String(try XCTUnwrap(line.split(separator: "\"").dropFirst().first))
    }

    func testAPublisherRotatesItsKeyAndAProjectRevokesTheOldOne() throws {
        let a = try team("team-a"), b = try team("team-b")
        let registry = try TemporaryFolder.make(prefix: "server-").appendingPathComponent("shared-drive").path
        let old = try publicKey(try a.uptake(["plugin", "keygen", "policy-lab"]))
        XCTAssertEqual(
            try a.uptake(["plugin", "publish", try release(a, version: "1.0.0"), "--registry", registry]).status, 0)
        func settings(trusting keys: [String], revoking revoked: [String] = []) throws {
            let list = keys.map { "\"\($0)\"" }.joined(separator: ", ")
            let revokedList = revoked.map { "\"\($0)\"" }.joined(separator: ", ")
            try b.write(
                "uptake.toml",
                """
                require_signatures = true
                revoked_keys = [\(revokedList)]

                [[registry]]
                name = "shared-drive"
                url = "\(registry)"

                [publishers]
                policy-lab = [\(list)]
                """)
        }
        try settings(trusting: [old])
        XCTAssertEqual(try b.uptake(["plugin", "install", "my-subsidy"]).status, 0)
        try b.write(
            "scenario.lua", "return scenario { ticks = 4, firms = 200, seed = 1, plugins = { \"my-subsidy\" } }\n")
        XCTAssertEqual(try b.uptake(["run", "scenario.lua", "--quiet", "--out", "out"]).status, 0)

        // The publisher makes a new key and signs the next release with it.
        let newKeyFile = a.home.appendingPathComponent(".uptake/keys/policy-lab-2027.key").path
        let new = try publicKey(try a.uptake(["plugin", "keygen", "policy-lab", "--out", newKeyFile]))
        let ambiguous = try a.uptake(["plugin", "publish", try release(a, version: "1.1.0"), "--registry", registry])
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.stderr.contains("say which with --key"), ambiguous.stderr)
        let signedNew = try a.uptake([
            "plugin", "publish", "dist/my-subsidy-1.1.0.zip", "--registry", registry, "--key", newKeyFile,
        ])
        XCTAssertEqual(signedNew.status, 0, signedNew.stderr)

        // Until the project lists the new key, the new release is refused.
        let notYet = try b.uptake(["plugin", "update"])
        XCTAssertEqual(notYet.status, 1)
        XCTAssertTrue(notYet.stderr.contains("which \(b.root.path)/uptake.toml does not list"), notYet.stderr)
        // Both keys listed during the rotation; the old one then revoked (a lost laptop):
        // the installed copy signed with it no longer runs, and update brings the new release.
        try settings(trusting: [old, new], revoking: [old])
        let revoked = try b.uptake(["run", "scenario.lua", "--quiet", "--out", "out"])
        XCTAssertEqual(revoked.status, 1)
        XCTAssertTrue(revoked.stderr.contains("which \(b.root.path)/uptake.toml lists in revoked_keys"), revoked.stderr)
        let update = try b.uptake(["plugin", "update"])
        XCTAssertEqual(update.status, 0, update.stderr)
        XCTAssertTrue(update.stdout.contains("Installed my-subsidy 1.0.0 -> 1.1.0"), update.stdout)
        XCTAssertEqual(try b.uptake(["run", "scenario.lua", "--quiet", "--out", "out"]).status, 0)
    }
}
