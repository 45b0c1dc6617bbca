import Foundation
import GRDB
import UptakeBatch
import UptakeScripting

/// A results database given to `uptake merge`: merged alone, then as the
/// second shard after a copy of itself made into another shard (its runs
/// removed, its shard renamed), and each merged database summarised as
/// `uptake results` does.
enum MergeTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        let names = ["merge/shard.db", "merge/other.db", "merge/out1.db", "merge/out2.db"]
        names.forEach(w.remove)
        defer { names.forEach(w.remove) }
        let shard = w.write(data, to: names[0])
        let other = w.write(data, to: names[1])
        merge([shard], into: w.url(names[2]).path)
        // The copy as a first shard that holds no runs: the input's runs are then merged into it.
        do {
            let queue = try DatabaseQueue(path: other)
            try queue.write { db in
                try db.execute(sql: "UPDATE experiment SET value = value || '-other' WHERE key = 'shard'")
                for table in ["runs", "outputs", "series"] { try db.execute(sql: "DELETE FROM \(table)") }
            }
            try queue.close()
        } catch { return }
        merge([other, shard], into: w.url(names[3]).path)
    }

    static func merge(_ inputs: [String], into output: String) {
        guard (expected(try ResultsMerger.merge(inputs, into: output))) != nil,
            let store = expected(try ResultStore.open(output, readOnly: true)),
            let data = expected(try ResultsData(store: store))
        else { return }
        _ = ResultsSummary(data).text(details: true)
    }
}
