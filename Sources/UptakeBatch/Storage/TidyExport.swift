import Foundation
import GRDB
import UptakeFiles
import UptakeKernel
import UptakeReport
import UptakeScripting

/// Tidy exports of a results database: CSV files (one row per observation:
/// policy, point x metric, run x metric, run x tick x metric) and JSON lines.
/// Numbers keep every digit (`SeriesCSV.format`); seeds are text
/// (`SeedText`), so no spreadsheet rounds them.
public enum TidyExport {
    /// Writes policies.csv, points.csv, summary.csv, differences.csv, cost_effectiveness.csv,
    /// runs.csv, series.csv and failures.csv into `directory`; returns their paths.
    @discardableResult
    public static func writeCSV(_ summary: ResultsSummary, store: ResultStore, to directory: String) throws -> [String]
    {
        let folder = URL(fileURLWithPath: directory)
        // All the files appear together, or none: a failure leaves an earlier export as it was.
        let outputs = StagedOutputs()
        let data = summary.data
        let params = data.parameters.map(\.path)
        var written: [String] = []
        func write(_ name: String, _ header: [String], _ rows: [[String]]) throws {
            let url = folder.appendingPathComponent(name)
            var text = line(header)
            for r in rows { text += line(r) }
            try outputs.stage(Data(text.utf8), at: url)
            written.append(url.path)
        }
        let f = SeriesFormat.number
        let comparison = summary.comparison
        try write(
            "policies.csv",
            ["rank", "policy"] + comparison.leverPaths
                + [
                    "is_baseline", "baseline", "outcome", "runs", "mean", "pairs", "mean_effect", "ci_low", "ci_high",
                    "share_beating_baseline", "worst_case", "extra_spend_yuan", "extra_adopters",
                    "cost_per_extra_adopter_yuan", "cost_note",
                ],
            comparison.policies.map { p in
                let paired = p.effect.count > 0
                return [p.rank.map(String.init) ?? "", p.label] + p.leverValues
                    + [
                        p.isBaseline ? "true" : "false", p.baselineLabel ?? "", comparison.outcome,
                        String(p.level.count), f(p.level.mean),
                        String(p.effect.count), paired ? f(p.effect.mean) : "", paired ? f(p.effect.ciLow) : "",
                        paired ? f(p.effect.ciHigh) : "",
                        p.shareBeatingBaseline.map(f) ?? "", p.worstCase.map(f) ?? "", p.extraSpending.map(f) ?? "",
                        p.extraAdopters.map(f) ?? "", p.costPerExtraAdopter.yuan.map(f) ?? "",
                        p.isBaseline ? "" : p.costPerExtraAdopter.note,
                    ]
            })
        try write(
            "points.csv", ["point", "cell", "sample", "baseline_point"] + params,
            data.points.map {
                [String($0.index), String($0.cell), String($0.sample), $0.baselinePoint.map(String.init) ?? ""]
                    + $0.values
            })
        try write(
            "summary.csv", ["point", "metric", "n", "mean", "sd", "ci_low", "ci_high"],
            summary.perPoint.map {
                [
                    String($0.point), $0.metric, String($0.statistics.count), f($0.statistics.mean),
                    f($0.statistics.standardDeviation), f($0.statistics.ciLow), f($0.statistics.ciHigh),
                ]
            })
        try write(
            "differences.csv",
            ["point", "baseline_point", "metric", "n", "mean_difference", "sd", "ci_low", "ci_high"],
            summary.differences.map {
                [
                    String($0.point), String($0.baselinePoint), $0.metric, String($0.statistics.count),
                    f($0.statistics.mean),
                    f($0.statistics.standardDeviation), f($0.statistics.ciLow), f($0.statistics.ciHigh),
                ]
            })
        try write(
            "cost_effectiveness.csv",
            [
                "point", "baseline_point", "extra_spend_yuan", "extra_adopters", "extra_productivity_index",
                "adopters_per_million_yuan", "productivity_per_billion_yuan",
            ],
            summary.costEffectiveness.map { c in
                [
                    String(c.point), String(c.baselinePoint), f(c.extraSpend), c.extraAdopters.map(f) ?? "",
                    c.extraProductivity.map(f) ?? "", c.adoptersPerMillionYuan.map(f) ?? "",
                    c.productivityPerBillionYuan.map(f) ?? "",
                ]
            })
        try write(
            "runs.csv", ["run", "point", "replicate", "seed", "status", "metric", "value"],
            data.runs.flatMap { r in
                data.metrics.compactMap { m in
                    r.outputs[m].map {
                        [
                            String(r.run), String(r.point), String(r.replicate), SeedText.text(decimal: r.seed),
                            r.status, m, f($0),
                        ]
                    }
                }
            })
        try write(
            "failures.csv", ["run", "point", "replicate", "seed", "error"],
            data.failures.map {
                [
                    String($0.run), String($0.point), String($0.replicate), SeedText.text(decimal: $0.seed),
                    $0.error ?? "",
                ]
            })
        // The series can be large: stream it from the database instead of holding it.
        let seriesURL = folder.appendingPathComponent("series.csv")
        try outputs.stage(at: seriesURL) { temporary in
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw FileSystemError(action: "cannot write", path: seriesURL.path, errno: errno, folder: folder.path)
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            do {
                try handle.write(
                    contentsOf: Data(line(["run", "point", "replicate", "tick", "date", "metric", "value"]).utf8))
                try store.read { db in
                    let cursor = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT s.run, r.point, r.replicate, s.tick, s.metric, s.value FROM series s JOIN runs r ON r.run = s.run
                            ORDER BY s.run, s.tick, s.metric
                            """)
                    var buffer = ""
                    while let row = try cursor.next() {
                        let value = try row.decode(Double?.self, atIndex: 5)
                        let tick = try row.decode(Int.self, atIndex: 3)
                        buffer += line([
                            String(try row.decode(Int.self, atIndex: 0)), String(try row.decode(Int.self, atIndex: 1)),
                            String(try row.decode(Int.self, atIndex: 2)), String(tick), data.date(tick: tick) ?? "",
                            try row.decode(String.self, atIndex: 4), value.map(f) ?? "",
                        ])
                        if buffer.utf8.count > 1 << 16 {
                            try handle.write(contentsOf: Data(buffer.utf8))
                            buffer = ""
                        }
                    }
                    try handle.write(contentsOf: Data(buffer.utf8))
                }
                try handle.synchronize()
            } catch {
                throw FileSystemError(error, action: "cannot write", path: seriesURL.path) ?? error
            }
        }
        try outputs.commit()
        written.append(seriesURL.path)
        return written
    }

    /// JSON lines: one object per policy ("table": "policy", ranked ones
    /// first), per point x metric ("summary"), per difference, per
    /// cost-effectiveness row and per failed run. Seeds are strings (`SeedText`).
    public static func jsonLines(_ summary: ResultsSummary) -> [[String: Any]] {
        let data = summary.data
        func value(_ text: String) -> Any { Double(text).map { $0 as Any } ?? text }
        func values(_ p: Int) -> [String: Any] {
            Dictionary(
                zip(data.parameters.map(\.path), data.points[p].values).map { k, v in (k, value(v)) },
                uniquingKeysWith: { a, _ in a })
        }
        func clean(_ x: Double) -> Any { x.isFinite ? x : NSNull() }
        func optional(_ x: Double?) -> Any { x.map(clean) ?? NSNull() }
        var out: [[String: Any]] = []
        let comparison = summary.comparison
        for p in comparison.policies {
            let paired = p.effect.count > 0
            out.append([
                "table": "policy", "rank": p.rank.map { $0 as Any } ?? NSNull(), "policy": p.label,
                "levers": Dictionary(
                    zip(comparison.leverPaths, p.leverValues).map { ($0, value($1)) }, uniquingKeysWith: { a, _ in a }),
                "is_baseline": p.isBaseline, "baseline": p.baselineLabel.map { $0 as Any } ?? NSNull(),
                "outcome": comparison.outcome,
                "runs": p.level.count, "mean": clean(p.level.mean), "pairs": p.effect.count,
                "mean_effect": paired ? clean(p.effect.mean) : NSNull(),
                "ci_low": paired ? clean(p.effect.ciLow) : NSNull(),
                "ci_high": paired ? clean(p.effect.ciHigh) : NSNull(),
                "share_beating_baseline": optional(p.shareBeatingBaseline),
                "worst_case": optional(p.worstCase), "extra_spend_yuan": optional(p.extraSpending),
                "extra_adopters": optional(p.extraAdopters),
                "cost_per_extra_adopter_yuan": optional(p.costPerExtraAdopter.yuan),
                "cost_note": p.isBaseline ? "" : p.costPerExtraAdopter.note,
            ])
        }
        for s in summary.perPoint {
            out.append([
                "table": "summary", "point": s.point, "parameters": values(s.point), "metric": s.metric,
                "n": s.statistics.count,
                "mean": clean(s.statistics.mean), "sd": clean(s.statistics.standardDeviation),
                "ci_low": clean(s.statistics.ciLow), "ci_high": clean(s.statistics.ciHigh),
            ])
        }
        for d in summary.differences {
            out.append([
                "table": "difference", "point": d.point, "baseline_point": d.baselinePoint,
                "parameters": values(d.point),
                "metric": d.metric, "n": d.statistics.count, "mean_difference": clean(d.statistics.mean),
                "sd": clean(d.statistics.standardDeviation), "ci_low": clean(d.statistics.ciLow),
                "ci_high": clean(d.statistics.ciHigh),
            ])
        }
        for c in summary.costEffectiveness {
            out.append([
                "table": "cost_effectiveness", "point": c.point, "baseline_point": c.baselinePoint,
                "extra_spend_yuan": clean(c.extraSpend),
                "adopters_per_million_yuan": c.adoptersPerMillionYuan.map(clean) ?? NSNull(),
                "productivity_per_billion_yuan": c.productivityPerBillionYuan.map(clean) ?? NSNull(),
            ])
        }
        for f in data.failures {
            out.append([
                "table": "failure", "run": f.run, "point": f.point, "replicate": f.replicate,
                "seed": SeedText.text(decimal: f.seed),
                "error": f.error ?? "",
            ])
        }
        return out
    }

    /// Serialises JSON-lines objects with sorted keys (stable output).
    public static func render(_ objects: [[String: Any]]) throws -> String {
        try objects.map {
            String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self)
                + "\n"
        }.joined()
    }

    static func line(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
        }.joined(separator: ",") + "\n"
    }
}

/// Numbers in exports: the kernel's series format; a missing value is an empty cell.
enum SeriesFormat {
    static func number(_ x: Double) -> String { SeriesCSV.format(x) }
}
