import Foundation
import GRDB
import UptakeScripting

/// The contents of a results database that analysis needs, read once:
/// parameters, design points with their values, and each run's final outputs.
/// (Series stay in the database; exports stream them.)
public struct ResultsData: Sendable {
    public struct Parameter: Sendable { public var path: String; public var role: String; public var sampled: Bool }
    public struct Point: Sendable {
        public var index: Int
        public var cell: Int
        public var sample: Int
        public var baselinePoint: Int?
        /// Value text per parameter (parameters order).
        public var values: [String]
        /// Unit-cube coordinates of the sampled parameters (sampled order).
        public var units: [Double]
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

    public var replicates: Int { Int(metadata["replicates"] ?? "1") ?? 1 }
    public var expectedRuns: Int { Int(metadata["runs"] ?? "") ?? points.count * replicates }

    public init(store: ResultStore) throws {
        metadata = try store.metadata()
        (parameters, points, runs) = try store.read { db in
            let parameters = try Row.fetchAll(db, sql: "SELECT path, role, sampled FROM parameters ORDER BY position").map {
                Parameter(path: $0["path"], role: $0["role"], sampled: $0["sampled"])
            }
            var points = try Row.fetchAll(db, sql: "SELECT * FROM points ORDER BY point").map {
                Point(index: $0["point"], cell: $0["cell"], sample: $0["sample"], baselinePoint: $0["baseline_point"], values: [], units: [])
            }
            let order = Dictionary(uniqueKeysWithValues: parameters.enumerated().map { ($1.path, $0) })
            let rows = try Row.fetchAll(db, sql: "SELECT point, parameter, value, unit FROM point_values ORDER BY point")
            for i in points.indices { points[i].values = [String](repeating: "", count: parameters.count) }
            var units: [Int: [(Int, Double)]] = [:]
            for row in rows {
                let p: Int = row["point"], k = order[row["parameter"] as String] ?? 0
                points[p].values[k] = row["value"]
                if let u: Double = row["unit"] { units[p, default: []].append((k, u)) }
            }
            for (p, list) in units { points[p].units = list.sorted { $0.0 < $1.0 }.map(\.1) }
            var runs = try Row.fetchAll(db, sql: "SELECT run, point, replicate, seed, status, error FROM runs ORDER BY run").map {
                Run(run: $0["run"], point: $0["point"], replicate: $0["replicate"], seed: $0["seed"], status: $0["status"], error: $0["error"], outputs: [:])
            }
            let position = Dictionary(uniqueKeysWithValues: runs.enumerated().map { ($1.run, $0) })
            for row in try Row.fetchAll(db, sql: "SELECT run, metric, value FROM outputs") {
                guard let i = position[row["run"]] else { continue }
                runs[i].outputs[row["metric"]] = (row["value"] as Double?) ?? .nan
            }
            return (parameters, points, runs)
        }
        let declared = (metadata["record_final"] ?? "").split(separator: ",").map(String.init)
        metrics = declared + ["ticks_run"]
    }

    /// Successful runs of each point, by replicate.
    public func outputsByPoint() -> [Int: [Int: [String: Double]]] {
        var result: [Int: [Int: [String: Double]]] = [:]
        for r in runs where r.status == "ok" { result[r.point, default: [:]][r.replicate] = r.outputs }
        return result
    }

    public var failures: [Run] { runs.filter { $0.status != "ok" } }

    /// "tax-relief.rate=0.15, model.word_of_mouth=0.42"
    public func label(_ point: Point) -> String {
        zip(parameters, point.values).map { "\($0.path)=\(ResultsData.short($1))" }.joined(separator: ", ")
    }

    static func short(_ text: String) -> String {
        guard let d = Double(text) else { return text }
        return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.4g", d)
    }
}
