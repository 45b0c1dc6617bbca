import Foundation
import UptakeKernel

/// Reads a scenario file: runs it in the sandbox (it may compute values, but
/// has no access to files or the clock), applies overrides, validates.
public enum ScenarioLoader {
    /// Runs the file in `sandbox` and returns the table it returns.
    public static func evaluate(file: String, sandbox: LuaSandbox) throws -> (LuaTable, String) {
        guard let source = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw Diagnostic(file: file, problem: "cannot read the scenario file", fix: "Check the path; scenarios are Lua files like scenarios/baseline.lua")
        }
        let lua = sandbox.lua
        let base = lua.top
        defer { lua.setTop(base) }
        let noRequire: (LuaState) throws -> Int32 = { _ in throw ScriptCallError("scenarios cannot require modules; list plugins in the scenario's plugins table") }
        try sandbox.pushNewEnvironment(.init(
            random: { _ in throw ScriptCallError("scenarios cannot draw random numbers; set seed = N instead") },
            randomseed: noRequire, require: noRequire,
            print: { l in FileHandle.standardError.write(Data(((1...max(1, l.top)).map { l.top >= $0 ? PluginHost.show(l.value(at: $0)) : "" }.joined(separator: "\t") + "\n").utf8)); return 0 }))
        let env = lua.top
        // scenario { ... } marks the table; it only returns its argument.
        lua.pushFunction { l in
            guard l.value(at: 1).table != nil else { throw ScriptCallError("scenario expects a table: scenario { name = \"...\", ... }") }
            l.setTop(1); return 1
        }
        lua.setField(env, "scenario")
        do {
            try sandbox.loadChunk(source: source, chunkName: file, environment: env)
            try lua.call(arguments: 0, results: 1)
        } catch let e as LuaError {
            throw Diagnostic(file: e.file(resolvingAgainst: [file]) ?? file, line: e.line, problem: e.kind == .syntax ? "Lua syntax error: \(e.message)" : e.message,
                             fix: e.kind == .syntax ? "Fix the syntax at that line (a missing comma, bracket or 'end' is the usual cause)" : "Fix the scenario at that line")
        }
        let value = lua.value(at: -1)
        guard let table = value.table else {
            throw Diagnostic(file: file, line: source.components(separatedBy: "\n").count, problem: "the scenario returned \(value.typeName) instead of a table",
                             fix: "End the file with: return scenario { name = \"...\", ... }")
        }
        return (table, source)
    }

    /// Loads, overrides and validates a scenario.
    public static func load(file: String, sandbox: LuaSandbox, overrides: [ParameterOverride] = [], seed: UInt64? = nil,
                            threads: Int = 1) throws -> Scenario {
        var (table, source) = try evaluate(file: file, sandbox: sandbox)
        var overridden: [String: String] = [:]
        for o in overrides {
            try o.apply(to: &table)
            overridden[o.isPluginParameter ? "plugins." + o.path.joined(separator: ".") : o.path.joined(separator: ".")] = o.text
        }
        let context = ValidationContext(locator: SourceLocator(file: file, source: source), overridden: overridden)
        return try ScenarioDecoder.decode(table, file: file, context: context, seedOverride: seed, threads: threads)
    }
}
