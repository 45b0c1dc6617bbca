import Foundation
import UptakeKernel

/// Reads a scenario file: runs it in the sandbox (it may compute values, but
/// has no access to files or the clock), applies overrides, validates.
public enum ScenarioLoader {
    /// Runs the file in `sandbox` and returns the table it returns; `log`
    /// gets the lines it prints (default: stderr).
    public static func evaluate(file: String, sandbox: LuaSandbox, log: ((String) -> Void)? = nil) throws -> (
        LuaTable, String
    ) {
        if let log { return try DeclarativeFile.scenario.evaluate(file: file, sandbox: sandbox, log: log) }
        return try DeclarativeFile.scenario.evaluate(file: file, sandbox: sandbox)
    }

    /// Loads, overrides and validates a scenario.
    public static func load(
        file: String, sandbox: LuaSandbox, overrides: [ParameterOverride] = [], seed: UInt64? = nil,
        threads: Int = 1, log: ((String) -> Void)? = nil
    ) throws -> Scenario {
        let (table, source) = try evaluate(file: file, sandbox: sandbox, log: log)
        return try load(
            table: table, locator: SourceLocator(file: file, source: source), overrides: overrides, seed: seed,
            threads: threads)
    }

    /// Overrides and validates the table a scenario file returned (see
    /// `evaluate`; `locator` is made from the file's text): what `load` does
    /// after running the file, for a caller that ran it once for many runs
    /// (`SharedPreparation`).
    public static func load(
        table: LuaTable, locator: SourceLocator, overrides: [ParameterOverride] = [], seed: UInt64? = nil,
        threads: Int = 1
    ) throws -> Scenario {
        let file = locator.file
        var table = table
        var overridden: [String: String] = [:]
        var seed = seed
        for o in overrides {
            // `--set seed=N` takes every seed `--seed N` takes (0 to 2^64-1), more than a Lua integer holds.
            if o.path == ["seed"] {
                seed = try o.seed(given: seed)
                continue
            }
            try o.apply(to: &table)
            overridden[
                o.isPluginParameter ? "plugins." + o.path.joined(separator: ".") : o.path.joined(separator: ".")] =
                o.text
        }
        let context = ValidationContext(locator: locator, overridden: overridden)
        return try ScenarioDecoder.decode(table, file: file, context: context, seedOverride: seed, threads: threads)
    }
}
