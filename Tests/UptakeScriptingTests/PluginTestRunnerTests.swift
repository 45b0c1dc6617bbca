import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// The Lua test runner behind `uptake test`: passing and failing tests are
/// reported with the test file and the line of the failing assertion.
final class PluginTestRunnerTests: XCTestCase {
    /// A project with one plugin that sets `subsidy` for small firms.
    func project() throws -> TemporaryProject {
        let p = try TemporaryProject()
        try p.plugin(
            "small-subsidy", params: numberParam,
            initLua: """
                return { on_tick = function(ctx) ctx.set("subsidy", ctx.params.rate, { size = "small" }) end }
                """)
        return p
    }

    func run(_ p: TemporaryProject, _ testFile: String, _ source: String) throws -> [PluginTestOutcome] {
        let path = try p.write("plugins/small-subsidy/test/\(testFile)", source)
        let file = PluginTestFile(
            url: URL(fileURLWithPath: path), pluginDirectory: p.root.appendingPathComponent("plugins/small-subsidy"))
        return PluginTestRunner(searchPath: { _ in p.searchPath }).run(file)
    }

    func testPassingAndFailingTestsAreReportedWithFileAndLine() throws {
        let p = try project()
        let outcomes = try run(
            p, "subsidy_test.lua",
            """
            local tests = {}
            tests["small firms get the subsidy"] = function(t)
              local r = t.run{ ticks = 2, firms = 200, plugins = { { "small-subsidy", rate = 0.4 } } }
              t.expect(r.lever("subsidy", 1, { size = "small" })):equals(0.4)
              t.expect(r.lever("subsidy", 1, { size = "large" })):equals(0)
            end
            tests["large firms get it too (wrong on purpose)"] = function(t)
              local r = t.run{ ticks = 2, firms = 200, plugins = { { "small-subsidy", rate = 0.4 } } }
              t.expect(r.lever("subsidy", 1, { size = "large" }), "large firms"):equals(0.4)
            end
            return tests
            """)
        XCTAssertEqual(
            outcomes.map(\.name), ["small firms get the subsidy", "large firms get it too (wrong on purpose)"])
        XCTAssertTrue(outcomes[0].passed, outcomes[0].failure ?? "")
        XCTAssertEqual(outcomes[0].line, 2)
        XCTAssertFalse(outcomes[1].passed)
        XCTAssertEqual(outcomes[1].line, 7)
        let failure = try XCTUnwrap(outcomes[1].failure)
        XCTAssertTrue(failure.hasSuffix("subsidy_test.lua:9: large firms: expected 0.4, got 0"), failure)

        let report = PluginTestReport(outcomes: outcomes).text
        XCTAssertTrue(report.contains("ok    small firms get the subsidy"), report)
        XCTAssertTrue(report.contains("FAIL  large firms get it too (wrong on purpose)"), report)
        XCTAssertTrue(report.hasSuffix("1 passed, 1 failed\n"), report)
    }

    func testMatchersAndFailsReportTheAssertionLine() throws {
        let p = try project()
        let outcomes = try run(
            p, "matchers_test.lua",
            """
            return {
              near = function(t) t.expect(0.5, "share").near(0.4, 0.01) end,
              above = function(t)
                t.expect(3):above(2)
                t.expect(1):above(2)
              end,
              fails = function(t) t.fails(function() error("boom") end, "bang") end,
              runtime = function(t) local x = nil; return x.field end,
            }
            """)
        let byName = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.name, $0.failure ?? "passed") })
        XCTAssertTrue(
            byName["near"]!.hasSuffix("matchers_test.lua:2: share: expected 0.4 (within 0.01), got 0.5"),
            byName["near"]!)
        XCTAssertTrue(
            byName["above"]!.hasSuffix("matchers_test.lua:5: expected a value above 2, got 1"), byName["above"]!)
        XCTAssertTrue(
            byName["fails"]!.contains("matchers_test.lua:7: expected an error containing \"bang\""), byName["fails"]!)
        XCTAssertTrue(byName["runtime"]!.contains("matchers_test.lua:8:"), byName["runtime"]!)
    }

    func testMistakesInTheRunTableAndPluginErrorsNameTheirPlace() throws {
        let p = try project()
        try p.plugin("faulty", initLua: "return { on_tick = function(ctx)\n  local x = nil\n  return x.y\nend }\n")
        let outcomes = try run(
            p, "errors_test.lua",
            """
            return {
              typo = function(t) t.run{ ticks = 2, plugins = { { "small-subsidy", rat = 0.4 } } } end,
              faulty = function(t) t.run{ ticks = 2, plugins = { "faulty" } } end,
            }
            """)
        let byName = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.name, $0.failure ?? "passed") })
        XCTAssertTrue(
            byName["typo"]!.contains("errors_test.lua:2: t.run: plugin 'small-subsidy' has no parameter 'rat'"),
            byName["typo"]!)
        XCTAssertTrue(byName["typo"]!.contains("Did you mean 'rate'"), byName["typo"]!)
        XCTAssertTrue(byName["faulty"]!.contains("errors_test.lua:3: t.run:"), byName["faulty"]!)
        XCTAssertTrue(
            byName["faulty"]!.contains("faulty/init.lua:3: in plugin 'faulty', hook on_tick, tick 0"), byName["faulty"]!
        )
    }

    func testTestFilesRunInTheSandbox() throws {
        let p = try project()
        let outcomes = try run(
            p, "sandbox_test.lua",
            """
            return {
              no_io = function(t) t.expect(io):is_nil(); t.expect(os):is_nil(); t.expect(debug):is_nil() end,
              helper_is_read_only = function(t) t.fails(function() t.run = nil end, "read-only") end,
            }
            """)
        XCTAssertEqual(outcomes.filter(\.passed).count, 2, outcomes.compactMap(\.failure).joined(separator: "\n"))
    }

    func testAFileThatDoesNotLoadIsOneFailure() throws {
        let p = try project()
        let outcomes = try run(p, "broken_test.lua", "return {\n  x = function(t) end\n  y = 1\n}\n")
        XCTAssertEqual(outcomes.count, 1)
        XCTAssertFalse(outcomes[0].passed)
        XCTAssertTrue(outcomes[0].failure!.contains("broken_test.lua:3: Lua syntax error"), outcomes[0].failure!)
    }

    func testDiscoveryFindsTestsOfPluginFoldersAndListsUntestedPlugins() throws {
        let p = try project()
        try p.write("plugins/small-subsidy/test/a_test.lua", "return {}")
        try p.plugin("untested", initLua: "return {}")
        let found = try PluginTestFile.discover([p.root.appendingPathComponent("plugins").path])
        XCTAssertEqual(found.files.map(\.url.lastPathComponent), ["a_test.lua"])
        XCTAssertEqual(found.files.first?.pluginDirectory?.lastPathComponent, "small-subsidy")
        XCTAssertEqual(found.untested.map(\.lastPathComponent), ["untested"])
        XCTAssertThrowsError(try PluginTestFile.discover([p.root.appendingPathComponent("nowhere").path]))
    }
}
