import Foundation
import UptakeKernel

/// Reads a scenario file: runs it in the sandbox (it may compute values, but
/// has no access to files or the clock), applies overrides, validates.
public enum ScenarioLoader {
    /// Runs the file in `sandbox` and returns the table it returns.
    public static func evaluate(file: String, sandbox: LuaSandbox) throws -> (LuaTable, String) {
        try DeclarativeFile.scenario.evaluate(file: file, sandbox: sandbox)
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
