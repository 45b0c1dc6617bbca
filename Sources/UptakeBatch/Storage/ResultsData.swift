import Foundation
import GRDB
import UptakeKernel
import UptakeReport
import UptakeScripting

/// The contents of a results database that analysis needs, read once:
/// parameters, design points with their values, and each run's final outputs.
/// (Series stay in the database; exports stream them.)
public struct ResultsData: Sendable {
    public struct Parameter: Sendable {
        public var path: String
        public var role: String
        public var sampled: Bool
    }
    public struct Point: Sendable {
        public var index: Int
        public var cell: Int
        public var sample: Int
        public var baselinePoint: Int?
        /// Value text per parameter (parameters order).
        public var values: [String]
        /// Unit-cube coordinates of the sampled parameters (sampled order).
        public var units: [Double]
        /// Each value as a number (parameters order; nil for a string or boolean value).
        public var numbers: [Double?] = []
    }
    public struct Run: Sendable {
        public var run: Int
        public var point: Int
        public var replicate: Int
        public var seed: String
        public var status: String
        public var error: String?
        public var outputs: [String: Double]
    }

    public var metadata: [String: String]
    public var parameters: [Parameter]
    public var points: [Point]
    public var runs: [Run]
    /// Output names in first-seen order of `record.final`, then ticks_run.
    public var metrics: [String]

    /// Results assembled elsewhere (tests, other stores); `metrics` come from `metadata["record_final"]`.
    public init(metadata: [String: String], parameters: [Parameter], points: [Point], runs: [Run]) {
        self.metadata = metadata
        self.parameters = parameters
        self.points = points
        self.runs = runs
        metrics = ResultsData.metrics(recorded: metadata["record_final"])
    }

    static func metrics(recorded: String?) -> [String] {
        (recorded ?? "").split(separator: ",").map(String.init) + ["ticks_run"]
    }

    public var replicates: Int { Int(metadata["replicates"] ?? "1") ?? 1 }

    /// The runs' calendar, when the batch recorded one (all runs share it).
    public var calendar: TickCalendar? {
        guard let start = metadata["calendar_start"], let unitName = metadata["calendar_unit"],
            let unit = TickCalendar.Unit(rawValue: unitName)
        else { return nil }
        return try? TickCalendar(start: start, unit: unit)
    }

    /// Ticks a date is given for; a damaged database can hold any number.
    static let datedTicks = 0...1_000_000

    /// The date of a tick ("2025Q3"), or nil without a calendar.
    public func date(tick: Int) -> String? {
        guard ResultsData.datedTicks.contains(tick) else { return nil }
        return calendar?.label(tick)
    }
    public var expectedRuns: Int { Int(metadata["runs"] ?? "") ?? points.count * replicates }

    public init(store: ResultStore) throws {
        metadata = try store.metadata()
        // Throwing decodes (never the subscripts, which trap on a NULL or a wrong type) and checked
        // numbers: a damaged database is an error naming the file, not a crash (ResultStore.readChecked).
        (parameters, points, runs) = try store.read { db in
            let parameters = try Row.fetchAll(db, sql: "SELECT path, role, sampled FROM parameters ORDER BY position")
                .map {
                    Parameter(
                        path: try $0.decode(forColumn: "path"), role: try $0.decode(forColumn: "role"),
                        sampled: try $0.decode(forColumn: "sampled"))
                }
            var points = try Row.fetchAll(db, sql: "SELECT * FROM points ORDER BY point").map {
                Point(
                    index: try $0.decode(forColumn: "point"), cell: try $0.decode(forColumn: "cell"),
                    sample: try $0.decode(forColumn: "sample"),
                    baselinePoint: try $0.decode(forColumn: "baseline_point"), values: [], units: [])
            }
            // Points are numbered 0..<count and parameters named once, as uptake batch writes them; analysis relies on it.
            guard points.enumerated().allSatisfy({ $0.offset == $0.element.index }),
                Set(parameters.map(\.path)).count == parameters.count
            else {
                throw store.damaged(
                    "its design points or parameters are not numbered or named as uptake batch writes them")
            }
            let order = Dictionary(uniqueKeysWithValues: parameters.enumerated().map { ($1.path, $0) })
            let rows = try Row.fetchAll(
                db, sql: "SELECT point, parameter, value, number, unit FROM point_values ORDER BY point")
            for i in points.indices {
                points[i].values = [String](repeating: "", count: parameters.count)
                points[i].numbers = [Double?](repeating: nil, count: parameters.count)
            }
            var units: [Int: [(Int, Double)]] = [:]
            for row in rows {
                let p: Int = try row.decode(forColumn: "point"),
                    parameter: String = try row.decode(forColumn: "parameter")
                guard points.indices.contains(p), let k = order[parameter] else {
                    throw store.damaged(
                        "a design value belongs to no design point or parameter (point \(p), parameter '\(parameter.prefix(60))')"
                    )
                }
                points[p].values[k] = try row.decode(forColumn: "value")
                points[p].numbers[k] = try row.decode(forColumn: "number")
                if let u: Double = try row.decode(forColumn: "unit") { units[p, default: []].append((k, u)) }
            }
            for (p, list) in units { points[p].units = list.sorted { $0.0 < $1.0 }.map(\.1) }
            var runs = try Row.fetchAll(
                db, sql: "SELECT run, point, replicate, seed, status, error FROM runs ORDER BY run"
            ).map {
                Run(
                    run: try $0.decode(forColumn: "run"), point: try $0.decode(forColumn: "point"),
                    replicate: try $0.decode(forColumn: "replicate"),
                    seed: try $0.decode(forColumn: "seed"), status: try $0.decode(forColumn: "status"),
                    error: try $0.decode(forColumn: "error"), outputs: [:])
            }
            let position = Dictionary(runs.enumerated().map { ($1.run, $0) }, uniquingKeysWith: { a, _ in a })
            for row in try Row.fetchAll(db, sql: "SELECT run, metric, value FROM outputs") {
                guard let i = position[try row.decode(Int.self, forColumn: "run")] else { continue }
                runs[i].outputs[try row.decode(forColumn: "metric")] =
                    try row.decode(Double?.self, forColumn: "value") ?? .nan
            }
            return (parameters, points, runs)
        }
        metrics = ResultsData.metrics(recorded: metadata["record_final"])
    }

    /// Successful runs of each point, by replicate.
    public func outputsByPoint() -> [Int: [Int: [String: Double]]] {
        var result: [Int: [Int: [String: Double]]] = [:]
        for r in runs where r.status == "ok" { result[r.point, default: [:]][r.replicate] = r.outputs }
        return result
    }

    public var failures: [Run] { runs.filter { $0.status != "ok" } }

    /// "tax-relief.rate=0.15, model.word_of_mouth=0.585"
    public func label(_ point: Point) -> String {
        zip(parameters, point.values).map { "\($0.path)=\(ResultsData.short($1, sampled: $0.sampled))" }.joined(
            separator: ", ")
    }

    /// A parameter value for a label. Listed values read as the experiment
    /// wrote them (a lever of 0.1234 is not shown as 0.123), whole numbers
    /// grouped (200,000,000); sampled values, which have many digits, by
    /// `Readable.number`.
    static func short(_ text: String, sampled: Bool) -> String {
        guard let d = Double(text), d.isFinite else { return text }
        return sampled || d == d.rounded() ? Readable.number(d) : text
    }
}
