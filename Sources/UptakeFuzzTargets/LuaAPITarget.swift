import Foundation
import UptakeScripting

/// The Lua API under random call sequences: the bytes are read as a little
/// program (`LuaAPIProgram`) that becomes the hooks of two plugins, fuzz-a
/// and fuzz-b (fuzz-a depends on fuzz-b, so it can require it), which call
/// ctx functions, firm-set methods and the sandbox's libraries with hostile
/// values (NaN, infinities, huge and negative numbers, long and invalid
/// strings, nested, wide and cyclic tables, functions, coroutines, read-only
/// views, values kept from earlier ticks or sent by the other plugin).
/// They run in a 50-firm, 3-tick scenario with small limits (500,000
/// instructions per hook call, 32 MiB, 3 s: a program that spends its
/// budget in every hook still takes well under a second). Whatever the
/// program does, the run may fail with an error; it must never crash.
enum LuaAPITarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.fixture(
            "lua-api/scenario.lua",
            """
            return scenario {
              name = "lua-api fuzz", start = "2023Q1", ticks = 3, seed = 11,
              firms = { count = 50, initial_adoption = 0.1, regions = { "east", "west" } },
              network = { kind = "small-world", degree = 4, rewire = 0.2 },
              plugins = { { "fuzz-a", rate = 0.5, label = "x", when = "2023Q2", target = { sector = "retail" } }, { "fuzz-b", every = 2 } },
              limits = { instructions = 500000, memory_mb = 32, seconds = 3 },
            }
            """)
        w.fixture(
            "lua-api/plugins/fuzz-a/plugin.toml",
            """
            name = "fuzz-a"
            version = "1.0.0"
            api = "^1"
            [dependencies]
            fuzz-b = { version = "^1", optional = true }
            [params.rate]
            type = "number"
            default = 0.1
            min = 0
            max = 1
            [params.label]
            type = "string"
            default = "a"
            [params.flag]
            type = "boolean"
            default = true
            [params.sectors]
            type = "list"
            default = []
            [params.when]
            type = "date"
            [params.target]
            type = "selector"
            default = {}
            """)
        w.fixture("lua-api/plugins/fuzz-b/plugin.toml", "name = \"fuzz-b\"\nversion = \"1.0.0\"\napi = \"^1\"\n")
        w.fixture(
            "lua-api/plugins/fuzz-b/util.lua",
            "local U = { t = { 1, 2, { 3 } } }\nfunction U.f(...) return ... end\nreturn U\n")
        let program = LuaAPIProgram(data)
        w.write(Data(program.pluginA.utf8), to: "lua-api/plugins/fuzz-a/init.lua")
        w.write(Data(program.pluginB.utf8), to: "lua-api/plugins/fuzz-b/init.lua")
        let options = RunSession.Options(
            maxInstructions: 500_000, maxMemoryMB: 32, maxSeconds: 3,
            searchPath: PluginSearchPath(directories: [w.url("lua-api/plugins")]), ignoreLock: true)
        guard let session = expected(try RunSession(file: w.url("lua-api/scenario.lua").path, options: options)) else {
            return
        }
        expected(try session.run())
    }
}

/// Two plugins' init.lua made from bytes. Every byte choice is taken modulo
/// the number of choices, and reading past the end gives 0, so every input
/// is a valid program and similar inputs make similar programs.
struct LuaAPIProgram {
    static let hooks = ["setup", "on_tick", "on_adoptions", "after_tick", "on_event", "finish"]
    let pluginA: String
    let pluginB: String

    init(_ data: Data) {
        var g = Generator(bytes: [UInt8](data))
        var bodies = [[String]](repeating: [], count: 2 * Self.hooks.count)
        var statements = 0
        while !g.exhausted && statements < 200 {
            let hook = Int(g.byte()) % bodies.count
            bodies[hook].append(g.statement(depth: 0))
            statements += 1
        }
        func plugin(_ bodies: ArraySlice<[String]>, other: String) -> String {
            var out = "local M = {}\nlocal V = {}\nlocal OTHER = \"\(other)\"\n"
            for (hook, body) in zip(Self.hooks, bodies) {
                out += "function M.\(hook)(ctx, a, b)\n" + body.map { "  " + $0 + "\n" }.joined() + "end\n"
            }
            return out + "return M\n"
        }
        pluginA = plugin(bodies[0..<Self.hooks.count], other: "fuzz-b")
        pluginB = plugin(bodies[Self.hooks.count...], other: "fuzz-a")
    }

    struct Generator {
        let bytes: [UInt8]
        var position = 0
        init(bytes: [UInt8]) { self.bytes = bytes }

        var exhausted: Bool { position >= bytes.count }

        mutating func byte() -> UInt8 {
            defer { position += 1 }
            return position < bytes.count ? bytes[position] : 0
        }

        mutating func pick<T>(_ options: [T]) -> T { options[Int(byte()) % options.count] }

        /// A slot of the plugin's value store V (kept across hooks and ticks).
        mutating func slot() -> String { "V[\(byte() % 16 + 1)]" }

        static let levers = [
            "subsidy", "tax_relief", "loan_rate", "special_fund", "training", "media", "alliance", "data_sharing",
            "labelling", "compute_investment", "rd_funding", "energy_cap", "renewable_share", "efficiency",
            "regulation", "nope", "", "tax_relieff", "SUBSIDY",
        ]
        static let names = [
            "manufacturing", "retail", "finance", "agriculture", "nowhere", "small", "medium", "large", "huge",
            "innovators", "early_adopters", "late_majority", "laggards", "unaware", "aware", "adopted", "confirmed",
            "rejected", "discontinued", "east", "west", "north", "fuzz-a", "fuzz-b", "fuzz-b.util", "fuzz-b.nope",
            "fuzz-a.init", "../x", "string", "x.y.z",
        ]
        static let dates = [
            "2023Q1", "2023Q2", "2023Q4", "2024Q1", "2023Q0", "2023Q5", "0Q1", "9999Q4", "10000Q1", "-1Q1",
            "2023-01", "2023", "", "2023Q1 ", "99999999999999999999Q1",
        ]
        static let strings = [
            "", "x", "%", "%d+", "(.-)", "%b()", "[%a-z]", "(()", "%f[%w]", "a*b*c*d*e*f*g*h*", "(.-)%1",
            "%s%s%s", "%d", "%5.2f", "%q", "%99d", "%a", "%c", "%i", "%-+ #0100.99f",
            "i4", "z", "s1", "!16", "<i16", "j", "Xi8", "c4294967295", "i0", ">I17", "=!3 d",
            "\\0", "\\xff\\xfe", "\\u{10FFFF}", "\\u{7FFFFFFF}", "\\xed\\xa0\\x80", "a\\0b",
            "return ctx", "return ...", "while true do end", "\\27Lua", "return V", "x =", "error('e')",
            "count", "__index", "__uptake_target", "params", "stats", "tick", "rate", "label", "target",
        ]

        /// A Lua expression. Deeper expressions lean to scalars.
        mutating func expr(_ depth: Int) -> String {
            let choice = Int(byte()) % (depth >= 3 ? 24 : 52)
            switch choice {
            case 0: return "nil"
            case 1: return pick(["true", "false"])
            case 2: return pick(["0", "-1", "1", "2", "3", "50", "49", "-0.0", "0.5", "1.5"])
            case 3:
                return pick(["(0/0)", "(-(0/0))", "math.huge", "-math.huge", "1e308", "-1e308", "5e-324", "1e-320"])
            case 4:
                return pick([
                    "math.maxinteger", "math.mininteger", "(2^53)", "(2^53+1)", "(2^63)", "-(2^63)",
                    "0x7fffffffffffffff", "(1e15)",
                    "(1e15+1)", "(-1e15)", "(1e16)", "2147483647", "2147483648", "4294967296", "(-2^31)",
                ])
            case 5: return String(Int8(bitPattern: byte()))
            case 6: return "\(byte())e\(Int8(bitPattern: byte()) / 8)"
            case 7: return quoted(pick(Self.levers))
            case 8: return quoted(pick(Self.names))
            case 9: return quoted(pick(Self.dates))
            case 10: return "\"" + pick(Self.strings) + "\""
            case 11: return slot()
            case 12:
                return pick([
                    "ctx", "ctx.params", "ctx.stats", "a", "b", "M", "V", "ctx.tick", "ctx.date", "ctx.plugin",
                ])
            case 13: return "ctx.params." + pick(["rate", "label", "flag", "sectors", "when", "target", "nope"])
            case 14: return "ctx.stats." + pick(["adopters", "adoption", "tick", "by_sector", "nope", "spend"])
            case 15:
                return
                    "string.rep(\(quoted(pick(["a", "ab", "\\0", "%"]))), \(pick(["64", "65", "1000", "100000", "1048576", "1048577", "4000000", "-1", "math.maxinteger"])))"
            case 16:
                return pick([
                    "\"" + String(repeating: "n", count: 64) + "\"", "\"" + String(repeating: "n", count: 65) + "\"",
                ])
            case 17: return "(# " + expr(depth + 1) + ")"
            case 18:
                return "(" + expr(depth + 1)
                    + pick([
                        " + ", " - ", " * ", " / ", " // ", " % ", " ^ ", " .. ", " == ", " < ", " <= ", " & ", " | ",
                        " << ",
                    ])
                    + expr(depth + 1) + ")"
            case 19: return "(- " + expr(depth + 1) + ")"
            case 20: return "tostring(" + expr(depth + 1) + ")"
            case 21: return "math.random(" + args(depth, max: 2) + ")"
            case 22: return "ctx.random(" + args(depth, max: 2) + ")"
            case 23: return "select(2, pcall(ctx.get, \(quoted(pick(Self.levers)))))"
            // Larger values: tables, functions, coroutines.
            case 24: return "{}"
            case 25: return "{ " + (0..<Int(byte() % 4)).map { _ in expr(depth + 1) }.joined(separator: ", ") + " }"
            case 26:
                let keys = [
                    "sector", "size", "category", "stage", "region", "x", "training", "threshold", "awareness",
                    "budget_factor", "count",
                ]
                return "{ "
                    + (0..<Int(byte() % 4)).map { _ in pick(keys) + " = " + expr(depth + 1) }.joined(separator: ", ")
                    + " }"
            case 27: return "{ [" + expr(depth + 1) + "] = " + expr(depth + 1) + " }"
            case 28: return "(function() local t = {} t[1] = t t.sector = t t.x = { t } return t end)()"
            case 29:
                return
                    "(function() local t = {} for i = 1, \(pick(["10", "63", "64", "65", "200", "5000"])) do t = { t } end return t end)()"
            case 30:
                return
                    "(function() local t = {} for i = 1, \(pick(["10", "1000", "99999", "100000", "100001", "300000"])) do t[i] = i end return t end)()"
            case 31:
                return
                    "(function() local t = { 1 } for i = 1, \(pick(["3", "16", "17", "40"])) do t = { t, t } end return t end)()"
            case 32: return "(function() local t = {} for i = 1, 300 do t[\"k\" .. i] = i end return t end)()"
            case 33:
                return pick([
                    "function() end", "function() error(\"boom\") end", "function(...) return ... end",
                    "function() error({}) end",
                    "function() while true do end end", "function() return ctx end", "function(x) return x end",
                    "function() error(setmetatable({}, { __tostring = function() while true do end end })) end",
                    "function() error(setmetatable({}, { __tostring = function() return {} end })) end",
                ])
            case 34: return "coroutine.create(" + function(depth) + ")"
            case 35: return "coroutine.wrap(" + function(depth) + ")"
            case 36: return "ctx.firms(" + (byte() % 2 == 0 ? "" : expr(depth + 1)) + ")"
            case 37: return "setmetatable({}, " + metatable(depth) + ")"
            case 38:
                return pick([
                    "ctx.set", "ctx.get", "ctx.spend", "ctx.record", "ctx.emit", "ctx.log", "ctx.firms", "ctx.between",
                    "ctx.tick_of", "ctx.add_fund", "ctx.random", "print", "error", "pcall", "coroutine.yield", "load",
                    "require",
                ])
            case 39:
                return "require(" + quoted(pick(["fuzz-b", "fuzz-b.util", "fuzz-a", "nope", "fuzz-b.util.x", ""])) + ")"
            case 40: return "select(2, pcall(require, OTHER))"
            case 41: return "(" + expr(depth + 1) + ")[" + expr(depth + 1) + "]"
            case 42:
                return "select("
                    + ([expr(depth + 1)] + [args(depth, max: 3)].filter { !$0.isEmpty }).joined(separator: ", ") + ")"
            case 43: return "table.pack(" + args(depth, max: 3) + ")"
            case 44: return "string.char(" + args(depth, max: 3) + ")"
            case 45: return "utf8.char(" + args(depth, max: 2) + ")"
            case 46: return "load(\"" + pick(Self.strings) + "\")"
            case 47: return "coroutine.running()"
            case 48: return "(select(2, pcall(ctx.firms, " + expr(depth + 1) + ")))"
            case 49: return "math.tointeger(" + expr(depth + 1) + ")"
            case 50: return "string.format(" + args(depth, max: 3) + ")"
            default: return "{ nested = " + expr(depth + 1) + ", list = { " + expr(depth + 1) + " } }"
            }
        }

        func quoted(_ s: String) -> String { "\"" + s + "\"" }

        mutating func args(_ depth: Int, max: Int) -> String {
            (0..<Int(byte()) % (max + 1)).map { _ in expr(depth + 1) }.joined(separator: ", ")
        }

        mutating func function(_ depth: Int) -> String {
            "function(x, y) " + (depth < 2 ? statement(depth: depth + 1) + " " : "")
                + pick(["coroutine.yield(x) ", "", "do return x end ", "coroutine.yield(ctx.firms()) "])
                + (depth < 2 ? statement(depth: depth + 1) : "") + " end"
        }

        mutating func metatable(_ depth: Int) -> String {
            let fields = [
                "__index = function(t, k) " + (depth < 2 ? statement(depth: depth + 1) : "") + " return "
                    + expr(depth + 1) + " end",
                "__index = " + expr(depth + 1), "__newindex = function() error(\"no\") end",
                "__len = function() return " + expr(depth + 1) + " end",
                "__tostring = function() return " + expr(depth + 1) + " end",
                "__eq = function() return true end", "__lt = function() error(\"lt\") end",
                "__call = function(...) return ... end", "__concat = function() return {} end",
                "__pairs = function(t) return next, {}, nil end",
                "__close = function() end", "__mode = \"k\"", "__metatable = false", "__name = 1",
                "__gc = function() end",
                "__uptake_target = " + expr(depth + 1),
            ]
            return "{ " + (0..<(1 + Int(byte() % 3))).map { _ in pick(fields) }.joined(separator: ", ") + " }"
        }

        static let functions = [
            "ctx.set", "ctx.get", "ctx.spend", "ctx.record", "ctx.emit", "ctx.log", "ctx.firms", "ctx.between",
            "ctx.tick_of",
            "ctx.add_fund", "ctx.random", "math.random", "math.randomseed", "math.floor", "math.fmod", "math.ult",
            "math.abs",
            "print", "tostring", "tonumber", "select", "rawlen", "rawequal", "rawget", "rawset", "next", "pairs",
            "ipairs",
            "setmetatable", "getmetatable", "error", "assert", "pcall", "xpcall", "load", "require", "type",
            "collectgarbage",
            "string.rep", "string.format", "string.find", "string.match", "string.gmatch", "string.gsub", "string.byte",
            "string.char", "string.sub", "string.upper", "string.reverse", "string.len", "string.pack", "string.unpack",
            "string.packsize", "table.concat", "table.insert", "table.remove", "table.move", "table.sort",
            "table.unpack",
            "table.pack", "utf8.char", "utf8.codepoint", "utf8.len", "utf8.offset", "utf8.codes", "coroutine.create",
            "coroutine.resume", "coroutine.wrap", "coroutine.status", "coroutine.close", "coroutine.yield",
            "coroutine.running",
            "coroutine.isyieldable",
        ]

        /// A statement; most are wrapped in pcall so one error does not end the hook
        /// (an unprotected error in a hook ends the run, so only a few are not).
        mutating func statement(depth: Int) -> String {
            let body = rawStatement(depth: depth)
            return byte() % (depth == 0 ? 128 : 16) == 0 ? body : "pcall(function() " + body + " end)"
        }

        mutating func rawStatement(depth: Int) -> String {
            let choice = Int(byte()) % (depth >= 2 ? 12 : 30)
            switch choice {
            case 0, 1, 2: return slot() + " = " + pick(Self.functions) + "(" + args(depth, max: 4) + ")"
            case 3:
                return "ctx.set(" + quoted(pick(Self.levers)) + ", " + expr(depth + 1)
                    + (byte() % 2 == 0 ? "" : ", " + expr(depth + 1)) + ")"
            case 4:
                return slot() + " = ctx.get(" + quoted(pick(Self.levers))
                    + (byte() % 2 == 0 ? "" : ", " + expr(depth + 1)) + ")"
            case 5:
                return "ctx." + pick(["spend", "add_fund"]) + "(" + expr(depth + 1)
                    + (byte() % 2 == 0 ? "" : ", " + expr(depth + 1)) + ")"
            case 6: return "ctx.record(" + expr(depth + 1) + ", " + expr(depth + 1) + ")"
            case 7: return "ctx.emit(" + expr(depth + 1) + ", " + expr(depth + 1) + ")"
            case 8: return pick(["ctx.log", "print"]) + "(" + args(depth, max: 3) + ")"
            case 9: return slot() + " = ctx.firms(" + (byte() % 3 == 0 ? "" : expr(depth + 1)) + ")"
            case 10:
                let set = byte() % 2 == 0 ? "ctx.firms()" : slot()
                let call = byte() % 2 == 0 ? ":" : "."
                switch byte() % 3 {
                case 0: return slot() + " = " + set + call + "sample(" + expr(depth + 1) + ")"
                case 1: return slot() + " = " + set + call + "nudge(" + expr(depth + 1) + ")"
                default:
                    return slot() + " = " + set + call + "nudge({ "
                        + pick(["training", "threshold", "awareness", "budget_factor", "x"]) + " = " + expr(depth + 1)
                        + " })"
                }
            case 11: return slot() + " = ctx." + pick(["between", "tick_of"]) + "(" + args(depth, max: 2) + ")"
            case 12:
                return "for i = 1, \(pick(["2", "10", "100", "257", "1001", "10001"])) do "
                    + statement(depth: depth + 1) + " end"
            case 13:
                return "(" + (byte() % 2 == 0 ? "ctx.firms()" : slot()) + "):each(function(f) "
                    + statement(depth: depth + 1) + " end)"
            case 14:
                return "local co = coroutine.wrap(" + function(depth) + ") co(" + expr(depth + 1) + ") co("
                    + expr(depth + 1) + ")"
            case 15:
                return "local co = coroutine.create(" + function(depth) + ") coroutine.resume(co, " + expr(depth + 1)
                    + ") "
                    + pick(["coroutine.close(co)", "coroutine.resume(co)", slot() + " = co"])
            case 16:
                return "xpcall(function() " + statement(depth: depth + 1) + " error(" + expr(depth + 1)
                    + ") end, function(m) " + statement(depth: depth + 1) + " return m end)"
            case 17: return "setmetatable(" + slot() + ", " + metatable(depth) + ")"
            case 18: return "(" + expr(depth + 1) + ")[" + expr(depth + 1) + "] = " + expr(depth + 1)
            case 19: return "error(" + expr(depth + 1) + ")"
            case 20:
                return "table.sort(" + expr(depth + 1) + ", function(x, y) " + statement(depth: depth + 1) + " return "
                    + expr(depth + 1) + " end)"
            case 21:
                return slot() + " = string.gsub(" + expr(depth + 1) + ", " + expr(depth + 1) + ", function(...) "
                    + statement(depth: depth + 1) + " return " + expr(depth + 1) + " end)"
            case 22: return "for k, v in pairs(" + expr(depth + 1) + ") do " + statement(depth: depth + 1) + " end"
            case 23: return "M." + pick(LuaAPIProgram.hooks) + " = " + expr(depth + 1)
            case 24:
                return "local function r(n) if n > 0 then return "
                    + pick([
                        "r(n - 1)", "select(2, pcall(r, n - 1))",
                        "ctx.firms({ sector = \"retail\" }):each(function() r(n - 1) end)",
                        "table.sort({ 2, 1 }, function() r(n - 1) return false end)",
                        "string.gsub(\"a\", \"a\", function() r(n - 1) end)",
                        "coroutine.wrap(r)(n - 1)", "setmetatable({}, { __index = function() return r(n - 1) end }).x",
                    ])
                    + " end return " + expr(depth + 1) + " end " + slot() + " = r("
                    + pick(["10", "150", "250", "1000", "100000"]) + ")"
            case 25: return slot() + " = " + expr(depth)
            case 26: return slot() + " = tostring(" + expr(depth + 1) + ") .. " + expr(depth + 1)
            case 27:
                return "local c <close> = setmetatable({}, { __close = function() " + statement(depth: depth + 1)
                    + " end }) " + statement(depth: depth + 1)
            case 28:
                return "ctx.emit(" + quoted(pick(["tick", "e", "ctx", "fn"])) + ", "
                    + pick([
                        "ctx", "V", "M", "ctx.firms()", "function() return ctx end", "coroutine.create(function() end)",
                    ]) + ")"
            default:
                return "if " + expr(depth + 1) + " then " + statement(depth: depth + 1) + " else "
                    + statement(depth: depth + 1) + " end"
            }
        }
    }
}
