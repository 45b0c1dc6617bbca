import Foundation
import UptakeScripting

/// A scenario file: evaluated in the sandbox (small limits), validated, and,
/// when valid, run briefly with the repository's plugins (cut to 500 firms and
/// 6 ticks), so values the validation accepts are also shown not to crash the
/// kernel or a plugin. The folder has a firms.csv and an edges.csv a scenario
/// may name.
enum ScenarioTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.fixture(
            "scenario/firms.csv",
            "id,sector,size,region,innovativeness,threshold,stage\nf1,manufacturing,small,east,0.5,0.3,unaware\nf2,retail,large,west,-1,0.7,adopted\nf3,,,,,,\n"
        )
        w.fixture("scenario/edges.csv", "source,target\n0,1\n1,2\n2,0\n")
        let file = w.write(data, to: "scenario/scenario.lua")
        guard let lua = expected(try LuaState(limits: FuzzWorkspace.luaLimits)),
            let sandbox = expected(try LuaSandbox(lua: lua)),
            let scenario = expected(try ScenarioLoader.load(file: file, sandbox: sandbox))
        else { return }
        FuzzWorkspace.runBriefly(scenario, lua: lua, sandbox: sandbox)
    }
}
