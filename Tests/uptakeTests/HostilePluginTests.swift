import Foundation
import UptakeLocks
import XCTest
import UptakeTestSupport

/// Hostile plugins against the real `uptake` binary.
///
/// Each case builds a small project with a plugin `hostile` that attacks the
/// plugin boundary (crashes, hangs, memory, odd numbers, shared state) and a
/// plugin `witness` that checks in every hook that the world it sees is
/// untouched, then runs `uptake run scenario.lua` as a subprocess
/// (`MeasuredProcess`) with a timeout and measures its peak memory.
///
/// Expectations:
/// - `.fails(containing:)`: exit status 1; stderr has exactly one line that
///   is not a plugin log line; it starts with "Error:", names plugin
///   'hostile' (or 'hostile-echo') and not the witness, and contains one of
///   the "|"-separated fragments (case-insensitive; "" = any message). When
///   the attack runs at tick t >= 1 the witness must have logged
///   "witness ok <t-1>" (it saw the ticks before untouched).
/// - `.succeeds`: exit status 0 and the witness logged "witness finished".
///
/// Every case: not timed out, not killed by a signal, no "corrupted" from
/// the witness, done within the scenario's limits.seconds (20) plus margin,
/// and peak RSS below (a benign run's peak RSS) + 64 MiB (the Lua memory
/// cap) + 48 MiB margin (4 times that allowance when UPTAKE_SANITIZER says
/// the build is sanitized, see `allowanceScale`).
///
/// All cases of a class run (two at a time), and every broken case is
/// reported with its name, so one run lists everything that needs fixing.
final class HostilePluginTests: XCTestCase {
    // MARK: Cases

    struct Case: Sendable {
        enum Placement: Sendable {
            /// The body of `on_tick`, run only at this tick.
            case onTick(Int)
            /// The top of init.lua (load time).
            case load
            /// The body of `setup`.
            case setup
            /// A module file `attack.lua` that init.lua requires at load time.
            case module
            /// The whole init.lua; the attack happens at `attackTick` (nil: before tick 0).
            case initLua(attackTick: Int?)
        }
        enum Expectation: Sendable {
            case succeeds
            case fails(containing: String)
        }

        var name: String
        var code: String
        var placement: Placement = .onTick(2)
        var expectation: Expectation
        /// The scenario's `limits` table.
        var limits = "{ memory_mb = 64, instructions = 5000000, seconds = 20 }"
        /// Whether `hostile` declares `witness` as a dependency.
        var dependsOnWitness = false
        /// More plugins (name -> init.lua), listed in the scenario after hostile.
        var extraPlugins: [(String, String)] = []
        /// More files in plugins/hostile, as raw bytes.
        var files: [(String, Data)] = []
        /// A further check of the result; returns a problem or nil.
        var check: (@Sendable (MeasuredProcess.Result) -> String?)? = nil

        var attackTick: Int? {
            switch placement {
            case .onTick(let t): return t
            case .initLua(let t): return t
            case .load, .setup, .module: return nil
            }
        }

        var initLua: String {
            switch placement {
            case .onTick(let t):
                return
                    "local M = {}\nfunction M.on_tick(ctx)\n  if ctx.tick ~= \(t) then return end\n\(code)\nend\nreturn M\n"
            case .load:
                return "\(code)\nreturn {}\n"
            case .setup:
                return "local M = {}\nfunction M.setup(ctx)\n\(code)\nend\nreturn M\n"
            case .module:
                return "local attack = require(\"attack\")\nreturn {}\n"
            case .initLua:
                return code
            }
        }
    }

    static func tick(
        _ name: String, _ code: String, _ expectation: Case.Expectation,
        check: (@Sendable (MeasuredProcess.Result) -> String?)? = nil
    ) -> Case {
        Case(name: name, code: code, expectation: expectation, check: check)
    }

    static func fails(_ name: String, _ code: String, _ fragment: String) -> Case {
        tick(name, code, .fails(containing: fragment))
    }
    static func succeeds(_ name: String, _ code: String) -> Case { tick(name, code, .succeeds) }

    /// A problem unless stderr is under `bytes`.
    static func stderrUnder(_ bytes: Int) -> @Sendable (MeasuredProcess.Result) -> String? {
        { r in r.stderrBytes < bytes ? nil : "stderr is \(r.stderrBytes) bytes, not under \(bytes)" }
    }

    static func stderrContains(_ text: String) -> @Sendable (MeasuredProcess.Result) -> String? {
        { r in r.stderr.contains(text) ? nil : "stderr lacks \"\(text)\"" }
    }

    /// Builds `MB`, a 1 MiB string, cheaply: string.rep is charged per repetition
    /// (and per 64 bytes copied), so big strings built from big pieces reach the
    /// boundary under test instead of the instruction budget.
    static let mb = #"local MB = string.rep(string.rep("x", 1024), 1024) "#

    /// A table whose every metamethod loops forever.
    static let evil =
        #"local function loop() while true do end end local evil = setmetatable({}, { __index = loop, __newindex = loop, __eq = loop, __lt = loop, __le = loop, __len = loop, __concat = loop, __call = loop, __tostring = loop, __pairs = loop, __unm = loop, __add = loop, __close = loop, __name = "evil" })"#

    // MARK: crash

    static let crashCases: [Case] = {
        var cases: [Case] = [
            succeeds("pcall(require, '.') is caught", #"local ok = pcall(require, ".") assert(not ok)"#),
            fails("require('.')", #"require(".")"#, "require"),
            fails("require('..')", #"require("..")"#, "require"),
            fails("require of a 1 MB name", #"require(string.rep("a", 1e6))"#, "require"),
            fails("require('../witness/init')", #"require("../witness/init")"#, "require"),
            fails("require('/etc/passwd')", #"require("/etc/passwd")"#, "require"),
            tick(
                "coroutine calling pcall(ctx.firms) 1e5 times",
                #"coroutine.wrap(function() for i = 1, 1e5 do pcall(ctx.firms) end end)()"#,
                .fails(containing: "instruction budget")),
            tick(
                "math.random and ctx.log inside a coroutine",
                #"""
                coroutine.wrap(function()
                  local seen, first, differs = 0, math.random(10), false
                  for i = 1, 20 do if math.random(10) ~= first then differs = true end end
                  assert(differs, "math.random(10) gave the same number 21 times in a coroutine")
                  ctx.log("from coroutine")
                end)()
                """#, .succeeds, check: stderrContains("from coroutine")),
            // As written, the budget (string.rep is charged per byte) may stop it first.
            fails(
                "fill memory inside pcall and keep it",
                #"""
                K = {}
                pcall(function() local i = 0 while true do i = i + 1 K[i] = string.rep("x", 1000) .. i end end)
                """#, "memory|instruction"),
            fails(
                "fill memory inside pcall and keep it (cheap strings)",
                #"""
                local chunk = string.rep("x", 1000)
                K = {}
                pcall(function() local i = 0 while true do i = i + 1 K[i] = chunk .. i end end)
                """#, "memory"),
            Case(
                name: "finalizer at tick 0",
                code: #"K = setmetatable({}, { __gc = function() ctx.set("subsidy", 0.5) end })"#,
                placement: .onTick(0), expectation: .fails(containing: "__gc|finalizer")),
            fails(
                "finalizer that loops", #"setmetatable({}, { __gc = function() while true do end end })"#,
                "__gc|finalizer"),
            fails("ctx.set with a 10 MB lever name", #"ctx.set(string.rep("x", 1e7), 1)"#, "lever|instruction"),
            fails(
                "ctx.set with a 10 MB lever name (built cheaply)",
                #"ctx.set(string.rep(string.rep("x", 1000), 1e4), 1)"#, "lever"),
            fails("ctx.record with a 1 MB name", #"ctx.record(string.rep("a", 1e6), 1)"#, "record"),
            fails("ctx.record of 300 names", #"for i = 1, 300 do ctx.record("m" .. i, i) end"#, "record"),
            fails("ctx.emit with a 1 MB name", #"ctx.emit(string.rep("e", 1e6))"#, "emit"),
            fails("ctx.spend with a 1 MB account", #"ctx.spend(1, string.rep("a", 1e6))"#, "account"),
            fails(
                "error with a __tostring that loops",
                #"error(setmetatable({}, { __tostring = function() while true do end end }))"#, "table|instruction"),
            fails(
                "error with a __tostring that returns nil",
                #"error(setmetatable({}, { __tostring = function() return nil end }))"#, "table"),
            fails("error()", #"error()"#, "nil"),
            tick(
                "ctx.firms with an __index that raises",
                #"ctx.firms(setmetatable({}, { __index = function() error("boom") end }))"#, .succeeds),
            tick(
                "selector list with an __index that loops",
                #"ctx.set("subsidy", 0.1, { sector = setmetatable({}, { __index = function() while true do end end }) })"#,
                .succeeds),
            fails(
                "string.dump works but its chunk is refused",
                #"local f, e = load(string.dump(function() end)) assert(f == nil) error(e)"#, "binary chunk"),
            fails("load of a binary chunk", #"assert(load(string.char(27) .. "Lua"))"#, "binary"),
            fails(
                "load of a binary chunk with mode 'b'", #"assert(load(string.char(27) .. "LuaT", "x", "b"))"#, "binary"),
            tick(
                "load of a 50 MB chunk", #"local f = load(string.rep(string.rep("a = 1\n", 1000), 8400))"#,
                .fails(containing: "memory cap")),
            fails(
                "load of 1e5 nested parentheses",
                #"assert(load("return " .. string.rep("(", 1e5) .. "1" .. string.rep(")", 1e5)))"#,
                "levels|overflow|stack"),
            fails(
                "__index recursion",
                #"local t = setmetatable({}, { __index = function(t, k) return t[k + 1] end }) local _ = t[1]"#,
                "stack|overflow|instruction"),
            fails("Lua recursion without end", #"local function f() return 1 + f() end f()"#, "stack|memory"),
            fails(
                "yield across ctx.firms():each in a coroutine",
                #"coroutine.wrap(function() ctx.firms():each(function() coroutine.yield() end) end)()"#, "yield"),
            fails(
                "error inside each inside a coroutine",
                #"coroutine.wrap(function() ctx.firms():each(function() error("inner") end) end)()"#, "inner"),
            fails("error with a table inside each", #"ctx.firms():each(function() error({}) end)"#, "table"),
            fails(
                "tostring with a __tostring that loops",
                #"tostring(setmetatable({}, { __tostring = function() while true do end end }))"#, "instruction"),
            fails("collectgarbage('stop')", #"collectgarbage("stop")"#, "collectgarbage"),
            fails("collectgarbage()", #"collectgarbage()"#, "collectgarbage"),
            succeeds("collectgarbage('count')", #"assert(type(collectgarbage("count")) == "number")"#),
            fails("debug is absent", #"debug.sethook()"#, "debug"),
            fails("os.exit is absent", #"os.exit(0)"#, "os"),
            fails("io is absent", #"io.open("/etc/passwd")"#, "io"),
            fails("package is absent", #"package.loadlib("libc.so.6", "system")"#, "package"),
            fails("dofile is absent", #"dofile("/etc/passwd")"#, "dofile"),
            succeeds(
                "resume/close the running coroutine",
                #"""
                local co, main = coroutine.running()
                assert(main)
                assert(not coroutine.resume(co))
                assert(not pcall(coroutine.close, co))
                assert(coroutine.status(co) == "running")
                """#),
            tick(
                "emit the running coroutine",
                #"coroutine.wrap(function() ctx.emit("co", (coroutine.running())) end)()"#, .succeeds),
            tick("emit own ctx", #"ctx.emit("ctx", ctx)"#, .succeeds),
        ]
        // Every ctx function (and print) with a table whose every metamethod loops forever.
        // What each call does with it: plain data is read raw (no metamethod
        // runs), so a table where a number or name belongs is refused, and a
        // selector or payload table reads as the (empty) table it is.
        let calls: [(String, Case.Expectation)] = [
            ("ctx.set(evil, 1)", .fails(containing: "lever name")),
            (#"ctx.set("subsidy", evil)"#, .fails(containing: "must be a number")),
            (#"ctx.set("subsidy", 0.1, evil)"#, .succeeds),
            ("ctx.get(evil)", .fails(containing: "lever name")),
            (#"ctx.get("subsidy", evil)"#, .succeeds),
            ("ctx.spend(evil)", .fails(containing: "amount must be a number")),
            ("ctx.spend(1, evil)", .succeeds),
            ("ctx.add_fund(evil)", .fails(containing: "amount must be a number")),
            (#"ctx.record(evil, 1)"#, .fails(containing: "name must be")),
            (#"ctx.record("x", evil)"#, .fails(containing: "must be a number")),
            ("ctx.emit(evil)", .fails(containing: "name must be a string")),
            (#"ctx.emit("e", evil)"#, .succeeds),
            ("ctx.log(evil, evil)", .succeeds),
            ("print(evil)", .fails(containing: "instruction budget")),  // print calls __tostring, as Lua's does
            ("ctx.random(evil)", .fails(containing: "bad argument #1")),
            ("ctx.random(1, evil)", .fails(containing: "bad argument #2")),
            ("ctx.between(evil, evil)", .fails(containing: "takes dates")),
            ("ctx.tick_of(evil)", .fails(containing: "expects a date")),
            ("ctx.firms(evil)", .succeeds),
            ("ctx.firms():sample(evil)", .fails(containing: "whole number")),
            ("ctx.firms():nudge(evil)", .succeeds),
            ("ctx.firms():each(evil)", .fails(containing: "expects a function")),
        ]
        for (call, expectation) in calls {
            cases.append(tick("looping metamethods: \(call)", "\(evil)\n\(call)", expectation))
        }
        return cases
    }()

    // MARK: numbers

    static let numberCases: [Case] = [
        fails("math.random(1e300)", #"math.random(1e300)"#, "integer representation"),
        succeeds(
            "math.random(maxinteger, maxinteger)",
            #"assert(math.random(math.maxinteger, math.maxinteger) == math.maxinteger)"#),
        succeeds(
            "math.random(mininteger, maxinteger)",
            #"assert(math.type(math.random(math.mininteger, math.maxinteger)) == "integer")"#),
        fails("math.random(0, -1)", #"math.random(0, -1)"#, "interval is empty"),
        fails("math.randomseed(0/0)", #"math.randomseed(0/0)"#, "integer representation"),
        fails("ctx.random(0/0)", #"ctx.random(0/0)"#, "integer representation"),
        fails("ctx.firms():sample(1e300)", #"ctx.firms():sample(1e300)"#, "sample"),
        fails("ctx.firms():sample(0/0)", #"ctx.firms():sample(0/0)"#, "sample"),
        fails("ctx.firms():sample(-1)", #"ctx.firms():sample(-1)"#, "sample"),
        fails("ctx.tick_of(maxinteger year)", #"ctx.tick_of("9223372036854775807Q4")"#, "date"),
        fails("ctx.tick_of(100 nines)", #"ctx.tick_of(string.rep("9", 100) .. "Q1")"#, "date"),
        fails("ctx.tick_of(mininteger year)", #"ctx.tick_of("-9223372036854775808Q1")"#, "date"),
        fails("ctx.tick_of('2023Q0')", #"ctx.tick_of("2023Q0")"#, "date"),
        fails("ctx.between(1e300)", #"ctx.between(1e300)"#, "date"),
        fails("ctx.between to a 30-digit year", #"ctx.between("2023Q1", string.rep("9", 30) .. "Q1")"#, "date"),
        fails("ctx.set subsidy NaN", #"ctx.set("subsidy", 0/0)"#, "subsidy"),
        fails("ctx.set subsidy inf", #"ctx.set("subsidy", 1/0)"#, "subsidy"),
        fails("ctx.set subsidy -inf", #"ctx.set("subsidy", -1/0)"#, "subsidy"),
        fails("ctx.spend(0/0)", #"ctx.spend(0/0)"#, "amount"),
        fails("ctx.spend(1/0)", #"ctx.spend(1/0)"#, "amount"),
        fails("ctx.spend(1e300)", #"ctx.spend(1e300)"#, "amount"),
        fails("ctx.add_fund(1.7e308) twice", #"ctx.add_fund(1.7e308) ctx.add_fund(1.7e308)"#, "amount"),
        fails("ctx.add_fund(-1)", #"ctx.add_fund(-1)"#, "amount"),
        fails("ctx.record NaN", #"ctx.record("x", 0/0)"#, "finite"),
        fails("ctx.record inf", #"ctx.record("x", 1/0)"#, "finite"),
        fails("ctx.firms sector NaN", #"ctx.firms({ sector = 0/0 })"#, "sector"),
        fails("ctx.get sector NaN", #"ctx.get("subsidy", { sector = 0/0 })"#, "sector"),
        fails("nudge threshold NaN", #"ctx.firms():nudge({ threshold = 0/0 })"#, "threshold"),
        fails("nudge budget_factor inf", #"ctx.firms():nudge({ budget_factor = 1/0 })"#, "budget_factor"),
        fails("string.format %d of 1e300", #"string.format("%d", 1e300)"#, "integer representation"),
        succeeds(
            "integer overflow wraps",
            #"assert(math.maxinteger + 1 == math.mininteger) assert(math.mininteger // -1 == math.mininteger)"#),
        fails("integer division by zero", #"local z = 0 local _ = 1 // z"#, "divide by zero"),
    ]

    // MARK: hang

    static let hangCases: [Case] = [
        fails("while true do end", "while true do end", "instruction"),
        fails(
            "pcall of an endless loop, endlessly", "while true do pcall(function() while true do end end) end",
            "instruction"),
        fails("pcall(error) endlessly", "while true do pcall(error) end", "instruction"),
        fails(
            "xpcall with looping body and handler",
            "while true do xpcall(function() while true do end end, function() while true do end end) end",
            "instruction"),
        fails(
            "one xpcall with a looping message handler",
            "xpcall(function() while true do end end, function() while true do end end)", "instruction"),
        fails(
            "pcall of a looping coroutine, endlessly",
            "local co = coroutine.wrap(function() while true do end end) while true do pcall(co) end", "instruction"),
        fails("endless tail calls", "local function f() return f() end f()", "instruction"),
        fails("string.find .-.-.-b", #"string.find(string.rep("a", 3000), ".-.-.-b")"#, "instruction"),
        fails("find with 20 lazy a-", #"string.rep("a", 30000):find(string.rep("a-", 20) .. "b")"#, "instruction"),
        fails("string.gsub .-.-.-b", #"string.gsub(string.rep("a", 5000), ".-.-.-b", "")"#, "instruction"),
        fails(
            "string.gmatch .-.-.-b", #"for _ in string.gmatch(string.rep("a", 3000), ".-.-.-b") do end"#, "instruction"),
        fails("string.match .-.-.-b", #"string.match(string.rep("a", 3000), ".-.-.-b")"#, "instruction"),
        tick("string.rep('', 1e18)", #"string.rep("", 1e18)"#, .succeeds),
        tick("string.rep('', 1e18, '')", #"string.rep("", 1e18, "")"#, .succeeds),
        fails("table.move of 1e15 elements", "table.move({}, 1, 1e15, 1, {})", "instruction"),
        fails(
            "table.concat over a 1e12 __index",
            #"table.concat(setmetatable({}, { __index = function() return "x" end }), "", 1, 1e12)"#,
            "instruction|memory"),
        fails(
            "table.sort of 1e6 with a looping comparator",
            "local t = {} for i = 1, 1e6 do t[i] = i end table.sort(t, function(a, b) while true do end end)",
            "instruction"),
        fails("table.unpack of 1e8", "table.unpack({}, 1, 1e8)", "unpack|too many|stack"),
        fails("string.rep 1e9 with separator", #"string.rep("x", 1e9, "y")"#, "memory|too large|instruction"),
        fails("rep(1e8):rep(1e8)", #"("x"):rep(1e8):rep(1e8)"#, "memory|too large|instruction"),
        fails("rep(1e4):rep(1e4):rep(1e8)", #"("x"):rep(1e4):rep(1e4):rep(1e8)"#, "memory|too large"),
        fails("utf8.len of 100 MB", #"utf8.len(string.rep("a", 1e8))"#, "memory|instruction"),
        fails(
            "pairs with a __pairs that loops",
            "for k in pairs(setmetatable({}, { __pairs = function() while true do end end })) do end", "instruction"),
        fails("each with a looping callback", "ctx.firms():each(function() while true do end end)", "instruction"),
        fails(
            "__close that loops",
            "do local x <close> = setmetatable({}, { __close = function() while true do end end }) end", "instruction"),
        fails(
            "string.format with a looping __tostring",
            #"string.format("%s", setmetatable({}, { __tostring = function() while true do end end }))"#, "instruction"),
        tick(
            "pairs over 2e5 keys, 2000 times",
            #"local t = {} for i = 1, 2e5 do t["k" .. i] = i end for j = 1, 2000 do for k in pairs(t) do break end end"#,
            .fails(containing: "instruction budget")),
        Case(
            name: "two plugins re-emitting forever",
            code: #"""
                local M = {}
                function M.on_tick(ctx)
                  if ctx.tick ~= 2 then return end
                  ctx.emit("ping", 1)
                end
                function M.on_event(ctx, name, payload) ctx.emit(name, payload) end
                return M
                """#, placement: .initLua(attackTick: 2), expectation: .fails(containing: "event"),
            extraPlugins: [
                (
                    "hostile-echo",
                    "local M = {}\nfunction M.on_event(ctx, name, payload) ctx.emit(name, payload) end\nreturn M\n"
                )
            ]),
        fails("ctx.emit 1e6 times", #"for i = 1, 1e6 do ctx.emit("x") end"#, "event|instruction"),
        tick(
            "ctx.log 1e7 lines of 10 kB", #"for i = 1, 1e7 do ctx.log(string.rep("x", 1e4)) end"#,
            .fails(containing: "instruction"), check: stderrUnder(4 << 20)),
        tick(
            "print without end", #"while true do print("flood", string.rep("y", 1e4)) end"#,
            .fails(containing: "instruction"), check: stderrUnder(4 << 20)),
        Case(
            name: "wall-clock deadline without an instruction budget", code: "while true do end",
            expectation: .fails(containing: "wall-clock"), limits: "{ memory_mb = 64, instructions = 0, seconds = 2 }"),
        Case(
            name: "endless loop at load", code: "while true do end", placement: .load,
            expectation: .fails(containing: "instruction")),
        Case(
            name: "endless loop in setup", code: "while true do end", placement: .setup,
            expectation: .fails(containing: "instruction")),
        Case(
            name: "endless loop in a module", code: "while true do end", placement: .module,
            expectation: .fails(containing: "instruction")),
        Case(
            name: "coroutine made at load loops at tick 2",
            code: #"""
                local co = coroutine.wrap(function() coroutine.yield() while true do end end)
                co()
                local M = {}
                function M.on_tick(ctx) if ctx.tick == 2 then co() end end
                return M
                """#, placement: .initLua(attackTick: 2), expectation: .fails(containing: "instruction")),
        Case(
            name: "coroutine made in setup loops at tick 2",
            code: #"""
                local co
                local M = {}
                function M.setup(ctx) co = coroutine.wrap(function() coroutine.yield() while true do end end) co() end
                function M.on_tick(ctx) if ctx.tick == 2 then co() end end
                return M
                """#, placement: .initLua(attackTick: 2), expectation: .fails(containing: "instruction")),
        Case(
            name: "loop in finish", code: "local M = {}\nfunction M.finish(ctx) while true do end end\nreturn M\n",
            placement: .initLua(attackTick: 6), expectation: .fails(containing: "instruction")),
        Case(
            name: "loop in on_event",
            code: #"""
                local M = {}
                function M.on_tick(ctx) if ctx.tick == 2 then ctx.emit("go") end end
                function M.on_event(ctx, name) while true do end end
                return M
                """#, placement: .initLua(attackTick: 2), expectation: .fails(containing: "instruction"),
            extraPlugins: [
                (
                    "hostile-echo",
                    "local M = {}\nfunction M.on_event(ctx, name, payload) if name == \"go\" then ctx.emit(\"back\") end end\nreturn M\n"
                )
            ]),
    ]

    // MARK: memory

    static let memoryCases: [Case] = [
        succeeds("print a 2^40-path DAG", "local t = {} for i = 1, 40 do t = { t, t } end print(t)"),
        tick(
            "ctx.emit a 2^40-path DAG", #"local t = {} for i = 1, 40 do t = { t, t } end ctx.emit("e", t)"#, .succeeds),
        fails(
            "selector of a 2^40-path DAG",
            #"local t = {} for i = 1, 40 do t = { t, t } end ctx.set("subsidy", 0.1, t)"#, ""),
        fails("ctx.firms of a 2^40-path DAG", "local t = {} for i = 1, 40 do t = { t, t } end ctx.firms(t)", ""),
        fails(
            "sector list of a 2^40-path DAG",
            "local t = {} for i = 1, 40 do t = { t, t } end ctx.firms({ sector = t })", ""),
        tick("ctx.firms() 3e5 times", "for i = 1, 3e5 do ctx.firms() end", .fails(containing: "instruction budget")),
        tick("ctx.emit a table that contains itself", #"local t = {} t.self = t ctx.emit("e", t)"#, .succeeds),
        fails("ctx.firms of a list that contains itself", "local t = {} t[1] = t ctx.firms(t)", ""),
        fails("sector list that contains itself", "local t = {} t[1] = t ctx.firms({ sector = t })", ""),
        Case(
            name: "hook table with cycles",
            code: #"""
                local M = {}
                M.__index = M
                -- Keys other than hooks must start with "_" (the host rejects unknown hooks).
                M._a = { M, M }
                M._b = setmetatable({}, M)
                M._self = M
                function M.on_tick(ctx) end
                return setmetatable(M, M)
                """#, placement: .initLua(attackTick: nil), expectation: .succeeds),
        tick(
            "ctx.emit a 70-level nested table", #"local t = {} for i = 1, 70 do t = { t } end ctx.emit("e", t)"#,
            .succeeds),
        tick(
            "ctx.emit a 1e5-level nested table", #"local t = {} for i = 1, 1e5 do t = { t } end ctx.emit("e", t)"#,
            .succeeds),
        fails(
            "sector list nested 1e5 levels", "local t = {} for i = 1, 1e5 do t = { t } end ctx.firms({ sector = t })",
            ""),
        fails(
            "selector nested 1e5 levels", #"local t = {} for i = 1, 1e5 do t = { t } end ctx.set("subsidy", 0.1, t)"#,
            ""),
        tick(
            "a 60 MiB local string", #"local s = string.rep("x", 60 * 1024 * 1024)"#,
            .fails(containing: "instruction budget")),
        tick(
            "a 60 MiB local string (built cheaply)", mb + "local s = string.rep(MB, 60)",
            .fails(containing: "memory cap")),
        fails("array of 1e9 integers", "local t = {} for i = 1, 1e9 do t[i] = i end", "memory|instruction"),
        tick(
            "ctx.log of 50 MB", #"ctx.log(string.rep("x", 5e7))"#, .fails(containing: "instruction budget"),
            check: stderrUnder(4 << 20)),
        tick(
            "ctx.log of 50 MB (built cheaply)", mb + "ctx.log(string.rep(MB, 50))", .fails(containing: "memory cap"),
            check: stderrUnder(4 << 20)),
        tick(
            "print of 50 MB", mb + "print(string.rep(MB, 50))", .fails(containing: "memory cap"),
            check: stderrUnder(4 << 20)),
        tick("ctx.emit a 30 MB string", mb + #"ctx.emit("e", string.rep(MB, 30))"#, .succeeds),
        fails("keep 100 strings of 1 MB", mb + "K = {} for i = 1, 100 do K[i] = MB .. i end", "memory"),
        fails("1e6 tables kept", "K = {} for i = 1, 1e6 do K[i] = {} end", "memory|instruction"),
        fails("doubling a string", #"local s = "x" while true do s = s .. s end"#, "memory"),
        fails(
            "table.concat of 100 MB", mb + "local t = {} for i = 1, 100 do t[i] = MB end local s = table.concat(t)",
            "memory"),
        fails(
            "1e5 coroutines kept", "K = {} for i = 1, 1e5 do K[i] = coroutine.create(function() end) end",
            "memory|instruction"),
        Case(
            name: "63 MiB at load", code: mb + "K = string.rep(MB, 63)", placement: .load,
            expectation: .fails(containing: "memory")),
        Case(
            name: "100 MB in setup", code: mb + "K = {} for i = 1, 100 do K[i] = MB .. i end", placement: .setup,
            expectation: .fails(containing: "memory")),
        Case(
            name: "100 MB in a module", code: mb + "K = {} for i = 1, 100 do K[i] = MB .. i end", placement: .module,
            expectation: .fails(containing: "memory")),
        Case(
            name: "15 MB more kept every tick",
            code: #"""
                K = {}
                local KB = string.rep("x", 1024)
                local M = {}
                function M.on_tick(ctx) K[#K + 1] = string.rep(KB, 15 * 1024) .. ctx.tick end
                return M
                """#, placement: .initLua(attackTick: 2), expectation: .fails(containing: "memory")),
    ]

    // MARK: shared state

    static func dependent(_ name: String, _ code: String, _ expectation: Case.Expectation) -> Case {
        Case(name: name, code: code, expectation: expectation, dependsOnWitness: true)
    }

    static let sharedStateCases: [Case] = [
        dependent(
            "assign the witness's after_tick", #"require("witness").after_tick = function() end"#,
            .fails(containing: "read-only")),
        dependent("nil the witness's on_tick", #"require("witness").on_tick = nil"#, .fails(containing: "read-only")),
        dependent(
            "rawset the witness's on_tick", #"rawset(require("witness"), "on_tick", print)"#,
            .fails(containing: "read-only")),
        dependent(
            "write into the witness's nested tables",
            #"local w = require("witness") for k, v in pairs(w) do if type(v) == "table" then v.x = 1 end end"#,
            .fails(containing: "read-only")),
        dependent("write the witness's config", #"require("witness")._config.x = 1"#, .fails(containing: "read-only")),
        dependent(
            "table.insert into the witness's list", #"table.insert(require("witness")._config.list, 4)"#,
            .fails(containing: "read-only")),
        dependent(
            "rawset into the witness's list", #"rawset(require("witness")._config.list, 1, 99)"#,
            .fails(containing: "read-only")),
        dependent(
            "setmetatable on the witness's hooks", #"setmetatable(require("witness"), {})"#, .fails(containing: "")),
        dependent(
            "require the witness's init.lua: its hooks, read-only, not a second run",
            #"local w = require("witness.init") assert(w == require("witness")) assert(not pcall(function() w.on_tick = nil end))"#,
            .succeeds),
        fails("require the witness without depending on it", #"require("witness")"#, "require"),
        fails("string.rep = nil", "string.rep = nil", "read-only"),
        fails("math.random replaced", "math.random = function() return 4 end", "read-only"),
        fails("table.insert = nil", "table.insert = nil", "read-only"),
        fails("rawset(string, 'rep', nil)", #"rawset(string, "rep", nil)"#, "read-only"),
        fails("require('string').rep = nil", #"require("string").rep = nil"#, "read-only"),
        fails("setmetatable(string, {})", "setmetatable(string, {})", ""),
        succeeds("_G.pairs = nil stays in the plugin", "_G.pairs = nil pairs = nil assert(pairs == nil)"),
        fails("getmetatable('').__index = {}", #"getmetatable("").__index = {}"#, ""),
        fails("getmetatable('').__index.rep = nil", #"getmetatable("").__index.rep = nil"#, ""),
        fails("assign a field of a string", #"local s = "" s.rep = nil"#, ""),
        succeeds(
            "setmetatable(_G) with a looping __index",
            "setmetatable(_G, { __index = function() while true do end end })"),
        succeeds(
            "setmetatable(_ENV) with looping __index and __newindex",
            "setmetatable(_ENV, { __index = function() while true do end end, __newindex = function() while true do end end })"
        ),
        fails("ctx.params.x = 1", "ctx.params.x = 1", "read-only"),
        fails("ctx.stats.adoption = 2", "ctx.stats.adoption = 2", "read-only"),
        fails("ctx.stats.sector.x = 1", "ctx.stats.sector.x = 1", "read-only"),
        fails("ctx.tick = 99", "ctx.tick = 99", "read-only"),
        fails("rawset(ctx, 'set', print)", #"rawset(ctx, "set", print)"#, "read-only"),
        fails("rawset(ctx.stats, 'adoption', 2)", #"rawset(ctx.stats, "adoption", 2)"#, "read-only"),
        fails("table.insert into ctx.stats.sector", "table.insert(ctx.stats.sector, 1)", "read-only"),
        fails("getmetatable(ctx).__index = {}", "getmetatable(ctx).__index = {}", ""),
        fails("load('string.rep = nil')", #"load("string.rep = nil")()"#, "read-only"),
        fails("load with string as the environment", #"load("rep = nil", "x", "t", string)()"#, "read-only"),
        Case(
            name: "coroutine keeping ctx, resumed later",
            code: #"""
                local co
                local M = {}
                function M.on_tick(ctx)
                  if ctx.tick == 2 then
                    co = coroutine.wrap(function() while true do ctx.set("subsidy", 0.2) coroutine.yield() end end)
                  end
                  if co then co() end
                end
                return M
                """#, placement: .initLua(attackTick: 2), expectation: .succeeds),
    ]

    // MARK: semantics (all succeed)

    static let semanticsCases: [Case] = [
        succeeds("math.random(0) draws differ", "assert(math.random(0) ~= math.random(0))"),
        succeeds("math.random(0) is an integer", #"assert(math.type(math.random(0)) == "integer")"#),
        succeeds("math.randomseed(7) returns 7, 0", "local a, b = math.randomseed(7) assert(a == 7 and b == 0)"),
        succeeds(
            "math.randomseed() returns a replayable seed",
            "local x, y = math.randomseed() local r = math.random(0) math.randomseed(x, y) assert(math.random(0) == r)"),
        succeeds(
            "xoshiro256** after randomseed(1007)", "math.randomseed(1007) assert(math.random(0) == 0x7a7040a5a323c9d6)"),
        succeeds("math.random(3, 3)", "assert(math.random(3, 3) == 3)"),
        succeeds(
            "math.random() is in [0, 1)",
            #"for i = 1, 100 do local x = math.random() assert(math.type(x) == "float" and x >= 0 and x < 1) end"#),
        succeeds(
            "math.randomseed(42) replays",
            "math.randomseed(42) local a = math.random(0) math.randomseed(42) assert(math.random(0) == a)"),
        succeeds(
            "ctx.random(6) is an integer in 1..6",
            #"for i = 1, 50 do local x = ctx.random(6) assert(math.type(x) == "integer" and x >= 1 and x <= 6) end"#),
        Case(
            name: "Latin-1 module",
            code: #"local latin = require("latin") assert(#latin.s == 1) assert(latin.s:byte() == 0xE9)"#,
            expectation: .succeeds,
            files: [("latin.lua", Data("-- Latin-1 text\nreturn { s = \"".utf8) + Data([0xE9]) + Data("\" }\n".utf8))]),
        succeeds("require('string') is string", #"assert(require("string") == string)"#),
        succeeds("require('utf8').char(72)", #"assert(require("utf8").char(72) == "H")"#),
        succeeds(
            "a coroutine yields 1000 times",
            #"""
            local co = coroutine.wrap(function() for i = 1, 1000 do coroutine.yield(i) end return "done" end)
            for i = 1, 1000 do assert(co() == i) end
            assert(co() == "done")
            """#),
        succeeds("pcall(error) returns false, nil", "local ok, e = pcall(error) assert(ok == false and e == nil)"),
        succeeds(
            "error tables pass through pcall",
            "local ok, e = pcall(error, { code = 1 }) assert(not ok and type(e) == 'table' and e.code == 1)"),
        succeeds(
            "xpcall handler result",
            #"local ok, e = xpcall(error, function(m) return "handled" end, "x") assert(not ok and e == "handled")"#),
        succeeds(
            "string methods",
            #"assert(("abc"):upper() == "ABC") assert(string.format("%5.1f", 3.14159) == "  3.1") assert(#string.rep("ab", 3, ",") == 8)"#
        ),
        succeeds(
            "patterns",
            #"assert(("hello world"):match("^(%w+)") == "hello") assert(string.find(string.rep("a", 100) .. "b", ".-b") == 1) assert(select(2, ("a,b,c"):gsub(",", ";")) == 2)"#
        ),
        succeeds(
            "gsub with a function", #"assert(("abc"):gsub("%w", function(c) return c:upper() .. "." end) == "A.B.C.")"#),
        succeeds(
            "table functions",
            ##"local t = { 3, 1, 2 } table.sort(t, function(a, b) return a > b end) assert(table.concat(t, ",") == "3,2,1") table.insert(t, 1, 9) assert(table.remove(t) == 1) assert(select("#", table.unpack({ 1, 2, 3 })) == 3)"##
        ),
        succeeds(
            "utf8",
            #"assert(utf8.len("h\u{E9}llo") == 5) assert(utf8.char(0x4E2D) == "\u{4E2D}") assert(utf8.codepoint("\u{E9}") == 0xE9)"#
        ),
        succeeds(
            "load of text",
            #"assert(load("return 1 + 1")() == 2) local f, err = load("return 1 +") assert(f == nil and type(err) == "string")"#
        ),
        succeeds(
            "pairs order is fixed",
            #"local t = { b = 1, a = 2, [2] = 3, [1] = 4, [true] = 5 } local ks = {} for k in pairs(t) do ks[#ks + 1] = tostring(k) end assert(table.concat(ks, ",") == "true,1,2,a,b", table.concat(ks, ","))"#
        ),
        succeeds("next on an empty table", "assert(next({}) == nil)"),
        succeeds(
            "to-be-closed variables",
            #"local log = {} do local x <close> = setmetatable({}, { __close = function() log[#log + 1] = "closed" end }) end assert(log[1] == "closed")"#
        ),
        succeeds(
            "integer and float arithmetic",
            #"assert(7 // 2 == 3) assert(7 / 2 == 3.5) assert(math.type(2^53) == "float") assert(math.tointeger(3.0) == 3) assert(math.ult(1, -1))"#
        ),
        succeeds("goto", "local i = 0 ::top:: i = i + 1 if i < 10 then goto top end assert(i == 10)"),
        succeeds(
            "coroutine.isyieldable and status",
            #"assert(not coroutine.isyieldable()) local co = coroutine.create(function() assert(coroutine.isyieldable()) coroutine.yield() end) coroutine.resume(co) assert(coroutine.status(co) == "suspended") assert(coroutine.close(co)) assert(coroutine.status(co) == "dead")"#
        ),
        succeeds(
            "tostring and tonumber",
            #"assert(tostring(nil) == "nil") assert(tonumber("0x10") == 16) assert(tonumber("10", 2) == 2) assert(tonumber("z") == nil)"#
        ),
        succeeds("ctx.get of a lever just set", #"ctx.set("subsidy", 0.25) assert(ctx.get("subsidy") == 0.25)"#),
        succeeds(
            "ctx.firms count and sample",
            #"local s = ctx.firms() assert(s.count == 400) local ids = s:sample(10) assert(#ids == 10 and type(ids[1]) == "string")"#
        ),
    ]

    // MARK: Tests

    func testCrashCases() throws { try runAll(Self.crashCases, class: "crash") }
    func testNumberCases() throws { try runAll(Self.numberCases, class: "numbers") }
    func testHangCases() throws { try runAll(Self.hangCases, class: "hang") }
    func testMemoryCases() throws { try runAll(Self.memoryCases, class: "memory") }
    func testSharedStateCases() throws { try runAll(Self.sharedStateCases, class: "shared state") }
    func testSemanticsCases() throws { try runAll(Self.semanticsCases, class: "semantics") }

    /// RunCommand documents its errors as "error: <one line>".
    func testCaseNamesAreUniqueAndEnough() {
        let all =
            Self.crashCases + Self.numberCases + Self.hangCases + Self.memoryCases + Self.sharedStateCases
            + Self.semanticsCases
        XCTAssertEqual(Set(all.map(\.name)).count, all.count, "case names must be unique")
        XCTAssertGreaterThanOrEqual(all.count, 70)
    }

    // MARK: Running

    static let binary = UptakeCLI.productsDirectory.appendingPathComponent("uptake")
    static let timeout: TimeInterval = 60
    static let memoryCap = 64 << 20, margin = 48 << 20
    /// 4 when the binary is built with a sanitizer (UPTAKE_SANITIZER=address or thread, set by
    /// scripts/sanitize.sh for `make sanitize`), else 1. Sanitized, each byte a plugin holds costs
    /// more (ASan: shadow memory, redzones, a quarantine of freed memory; TSan: shadow cells): a case
    /// holding memory near the cap peaked 156 MiB above the baseline under TSan. Under ASan the test
    /// process, whose RSS is a floor of every figure (see MeasuredProcess), is ~750 MiB and drifts by
    /// tens of MiB. The Lua cap itself is still checked by the cases' expected errors; only this
    /// allowance scales, and only for sanitized builds.
    static let allowanceScale = (ProcessInfo.processInfo.environment["UPTAKE_SANITIZER"] ?? "").isEmpty ? 1 : 4
    /// The longest a case may take: the scenario's limits.seconds (20) plus margin.
    static let maxSeconds = 30.0

    /// Peak RSS of a benign run (the same project with an empty hostile plugin), measured once.
    static let baseline: Swift.Result<Int, Error> = Swift.Result(catching: {
        let benign = Case(
            name: "benign", code: "return {}", placement: .initLua(attackTick: nil), expectation: .succeeds)
        let (r, dir) = try run(benign)
        defer { try? FileManager.default.removeItem(at: dir) }
        let problems = HostilePluginTests.problems(benign, r, rssLimit: Int.max)
        guard problems.isEmpty else {
            throw MeasuredProcess.SpawnError(
                description:
                    "the benign run is broken: \(problems.joined(separator: "; "))\nstderr: \(r.stderr.suffix(2000))")
        }
        return r.peakRSSBytes
    })

    func runAll(_ cases: [Case], class name: String) throws {
        let baselineRSS = try Self.baseline.get()
        let limit = baselineRSS + (Self.memoryCap + Self.margin) * Self.allowanceScale
        typealias Outcome = (Case, MeasuredProcess.Result?, [String], URL?)
        let shared = Locked((next: 0, outcomes: [Outcome?](repeating: nil, count: cases.count)))
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            while true {
                let i = shared.withLock { s in
                    defer { s.next += 1 }
                    return s.next
                }
                guard i < cases.count else { return }
                let c = cases[i]
                let outcome: Outcome
                do {
                    let (r, dir) = try Self.run(c)
                    let problems = Self.problems(c, r, rssLimit: limit)
                    if problems.isEmpty { try? FileManager.default.removeItem(at: dir) }
                    outcome = (c, r, problems, problems.isEmpty ? nil : dir)
                } catch {
                    outcome = (c, nil, ["could not run: \(error)"], nil)
                }
                shared.withLock { $0.outcomes[i] = outcome }
            }
        }
        let outcomes = shared.withLock { $0.outcomes }
        let mib = { (b: Int) in String(format: "%.1f MiB", Double(b) / 1_048_576) }
        var broken = 0
        for case let (c, r, problems, dir)? in outcomes {
            let status =
                r.map {
                    "\($0.timedOut ? "timed out, " : "")\($0.status), \(String(format: "%.2f s", $0.seconds)), peak RSS \(mib($0.peakRSSBytes))"
                } ?? "not run"
            let errorLine = r.flatMap { Self.errorLines(in: $0.stderr).last.map { " | " + $0.prefix(300) } } ?? ""
            print("[\(name)] \(problems.isEmpty ? "ok    " : "BROKEN") \(c.name): \(status)\(errorLine)")
            guard !problems.isEmpty else { continue }
            broken += 1
            let line = r.map { Self.errorLines(in: $0.stderr).last ?? "(no error line)" } ?? ""
            XCTFail(
                """
                [\(name)] case '\(c.name)': \(problems.joined(separator: "; "))
                  status: \(status) (limit \(mib(limit)))
                  error line: \(line.prefix(600))
                  project: \(dir?.path ?? "-")
                """)
        }
        let floor = outcomes.compactMap { $0?.1?.inheritedFloorBytes }.max() ?? 0
        print(
            "[\(name)] \(cases.count - broken) of \(cases.count) cases hold; baseline peak RSS \(mib(baselineRSS)), limit \(mib(limit)), test process RSS at spawn up to \(mib(floor))"
        )
    }

    /// Writes the case's project and runs `uptake run scenario.lua --out out` in it.
    static func run(_ c: Case) throws -> (MeasuredProcess.Result, URL) {
        let project = try TemporaryProject()
        let dir = project.root
        func plugin(_ name: String, dependencies: String = "", initLua: String) throws {
            try project.plugin(
                name, description: "Hostile-plugin test: \(name).", dependencies: dependencies, initLua: initLua)
        }
        try plugin("witness", initLua: witnessLua)
        try plugin("hostile", dependencies: c.dependsOnWitness ? "witness = \"^1\"\n" : "", initLua: c.initLua)
        if case .module = c.placement { try project.write("plugins/hostile/attack.lua", c.code + "\nreturn {}\n") }
        for (name, data) in c.files { try project.write("plugins/hostile/\(name)", data: data) }
        for (name, lua) in c.extraPlugins { try plugin(name, initLua: lua) }
        let plugins = (["hostile"] + c.extraPlugins.map(\.0) + ["witness"]).map { "\"\($0)\"" }.joined(separator: ", ")
        try project.write(
            "scenario.lua",
            """
            return scenario {
              name = "hostile", ticks = 6, seed = 5, firms = 400,
              limits = \(c.limits),
              plugins = { \(plugins) },
            }

            """)
        let r = try MeasuredProcess.run(
            binary, ["run", "scenario.lua", "--out", dir.appendingPathComponent("out").path],
            in: dir, timeout: timeout)
        return (r, dir)
    }

    /// A plugin log line: "[tick 1 2023Q2] witness: witness ok 1", "[setup] name: ...", "[load] name: ...".
    static let logLine = try! NSRegularExpression(pattern: #"^\[(load|setup|tick -?\d+ [^\]]+)\] [A-Za-z0-9_.-]+: "#)

    static func isLogLine(_ line: Substring) -> Bool {
        let s = String(line)
        return logLine.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// The lines of stderr that are not plugin log lines (nor the capture's omission marker).
    static func errorLines(in stderr: String) -> [String] {
        stderr.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !isLogLine($0) && !$0.hasPrefix(MeasuredProcess.omissionMarker) }
            .map(String.init)
    }

    /// What is wrong with a case's run, if anything.
    static func problems(_ c: Case, _ r: MeasuredProcess.Result, rssLimit: Int) -> [String] {
        var p: [String] = []
        if r.timedOut { p.append("timed out after \(Int(timeout)) s and was killed") }
        if case .signaled(let s) = r.status, !r.timedOut { p.append("killed by signal \(s)") }
        if r.peakRSSBytes >= rssLimit {
            p.append(
                String(
                    format: "peak RSS %.1f MiB is over the limit of %.1f MiB", Double(r.peakRSSBytes) / 1_048_576,
                    Double(rssLimit) / 1_048_576))
        }
        if r.seconds > maxSeconds && !r.timedOut {
            p.append(String(format: "took %.1f s (limits.seconds is 20)", r.seconds))
        }
        if r.stderr.contains("corrupted") { p.append("the witness saw a corrupted world") }
        if let check = c.check, let problem = check(r) { p.append(problem) }

        func succeeded() -> [String] {
            var q: [String] = []
            if r.status != .exited(0) { q.append("expected success, got \(r.status)") }
            if !r.stderr.contains("witness: witness finished") {
                q.append("the witness did not log 'witness finished'")
            }
            return q
        }
        func failed(_ fragment: String) -> [String] {
            var q: [String] = []
            if r.status != .exited(1) { q.append("expected exit status 1, got \(r.status)") }
            let lines = errorLines(in: r.stderr)
            guard lines.count == 1, let line = lines.first else {
                q.append(
                    "expected exactly one error line on stderr, got \(lines.count): \(lines.prefix(3).map { String($0.prefix(300)) })"
                )
                return q
            }
            // The command line prints "Error: " (swift-argument-parser's prefix).
            if !line.lowercased().hasPrefix("error:") { q.append("the error line does not start with 'error:'") }
            if !line.contains("'hostile") { q.append("the error does not name plugin 'hostile'") }
            if c.code.contains("witness") {
                if line.contains("in plugin 'witness'") { q.append("the error blames the witness") }
            } else if line.contains("witness") {
                q.append("the error mentions the witness")
            }
            let fragments = fragment.split(separator: "|").map { $0.lowercased() }
            if !fragments.isEmpty && !fragments.contains(where: { line.lowercased().contains($0) }) {
                q.append("the error does not contain \"\(fragment)\"")
            }
            if let t = c.attackTick, t >= 1, !r.stderr.contains("witness: witness ok \(t - 1)") {
                q.append("the witness did not log 'witness ok \(t - 1)' before the attack")
            }
            return q
        }
        switch c.expectation {
        case .succeeds: p += succeeded()
        case .fails(let fragment): p += failed(fragment)
        }
        return p
    }

    // MARK: The witness

    /// Checks in each hook that the world is untouched; raises
    /// "witness saw a corrupted world: ..." if not.
    static let witnessLua = #"""
        local M = {}
        -- Part of the hook table, so plugins that depend on the witness can reach it.
        M._config = { sentinel = "intact", list = { 1, 2, 3 } }
        local state = { sentinel = "intact", ticks = 0, events = 0 }
        local saved = {
          rep = string.rep, random = math.random, pairs = pairs, insert = table.insert, find = string.find,
          type = type, tostring = tostring, error = error, pcall = pcall, mtype = math.type, concat = table.concat,
          huge = math.huge,
        }
        WITNESS_LOADS = (WITNESS_LOADS or 0) + 1
        local hooks = {}

        local function corrupted(what)
          saved.error("witness saw a corrupted world: " .. what, 0)
        end

        local function finite(v) return v == v and v ~= saved.huge and v ~= -saved.huge end

        local function check_numbers(t, path, depth)
          for k, v in saved.pairs(t) do
            local name = path .. "." .. saved.tostring(k)
            if saved.type(v) == "number" then
              if not finite(v) then corrupted(name .. " = " .. saved.tostring(v)) end
            elseif saved.type(v) == "table" and depth < 3 then
              check_numbers(v, name, depth + 1)
            end
          end
        end

        local function check_light()
          if state.sentinel ~= "intact" then corrupted("its module state changed") end
          if M._config.sentinel ~= "intact" or M._config.x ~= nil or #M._config.list ~= 3 or M._config.list[1] ~= 1 then
            corrupted("its config table changed")
          end
          if WITNESS_LOADS ~= 1 then corrupted("its init.lua ran " .. saved.tostring(WITNESS_LOADS) .. " times") end
          if string.rep ~= saved.rep then corrupted("string.rep was replaced") end
          if math.random ~= saved.random then corrupted("math.random was replaced") end
          if pairs ~= saved.pairs then corrupted("pairs was replaced") end
          if table.insert ~= saved.insert then corrupted("table.insert was replaced") end
          for name, f in saved.pairs(hooks) do
            if M[name] ~= f then corrupted("its hook " .. name .. " was replaced") end
          end
        end

        local function check_full(ctx)
          check_light()
          local r = math.random(1, 6)
          if saved.mtype(r) ~= "integer" or r < 1 or r > 6 then corrupted("math.random(1, 6) gave " .. saved.tostring(r)) end
          if saved.rep("ab", 2) ~= "abab" or ("ab"):rep(2) ~= "abab" then corrupted("string methods misbehave") end
          local t = {}
          table.insert(t, "a") table.insert(t, "b")
          if saved.concat(t) ~= "ab" then corrupted("table.insert misbehaves") end
          local stats = ctx.stats
          local a = stats.adoption
          if saved.type(a) ~= "number" or not finite(a) or a < 0 or a > 1 then corrupted("ctx.stats.adoption = " .. saved.tostring(a)) end
          check_numbers(stats, "ctx.stats", 0)
          local n = 0
          for _ in saved.pairs(stats) do n = n + 1 end
          if n < 5 then corrupted("ctx.stats has only " .. n .. " fields") end
        end

        -- Runs a check; any error in it (a missing function, a broken metatable) means a corrupted world.
        local function guarded(where, f, ...)
          local ok, err = saved.pcall(f, ...)
          if not ok then
            local text = saved.tostring(err)
            if saved.find(text, "witness saw a corrupted world", 1, true) then saved.error(text .. " (in " .. where .. ")", 0) end
            corrupted(where .. ": " .. text)
          end
        end

        function M.setup(ctx) guarded("setup", check_full, ctx) end
        function M.on_tick(ctx) guarded("on_tick", check_full, ctx) end
        function M.after_tick(ctx)
          guarded("after_tick", check_full, ctx)
          state.ticks = state.ticks + 1
          ctx.log("witness ok " .. ctx.tick)
        end
        function M.on_event(ctx, name, payload)
          -- The payload is the emitter's value: never touched here.
          guarded("on_event", check_light)
          state.events = state.events + 1
        end
        function M.finish(ctx)
          guarded("finish", check_full, ctx)
          ctx.log("witness finished")
        end
        for _, name in saved.pairs({ "setup", "on_tick", "after_tick", "on_event", "finish" }) do hooks[name] = M[name] end
        return M
        """#
}
