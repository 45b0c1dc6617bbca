/// `uptake slurm`: an `sbatch --array` script that runs each shard of an
/// experiment as one array task and, when every task has finished, nothing
/// more: merging is `uptake merge` (the script's last comment says how).
public struct SlurmScript: Sendable {
    public var experiment: String
    public var shards: Int
    public var outPrefix: String
    public var uptake: String
    public var jobsPerTask: Int
    public var jobName: String
    public var partition: String?
    public var timeLimit: String?
    public var workingDirectory: String

    public init(
        experiment: String, shards: Int, outPrefix: String, uptake: String, jobsPerTask: Int, jobName: String,
        partition: String? = nil, timeLimit: String? = nil, workingDirectory: String
    ) {
        self.experiment = experiment
        self.shards = shards
        self.outPrefix = outPrefix
        self.uptake = uptake
        self.jobsPerTask = jobsPerTask
        self.jobName = jobName
        self.partition = partition
        self.timeLimit = timeLimit
        self.workingDirectory = workingDirectory
    }

    /// The shard databases the tasks write, in task order.
    public var shardFiles: [String] { (1...shards).map { "\(outPrefix)-shard\($0)of\(shards).db" } }

    public var text: String {
        var lines = [
            "#!/bin/bash",
            "# Runs \(experiment) as \(shards) Slurm array tasks, one shard each.",
            "# Submit:  sbatch --parsable THIS_FILE     Then merge when squeue shows no task left:",
            "#   \(Self.shellQuoted(uptake)) merge \(shardFiles.map(Self.shellQuoted).joined(separator: " ")) --out \(Self.shellQuoted(outPrefix + ".db"))",
            "#SBATCH --job-name=\(jobName)",
            "#SBATCH --array=1-\(shards)",
            "#SBATCH --cpus-per-task=\(jobsPerTask)",
            "#SBATCH --chdir=\(Self.shellQuoted(workingDirectory))",
            "#SBATCH --output=\(outPrefix)-shard%aof\(shards).log",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let timeLimit { lines.append("#SBATCH --time=\(timeLimit)") }
        lines += [
            "set -euo pipefail",
            "K=${SLURM_ARRAY_TASK_ID:?run this script with sbatch (it needs SLURM_ARRAY_TASK_ID)}",
            "# --resume: a task that Slurm restarts after a node failure finishes only what is missing.",
            "exec \(Self.shellQuoted(uptake)) batch \(Self.shellQuoted(experiment)) --shard \"$K/\(shards)\" --jobs \(jobsPerTask) --resume \\",
            "  --out \(Self.shellQuoted(outPrefix))-shard\"$K\"of\(shards).db",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// `s` as one word of a POSIX shell command line (single-quoted unless it is plain).
    public static func shellQuoted(_ s: String) -> String {
        s.allSatisfy { $0.isLetter || $0.isNumber || "/._-+=:,@".contains($0) }
            ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
