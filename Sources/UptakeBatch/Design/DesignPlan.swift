import UptakeKernel
import UptakeScripting

/// The design points of an experiment. Listed parameters (levers and
/// uncertainties given as lists or ranges) are crossed into *cells*; the
/// interval parameters are sampled once by the design, and the same sample
/// is used in every cell. So each policy is evaluated across the same
/// uncertainty sample, and a point is paired with the baseline point that
/// differs from it only in its listed lever values.
///
/// Point index = cell * samplesPerCell + sample.
public struct DesignPlan: Sendable {
    public struct Point: Sendable {
        public var index: Int
        public var cell: Int
        public var sample: Int
        /// One value per experiment parameter, in `Experiment.parameters` order.
        public var values: [LuaValue]
        /// The unit-cube coordinate of each sampled parameter (nil for listed ones).
        public var units: [Double?]
        /// The baseline point this one is compared with (nil without a baseline).
        public var baselinePoint: Int?
    }

    public let experiment: Experiment
    /// Unit-cube rows of the sampled parameters; one empty row for a pure grid.
    public let samples: [[Double]]
    let listed: [Int]
    let sampled: [Int]
    let radices: [Int]
    let baselineDigits: [Int: Int]

    public init(_ experiment: Experiment) {
        self.experiment = experiment
        listed = experiment.parameters.indices.filter { !experiment.parameters[$0].isSampled }
        sampled = experiment.parameters.indices.filter { experiment.parameters[$0].isSampled }
        radices = listed.map { i -> Int in
            if case .values(let v) = experiment.parameters[i].domain { return v.count }
            return 1
        }
        let d = sampled.count, seed = experiment.seed
        switch experiment.design {
        case .grid: samples = [[]]
        case .random(let n): samples = RandomSampling.sample(n, dimensions: d, seed: seed)
        case .latinHypercube(let n): samples = LatinHypercube.sample(n, dimensions: d, seed: seed)
        case .sobol(let n): samples = SaltelliSampler.sample(n, dimensions: d, seed: seed)
        case .morris(let r, let p):
            samples = MorrisSampler.sample(trajectories: r, dimensions: d, levels: p, seed: seed)
        case .points(let rows): samples = rows
        }
        var digits: [Int: Int] = [:]
        if let baseline = experiment.baseline {
            for (k, i) in listed.enumerated() where experiment.parameters[i].role == .lever {
                guard case .values(let v) = experiment.parameters[i].domain,
                    let b = baseline[experiment.parameters[i].path]
                else { continue }
                digits[k] = v.firstIndex { ExperimentParameter.same($0, b) }
            }
        }
        baselineDigits = digits
    }

    public var cellCount: Int { radices.reduce(1, *) }
    public var samplesPerCell: Int { samples.count }
    public var pointCount: Int { cellCount * samplesPerCell }
    public var runCount: Int { pointCount * experiment.replicates }
    /// The parameters the design samples (sensitivity analysis is over these).
    public var sampledParameters: [ExperimentParameter] { sampled.map { experiment.parameters[$0] } }

    /// Mixed-radix digits of a cell, one per listed parameter (last varies fastest).
    func digits(ofCell cell: Int) -> [Int] {
        var rest = cell
        var result = [Int](repeating: 0, count: radices.count)
        for k in radices.indices.reversed() {
            result[k] = rest % radices[k]
            rest /= radices[k]
        }
        return result
    }

    func cell(ofDigits digits: [Int]) -> Int { zip(digits, radices).reduce(0) { $0 * $1.1 + $1.0 } }

    public func point(_ index: Int) -> Point {
        let cell = index / samplesPerCell, sample = index % samplesPerCell
        var digits = digits(ofCell: cell)
        var values = [LuaValue](repeating: .nil, count: experiment.parameters.count)
        var units = [Double?](repeating: nil, count: experiment.parameters.count)
        for (k, i) in listed.enumerated() {
            if case .values(let v) = experiment.parameters[i].domain { values[i] = v[digits[k]] }
        }
        for (k, i) in sampled.enumerated() {
            let u = samples[sample][k]
            units[i] = u
            values[i] = .number(experiment.parameters[i].scaled(u))
        }
        var baseline: Int? = nil
        if experiment.baseline != nil {
            for (k, b) in baselineDigits { digits[k] = b }
            baseline = self.cell(ofDigits: digits) * samplesPerCell + sample
        }
        return Point(index: index, cell: cell, sample: sample, values: values, units: units, baselinePoint: baseline)
    }

    /// The overrides that make a point's run: the experiment's fixed `set`, then the point's values.
    public func overrides(for point: Point) -> [ParameterOverride] {
        experiment.fixed
            + zip(experiment.parameters, point.values).map { p, v in
                ParameterOverride(
                    path: p.path.split(separator: ".").map(String.init), value: v,
                    text:
                        "\(p.path)=\(v.description) (\(p.role.rawValue) of \(experiment.file), design point \(point.index))"
                )
            }
    }

    // MARK: Runs

    /// Run index = point * replicates + replicate.
    public func run(_ run: Int) -> (point: Int, replicate: Int) {
        (run / experiment.replicates, run % experiment.replicates)
    }

    /// The seed of a run: distinct for every run; with common random numbers,
    /// replicate r of every point shares one seed (still distinct across replicates).
    public func seed(point: Int, replicate: Int) -> UInt64 {
        let salt =
            experiment.commonRandomNumbers
            ? UInt64(replicate) : UInt64(point) &* UInt64(experiment.replicates) &+ UInt64(replicate)
        return CounterRNG.derive(experiment.seed, salt)
    }
}
