import UptakeScripting

/// A batch experiment as validated from its Lua file: which scenario it
/// varies, which parameters (levers apart from uncertainties), how the
/// design samples them, how many replicates, and what each run records.
///
///     let experiment = try ExperimentLoader.load(file: "scenarios/tax-relief-sweep.lua")
///     let plan = try DesignPlan(experiment)
public struct Experiment: Sendable {
    public var file: String
    public var name: String
    /// The scenario file, resolved against the experiment file's folder.
    public var scenarioFile: String
    public var seed: UInt64
    /// Fixed overrides applied to every run (`set = { ... }`).
    public var fixed: [ParameterOverride]
    /// Levers first, then uncertainties; each group sorted by path.
    public var parameters: [ExperimentParameter]
    public var design: DesignKind
    public var replicates: Int
    /// Replicate r of every design point shares one seed (paired comparisons).
    public var commonRandomNumbers: Bool
    /// Values of the discrete levers that make the baseline policy, if any.
    public var baseline: [String: LuaValue]?
    public var record: RecordSpec
    public var stop: StopCondition?
    /// Where errors found after loading (e.g. a misspelt output) point to.
    public var context: ValidationContext

    public var levers: [ExperimentParameter] { parameters.filter { $0.role == .lever } }
    public var uncertainties: [ExperimentParameter] { parameters.filter { $0.role == .uncertainty } }
}

/// A policy lever (what the government chooses) or an uncertainty (what it
/// does not control); both address `plugin.param` or a scenario path.
public struct ExperimentParameter: Sendable, Equatable {
    public enum Role: String, Sendable { case lever, uncertainty }
    /// The values a parameter takes.
    public enum Domain: Sendable, Equatable {
        /// Listed values, or a NetLogo-style range `{ from, step, to }`: crossed in a full factorial.
        case values([LuaValue])
        /// A continuous interval `{ min, max }`: sampled by the design.
        case interval(min: Double, max: Double)
    }
    public var path: String
    public var role: Role
    public var domain: Domain

    public var isSampled: Bool { if case .interval = domain { return true } else { return false } }

    /// A value at unit position u in [0, 1] of an interval.
    public func scaled(_ u: Double) -> Double {
        guard case let .interval(lo, hi) = domain else { return .nan }
        return lo + u * (hi - lo)
    }

    public var domainText: String {
        switch domain {
        case .values(let v): return "{ " + v.map(\.description).joined(separator: ", ") + " }"
        case let .interval(lo, hi): return "{ min = \(LuaValue.number(lo)), max = \(LuaValue.number(hi)) }"
        }
    }
}

/// How the sampled (interval) parameters are drawn.
public enum DesignKind: Sendable, Equatable {
    /// Only listed values, crossed.
    case grid
    case random(samples: Int)
    /// Latin hypercube: each parameter's range cut into `samples` strata, one sample in each.
    case latinHypercube(samples: Int)
    /// Saltelli's scheme for Sobol indices: `samples` base rows, `samples * (d + 2)` points.
    case sobol(samples: Int)
    /// Morris elementary effects: `trajectories * (d + 1)` points on a `levels`-level grid.
    case morris(trajectories: Int, levels: Int)
    /// Given points: one row per point, each sampled parameter's unit-cube
    /// coordinate (what `uptake calibrate` writes for each generation).
    case points(rows: [[Double]])

    public var name: String {
        switch self {
        case .grid: return "grid"
        case .random: return "random"
        case .latinHypercube: return "lhs"
        case .sobol: return "sobol"
        case .morris: return "morris"
        case .points: return "points"
        }
    }

    public static let names = ["grid", "random", "lhs", "sobol", "morris", "points"]
}

/// What each run keeps: final values of some columns, and some columns every n ticks.
public struct RecordSpec: Sendable, Equatable {
    public static let defaultFinal = ["adopters", "adoption", "productivity_index", "spend_cumulative"]
    public var final: [String] = RecordSpec.defaultFinal
    public var series: [String] = []
    public var every: Int = 1
}

/// Stop a run early once a column reaches a value (e.g. adoption 0.5).
public struct StopCondition: Sendable, Equatable {
    public var metric: String
    public var atLeast: Double?
    public var atMost: Double?

    public func isMet(_ value: Double) -> Bool {
        if let atLeast, value >= atLeast { return true }
        if let atMost, value <= atMost { return true }
        return false
    }
}
