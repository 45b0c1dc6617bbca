import Foundation
import UptakeBatch
import UptakeScripting

/// An experiment file: evaluated in the sandbox (small limits) and validated;
/// when valid and small, its design points and their overrides are made and
/// the preflight `uptake batch` runs before a batch (prepare the first point,
/// then each parameter at each listed value) is done against a small
/// baseline.lua beside it that uses the repository's plugins.
enum ExperimentTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.fixture("experiment/baseline.lua", FuzzWorkspace.smallScenario)
        let file = w.write(data, to: "experiment/experiment.lua")
        guard let experiment = expected(try ExperimentLoader.load(file: file, limits: FuzzWorkspace.luaLimits)) else {
            return
        }
        // Designs that would be large are not expanded: their size is the user's choice, not a parser's fault.
        switch experiment.design {
        case .grid: break
        case .random(let n), .latinHypercube(let n), .sobol(let n): guard n <= 64 else { return }
        case .morris(let r, _): guard r <= 16 else { return }
        case .points(let rows): guard rows.count <= 64 else { return }
        }
        guard experiment.parameters.count <= 8 else { return }
        let plan = DesignPlan(experiment)
        guard plan.pointCount <= 2_000 else { return }
        for i in 0..<plan.pointCount {
            let p = plan.point(i)
            _ = plan.overrides(for: p)
            _ = plan.seed(point: i, replicate: 0)
        }
        guard experiment.scenarioFile.hasPrefix(w.root.path) || !experiment.scenarioFile.hasPrefix("/") else { return }
        expected(
            try ExperimentPreflight.check(
                experiment, searchPath: PluginSearchPath(directories: [FuzzWorkspace.repositoryPlugins])))
    }
}
