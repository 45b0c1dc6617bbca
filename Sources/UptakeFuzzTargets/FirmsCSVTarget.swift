import Foundation
import UptakeScripting

/// A firms CSV file, read through a scenario that names it (the product's
/// only way in), then the population and a few ticks are built from it.
enum FirmsCSVTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.fixture(
            "firms/scenario.lua",
            """
            return scenario {
              ticks = 3,
              firms = { file = "firms.csv", regions = { "east", "west" } },
              network = { kind = "small-world", degree = 4 },
              model = { rule = "threshold" },
            }
            """)
        w.write(data, to: "firms/firms.csv")
        guard let lua = expected(try LuaState(limits: FuzzWorkspace.luaLimits)),
            let sandbox = expected(try LuaSandbox(lua: lua)),
            let scenario = expected(try ScenarioLoader.load(file: w.url("firms/scenario.lua").path, sandbox: sandbox))
        else { return }
        FuzzWorkspace.runBriefly(scenario, lua: lua, sandbox: sandbox)
    }
}
