import ArgumentParser
import Foundation
import UptakeBatch
import UptakeScripting

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a scenario's uncertain parameters to observed data (ABC-SMC); each generation is a batch.",
        discussion: """
            Reads a calibration file (return calibration { scenario = ..., data = ..., parameters = ... }), \
            runs each generation of approximate Bayesian computation by sequential Monte Carlo as a batch \
            (OUT/gen-N.lua into OUT/gen-N.db), records each finished generation in OUT/calibration.db \
            (one SQLite database for the whole calibration; run the command again to go on after an \
            interruption), and \
            prints the posterior (mean and 90% credible interval of each parameter, effective sample size) \
            and the posterior predictive band against the data. Writes OUT/posterior.csv, \
            OUT/predictive.csv and OUT/report.html (the same with a chart per data segment). See docs/decisions.md.

            Examples:
              uptake calibrate scenarios/calibrate-baseline.lua --out out/calibration
              uptake calibrate scenarios/calibrate-baseline.lua --out out/calibration --prepare   # for Slurm
              uptake calibrate scenarios/calibrate-baseline.lua --out out/quick --particles 10 --proposals 30 --generations 2
            """)

    @Argument(help: "The calibration file.")
    var file: String

    @Option(
        help: "Folder for the generations' experiments and databases and the results.",
        transform: ArgumentValues.path("--out", example: "out/calibration"))
    var out: String

    @Option(help: "Particles kept per generation, instead of the file's (a quick look: --particles 10 --proposals 30).")
    var particles: Int?

    @Option(help: "Parameter sets run per generation, instead of the file's.")
    var proposals: Int?

    @Option(help: "Generations, instead of the file's.")
    var generations: Int?

    @Option(help: "Worker processes running the generations' runs.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Only the result, no progress lines.")
    var quiet = false

    @Flag(
        help: """
            Record the generations whose batches are done, write the next generation's experiment file \
            OUT/gen-N.lua and stop without running it: run it elsewhere (uptake slurm OUT/gen-N.lua --out OUT/gen-N ...), \
            merge its shards into OUT/gen-N.db, then run this command again.
            """)
    var prepare = false

    func run() throws {
        var calibration = try Calibration.load(file: file)
        guard (1...1024).contains(jobs) else { throw UserFacingError("--jobs \(jobs) is not from 1 to 1024") }
        // The same bounds as the calibration file's keys.
        let particleRange = Calibration.particleRange, generationRange = Calibration.generationRange
        if let particles {
            guard particleRange.contains(particles) else {
                throw UserFacingError(
                    "--particles \(particles) is not from \(particleRange.lowerBound) to \(particleRange.upperBound)")
            }
            calibration.particles = particles
            if proposals == nil { calibration.proposals = max(calibration.proposals, particles) }
        }
        if let proposals {
            guard (calibration.particles...Calibration.maximumProposals).contains(proposals) else {
                throw UserFacingError(
                    "--proposals \(proposals) is fewer than the \(calibration.particles) particles kept, or more than "
                        + "\(Calibration.maximumProposals)")
            }
            calibration.proposals = proposals
        }
        if let generations {
            guard generationRange.contains(generations) else {
                throw UserFacingError(
                    "--generations \(generations) is not from \(generationRange.lowerBound) to \(generationRange.upperBound)"
                )
            }
            calibration.generations = generations
        }
        let batch = BatchRunner.Options(
            jobs: jobs, program: UptakeVersion.build,
            isolation: .processes(executable: SelfExecutable.path, limits: BatchRunner.ProcessLimits()))
        let quiet = self.quiet
        let runner = CalibrationRunner(
            calibration: calibration,
            options: .init(batch: batch, prepareOnly: prepare, report: { if !quiet { print($0) } }))
        let result = try runner.run(out: out)
        if let pending = result.pending {
            let name = (pending as NSString).deletingPathExtension
            print(
                """
                Generation \(result.generations.count + 1) is ready to run: \(pending)
                Run it, for example on Slurm:
                  uptake slurm \(SlurmScript.shellQuoted(pending)) --shards 10 --out \(SlurmScript.shellQuoted(name)) --script \(SlurmScript.shellQuoted(name + ".sbatch"))
                and merge its shards into \(SlurmScript.shellQuoted(name + ".db")) (the script says how), or run it here with:
                  uptake batch \(SlurmScript.shellQuoted(pending)) --out \(SlurmScript.shellQuoted(name + ".db"))
                then run this command again.
                """)
            return
        }
        let report = CalibrationReport(calibration: calibration, result: result)
        print(report.text, terminator: "")
        let files = try report.write(to: out, program: UptakeVersion.build.description)
        let database = URL(fileURLWithPath: out).appendingPathComponent(CalibrationDatabase.fileName).path
        print("Wrote " + ([database] + files).joined(separator: ", "))
    }
}
