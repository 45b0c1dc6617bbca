import Foundation
import UptakeBatch
import UptakeScripting

/// A results database, read as `uptake results DB --csv DIR --json`,
/// `uptake sensitivity DB` and `uptake report DB` read it.
enum ResultsTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.remove("results/results.db")
        w.remove("results/csv")
        let file = w.write(data, to: "results/results.db")
        defer {
            w.remove("results/results.db")
            w.remove("results/csv")
        }
        guard let store = expected(try ResultStore.open(file, readOnly: true)),
            let data = expected(try ResultsData(store: store))
        else { return }
        let summary = ResultsSummary(data)
        _ = summary.text
        _ = summary.text(details: true)
        _ = expected(try TidyExport.render(TidyExport.jsonLines(summary)))
        _ = expected(try TidyExport.writeCSV(summary, store: store, to: w.url("results/csv").path))
        _ = expected(try BatchReport.html(store: store, source: "results.db", program: "uptake-fuzz"))
        if let analysis = expected(try SensitivityAnalysis(data, resamples: 10)) {
            _ = analysis.text
            _ = expected(try TidyExport.render(analysis.jsonLines))
        }
    }
}
