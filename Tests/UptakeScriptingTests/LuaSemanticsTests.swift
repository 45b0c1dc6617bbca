import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// Where the sandbox keeps a standard function, it keeps Lua 5.4's meaning:
/// plugins written for plain Lua work unchanged. Each test runs Lua code in
/// a plugin's setup hook; an `assert` that fails fails the run. The same
/// ground as Lua 5.4's own test files math.lua, pm.lua, tpack.lua,
/// vararg.lua and utf8.lua, in checks of our own.
final class LuaSemanticsTests: XCTestCase {
    /// Runs `code` as the body of a plugin's setup; fails the test if the run fails.
    func runs(_ code: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let p = try TemporaryProject()
        try p.plugin("plain", initLua: "local M = {}\nfunction M.setup(ctx)\n\(code)\nend\nreturn M\n")
        do {
            try p.session(try p.scenario("\"plain\",")).run()
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testRandomHasEveryLua54Form() throws {
        try runs(
            """
            local minint, maxint = math.mininteger, math.maxinteger
            -- random(0): a random integer with all 64 bits
            local seenNegative, seenPositive = false, false
            for _ = 1, 200 do
              local r = math.random(0)
              assert(math.type(r) == "integer")
              if r < 0 then seenNegative = true else seenPositive = true end
            end
            assert(seenNegative and seenPositive)
            -- floats in [0, 1)
            for _ = 1, 1000 do local u = math.random() assert(u >= 0 and u < 1) end
            -- intervals at the integer limits
            assert(math.random(maxint, maxint) == maxint)
            assert(math.random(minint, minint) == minint)
            for _ = 1, 100 do
              local r = math.random(minint, maxint) assert(math.type(r) == "integer")
              local d = math.random(6) assert(d >= 1 and d <= 6)
              local s = math.random(-3, 3) assert(s >= -3 and s <= 3)
            end
            -- errors as in Lua
            assert(not pcall(math.random, 1, 2, 3))
            assert(not pcall(math.random, maxint, maxint - 1))
            assert(not pcall(math.random, 1e300))
            assert(not pcall(math.random, 1.5))
            local ok, msg = pcall(math.random, 0/0)
            assert(not ok and msg:find("number has no integer representation"), msg)
            assert(select("#", math.random()) == 1)
            """)
    }

    func testRandomseedIsLuasGeneratorAndReturnsItsSeeds() throws {
        try runs(
            """
            -- Lua 5.4's xoshiro256**: seed 1007 gives this first integer
            math.randomseed(1007)
            assert(math.random(0) == 0x7a7040a5a323c9d6)
            local a, b = math.randomseed(7)
            assert(a == 7 and b == 0)
            -- randomseed() starts a new, reproducible state and returns it
            local x, y = math.randomseed()
            assert(math.type(x) == "integer" and math.type(y) == "integer")
            local r = math.random(0)
            math.randomseed(x, y)
            assert(math.random(0) == r)
            local x2 = math.randomseed()
            assert(x2 ~= x, "each randomseed() gives a new seed")
            assert(not pcall(math.randomseed, 0/0))
            assert(not pcall(math.randomseed, "seven"))
            -- ctx.random is the same stream as math.random
            math.randomseed(42) local m = math.random(0)
            math.randomseed(42) assert(ctx.random(0) == m)
            """)
    }

    func testRandomStreamsArePerPluginAndFollowTheRunSeed() throws {
        let p = try TemporaryProject()
        for name in ["one", "two"] {
            try p.plugin(
                name, initLua: "return { after_tick = function(ctx) ctx.record('\(name)', math.random(1000000)) end }")
        }
        func values(_ seed: UInt64) throws -> [Double] {
            let s = try p.session(try p.scenario("\"one\", \"two\","), seed: seed)
            try s.run()
            return s.simulation.metrics.flatMap { [$0["one"] ?? -1, $0["two"] ?? -1] }
        }
        let a = try values(3), again = try values(3), other = try values(4)
        XCTAssertEqual(a, again, "same seed, same draws")
        XCTAssertNotEqual(a, other, "another run seed, other draws")
        XCTAssertNotEqual(a[0], a[1], "each plugin has its own stream")
    }

    func testPatternMatching() throws {
        try runs(
            """
            assert(string.find("hello world", "o w") == 5)
            assert(string.find("a.b", ".", 1, true) == 2)
            assert(string.find("abc", "b", -1) == nil)
            assert(string.find("", "") == 1)
            assert(string.find("abc", "", 10) == nil)
            assert(select(3, string.find("key = value", "(%w+)%s*=%s*(%w+)")) == "key")
            assert(string.match("  trim me  ", "^%s*(.-)%s*$") == "trim me")
            assert(string.match("f(a(b)c)d", "%b()") == "(a(b)c)")
            assert(string.match("THE (quick) fox", "%f[%a]%a+") == "THE")
            assert(string.match("hello", "()ll()") == 3)
            assert(string.match("2024-05-06", "(%d+)-(%d+)-(%d+)") == "2024")
            assert(string.match("[x]", "[%[]") == "[")
            assert(string.match("a-b", "[a%-]+") == "a-")
            assert(string.gsub("hello world", "o", "0") == "hell0 w0rld")
            assert(select(2, string.gsub("abc", "", "-")) == 4)
            assert(string.gsub("abc", "%w", "%0%0") == "aabbcc")
            assert(string.gsub("hello world", "(%w+)", "<%1>") == "<hello> <world>")
            assert(string.gsub("$name is $age", "%$(%w+)", { name = "Ann", age = false }) == "Ann is $age")
            assert(string.gsub("abc", ".", function(c) if c == "b" then return nil end return c:upper() end) == "AbC")
            assert(string.gsub("abc", "b", "%%") == "a%c")
            assert(string.gsub("aaa", "a", "b", 2) == "bba")
            local words = {}
            for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
            assert(table.concat(words, ",") == "one,two,three")
            local k = {}
            for a, b in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do k[a] = tonumber(b) end
            assert(k.a == 1 and k.b == 2)
            local from3 = {}
            for w in string.gmatch("ab cd ef", "%a+", 4) do from3[#from3 + 1] = w end
            assert(table.concat(from3, ",") == "cd,ef")
            local function fails(fragment, f, ...)
              local ok, msg = pcall(f, ...)
              assert(not ok and msg:find(fragment, 1, true), tostring(msg))
            end
            fails("malformed pattern (ends with '%')", string.find, "a", "%")
            fails("malformed pattern (missing ']')", string.find, "a", "[a")
            fails("missing '[' after '%f' in pattern", string.find, "a", "%f")
            fails("unfinished capture", string.find, "a", "(.")
            fails("invalid pattern capture", string.find, "a", ".)")
            fails("invalid capture index %2", string.gsub, "alo", ".", "%2")
            fails("invalid use of '%' in replacement string", string.gsub, "alo", ".", "%x")
            fails("invalid replacement value (a table)", string.gsub, "alo", ".", function() return {} end)
            -- a pattern that backtracks heavily on a long subject still answers
            assert(string.find(string.rep("a", 100000), "^a*.?$"))
            assert(not string.find(string.rep("a", 100000), "^a*.?b$"))
            """)
    }

    func testPackUnpackAndStringFunctions() throws {
        try runs(
            """
            local packed = string.pack("<i4 d z s1", -2, 1.5, "zero", "len")
            local a, b, c, d, nextpos = string.unpack("<i4 d z s1", packed)
            assert(a == -2 and b == 1.5 and c == "zero" and d == "len" and nextpos == #packed + 1)
            assert(string.packsize("i4 i8") == 12 and string.packsize("!8 i4 i8") == 16)
            assert(string.unpack(">I2", "\\1\\2") == 258)
            assert(not pcall(string.pack, "i17", 1))
            assert(not pcall(string.unpack, "i4", "ab"))
            assert(string.rep("ab", 3, ",") == "ab,ab,ab")
            assert(string.format("%5.2f|%d|%q", 3.14159, 42, "a\\nb") == " 3.14|42|\\"a\\\\\\nb\\"")
            assert(("x"):rep(3) == "xxx")
            assert(#string.rep("a", 0) == 0)
            assert(string.byte("ABC", 1, -1) == 65)
            assert(string.char(72, 105) == "Hi")
            assert(table.concat({ 1, 2, 3 }, "-") == "1-2-3")
            local t = table.move({ 1, 2, 3 }, 1, 3, 2)
            assert(t[1] == 1 and t[2] == 1 and t[4] == 3)
            local s = { 5, 2, 9, 1 } table.sort(s) assert(table.concat(s, ",") == "1,2,5,9")
            table.sort(s, function(x, y) return x > y end) assert(table.concat(s, ",") == "9,5,2,1")
            """)
    }

    func testVarargs() throws {
        try runs(
            """
            local function count(...) return select("#", ...) end
            assert(count() == 0 and count(nil) == 1 and count(nil, nil) == 2)
            local function pass(...) return ... end
            assert(count(pass(1, nil, 3, nil)) == 4)
            local packed = table.pack(1, nil, 3)
            assert(packed.n == 3 and packed[3] == 3)
            local x, y, z = table.unpack({ 1, 2, 3 }, 2)
            assert(x == 2 and y == 3 and z == nil)
            assert(select(-1, 1, 2, 3) == 3)
            assert(not pcall(select, 0, 1))
            local function tail(n, ...) if n == 0 then return ... end return tail(n - 1, n, ...) end
            assert(count(tail(50)) == 50)
            local co = coroutine.wrap(function(...) local a = { ... } coroutine.yield(#a) return select("#", ...) end)
            assert(co(1, 2, 3) == 3 and co() == 3)
            """)
    }

    func testUTF8Library() throws {
        try runs(
            """
            local utf8 = require("utf8")
            assert(utf8.char(72, 228, 8364, 128512) == "H\\u{E4}\\u{20AC}\\u{1F600}")
            assert(utf8.len("H\\u{E4}\\u{20AC}") == 3)
            local n, pos = utf8.len("ab\\xff")
            assert(n == nil and pos == 3)
            assert(utf8.codepoint("\\u{20AC}") == 8364)
            assert(utf8.offset("a\\u{E4}b", 3) == 4)
            local cps = {}
            for _, c in utf8.codes("a\\u{E4}") do cps[#cps + 1] = c end
            assert(cps[1] == 97 and cps[2] == 228)
            assert(not pcall(function() for _ in utf8.codes("\\xff") do end end))
            assert(("\\u{E4}"):match(utf8.charpattern) == "\\u{E4}")
            assert(require("string") == string and require("table") == table)
            """)
    }

    func testModulesLoadAsBytesInAnyEncoding() throws {
        let p = try TemporaryProject()
        // A module written in Latin-1: "é" is the single byte 0xE9.
        var latin1 = Array("return { s = \"".utf8)
        latin1.append(0xE9)
        latin1 += Array("\" }\n".utf8)
        try FileManager.default.createDirectory(
            at: p.root.appendingPathComponent("plugins/legacy"), withIntermediateDirectories: true)
        try Data(latin1).write(to: p.root.appendingPathComponent("plugins/legacy/latin.lua"))
        try p.plugin(
            "legacy", initLua: "local m = require('latin')\nassert(#m.s == 1 and m.s:byte() == 0xE9)\nreturn {}\n")
        XCTAssertNoThrow(try p.session(try p.scenario("\"legacy\",")).run())
    }
}
