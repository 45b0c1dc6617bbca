import Foundation
import UptakeScripting

/// An edges CSV file, read through a scenario that names it: once with firm
/// numbers (40 generated firms), once with the ids of a firms file; then the
/// network and a few ticks are built from it.
enum EdgesCSVTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.fixture(
            "edges/numbers.lua",
            """
            return scenario {
              ticks = 3, firms = 40,
              network = { kind = "edges", file = "edges.csv" },
              model = { rule = "threshold" },
            }
            """)
        w.fixture(
            "edges/ids.lua",
            """
            return scenario {
              ticks = 3,
              firms = { file = "firms.csv" },
              network = { kind = "edges", file = "edges.csv", directed = true },
            }
            """)
        w.fixture(
            "edges/firms.csv",
            "id,stage\n" + (0..<20).map { "f\($0),\($0 % 5 == 0 ? "adopted" : "unaware")" }.joined(separator: "\n")
                + "\n0,\n1,\n")
        w.write(data, to: "edges/edges.csv")
        for name in ["numbers.lua", "ids.lua"] {
            guard let lua = expected(try LuaState(limits: FuzzWorkspace.luaLimits)),
                let sandbox = expected(try LuaSandbox(lua: lua)),
                let scenario = expected(try ScenarioLoader.load(file: w.url("edges/" + name).path, sandbox: sandbox))
            else { continue }
            FuzzWorkspace.runBriefly(scenario, lua: lua, sandbox: sandbox)
        }
    }
}
