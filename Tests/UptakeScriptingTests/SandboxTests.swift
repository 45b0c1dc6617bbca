import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// Plugins come from other teams: whatever they do, the host survives and
/// reports one clear error naming the plugin, hook and tick.
final class SandboxTests: XCTestCase {
    /// Runs a scenario whose only plugin has `body` as its on_tick (failing at tick 2).
    func failure(
        onTick body: String, limits: (Int?, Int?) = (nil, nil), file: StaticString = #filePath, line: UInt = #line
    ) throws -> Diagnostic {
        let p = try TemporaryProject()
        try p.plugin(
            "rogue",
            initLua: """
                local M = {}
                function M.on_tick(ctx)
                  if ctx.tick < 2 then return end
                  \(body)
                end
                return M
                """)
        let scenario = try p.scenario("\"rogue\",")
        let d = try XCTUnwrap(p.failure(scenario, limits: limits), file: file, line: line)
        XCTAssertEqual(d.plugin, "rogue", d.description, file: file, line: line)
        XCTAssertEqual(d.hook, "on_tick", d.description, file: file, line: line)
        XCTAssertEqual(d.tick, 2, d.description, file: file, line: line)
        XCTAssertTrue(d.file?.hasSuffix("plugins/rogue/init.lua") ?? false, d.description, file: file, line: line)
        XCTAssertEqual(d.description.split(separator: "\n").count, 1, d.description, file: file, line: line)
        return d
    }

    func testInfiniteLoopHitsTheInstructionBudget() throws {
        let d = try failure(onTick: "while true do end", limits: (2_000_000, nil))
        XCTAssertTrue(d.problem.contains("instruction budget exceeded"), d.description)
        XCTAssertEqual(d.line, 4)
        XCTAssertTrue(d.fix?.contains("limits.instructions") ?? false)
    }

    func testCatchingTheBudgetErrorDoesNotHelp() throws {
        let d = try failure(
            onTick: "for i = 1, 100 do pcall(function() while true do end end) end", limits: (2_000_000, nil))
        XCTAssertTrue(d.problem.contains("instruction budget exceeded"), d.description)
    }

    func testAllocationBombHitsTheMemoryCap() throws {
        let d = try failure(onTick: "local t = {} for i = 1, 1e9 do t[i] = { i } end", limits: (2_000_000_000, 32))
        XCTAssertTrue(d.problem.contains("memory"), d.description)
        XCTAssertTrue(d.fix?.contains("memory_mb") ?? false)
    }

    func testHugeStringRepHitsTheMemoryCap() throws {
        // 1,536 copies of 1 MiB: cheap in steps, far too big for the cap.
        let d = try failure(onTick: "local s = string.rep(string.rep(\"x\", 1024 * 1024), 1536)", limits: (nil, 64))
        XCTAssertTrue(d.problem.contains("memory"), d.description)
        // 1.5 billion one-byte copies: the repetitions alone exhaust the budget before any memory is taken.
        let e = try failure(onTick: "local s = string.rep(\"x\", 1536 * 1024 * 1024)", limits: (nil, 64))
        XCTAssertTrue(e.problem.contains("instruction budget"), e.description)
    }

    func testUnboundedRecursionIsAStackOverflow() throws {
        let d = try failure(onTick: "local function f(n) return 1 + f(n + 1) end\n  f(1)")
        XCTAssertTrue(d.problem.contains("stack overflow"), d.description)
    }

    func testDangerousLibrariesAreAbsent() throws {
        for name in ["os", "io", "debug", "package", "dofile", "loadfile", "require_native", "collectgarbage_full"] {
            let use: String
            switch name {
            case "os": use = "os.execute(\"true\")"
            case "io": use = "io.open(\"/etc/passwd\")"
            case "debug": use = "debug.sethook()"
            case "package": use = "package.loadlib(\"x\", \"y\")"
            case "dofile": use = "dofile(\"/etc/passwd\")"
            case "loadfile": use = "loadfile(\"/etc/passwd\")"
            case "require_native": use = "require(\"os\")"
            default: use = "collectgarbage(\"collect\")"
            }
            let d = try failure(onTick: use)
            XCTAssertEqual(d.line, 4, "\(name): \(d.description)")
            let expected =
                ["collectgarbage_full": "collectgarbage is limited", "require_native": "no module"][name]
                ?? "nil value (global '\(name)')"
            XCTAssertTrue(d.problem.contains(expected), "\(name): \(d.description)")
        }
    }

    func testBinaryChunksAreRefused() throws {
        let d1 = try failure(
            onTick: "local f, err = load(string.dump(function() return 1 end))\n  if not f then error(err) end")
        XCTAssertTrue(d1.problem.contains("binary chunk"), d1.description)
        let d2 = try failure(onTick: "load(\"return 1\", \"x\", \"b\")")
        XCTAssertTrue(d2.problem.contains("only text chunks"), d2.description)
        // Text chunks load, with the plugin's own environment.
        let d3 = try failure(
            onTick: "local f = load(\"return ctx_is_not_global\")\n  error(\"loaded: \" .. tostring(f()))")
        XCTAssertTrue(d3.problem.contains("loaded: nil"), d3.description)
    }

    func testAPITablesAndLibrariesAreReadOnly() throws {
        for (code, expected) in [
            ("ctx.stats.adoption = 1", "ctx.stats is read-only"),
            ("ctx.set = nil", "ctx is read-only"),
            ("ctx.params.rate = 2", "ctx.params is read-only"),
            ("string.rep = nil", "string is read-only"),
            ("rawset(ctx, \"set\", 1)", "read-only"),
            ("setmetatable(ctx, {})", "protected metatable"),
            ("getmetatable(\"\").__index = {}", "index a boolean value"),
        ] {
            let d = try failure(onTick: code)
            XCTAssertTrue(d.problem.contains(expected), "\(code): \(d.description)")
        }
    }

    func testPluginsCannotSeeOrWriteEachOthersGlobals() throws {
        let p = try TemporaryProject()
        try p.plugin(
            "alpha",
            initLua: """
                secret = "alpha's"
                local M = {}
                function M.after_tick(ctx)
                  if secret ~= "alpha's" then error("alpha's global was changed to " .. tostring(secret)) end
                end
                return M
                """)
        try p.plugin(
            "beta",
            initLua: """
                if secret ~= nil then error("beta can see alpha's global") end
                local M = {}
                function M.on_tick(ctx)
                  secret = "beta's"
                  _G.secret = "beta's too"
                end
                return M
                """)
        let s = try p.session(try p.scenario("\"alpha\", \"beta\","))
        XCTAssertNoThrow(try s.run())
    }

    func testErrorsThatAreTablesOrNil() throws {
        let d1 = try failure(onTick: "error({ code = 42 })")
        XCTAssertTrue(d1.problem.contains("table value instead of a message"), d1.description)
        XCTAssertEqual(d1.line, 4)
        let d2 = try failure(onTick: "error(nil)")
        XCTAssertTrue(d2.problem.contains("nil value instead of a message"), d2.description)
        let d3 = try failure(onTick: "error(setmetatable({}, { __tostring = function() return \"custom error\" end }))")
        XCTAssertTrue(d3.problem.contains("custom error"), d3.description)
    }

    func testErrorInsideACoroutine() throws {
        let d = try failure(
            onTick: "local co = coroutine.wrap(function()\n    error(\"boom in coroutine\")\n  end)\n  co()")
        XCTAssertTrue(d.problem.contains("boom in coroutine"), d.description)
        XCTAssertEqual(d.line, 5)
    }

    func testYieldAcrossAHookIsAnError() throws {
        let d = try failure(onTick: "coroutine.yield(1)")
        XCTAssertTrue(d.problem.contains("yield"), d.description)
    }

    func testCoroutinesInsideAHookWork() throws {
        let d = try failure(
            onTick: """
                local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
                  error("sum " .. (gen() + gen() + gen()))
                """)
        XCTAssertTrue(d.problem.contains("sum 6"), d.description)
    }

    func testHostSurvivesAndCanRunAgainAfterAFailure() throws {
        _ = try failure(onTick: "while true do end", limits: (1_000_000, nil))
        let p = try TemporaryProject()
        let s = try p.session(try p.scenario())
        XCTAssertNoThrow(try s.run())
        XCTAssertEqual(s.simulation.history.count, 12)
    }

    func testRequireIsLimitedToOwnModulesAndDependencies() throws {
        let p = try TemporaryProject()
        try p.write("plugins/helper-lib/util.lua", "return { double = function(x) return 2 * x end }")
        try p.plugin("helper-lib", initLua: "return {}")
        try p.write("plugins/user/lib/math2.lua", "return { triple = function(x) return 3 * x end }")
        try p.plugin(
            "user", dependencies: "helper-lib = \"^1\"\n",
            initLua: """
                local util = require("helper-lib.util")
                local m2 = require("lib.math2")
                local M = {}
                function M.after_tick(ctx) ctx.record("value", util.double(m2.triple(ctx.tick))) end
                return M
                """)
        try p.plugin("outsider", initLua: "local u = require(\"helper-lib.util\")\nreturn {}")
        let s = try p.session(try p.scenario("\"user\","))
        try s.run()
        XCTAssertEqual(s.simulation.metrics[5]["value"], 30)
        let d = try XCTUnwrap(p.failure(try p.scenario("\"outsider\",", name: "other.lua")))
        XCTAssertEqual(d.plugin, "outsider")
        XCTAssertTrue(d.problem.contains("declared dependencies"), d.description)
    }

    func testPairsOrderIsFixedAndNextSeesThroughReadOnlyViews() throws {
        let p = try TemporaryProject()
        try p.plugin(
            "walker", params: "[params.names]\ntype = \"list\"\ndefault = [\"b\", \"a\"]\n",
            initLua: """
                local M = {}
                function M.setup(ctx)
                  local keys = {}
                  for k in pairs({ zeta = 1, alpha = 2, [3] = 0, mid = 3, [1] = 0 }) do keys[#keys + 1] = tostring(k) end
                  if table.concat(keys, ",") ~= "1,3,alpha,mid,zeta" then error("order " .. table.concat(keys, ",")) end
                  if next(ctx.params.names) == nil then error("next sees an empty view") end
                end
                return M
                """)
        XCTAssertNoThrow(try p.session(try p.scenario("\"walker\",")).run())
    }
}
