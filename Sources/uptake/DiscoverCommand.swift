import ArgumentParser
import Foundation
import UptakeBatch

struct DiscoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract:
            "Find the ranges of levers and uncertainties in which an outcome happens (PRIM scenario discovery), and which inputs drive it.",
        discussion: """
            The cases of interest are the runs whose recorded final value meets a condition. PRIM \
            (Friedman and Fisher 1999, as EMA Workbench runs it) peels thin slices off the inputs' ranges \
            while that concentrates the cases, then pastes back what helps; every step is printed with its \
            coverage, density and mass, and the box of the first step with density >= --density is shown \
            with each restricted input's limits. Feature scores rank the inputs by how differently the \
            cases spread along them.

            Examples:
              uptake discover results.db --outcome adoption --threshold 0.2 --below
              uptake discover results.db --outcome 'adoption<=0.2'
              uptake discover results.db --outcome 'adoption<=0.2' --box 12 --json
              uptake discover results.db --outcome 'adoption<=0.2' --csv out/discovery
            """
    )

    enum Side: String, EnumerableFlag {
        case above, below

        static func help(for value: Side) -> ArgumentHelp? {
            switch value {
            case .above: return "With --threshold: the cases of interest are the runs at or above it (the default)."
            case .below: return "With --threshold: the cases of interest are the runs at or below it."
            }
        }
    }

    @Argument(help: "The results database written by uptake batch (or uptake merge).")
    var database: String

    @Option(
        help: ArgumentHelp(
            "A recorded final value (default: adopters, else adoption), or a condition on one: NAME>=NUMBER or NAME<=NUMBER (quoted).",
            valueName: "name-or-condition"))
    var outcome: String?

    @Option(
        parsing: .unconditional, help: "The outcome's threshold for a case of interest.",
        transform: ArgumentValues.number("--threshold", allowed: "a number", example: "0.2"))
    var threshold: Double?

    @Flag var side: Side?

    @Option(
        parsing: .unconditional,
        help: "The box shown is the first step with at least this density (default: 0.8, as EMA Workbench's).",
        transform: ArgumentValues.number("--density", allowed: "a share more than 0 and at most 1", example: "0.8") {
            $0 > 0 && $0 <= 1
        })
    var density: Double = 0.8

    @Option(
        parsing: .unconditional, help: "Show the box of this step of the trajectory instead.",
        transform: ArgumentValues.whole("--box", in: 0...1_000_000, example: 12))
    var box: Int?

    @Option(
        name: .customLong("peel-alpha"), parsing: .unconditional,
        help: "Share of a box's runs one peel removes (default: 0.05).",
        transform: ArgumentValues.number(
            "--peel-alpha", allowed: "a share more than 0 and less than 0.5", example: "0.05"
        ) {
            $0 > 0 && $0 < 0.5
        })
    var peelAlpha: Double = 0.05

    @Option(
        name: .customLong("paste-alpha"), parsing: .unconditional,
        help: "Share of the runs beyond a side one paste adds (default: 0.05).",
        transform: ArgumentValues.number(
            "--paste-alpha", allowed: "a share more than 0 and less than 0.5", example: "0.05"
        ) {
            $0 > 0 && $0 < 0.5
        })
    var pasteAlpha: Double = 0.05

    @Option(
        name: .customLong("mass-min"), parsing: .unconditional,
        help: "The smallest box, as a share of all runs (default: 0.05).",
        transform: ArgumentValues.number(
            "--mass-min", allowed: "a share from 0 up to (not including) 1", example: "0.05"
        ) {
            $0 >= 0 && $0 < 1
        })
    var massMin: Double = 0.05

    @Flag(help: "Print JSON lines instead of the text report.")
    var json = false

    @Option(
        help: "Also write inputs.csv, trajectory.csv, box.csv and feature_scores.csv into this folder.",
        transform: ArgumentValues.path("--csv", example: "out/discovery"))
    var csv: String?

    func run() throws {
        let data = try ResultsData(store: try ResultStore.open(database, readOnly: true))
        let condition = try ScenarioDiscovery.condition(
            outcome: outcome, threshold: threshold, below: side.map { $0 == .below }, in: data)
        let discovery = try ScenarioDiscovery(
            data, condition: condition,
            options: Prim.Options(peelAlpha: peelAlpha, pasteAlpha: pasteAlpha, massMin: massMin), density: density,
            step: box)
        print(json ? try TidyExport.render(discovery.jsonLines()) : discovery.text(), terminator: "")
        if let csv {
            let files = try discovery.writeCSV(to: csv)
            if !json { print("\nWrote \(files.count) CSV files into \(csv)") }
        }
    }
}
