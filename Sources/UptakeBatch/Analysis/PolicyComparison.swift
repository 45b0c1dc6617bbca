/// The answer `uptake results` leads with: each policy of an experiment
/// against the baseline, over the whole uncertainty sample.
///
/// A *policy* is one combination of the values of the levers given as
/// lists or ranges (the experiment's discrete policy choices). Its design
/// points are that combination under every uncertainty draw (and every
/// value of listed uncertainties); each is paired with the baseline point
/// of the same draw (`ResultsData.Point.baselinePoint`), and run r of the
/// one with run r of the other, which share their seed under common random
/// numbers. Levers given as intervals are sampled like uncertainties: they
/// vary inside a policy rather than defining one.
///
///     let policies = PolicyComparison(data, outcome: "adopters").policies
///     policies.first { $0.rank == 1 }?.effect.mean  // mean extra adopters of the best policy
public struct PolicyComparison: Sendable {
    /// What one extra adopter costs the state.
    public enum CostPerExtraAdopter: Sendable, Equatable {
        /// Mean extra spending / mean extra adopters, in yuan.
        case yuan(Double)
        /// More adopters for no extra spending (or for less).
        case noExtraSpending
        /// No more adopters on average: nothing to pay for.
        case noExtraAdopters
        /// Adopters or spending were not recorded, or no run could be paired.
        case unknown

        public var yuan: Double? { if case .yuan(let y) = self { return y } else { return nil } }

        /// Why there is no number, in words ("" when there is one).
        public var note: String {
            switch self {
            case .yuan: return ""
            case .noExtraSpending: return "no extra spending"
            case .noExtraAdopters: return "no extra adopters"
            case .unknown: return "not recorded"
            }
        }
    }

    public struct Policy: Sendable {
        /// "tax-relief.rate=0.15"; "all runs" when the experiment lists no lever.
        public var label: String
        /// The listed levers' values (value text, in `leverPaths` order).
        public var leverValues: [String]
        /// Its design points.
        public var points: [Int]
        /// A baseline policy is compared with nothing: it is what the others are compared with.
        public var isBaseline: Bool
        /// The label of the policy it is compared with (nil for a baseline, or without one).
        public var baselineLabel: String?
        /// The outcome itself over its successful runs.
        public var level: SampleStatistics
        /// Policy minus baseline, one value per pair of runs (same draw, same replicate).
        public var effect: SampleStatistics
        /// The outcome of each successful run, whose statistics `level` is (by point, then replicate).
        public var outcomes: [Double]
        /// Each pair's difference (policy minus baseline), whose statistics `effect` is.
        public var differences: [Double]
        /// Share of the pairs in which the policy's outcome is higher than the baseline's (nil without pairs).
        public var shareBeatingBaseline: Double?
        /// The smallest paired difference: the policy's worst case against the baseline.
        public var worstCase: Double?
        /// Mean paired difference of `spend_cumulative` (nil when not recorded).
        public var extraSpending: Double?
        /// Mean paired difference of `adopters` (nil when not recorded).
        public var extraAdopters: Double?
        public var costPerExtraAdopter: CostPerExtraAdopter
        /// 1 for the largest mean effect (the largest mean outcome without a
        /// baseline); nil for a baseline policy and for one with no paired runs.
        public var rank: Int?
    }

    /// The output the policies are compared on.
    public var outcome: String
    /// The listed levers that define a policy.
    public var leverPaths: [String]
    /// Whether the experiment has a baseline (without one, policies are ranked by their mean outcome).
    public var hasBaseline: Bool
    /// Ranked policies first (by rank), then those without paired runs, then the baselines.
    public var policies: [Policy]

    public static let adoptersMetric = "adopters"
    public static let spendMetric = "spend_cumulative"

    /// The outcome compared by default: adopters at the end, else adoption, else the first recorded output.
    public static func defaultOutcome(_ data: ResultsData) -> String {
        for preferred in [adoptersMetric, "adoption"] where data.metrics.contains(preferred) { return preferred }
        return data.metrics.first { $0 != "ticks_run" } ?? "ticks_run"
    }

    public init(_ data: ResultsData, outcome: String? = nil) {
        let outcome = outcome ?? PolicyComparison.defaultOutcome(data)
        self.outcome = outcome
        let leverIndices = data.parameters.indices.filter {
            data.parameters[$0].role == "lever" && !data.parameters[$0].sampled
        }
        leverPaths = leverIndices.map { data.parameters[$0].path }
        let hasBaseline = data.points.contains { $0.baselinePoint != nil }
        self.hasBaseline = hasBaseline
        let baselineOf = Dictionary(data.points.map { ($0.index, $0.baselinePoint) }, uniquingKeysWith: { a, _ in a })

        // Policies in the order of their first design point.
        var order: [[String]] = []
        var pointsOf: [[String]: [Int]] = [:]
        for point in data.points {
            let key = leverIndices.map { $0 < point.values.count ? point.values[$0] : "" }
            if pointsOf[key] == nil { order.append(key) }
            pointsOf[key, default: []].append(point.index)
        }
        func label(_ key: [String]) -> String {
            guard !key.isEmpty else { return "all runs" }
            return zip(leverIndices, key).map { "\(data.parameters[$0].path)=\(ResultsData.short($1, sampled: false))" }
                .joined(separator: ", ")
        }
        let policyOfPoint = Dictionary(
            order.flatMap { key in pointsOf[key]!.map { ($0, key) } }, uniquingKeysWith: { a, _ in a })
        let byPoint = data.outputsByPoint()

        var unranked: [Policy] = []
        for key in order {
            let points = pointsOf[key]!
            let isBaseline = points.contains { baselineOf[$0] == $0 }
            var levels: [Double] = []
            var pairs = Pairs()
            var baselineKey: [String]?
            for p in points {
                let runs = byPoint[p] ?? [:]
                levels += runs.keys.sorted().compactMap { runs[$0]![outcome] }
                guard !isBaseline, let b = baselineOf[p] ?? nil, b != p, let base = byPoint[b] else { continue }
                baselineKey = baselineKey ?? policyOfPoint[b]
                for r in runs.keys.sorted() { if let y = base[r] { pairs.add(runs[r]!, minus: y, outcome: outcome) } }
            }
            let effect = SampleStatistics(pairs.effects)
            let extraSpending = pairs.mean(\.spending), extraAdopters = pairs.mean(\.adopters)
            unranked.append(
                Policy(
                    label: label(key), leverValues: key, points: points, isBaseline: isBaseline,
                    baselineLabel: baselineKey.map(label),
                    level: SampleStatistics(levels), effect: effect, outcomes: levels, differences: pairs.effects,
                    shareBeatingBaseline: effect.count > 0
                        ? Double(pairs.effects.filter { $0 > 0 }.count) / Double(effect.count) : nil,
                    worstCase: pairs.effects.min(), extraSpending: extraSpending, extraAdopters: extraAdopters,
                    costPerExtraAdopter: PolicyComparison.cost(
                        extraSpending: extraSpending, extraAdopters: extraAdopters), rank: nil))
        }
        // Rank on the paired effect against the baseline; without a baseline, on the outcome itself.
        let score: (Policy) -> SampleStatistics = { hasBaseline ? $0.effect : $0.level }
        let rankable = unranked.filter { !$0.isBaseline && score($0).count > 0 }
        // A stable sort: equal means keep the experiment's order.
        let ranked = rankable.enumerated().sorted { a, b in
            let x = score(a.element).mean, y = score(b.element).mean
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        policies = ranked.enumerated().map { i, p in
            var p = p
            p.rank = i + 1
            return p
        }
        policies += unranked.filter { !$0.isBaseline && score($0).count == 0 }
        policies += unranked.filter(\.isBaseline)
    }

    /// Extra spending / extra adopters, or why there is no such number.
    public static func cost(extraSpending: Double?, extraAdopters: Double?) -> CostPerExtraAdopter {
        guard let spending = extraSpending, let adopters = extraAdopters, !spending.isNaN, !adopters.isNaN else {
            return .unknown
        }
        if adopters <= 0 { return .noExtraAdopters }
        if spending <= 0 { return .noExtraSpending }
        return .yuan(spending / adopters)
    }

    /// Paired differences of one policy's runs against the baseline's.
    struct Pairs {
        var effects: [Double] = []
        var spending: [Double] = []
        var adopters: [Double] = []

        mutating func add(_ run: [String: Double], minus base: [String: Double], outcome: String) {
            func difference(_ metric: String) -> Double? {
                guard let x = run[metric], let y = base[metric], !x.isNaN, !y.isNaN else { return nil }
                return x - y
            }
            if let d = difference(outcome) { effects.append(d) }
            if let d = difference(PolicyComparison.spendMetric) { spending.append(d) }
            if let d = difference(PolicyComparison.adoptersMetric) { adopters.append(d) }
        }

        func mean(_ values: KeyPath<Pairs, [Double]>) -> Double? {
            let xs = self[keyPath: values]
            return xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count)
        }
    }
}
