import ArgumentParser
import Foundation
import UptakeBatch

struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Rank the policies of a batch against the baseline; per design point statistics with --details.",
        discussion: """
            Leads with one line per policy (a combination of the listed lever values), ranked by its mean \
            effect on the outcome against the baseline, paired run by run over the same uncertainty draws \
            and seeds: the effect's 95% CI, the share of pairs it beats the baseline in, its worst case, \
            the extra public spending and the cost per extra adopter.

            Examples:
              uptake results results.db
              uptake results results.db --details             # every design point's statistics
              uptake results results.db --outcome adoption    # compare on another recorded output
              uptake results results.db --csv out/tables      # tidy CSV files
              uptake results results.db --json > results.jsonl
              uptake results results.db --robust --target 'adoption>=0.2' --target 'spend_cumulative<=2e9'
            """
    )

    @Argument(help: "The results database written by uptake batch (or uptake merge).")
    var database: String

    @Option(
        help:
            "Also write tidy CSV files (policies, points, summary, differences, cost-effectiveness, runs, series, failures) into this folder.",
        transform: ArgumentValues.path("--csv", example: "out/tables"))
    var csv: String?

    @Flag(help: "Print JSON lines instead of the text report.")
    var json = false

    @Flag(
        help:
            "Also print every design point: mean, sd and 95% CI of each output, paired differences, cost-effectiveness."
    )
    var details = false

    @Option(help: "The recorded final value policies are compared on (default: adopters, else adoption).")
    var outcome: String?

    @Flag(
        help:
            "Rank policies by regret across the uncertainty scenarios (minimax regret) and, with --target, by the share of scenarios meeting every target."
    )
    var robust = false

    @Option(
        help: ArgumentHelp(
            "With --robust: a target on a recorded final value, NAME>=NUMBER or NAME<=NUMBER; repeat for several.",
            valueName: "condition"))
    var target: [String] = []

    @Flag(help: "With --robust: a lower outcome is better (e.g. spend_cumulative, emissions_t).")
    var minimize = false

    func run() throws {
        let store = try ResultStore.open(database, readOnly: true)
        let data = try ResultsData(store: store)
        let compared = try ResultsSummary.outcome(outcome, in: data)
        let summary = ResultsSummary(data, outcome: compared)
        if robust {
            let ranking = RobustRanking(
                data, outcome: compared, minimize: minimize, targets: try RobustRanking.targets(target, in: data))
            print(json ? try TidyExport.render(ranking.jsonLines()) : ranking.text(), terminator: "")
            return
        }
        if !target.isEmpty || minimize {
            throw UserFacingError("--target and --minimize go with --robust; add --robust")
        }
        if json {
            print(try TidyExport.render(TidyExport.jsonLines(summary)), terminator: "")
        } else {
            print(summary.text(details: details), terminator: "")
        }
        if let csv {
            let files = try TidyExport.writeCSV(summary, store: store, to: csv)
            if !json { print("\nWrote \(files.count) CSV files into \(csv)") }
        }
    }
}
