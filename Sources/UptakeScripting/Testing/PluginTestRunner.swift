import CLua
import CLuaShims
import Foundation

/// Runs one Lua test file of a plugin: a file under `plugins/NAME/test/`
/// that returns a table of named test functions, each called with the test
/// helper `t` (`t.run`, `t.expect`, `t.fails`; docs/plugins.md, "Testing
/// plugins"). The file runs in the sandbox, like a plugin: no `io`, `os`,
/// files or clock.
///
///     local tests = {}
///     tests["the relief reaches manufacturing only"] = function(t)
///       local r = t.run{ plugins = { { "tax-relief", rate = 0.5, sectors = { "manufacturing" } } } }
///       t.expect(r.lever("tax_relief", 0, { sector = "retail" })):equals(0)
///     end
///     return tests
public struct PluginTestRunner {
    /// Where `t.run` looks for plugins; the plugin under test's own folder comes first.
    public var searchPath: (_ testFile: PluginTestFile) -> PluginSearchPath

    public init(searchPath: ((PluginTestFile) -> PluginSearchPath)? = nil) {
        self.searchPath = searchPath ?? { file in file.standardSearchPath() }
    }

    /// Runs every test of the file, in the order they are written. Never
    /// throws: a file that cannot be loaded is one failed test named after the file.
    public func run(_ file: PluginTestFile) -> [PluginTestOutcome] {
        let chunk = file.displayPath
        guard let source = try? String(contentsOf: file.url, encoding: .utf8) else {
            return [
                .init(
                    name: "(reading the file)", file: chunk, line: nil, failure: "\(chunk): cannot read the test file")
            ]
        }
        do {
            let lua = try LuaState()
            let sandbox = try LuaSandbox(lua: lua)
            let tests = try loadTests(source: source, chunk: chunk, lua: lua, sandbox: sandbox)
            let helperRef = try pushHelper(lua: lua, sandbox: sandbox, file: file, chunk: chunk, source: source)
            defer { luaL_unref(lua.L, uptake_registryindex(), helperRef) }
            return tests.map { test in
                let base = lua.top
                defer { lua.setTop(base) }
                sandbox.push(reference: test.ref)
                sandbox.push(reference: helperRef)
                do {
                    try lua.call(arguments: 1, results: 0)
                    return PluginTestOutcome(name: test.name, file: chunk, line: test.line, failure: nil)
                } catch let e as LuaError {
                    return PluginTestOutcome(
                        name: test.name, file: chunk, line: test.line, failure: Self.describe(e, chunk: chunk))
                } catch {
                    return PluginTestOutcome(name: test.name, file: chunk, line: test.line, failure: "\(error)")
                }
            }
        } catch let d as Diagnostic {
            return [.init(name: "(loading the file)", file: chunk, line: d.line, failure: d.description)]
        } catch {
            return [.init(name: "(loading the file)", file: chunk, line: nil, failure: "\(error)")]
        }
    }

    struct LoadedTest {
        let name: String
        let line: Int
        let ref: Int32
    }

    /// Runs the file's chunk and takes its table of test functions, ordered by line.
    func loadTests(source: String, chunk: String, lua: LuaState, sandbox: LuaSandbox) throws -> [LoadedTest] {
        try sandbox.pushNewEnvironment(
            .init(
                randomSeed: 0, refuseRandom: "tests draw no random numbers of their own; give t.run a seed instead",
                require: { _ in
                    throw ScriptCallError(
                        "test files cannot require modules; run the plugin with t.run{ plugins = { ... } }")
                },
                print: { l in
                    print(PluginHost.line(of: l))
                    return 0
                }))
        let env = lua.top
        do {
            try sandbox.loadChunk(source: source, chunkName: chunk, environment: env)
            try lua.call(arguments: 0, results: 1)
        } catch let e as LuaError {
            throw Diagnostic(
                file: e.file(resolvingAgainst: [chunk]) ?? chunk, line: e.line,
                problem: e.kind == .syntax ? "Lua syntax error: \(e.message)" : e.message,
                fix: e.kind == .syntax ? "Fix the syntax at that line" : "Fix the test file at that line")
        }
        guard lua_type(lua.L, -1) == LUA_TTABLE else {
            throw Diagnostic(
                file: chunk, line: source.components(separatedBy: "\n").count,
                problem: "the test file returned \(lua.scalar(at: -1).typeName) instead of a table of tests",
                fix: "End the file with: return tests  (a table like tests[\"what it checks\"] = function(t) ... end)")
        }
        let table = lua.top
        var tests: [LoadedTest] = []
        lua_pushnil(lua.L)
        while lua_next(lua.L, table) != 0 {
            // [table, key, value]
            let key = lua.scalar(at: -2)
            guard let name = key.string else {
                lua.pop()
                throw Diagnostic(
                    file: chunk, problem: "the test table has a key \(key) that is not a name",
                    fix: "Name every test: tests[\"what it checks\"] = function(t) ... end")
            }
            if name.hasPrefix("_") {
                lua.pop()
                continue
            }  // room for helpers the tests share
            guard lua_type(lua.L, -1) == LUA_TFUNCTION else {
                let typeName = lua.scalar(at: -1).typeName
                lua.pop()
                throw Diagnostic(
                    file: chunk, line: SourceLocator(file: chunk, source: source).line(of: [name]),
                    problem: "test '\(name)' is a \(typeName), not a function",
                    fix: "Write it as tests[\"\(name)\"] = function(t) ... end, or start the name with _ for a helper")
            }
            lua_pushvalue(lua.L, -1)
            var info = lua_Debug()
            lua_getinfo(lua.L, ">S", &info)  // pops the copy
            // reference() pops the value.
            tests.append(LoadedTest(name: name, line: Int(info.linedefined), ref: sandbox.reference()))
        }
        lua.setTop(env - 1)
        return tests.sorted { ($0.line, $0.name) < ($1.line, $1.name) }
    }

    /// Builds the read-only helper `t`: the assertions plus `t.run`. Returns its reference.
    func pushHelper(lua: LuaState, sandbox: LuaSandbox, file: PluginTestFile, chunk: String, source: String) throws
        -> Int32
    {
        try lua.load(source: TestAssertions.prelude, chunkName: "=uptake-test")
        try lua.call(arguments: 0, results: 1)
        let helper = lua.top
        let searchPath = self.searchPath(file)
        lua.pushFunction { l in
            guard lua_type(l.L, 1) == LUA_TTABLE, let table = try l.value(at: 1).table else {
                throw ScriptCallError(
                    "t.run expects a scenario table: t.run{ ticks = 8, plugins = { { \"tax-relief\", rate = 0.5 } } }")
            }
            do {
                let run = try TestScenarioRun(table: table, file: chunk, source: source, searchPath: searchPath)
                try run.run()
                run.pushResult(into: l)
                return 1
            } catch let d as Diagnostic {
                // A mistake in the test's own table reads best at the t.run line, which Lua adds;
                // an error inside a plugin keeps its own file, line, hook and tick.
                if d.file == chunk { throw ScriptCallError("t.run: " + d.problem + (d.fix.map { ". " + $0 } ?? "")) }
                throw ScriptCallError("t.run: " + d.description)
            }
        }
        lua.setField(helper, "run")
        try sandbox.makeReadOnly(name: "t")
        return sandbox.reference()
    }

    /// "file:line: message" of a failed test (the assertion's line for a failed assertion).
    static func describe(_ e: LuaError, chunk: String) -> String {
        let file = e.file(resolvingAgainst: [chunk])
        switch e.kind {
        case .instructionBudget:
            return "\(file ?? chunk)\(e.line.map { ":\($0)" } ?? ""): the test ran too long (an endless loop?)"
        case .memory:
            return "\(chunk): the test used more memory than the cap"
        default:
            if let file, let line = e.line { return "\(file):\(line): \(e.message)" }
            return "\(chunk): \(e.message)"
        }
    }
}

/// What became of one test.
public struct PluginTestOutcome: Sendable, Equatable {
    public var name: String
    /// The test file and the line where the test function starts.
    public var file: String
    public var line: Int?
    /// nil when the test passed; else "file:line: what went wrong".
    public var failure: String?
    public var passed: Bool { failure == nil }
}
