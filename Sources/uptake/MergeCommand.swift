import ArgumentParser
import Foundation
import UptakeBatch

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shard databases of one experiment (uptake batch --shard K/N) into one.",
        discussion: """
            Refuses shards of different experiments or inputs, shards made by different builds of uptake \
            (version or commit; --allow-other-build merges them anyway), and a shard given twice.
            Example:
              uptake merge out/sweep-shard1of4.db out/sweep-shard2of4.db out/sweep-shard3of4.db out/sweep-shard4of4.db --out results.db
            """
    )

    @Argument(help: "The shard databases.")
    var shards: [String]

    @Option(
        help: "The merged database to write (must not exist).",
        transform: ArgumentValues.filePath("--out", example: "out/results.db"))
    var out: String

    @Flag(
        help:
            "Merge shards made by different builds of uptake (another version or commit); the merged database lists every build."
    )
    var allowOtherBuild = false

    func run() throws {
        let report = try ResultsMerger.merge(shards, into: out, allowOtherBuild: allowOtherBuild)
        print("merge: \(report.shards.count) shards, \(report.runs) of \(report.expectedRuns) runs in \(out)")
        if report.missing > 0 {
            FileHandle.standardError.write(
                Data(
                    "warning: \(report.missing) runs are missing; run the missing shards (uptake batch ... --shard K/N --resume) and merge again\n"
                        .utf8))
        }
    }
}
