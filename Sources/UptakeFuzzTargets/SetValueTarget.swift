import Foundation
import UptakeScripting

/// The text of one `--set PATH=VALUE` (as the command line gets it, a
/// String): parsed, applied to a small scenario, validated, and the run
/// prepared and run briefly (plugin parameters are checked when plugins load).
enum SetValueTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.fixture("set/scenario.lua", FuzzWorkspace.smallScenario)
        guard let o = expected(try ParameterOverride(parsing: String(decoding: data, as: UTF8.self))) else { return }
        _ = o.isPluginParameter
        guard let lua = expected(try LuaState(limits: FuzzWorkspace.luaLimits)),
            let sandbox = expected(try LuaSandbox(lua: lua)),
            let scenario = expected(
                try ScenarioLoader.load(file: w.url("set/scenario.lua").path, sandbox: sandbox, overrides: [o]))
        else { return }
        FuzzWorkspace.runBriefly(scenario, lua: lua, sandbox: sandbox)
    }
}
