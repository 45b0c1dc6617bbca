import UptakeKernel
import Foundation

/// Turns the table a scenario file returns into a `Scenario`, validating every
/// value. Keys are documented in docs/scripting.md ("Scenario files").
public enum ScenarioDecoder {
    public static let ruleNames = ["rogers", "bass", "threshold"]
    public static let networkNames = ["mean-field", "small-world", "erdos-renyi", "scale-free", "lattice", "edges"]

    public static func decode(
        _ table: LuaTable, file: String, context: ValidationContext,
        seedOverride: UInt64? = nil, threads: Int = 1
    ) throws -> Scenario {
        try decode(table, file: file, context: context, seedOverride: seedOverride, threads: threads, recorder: nil)
    }

    /// Decodes with a recorder that notes every key read and its default
    /// (how `ModelTables` generates the table of defaults in docs/model.md).
    static func decode(
        _ table: LuaTable, file: String, context: ValidationContext,
        seedOverride: UInt64?, threads: Int, recorder: KeyRecorder?
    ) throws -> Scenario {
        var top = TableReader(table, path: [], context: context)
        top.recorder = recorder
        let name = try top.string(
            "name", default: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)!
        let description = try top.string("description", default: "")!
        let unitName = try top.string("unit", default: "quarter", oneOf: TickCalendar.Unit.allCases.map(\.rawValue))!
        let start = try top.string("start", default: "2023Q1")!
        let calendar: TickCalendar
        do { calendar = try TickCalendar(start: start, unit: TickCalendar.Unit(rawValue: unitName)!) } catch {
            throw top.error("start", "\(error)")
        }
        let ticks = try top.integer("ticks", default: 40, in: 1...100_000)!
        let seed = try top.integer("seed", default: 1, in: 0...Int.max)!
        let homophily = try top.number("homophily", default: 0.5, in: 0...1)!

        let baseDirectory = URL(fileURLWithPath: file).deletingLastPathComponent()
        // The model first: the share of initial adopters defaults by rule.
        let model = try decodeModel(&top)
        let population = try decodeFirms(&top, baseDirectory: baseDirectory, model: model)
        let (network, edgeList) = try decodeNetwork(&top, population: population, baseDirectory: baseDirectory)
        let macro = try decodeMacro(&top)
        let plugins = try decodePlugins(&top)
        let limits = try decodeLimits(&top)
        try top.rejectUnknownKeys()

        let config = SimulationConfig(
            ticks: ticks, calendar: calendar, seed: seedOverride ?? UInt64(seed), population: population,
            network: network, edgeList: edgeList, homophily: homophily, model: model, macro: macro,
            threads: threads)
        return Scenario(
            file: file, name: name, description: description, config: config, plugins: plugins,
            limits: limits, context: context)
    }

    static func decodeFirms(_ top: inout TableReader, baseDirectory: URL, model: ModelSpec) throws -> PopulationSpec {
        var spec = PopulationSpec(count: 20_000, initialAdoption: PopulationSpec.defaultInitialAdoption(for: model))
        guard let raw = top.raw("firms") else { return spec }
        if let n = raw.double {
            guard n >= 1, n == n.rounded(), n <= 50_000_000 else {
                throw top.error(
                    "firms", "'firms' = \(raw) is not a number of firms",
                    fix: "Write a whole number from 1 to 50000000, or a table { count = ..., file = ... }")
            }
            spec.count = Int(n)
            return spec
        }
        guard var firms = try top.subtable("firms") else { return spec }
        spec.count = try firms.integer("count", default: spec.count, in: 1...50_000_000)!
        let givesShare = firms.raw("initial_adoption") != nil
        spec.initialAdoption = try firms.number("initial_adoption", default: spec.initialAdoption, in: 0...1)!
        spec.initialAwareness = try firms.number("initial_awareness", default: 0, in: 0...1)!
        if var bySize = try firms.subtable("initial_adoption_by_size") {
            // Survey data give adoption by size class; one overall share would have to be split by a guess.
            if givesShare {
                // Named at initial_adoption: when the conflict comes from --set, the message names the flag.
                throw firms.error(
                    "initial_adoption",
                    "'firms' gives both initial_adoption and initial_adoption_by_size",
                    fix:
                        "Keep one: initial_adoption_by_size = { small = ..., medium = ..., large = ... } sets the share in each size class"
                )
            }
            spec.initialAdoptionBySize = try FirmSize.allCases.map {
                try bySize.number($0.name, default: 0, in: 0...1)!
            }
            try bySize.rejectUnknownKeys()
        }
        spec.thresholdBase = try firms.number("threshold_base", default: spec.thresholdBase)!
        spec.thresholdSlope = try firms.number("threshold_slope", default: spec.thresholdSlope)!
        spec.regions = try firms.strings("regions") ?? []
        if var sectors = try firms.subtable("sectors") {
            spec.sectors = try decodeSectors(&sectors)
        }
        if let path = try firms.string("file") {
            spec.records = try FirmsFile.read(path: path, baseDirectory: baseDirectory, reader: firms)
        }
        try firms.rejectUnknownKeys()
        return spec
    }

    /// `sectors = { manufacturing = { share = 0.4 }, ... }` changes fields of
    /// default sectors or adds new ones (a new sector needs every field).
    static func decodeSectors(_ reader: inout TableReader) throws -> [SectorProfile] {
        var result = SectorProfile.defaults
        // Sector shares are series columns adoption_SECTOR, beside adoption_SIZE and adoption_CATEGORY.
        let taken = FirmSize.allCases.map(\.name) + AdopterCategory.allCases.map(\.name)
        for key in reader.table.keys {
            if taken.contains(key) {
                throw reader.error(
                    key,
                    "sector '\(key)' has the name of a firm size or adopter category, so its column adoption_\(key) "
                        + "would be ambiguous", fix: "Name the sector otherwise, e.g. \(key)_firms")
            }
            guard var s = try reader.subtable(key) else { continue }
            let existing = result.firstIndex { $0.name == key }
            var p =
                existing.map { result[$0] }
                ?? SectorProfile(
                    name: key, share: 0, sizeMix: [0.85, 0.12, 0.03], adoptionCost: 50_000,
                    expectedBenefit: 35_000, relativeAdvantage: 1, compatibility: 0.5, complexity: 0.5,
                    trialability: 0.5, computeIntensity: 1, productivityGain: 0.07)
            if existing == nil && s.table["share"] == nil {
                throw s.error(
                    nil, "new sector '\(key)' needs a 'share'",
                    fix:
                        "Add share = <share of firms>, or use one of the default sectors: \(SectorProfile.defaults.map(\.name).joined(separator: ", "))"
                )
            }
            p.share = try s.number("share", default: p.share, in: 0...1)!
            if let mix = try s.subtable("size_mix") {
                p.sizeMix = try ["small", "medium", "large"].map { size -> Double in
                    var m = mix
                    return try m.number(size, default: 0, in: 0...1)!
                }
                var m = mix
                _ = try ["small", "medium", "large"].map { try m.number($0) }
                try m.rejectUnknownKeys()
            }
            p.adoptionCost = try s.number("adoption_cost", default: p.adoptionCost, in: 1...1e12)!
            p.expectedBenefit = try s.number("expected_benefit", default: p.expectedBenefit, in: 0...1e12)!
            p.relativeAdvantage = try s.number("relative_advantage", default: p.relativeAdvantage, in: 0...10)!
            p.compatibility = try s.number("compatibility", default: p.compatibility, in: 0...10)!
            p.complexity = try s.number("complexity", default: p.complexity, in: 0...10)!
            p.trialability = try s.number("trialability", default: p.trialability, in: 0...1)!
            p.computeIntensity = try s.number("compute_intensity", default: p.computeIntensity, in: 0...1e6)!
            p.productivityGain = try s.number("productivity_gain", default: p.productivityGain, in: 0...10)!
            try s.rejectUnknownKeys()
            if let i = existing { result[i] = p } else { result.append(p) }
        }
        if result.map(\.share).reduce(0, +) <= 0 {
            throw reader.error(nil, "sector shares add up to 0", fix: "Give at least one sector a positive share")
        }
        return result
    }

    static func decodeNetwork(_ top: inout TableReader, population: PopulationSpec, baseDirectory: URL) throws
        -> (NetworkKind, (sources: [UInt32], targets: [UInt32], directed: Bool)?)
    {
        guard var n = try top.subtable("network") else { return (.smallWorld(degree: 8, rewire: 0.1), nil) }
        let kind = try n.string("kind", default: "small-world", oneOf: networkNames)!
        var result: NetworkKind
        var edges: (sources: [UInt32], targets: [UInt32], directed: Bool)? = nil
        switch kind {
        case "mean-field": result = .meanField
        case "small-world":
            let degree = try n.integer("degree", default: 8, in: 2...1000)!
            guard degree % 2 == 0 else {
                throw n.error(
                    "degree", "a small-world network needs an even degree, not \(degree)",
                    fix: "Use \(degree + 1) or \(degree - 1)")
            }
            result = .smallWorld(degree: degree, rewire: try n.number("rewire", default: 0.1, in: 0...1)!)
        case "erdos-renyi": result = .erdosRenyi(meanDegree: try n.number("degree", default: 8, in: 0...10_000)!)
        case "scale-free": result = .scaleFree(attach: try n.integer("attach", default: 4, in: 1...1000)!)
        case "lattice":
            let degree = try n.integer("degree", default: 4, in: 4...8)!
            result = .lattice(degree: degree)
        default:
            result = .edges
            guard let path = try n.string("file") else {
                throw n.error(
                    nil, "an 'edges' network needs a file", fix: "Add file = \"edges.csv\" (columns source,target)")
            }
            let directed = try n.bool("directed", default: false)!
            edges = try EdgesFile.read(
                path: path, baseDirectory: baseDirectory, firmIDs: population.records?.map(\.id),
                firmCount: population.records?.count ?? population.count, directed: directed, reader: n)
        }
        try n.rejectUnknownKeys()
        // Degree against firm count (e.g. a lattice of 4 firms) is checked here so the
        // message points at the scenario's line, not at the run.
        if let problem = NetworkBuilder.problem(
            building: result, firmCount: population.records?.count ?? population.count)
        {
            throw n.error(result.name == "lattice" ? "degree" : nil, problem.problem, fix: problem.fix)
        }
        return (result, edges)
    }

    static func decodeModel(_ top: inout TableReader) throws -> ModelSpec {
        var innovation = Innovation()
        if var inn = try top.subtable("innovation") {
            innovation.relativeAdvantage = try inn.number(
                "relative_advantage", default: innovation.relativeAdvantage, in: 0...10)!
            innovation.compatibility = try inn.number("compatibility", default: innovation.compatibility, in: 0...10)!
            innovation.complexity = try inn.number("complexity", default: innovation.complexity, in: 0...10)!
            innovation.trialability = try inn.number("trialability", default: innovation.trialability, in: 0...1)!
            innovation.observability = try inn.number("observability", default: innovation.observability, in: 0...1)!
            try inn.rejectUnknownKeys()
        }
        guard var m = try top.subtable("model") else {
            var p = RogersParameters()
            p.innovation = innovation
            return .rogers(p)
        }
        let rule = try m.string("rule", default: "rogers", oneOf: ruleNames)!
        switch rule {
        case "bass":
            let p = try m.number("p", default: 0.03, in: 0...10)!, q = try m.number("q", default: 0.38, in: 0...100)!
            let dt = try m.number("dt", default: 1, in: 1e-6...100)!
            try m.rejectUnknownKeys()
            return .bass(p: p, q: q, dt: dt)
        case "threshold":
            try m.rejectUnknownKeys()
            return .threshold
        default:
            var p = RogersParameters()
            p.innovation = innovation
            p.mediaInfluence = try m.number("media_influence", default: p.mediaInfluence, in: 0...10)!
            p.wordOfMouth = try m.number("word_of_mouth", default: p.wordOfMouth, in: 0...10)!
            p.trainingAwareness = try m.number("training_awareness", default: p.trainingAwareness, in: 0...10)!
            p.weightAdvantage = try m.number("weight_advantage", default: p.weightAdvantage)!
            p.weightCompatibility = try m.number("weight_compatibility", default: p.weightCompatibility)!
            p.weightComplexity = try m.number("weight_complexity", default: p.weightComplexity)!
            p.weightTrialability = try m.number("weight_trialability", default: p.weightTrialability)!
            p.weightObservability = try m.number("weight_observability", default: p.weightObservability)!
            p.weightNPV = try m.number("weight_npv", default: p.weightNPV)!
            p.weightRisk = try m.number("weight_risk", default: p.weightRisk)!
            p.choiceScale = try m.number("choice_scale", default: p.choiceScale, in: 1e-6...100)!
            p.persuasionRate = try m.number("persuasion_rate", default: p.persuasionRate, in: 0...1)!
            p.decisionRate = try m.number("decision_rate", default: p.decisionRate, in: 0...1)!
            p.trialTicks = try m.integer("trial_ticks", default: p.trialTicks, in: 0...100)!
            p.trialNoise = try m.number("trial_noise", default: p.trialNoise, in: 0...10)!
            p.trialRiskRelief = try m.number("trial_risk_relief", default: p.trialRiskRelief, in: 0...1)!
            p.confirmTicks = try m.integer("confirm_ticks", default: p.confirmTicks, in: 0...100)!
            p.discontinueProbability = try m.number(
                "discontinue_probability", default: p.discontinueProbability, in: 0...1)!
            p.reentryMargin = try m.number("reentry_margin", default: p.reentryMargin, in: 0...100)!
            p.reentryRate = try m.number("reentry_rate", default: p.reentryRate, in: 0...1)!
            p.horizonYears = try m.number("horizon_years", default: p.horizonYears, in: 0...100)!
            p.loanYears = try m.number("loan_years", default: p.loanYears, in: 0...100)!
            p.creditMultiplier = try m.number("credit_multiplier", default: p.creditMultiplier, in: 0...100)!
            p.trainingEffect = try m.number("training_effect", default: p.trainingEffect, in: 0...100)!
            p.trainingDecay = try m.number("training_decay", default: p.trainingDecay, in: 0...1)!
            p.trainingCostPerFirm = try m.number("training_cost_per_firm", default: p.trainingCostPerFirm, in: 0...1e9)!
            p.mediaCostPerFirm = try m.number("media_cost_per_firm", default: p.mediaCostPerFirm, in: 0...1e9)!
            p.complianceCost = try m.number("compliance_cost", default: p.complianceCost, in: 0...10)!
            p.crossSectorWeight = try m.number("cross_sector_weight", default: p.crossSectorWeight, in: 0...1)!
            p.learningTicks = try m.number("learning_ticks", default: p.learningTicks, in: 0.01...1000)!
            try m.rejectUnknownKeys()
            return .rogers(p)
        }
    }

    static func decodeMacro(_ top: inout TableReader) throws -> MacroParameters {
        var p = MacroParameters()
        guard var m = try top.subtable("macro") else { return p }
        p.dataQuality = try m.number("data_quality", default: p.dataQuality, in: 0...2)!
        p.computeCapacity = try m.number("compute_capacity", default: p.computeCapacity, in: 0...2)!
        p.algorithms = try m.number("algorithms", default: p.algorithms, in: 0...2)!
        p.dataGrowth = try m.number("data_growth", default: p.dataGrowth, in: -1...1)!
        p.computeGrowth = try m.number("compute_growth", default: p.computeGrowth, in: -1...1)!
        p.algorithmGrowth = try m.number("algorithm_growth", default: p.algorithmGrowth, in: -1...1)!
        p.supplyShareAtUnitCapacity = try m.number("supply_share", default: p.supplyShareAtUnitCapacity, in: 0...100)!
        p.energyPerComputeUnit = try m.number("energy_per_compute_unit", default: p.energyPerComputeUnit, in: 0...1e6)!
        p.gridEmissionFactor = try m.number("grid_emission_factor", default: p.gridEmissionFactor, in: 0...10)!
        p.incidentRate = try m.number("incident_rate", default: p.incidentRate, in: 0...1)!
        p.trust = try m.number("trust", default: p.trust, in: 0...1)!
        p.trustCeiling = try m.number("trust_ceiling", default: p.trustCeiling, in: 0...1)!
        p.trustRecovery = try m.number("trust_recovery", default: p.trustRecovery, in: 0...1)!
        p.trustErosion = try m.number("trust_erosion", default: p.trustErosion, in: 0...1000)!
        try m.rejectUnknownKeys()
        return p
    }

    static func decodePlugins(_ top: inout TableReader) throws -> [PluginUse] {
        guard let raw = top.raw("plugins") else { return [] }
        guard let list = raw.table, list.fields.isEmpty else {
            throw top.error(
                "plugins",
                "'plugins' must be a list like { { \"tax-relief\", rate = 0.15 }, ... }, not \(raw.typeName) \(raw)")
        }
        var uses: [PluginUse] = []
        for (i, entry) in list.items.enumerated() {
            if let name = entry.string {
                uses.append(PluginUse(name: name, version: nil, every: nil, params: LuaTable()))
                continue
            }
            guard var t = entry.table, let name = t.items.first?.string, t.items.count == 1 else {
                throw top.error(
                    "plugins",
                    "plugin entry \(i + 1) must start with the plugin's name, like { \"tax-relief\", rate = 0.15 }")
            }
            var version: String? = nil, every: Int? = nil
            if let v = t["version"] {
                guard let s = v.string else {
                    throw top.context.diagnostic(
                        path: ["plugins", name, "version"],
                        problem: "'version' of plugin '\(name)' must be a string like \"^1.0\"")
                }
                version = s
            }
            if let e = t["every"] {
                guard let d = e.double, d >= 1, d <= 1_000_000, d == d.rounded() else {
                    throw top.context.diagnostic(
                        path: ["plugins", name, "every"],
                        problem:
                            "'every' of plugin '\(name)' must be a whole number of ticks from 1 to 1000000, not \(e)")
                }
                every = Int(d)
            }
            t.fields.removeAll { $0.key == "version" || $0.key == "every" }
            t.items = []
            uses.append(PluginUse(name: name, version: version, every: every, params: t))
        }
        let names = uses.map(\.name)
        if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw top.context.diagnostic(
                path: ["plugins", dup], problem: "plugin '\(dup)' is listed twice",
                fix: "List each plugin once and give it all its parameters there")
        }
        return uses
    }

    static func decodeLimits(_ top: inout TableReader) throws -> LuaState.Limits {
        var limits = LuaState.Limits()
        guard var l = try top.subtable("limits") else { return limits }
        limits.instructions = try l.integer(
            "instructions", default: limits.instructions, in: 0...Int(Int32.max) * 1000)!
        limits.memoryBytes = try l.integer("memory_mb", default: limits.memoryBytes >> 20, in: 0...65_536)! << 20
        limits.seconds = try l.number("seconds", default: limits.seconds, in: 0...31_536_000)!
        try l.rejectUnknownKeys()
        return limits
    }
}
