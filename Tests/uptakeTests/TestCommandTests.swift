import Foundation
import XCTest
import UptakeTestSupport

/// `uptake test` as a user runs it: one line per test, a summary, exit status 1 on failure.
extension CommandLineTests {
    func testTestCommandReportsEachTestAndFailsWhenOneFails() throws {
        let dir = try TemporaryFolder.make()
        let plugin = dir.appendingPathComponent("plugins/noop")
        try FileManager.default.createDirectory(
            at: plugin.appendingPathComponent("test"), withIntermediateDirectories: true)
        try "name = \"noop\"\nversion = \"1.0.0\"\napi = \"^1\"\n".write(
            to: plugin.appendingPathComponent("plugin.toml"), atomically: true, encoding: .utf8)
        try "return {}\n".write(to: plugin.appendingPathComponent("init.lua"), atomically: true, encoding: .utf8)
        try """
        return {
          runs = function(t) t.expect(t.run{ ticks = 2, firms = 100, plugins = { "noop" } }.ticks):equals(2) end,
          wrong = function(t)
            t.expect(1 + 1):equals(3)
          end,
        }
        """.write(to: plugin.appendingPathComponent("test/noop_test.lua"), atomically: true, encoding: .utf8)

        let r = try uptake(["test"], in: dir)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("ok    runs  plugins/noop/test/noop_test.lua:2"), r.stdout)
        XCTAssertTrue(r.stdout.contains("FAIL  wrong  plugins/noop/test/noop_test.lua:3"), r.stdout)
        XCTAssertTrue(r.stdout.contains("plugins/noop/test/noop_test.lua:4: expected 3, got 2"), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("1 passed, 1 failed\n"), r.stdout)

        let missing = try uptake(["test", "plugins/nothing"], in: dir)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("plugins/nothing: no such file or folder"), missing.stderr)
    }

    func testTheStandardLibraryPassesItsOwnTests() throws {
        let r = try uptake(["test", "plugins"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains(" 0 failed"), r.stdout)
        XCTAssertFalse(r.stdout.contains("no tests in"), r.stdout)
    }
}
