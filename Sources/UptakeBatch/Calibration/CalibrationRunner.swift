import Foundation
import GRDB
import UptakeFiles
import UptakeKernel
import UptakeReport
import UptakeScripting

/// Runs a calibration: each ABC-SMC generation is a batch of its own, an
/// experiment file `OUT/gen-N.lua` (a `points` design holding the
/// generation's particles) run into `OUT/gen-N.db`. So a generation resumes
/// after an interruption like any batch (running `uptake calibrate` again
/// goes on where it stopped), and can be sharded or sent to Slurm with
/// `uptake slurm OUT/gen-N.lua`. Particles are drawn from the seed alone, so
/// the generation files are the same on every machine.
public struct CalibrationRunner {
    public struct Options {
        public var batch: BatchRunner.Options
        /// Lines of progress ("generation 2 of 5: ...").
        public var report: (String) -> Void
        /// Record the generations whose batches are done, write the next generation's experiment file and
        /// stop before running it (`Result.pending`): for running generations elsewhere (`uptake slurm`).
        public var prepareOnly: Bool
        public init(
            batch: BatchRunner.Options, prepareOnly: Bool = false, report: @escaping (String) -> Void = { print($0) }
        ) {
            self.batch = batch
            self.prepareOnly = prepareOnly
            self.report = report
        }
    }

    /// One generation: its particles (parameter values), distances and the population after it.
    public struct Generation: Sendable {
        public var particles: [[Double]]
        public var distances: [Double]
        public var population: ABCSMC.Population
        public var failedRuns: Int
        /// Simulated value of each fitted data point, per particle (NaN for a failed run).
        public var simulated: [[Double]]
    }

    public struct Result: Sendable {
        public var generations: [Generation]
        /// The data points fitted (inside the run's dates), in file order.
        public var fitted: [ObservedData.Point]
        /// Data points outside the run's dates.
        public var skipped: [ObservedData.Point]
        /// With `prepareOnly`: the experiment file of the next generation to run, written and not run
        /// (its batch goes into the same name with .db). Nil when every generation is done.
        public var pending: String?
        public var posterior: ABCSMC.Population { generations.last!.population }
    }

    public let calibration: Calibration
    public let options: Options

    public init(calibration: Calibration, options: Options) {
        self.calibration = calibration
        self.options = options
    }

    var abc: ABCSMC {
        ABCSMC(
            dimensions: calibration.parameters.count, proposals: calibration.proposals,
            quantile: Double(calibration.particles) / Double(calibration.proposals), seed: calibration.seed)
    }

    /// Values of the particles (unit cube -> each parameter's interval).
    func values(_ unit: [Double]) -> [Double] { zip(unit, calibration.parameters).map { $1.scaled($0) } }

    public func run(out: String) throws -> Result {
        let data = try ObservedData.read(calibration.dataFile)
        for point in data.points where calibration.segments[point.segment] == nil {
            throw Diagnostic(
                file: data.file, line: point.line, problem: "segment '\(point.segment)' has no series column",
                fix: "Name it in the calibration's segments = { \(point.segment) = \"COLUMN\" }, or use one of "
                    + calibration.segments.keys.sorted().joined(separator: ", "))
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let database = try CalibrationDatabase.open(folder: out, calibration: calibration, data: data)
        // Each data point's tick (nil outside the run): from the database once a generation is recorded,
        // else from the first generation's runs.
        var ticks = try database.pointTicks()
        var generations: [Generation] = []
        var population: ABCSMC.Population?
        for g in 0..<calibration.generations {
            let particles = abc.propose(generation: g, after: population)
            let experimentFile = (out as NSString).appendingPathComponent("gen-\(g + 1).lua")
            try writeGeneration(g, particles: particles, to: experimentFile)
            let fittedIndices = ticks.map(Self.fitted)
            let db = (out as NSString).appendingPathComponent("gen-\(g + 1).db")
            let step: CalibrationDatabase.Recorded
            let recorded = try fittedIndices.flatMap { try database.generation(g + 1, fitted: $0) }
            if recorded == nil, options.prepareOnly, !FileManager.default.fileExists(atPath: db) {
                return Result(
                    generations: generations, fitted: Self.points(data, ticks, fitted: true),
                    skipped: Self.points(data, ticks, fitted: false), pending: experimentFile)
            }
            if let recorded {
                ResultStore.removeDatabase(at: db)  // left by a run killed after recording the generation
                guard recorded.particles == particles else {
                    throw Diagnostic(
                        file: database.path,
                        problem: "generation \(g + 1) recorded here was proposed with other settings",
                        fix: "Give another --out, or delete the folder to start again")
                }
                step = recorded
            } else {
                step = try runGeneration(
                    g, particles: particles, experimentFile: experimentFile, db: db, data: data, ticks: &ticks)
            }
            let next = abc.accept(particles: particles, distances: step.distances, after: population)
            guard !next.particles.isEmpty else {
                throw Diagnostic(
                    file: db, problem: "every run of generation \(g + 1) failed",
                    fix: "See the failures with: uptake results \(db)")
            }
            if recorded == nil {
                try database.record(
                    generation: g + 1, batch: db, calibration: calibration, particles: particles,
                    distances: step.distances, simulated: step.simulated, population: next,
                    failedRuns: step.failedRuns, ticks: ticks!)
                ResultStore.removeDatabase(at: db)  // recorded in one transaction, so no longer needed
            }
            population = next
            generations.append(
                Generation(
                    particles: particles, distances: step.distances, population: next, failedRuns: step.failedRuns,
                    simulated: step.simulated))
            options.report(
                "generation \(g + 1) of \(calibration.generations): tolerance \(Readable.number(next.tolerance)), "
                    + "\(next.particles.count) of \(particles.count) particles kept, effective sample size "
                    + "\(Readable.number(next.effectiveSampleSize))"
                    + (step.failedRuns > 0 ? ", \(step.failedRuns) runs failed" : ""))
        }
        return Result(
            generations: generations, fitted: Self.points(data, ticks, fitted: true),
            skipped: Self.points(data, ticks, fitted: false), pending: nil)
    }

    /// Runs generation `g`'s batch into `db` (resuming it if it is there) and measures each particle's
    /// distance to the data. Sets `ticks` (each data point's tick) from the first generation's runs.
    func runGeneration(
        _ g: Int, particles: [[Double]], experimentFile: String, db: String, data: ObservedData, ticks: inout [Int?]?
    ) throws -> CalibrationDatabase.Recorded {
        let experiment = try ExperimentLoader.load(file: experimentFile)
        var batch = options.batch
        batch.resume = FileManager.default.fileExists(atPath: db)
        let summary = try BatchRunner(experiment: experiment, options: batch).run(out: db)
        let store = try ResultStore.open(db, readOnly: true)
        let results = try ResultsData(store: store)
        guard let calendar = results.calendar else {
            throw Diagnostic(
                file: db, problem: "the runs have no single calendar", fix: "Do not vary start or unit in a calibration"
            )
        }
        let columns = Array(Set(calibration.segments.values)).sorted()
        let series = try Self.series(store, metrics: columns)
        if ticks == nil {
            let runTicks = (series.values.flatMap { $0.keys }.max() ?? -1) + 1
            ticks = data.points.map { ObservedData.tick(of: $0.date, in: calendar, ticks: runTicks) }
        }
        let fitted = Self.fitted(ticks!)
        guard !fitted.isEmpty else {
            throw Diagnostic(
                file: data.file, problem: "no data point falls within the scenario's dates",
                fix: "Check the dates against the scenario's start and ticks")
        }
        let runOfPoint = Dictionary(
            results.runs.filter { $0.status == "ok" }.map { ($0.point, $0.run) }, uniquingKeysWith: { a, _ in a })
        var simulated: [[Double]] = []
        var distances: [Double] = []
        for i in particles.indices {
            let values: [Double] = fitted.map { j in
                let point = data.points[j]
                guard let run = runOfPoint[i], let v = series[run]?[ticks![j]!]?[calibration.segments[point.segment]!]
                else { return .nan }
                return v
            }
            simulated.append(values)
            let squares = zip(values, fitted).map { v, j -> Double in
                let point = data.points[j]
                let z = (v - point.value) / (point.standardError ?? Calibration.defaultStandardError)
                return z * z
            }
            distances.append((squares.reduce(0, +) / Double(squares.count)).squareRoot())
        }
        return .init(particles: particles, distances: distances, simulated: simulated, failedRuns: summary.failed)
    }

    /// The data points fitted (with a tick in the run) or not; none before the first generation has run.
    static func points(_ data: ObservedData, _ ticks: [Int?]?, fitted: Bool) -> [ObservedData.Point] {
        guard let ticks else { return [] }
        return ticks.indices.filter { (ticks[$0] != nil) == fitted }.map { data.points[$0] }
    }

    /// The indices (in the data) of the points fitted: those with a tick in the run.
    static func fitted(_ ticks: [Int?]) -> [Int] { ticks.indices.filter { ticks[$0] != nil } }

    /// series[run][tick][metric]
    static func series(_ store: ResultStore, metrics: [String]) throws -> [Int: [Int: [String: Double]]] {
        try store.read { db in
            var result: [Int: [Int: [String: Double]]] = [:]
            let marks = metrics.map { _ in "?" }.joined(separator: ",")
            let rows = try Row.fetchCursor(
                db, sql: "SELECT run, tick, metric, value FROM series WHERE metric IN (\(marks))",
                arguments: StatementArguments(metrics))
            while let row = try rows.next() {
                let value: Double? = row["value"]
                result[row["run"], default: [:]][row["tick"], default: [:]][row["metric"]] = value ?? .nan
            }
            return result
        }
    }

    /// Writes generation `g`'s experiment file, or checks that the one there is the same.
    func writeGeneration(_ g: Int, particles: [[Double]], to file: String) throws {
        func literal(_ v: LuaValue) -> String {
            switch v {
            case .number(let x): return String(format: "%.17g", x)
            case .integer(let i): return String(i)
            case .boolean(let b): return String(b)
            case .string(let s):
                return "\""
                    + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: "\\n") + "\""
            default: return "nil"
            }
        }
        func key(_ s: String) -> String { "[" + literal(.string(s)) + "]" }
        let c = calibration
        var text = "-- Generation \(g + 1) of the calibration \(c.file), written by uptake calibrate: do not edit.\n"
        text += "return experiment {\n"
        text += "  name = \(literal(.string("\(c.name), generation \(g + 1)"))),\n"
        text += "  scenario = \(literal(.string(c.scenarioFile))),\n"
        text += "  seed = \(CounterRNG.derive(c.seed, 0xCA11_B000 &+ UInt64(g)) >> 12),\n"
        text +=
            "  set = { "
            + c.fixed.map { "\(key($0.path.joined(separator: "."))) = \(literal($0.value))" }.joined(separator: ", ")
            + " },\n"
        text += "  uncertainties = {\n"
        for p in c.parameters {
            guard case .interval(let lo, let hi) = p.domain else { continue }
            text += "    \(key(p.path)) = { min = \(literal(.number(lo))), max = \(literal(.number(hi))) },\n"
        }
        text += "  },\n  design = { kind = \"points\", points = {\n"
        for particle in particles {
            text +=
                "    { "
                + zip(c.parameters, values(particle)).map { "\(key($0.path)) = \(literal(.number($1)))" }
                .joined(separator: ", ") + " },\n"
        }
        text += "  } },\n"
        let columns = Array(Set(c.segments.values)).sorted()
        text +=
            "  record = { final = { \"adoption\" }, series = { "
            + columns.map { literal(.string($0)) }.joined(separator: ", ")
            + " }, every = 1 },\n}\n"
        if let existing = try? String(contentsOfFile: file, encoding: .utf8) {
            guard existing == text else {
                throw Diagnostic(
                    file: file,
                    problem: "this folder holds generation \(g + 1) of a different calibration (or of other settings)",
                    fix: "Give another --out, or delete the folder to start again")
            }
            return
        }
        try OutputFile.write(Data(text.utf8), to: URL(fileURLWithPath: file))
    }
}
