import Foundation
import GRDB
import XCTest
import UptakeTestSupport

/// uptake run as an installed tool: called by bare name through a symlink on
/// PATH, copied into a PREFIX/bin with its share folder, or copied alone;
/// `--version`; and results databases that remember which build made them.
final class InstallLayoutTests: XCTestCase {
    /// The built binary with symlinks resolved (.build/debug is a link to the triple's folder).
    static let binary = UptakeCLI.productsDirectory.appendingPathComponent("uptake").resolvingSymlinksInPath()

    /// A folder with spaces in its path, away from the source tree.
    func folder(_ name: String) throws -> URL { try TemporaryFolder.make(prefix: "uptake \(name) ") }

    /// `uptake ARGS` typed by bare name, found on a PATH whose first folder is `bin`.
    func byName(_ arguments: [String], bin: URL, in directory: URL, home: URL) throws -> UptakeCLI.Result {
        try UptakeCLI.run(
            ["uptake"] + arguments, in: directory,
            environment: ["PATH": bin.path + ":/usr/bin:/bin", "HOME": home.path, "UPTAKE_PLUGIN_PATH": ""],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// A hard link to the built binary (the kernel reports a hard link's own path as
    /// /proc/self/exe, as for a copy), or a copy where links cannot be made.
    func install(binaryAt url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        do { try FileManager.default.linkItem(at: Self.binary, to: url) } catch {
            try FileManager.default.copyItem(at: Self.binary, to: url)
        }
    }

    /// A scenario that uses standard plugins, in a folder with no plugins of its own.
    func standardScenario(in dir: URL) throws -> String {
        try """
        return scenario {
          name = "standard plugins", ticks = 4, seed = 3, firms = 200,
          plugins = { { "energy-cap" }, { "tax-relief", rate = 0.2 } },
        }
        """.write(to: dir.appendingPathComponent("standard.lua"), atomically: true, encoding: .utf8)
        return "standard.lua"
    }

    func testVersionSaysTheReleaseAndTheCommitItWasBuiltFrom() throws {
        let r = try UptakeCLI.run(["--version"], in: Repository.root)
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let pattern = #"^uptake \d+\.\d+\.\d+ \(commit ([0-9a-f]{7}(\+dirty)?|unknown)\)$"#
        XCTAssertNotNil(line.range(of: pattern, options: .regularExpression), line)
        // Built from this git checkout: the commit is one of its commits (HEAD when built just now; a
        // commit made after the build, before `swift test --skip-build`, moves HEAD on).
        func git(_ arguments: [String]) -> (status: Int32, output: String)? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", Repository.root.path] + arguments
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let top = git(["rev-parse", "--show-toplevel"]), top.status == 0,
            URL(fileURLWithPath: top.output).resolvingSymlinksInPath() == Repository.root.resolvingSymlinksInPath()
        else { return }
        let commit = line.replacingOccurrences(
            of: #"^.*\(commit ([0-9a-f]*|unknown).*$"#, with: "$1", options: .regularExpression)
        XCTAssertNotEqual(commit, "unknown", "built in a git checkout, the commit is known: \(line)")
        XCTAssertEqual(
            git(["cat-file", "-e", "\(commit)^{commit}"])?.status, 0, "\(commit) is not a commit of this repository")
    }

    func testCalledByBareNameThroughASymlinkItFindsTheStandardLibraryAndSlurmWritesTheRealPath() throws {
        let bin = try folder("bin")
        try FileManager.default.createSymbolicLink(
            at: bin.appendingPathComponent("uptake"), withDestinationURL: Self.binary)
        let work = try BatchCommandTests.project()
        let home = try folder("home")
        let standard = try standardScenario(in: work)

        let run = try byName(["run", standard, "--out", "out", "--quiet"], bin: bin, in: work, home: home)
        XCTAssertEqual(run.status, 0, run.stderr)
        let info = try byName(["plugin", "info", "energy-cap", "--scenario", standard], bin: bin, in: work, home: home)
        XCTAssertTrue(
            info.stdout.contains("(\(Repository.root.appendingPathComponent("plugins/energy-cap").path))"), info.stdout)

        let slurm = try byName(
            ["slurm", "experiment.lua", "--shards", "2", "--out", "sweep"], bin: bin, in: work, home: home)
        XCTAssertEqual(slurm.status, 0, slurm.stderr)
        XCTAssertTrue(
            slurm.stdout.contains("\nexec \(Self.binary.path) batch experiment.lua --shard \"$K/2\""), slurm.stdout)
        XCTAssertFalse(slurm.stdout.contains(bin.path), "the symlink's folder is not what a compute node should run")
    }

    func testACopyInPrefixBinReadsPrefixShareAndACopyAloneSaysWhereTheLibraryBelongs() throws {
        let prefix = try folder("prefix")
        try install(binaryAt: prefix.appendingPathComponent("bin/uptake"))
        let work = try folder("work")
        let home = try folder("home")
        let standard = try standardScenario(in: work)
        let bin = prefix.appendingPathComponent("bin")

        let alone = try byName(["run", standard, "--out", "out"], bin: bin, in: work, home: home)
        XCTAssertEqual(alone.status, 1)
        let expected = prefix.appendingPathComponent("share/uptake/plugins").path
        XCTAssertTrue(
            alone.stderr.contains(
                "Error: standard.lua:3: plugin 'energy-cap' (required by the scenario) was not found"), alone.stderr)
        XCTAssertTrue(
            alone.stderr.contains(
                "the standard library is missing: it belongs in \(expected), beside \(bin.path)/uptake; reinstall uptake"
            ),
            alone.stderr)
        let list = try byName(["plugin", "list"], bin: bin, in: work, home: home)
        XCTAssertTrue(
            list.stdout.contains("Note: the standard library is missing: it belongs in \(expected)"), list.stdout)

        // With its share folder (a link to the source tree's plugins, standing in for an installed copy).
        try FileManager.default.createDirectory(
            at: prefix.appendingPathComponent("share/uptake"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: expected, withDestinationPath: Repository.root.appendingPathComponent("plugins").path)
        let run = try byName(["run", standard, "--out", "out", "--quiet"], bin: bin, in: work, home: home)
        XCTAssertEqual(run.status, 0, run.stderr)
        let info = try byName(["plugin", "info", "energy-cap", "--scenario", standard], bin: bin, in: work, home: home)
        XCTAssertTrue(info.stdout.contains("(\(expected)/energy-cap)"), info.stdout)
    }

    /// Makes a database look as if another build had made it.
    func pretendAnotherBuildMade(_ path: URL) throws {
        let db = try DatabaseQueue(path: path.path)
        try db.write { db in
            try db.execute(
                sql: "UPDATE provenance SET hash = '9c1d2e4f00000000000000000000000000000000' WHERE kind = 'program'")
            try db.execute(
                sql:
                    "UPDATE experiment SET value = '9c1d2e4f00000000000000000000000000000000' WHERE key = 'program_commit'"
            )
        }
    }

    func testResumeAndMergeRefuseAnotherBuildUnlessAllowed() throws {
        let dir = try BatchCommandTests.project(values: 2, replicates: 1)
        let version = try UptakeCLI.run(["--version"], in: dir).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(
            try UptakeCLI.run(["batch", "experiment.lua", "--shard", "1/2", "--out", "s1.db", "--quiet"], in: dir)
                .status, 0)
        XCTAssertEqual(
            try UptakeCLI.run(["batch", "experiment.lua", "--shard", "2/2", "--out", "s2.db", "--quiet"], in: dir)
                .status, 0)
        // The database records the build that --version names: its version, and its commit in full.
        let program = try DatabaseQueue(path: dir.appendingPathComponent("s1.db").path).read { db in
            try Row.fetchOne(db, sql: "SELECT version, hash FROM provenance WHERE kind = 'program'")
        }
        let recordedVersion: String = program?["version"] ?? "", recordedCommit: String = program?["hash"] ?? ""
        XCTAssertTrue(
            version.hasPrefix("uptake \(recordedVersion) (commit \(recordedCommit.prefix(7))"),
            "\(version) versus \(recordedCommit)")

        try pretendAnotherBuildMade(dir.appendingPathComponent("s2.db"))
        let resume = try UptakeCLI.run(
            ["batch", "experiment.lua", "--shard", "2/2", "--out", "s2.db", "--resume"], in: dir)
        XCTAssertEqual(resume.status, 1)
        XCTAssertTrue(
            resume.stderr.hasPrefix("Error: s2.db: cannot resume: another build of uptake made these results (uptake "),
            resume.stderr)
        XCTAssertTrue(resume.stderr.contains("(commit 9c1d2e4); this is \(version))"), resume.stderr)
        XCTAssertTrue(resume.stderr.contains("or add --allow-other-build to mix them anyway"), resume.stderr)
        let allowed = try UptakeCLI.run(
            [
                "batch", "experiment.lua", "--shard", "2/2", "--out", "s2.db", "--resume", "--allow-other-build",
                "--quiet",
            ], in: dir)
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let alone = try UptakeCLI.run(["batch", "experiment.lua", "--out", "x.db", "--allow-other-build"], in: dir)
        XCTAssertEqual(alone.status, 1)
        XCTAssertTrue(alone.stderr.contains("--allow-other-build goes with --resume"), alone.stderr)

        let merge = try UptakeCLI.run(["merge", "s1.db", "s2.db", "--out", "m.db"], in: dir)
        XCTAssertEqual(merge.status, 1)
        XCTAssertTrue(
            merge.stderr.hasPrefix("Error: s2.db: this shard was made by another build of uptake than s1.db (uptake "),
            merge.stderr)
        XCTAssertTrue(merge.stderr.contains("--allow-other-build"), merge.stderr)
        let merged = try UptakeCLI.run(["merge", "s1.db", "s2.db", "--out", "m.db", "--allow-other-build"], in: dir)
        XCTAssertEqual(merged.status, 0, merged.stderr)
        let builds = try DatabaseQueue(path: dir.appendingPathComponent("m.db").path).read { db in
            try String.fetchOne(db, sql: "SELECT value FROM experiment WHERE key = 'other_builds'")
        }
        XCTAssertEqual(
            builds,
            version.replacingOccurrences(
                of: #"\(commit [^)]*\)"#, with: "(commit 9c1d2e4)", options: .regularExpression))
    }
}
