import ArgumentParser
import Foundation
import UptakeBatch
import UptakeFiles
import UptakeScripting

struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write an sbatch --array script that runs an experiment as N shards on a Slurm cluster.",
        discussion: """
            Example:
              uptake slurm scenarios/tax-relief-sweep.lua --shards 4 --out out/sweep > sweep.sbatch
              sbatch sweep.sbatch          # then, when squeue shows no task left:
              uptake merge out/sweep-shard*of4.db --out out/sweep.db
            """
    )

    @Argument(help: "The experiment file (Lua).")
    var experiment: String

    @Option(
        parsing: .unconditional, help: "Number of shards (array tasks).",
        transform: ArgumentValues.whole("--shards", in: 1...100_000, example: 4))
    var shards: Int

    @Option(
        help: "Prefix of the shard databases and logs: PREFIX-shardKofN.db.",
        transform: ArgumentValues.path("--out", example: "out/sweep"))
    var out: String

    @Option(
        parsing: .unconditional, help: "Runs at a time in each task (its --jobs and --cpus-per-task; default: 1).",
        transform: ArgumentValues.workers("--jobs-per-task"))
    var jobsPerTask: Int = 1

    @Option(help: "Slurm partition.")
    var partition: String?

    @Option(help: "Time limit per task, e.g. 02:00:00.")
    var time: String?

    @Option(
        help: "Write the script to this file instead of standard output.",
        transform: ArgumentValues.filePath("--script", example: "sweep.sbatch"))
    var script: String?

    func run() throws {
        // Refuse a broken experiment now, not on the cluster.
        let experiment = try ExperimentLoader.load(file: self.experiment)
        try ExperimentPreflight.check(experiment)
        // The file really running, symlinks resolved: a bare `uptake` found on PATH means nothing on a compute node.
        let executable = SelfExecutable.path
        let cwd = FileManager.default.currentDirectoryPath
        let text = SlurmScript(
            experiment: self.experiment, shards: shards, outPrefix: out, uptake: executable, jobsPerTask: jobsPerTask,
            jobName: "uptake-" + experiment.name.filter { $0.isLetter || $0.isNumber || $0 == "-" }.prefix(40),
            partition: partition, timeLimit: time, workingDirectory: cwd
        ).text
        // Slurm does not make the folder of the tasks' logs (--output): a missing one fails every task.
        try OutputFolder.create(URL(fileURLWithPath: out).deletingLastPathComponent())
        if let script {
            try OutputFile.write(Data(text.utf8), to: URL(fileURLWithPath: script), display: script, permissions: 0o777)
        } else {
            print(text, terminator: "")
        }
    }
}
