import ArgumentParser
import Foundation
import UptakeBatch

struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract:
            "Which sampled parameters drive each output: Sobol indices (sobol design) or Morris mu* and sigma (morris design).",
        discussion: """
            Parameters are ranked by ST or mu*, largest first. An output with one value \
            across a policy is listed as constant, without indices; a warning line says \
            when the design is too small and what samples or trajectories to aim for.

            Examples:
              uptake sensitivity results.db
              uptake sensitivity results.db --metric adoption --json
            """
    )

    @Argument(help: "The results database of a batch with a sobol or morris design.")
    var database: String

    @Option(help: "Only this output (repeat for several). Default: every recorded final value.")
    var metric: [String] = []

    @Option(
        parsing: .unconditional, help: "Bootstrap resamples for the confidence intervals (default: 1000).",
        transform: ArgumentValues.whole("--resamples", in: 10...1_000_000, example: 1000))
    var resamples: Int = 1000

    @Flag(help: "Print JSON lines instead of the text report.")
    var json = false

    func run() throws {
        let data = try ResultsData(store: try ResultStore.open(database, readOnly: true))
        let analysis = try SensitivityAnalysis(data, metrics: metric.isEmpty ? nil : metric, resamples: resamples)
        print(json ? try TidyExport.render(analysis.jsonLines) : analysis.text, terminator: "")
    }
}
