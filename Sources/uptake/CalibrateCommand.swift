import ArgumentParser
import Foundation
import UptakeBatch
import UptakeScripting

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a scenario's uncertain parameters to observed data (ABC-SMC); each generation is a batch.",
        discussion: """
            Reads a calibration file (return calibration { scenario = ..., data = ..., parameters = ... }),
            runs each generation of approximate Bayesian computation by sequential Monte Carlo as a batch
            (OUT/gen-N.lua into OUT/gen-N.db; run the command again to go on after an interruption), and
            prints the posterior (mean and 90% credible interval of each parameter, effective sample size)
            and the posterior predictive band against the data. Writes OUT/posterior.csv and
            OUT/predictive.csv. See docs/decisions.md.

            Example:
              uptake calibrate scenarios/calibrate-baseline.lua --out out/calibration
            """)

    @Argument(help: "The calibration file.")
    var file: String

    @Option(
        help: "Folder for the generations' experiments and databases and the results.",
        transform: ArgumentValues.path("--out", example: "out/calibration"))
    var out: String

    @Option(help: "Worker processes running the generations' runs.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Only the result, no progress lines.")
    var quiet = false

    func run() throws {
        let calibration = try Calibration.load(file: file)
        guard (1...1024).contains(jobs) else { throw UserFacingError("--jobs \(jobs) is not from 1 to 1024") }
        let batch = BatchRunner.Options(
            jobs: jobs, program: UptakeVersion.build,
            isolation: .processes(executable: SelfExecutable.path, limits: BatchRunner.ProcessLimits()))
        let quiet = self.quiet
        let runner = CalibrationRunner(
            calibration: calibration, options: .init(batch: batch, report: { if !quiet { print($0) } }))
        let result = try runner.run(out: out)
        let report = CalibrationReport(calibration: calibration, result: result)
        print(report.text, terminator: "")
        let files = try report.write(to: out)
        print("Wrote " + files.joined(separator: ", "))
    }
}
