import ArgumentParser
import Foundation
import UptakeBatch
import UptakeScripting

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Summarise a results database: mean, sd and 95% CI per design point, differences against the baseline, cost-effectiveness, failures.",
        discussion: """
        Examples:
          uptake results results.db
          uptake results results.db --csv out/tables      # tidy CSV files
          uptake results results.db --json > results.jsonl
        """
    )

    @Argument(help: "The results database written by uptake batch (or uptake merge).")
    var database: String

    @Option(help: "Also write tidy CSV files (summary, differences, cost-effectiveness, runs, series, failures) into this folder.",
            transform: ArgumentValues.path("--csv", example: "out/tables"))
    var csv: String?

    @Flag(help: "Print JSON lines instead of the text report.")
    var json = false

    func run() throws {
        do {
            let store = try ResultStore.open(database, readOnly: true)
            let summary = ResultsSummary(try ResultsData(store: store))
            if json {
                print(try TidyExport.render(TidyExport.jsonLines(summary)), terminator: "")
            } else {
                print(summary.text, terminator: "")
            }
            if let csv {
                let files = try TidyExport.writeCSV(summary, store: store, to: csv)
                if !json { print("\nWrote \(files.count) CSV files into \(csv)") }
            }
        } catch let d as Diagnostic {
            throw UserFacingError(d.description)
        }
    }
}
