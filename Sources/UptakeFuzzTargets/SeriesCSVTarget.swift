import Foundation
import UptakeReport

/// A run's series.csv (and its run.json, the same bytes), read as `uptake
/// report RUN_DIR` reads them, then charted and made into the HTML report.
enum SeriesCSVTarget {
    static func run(_ data: Data) {
        let record = try? RunRecord(json: data, file: "run.json")
        guard let text = String(data: data, encoding: .utf8),
            let table = expected(try SeriesCSVReader.parse(text, file: "series.csv"))
        else { return }
        _ = RunReport.html(table: table, record: record, source: "series.csv", program: "uptake-fuzz")
    }
}
