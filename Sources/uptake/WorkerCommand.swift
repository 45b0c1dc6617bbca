import ArgumentParser
import Foundation
import UptakeBatch

/// `uptake worker`: the process a supervised batch runs its runs in (see
/// `BatchWorker`). Started by `uptake batch`; not meant to be typed.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a batch's runs as a worker of uptake batch (started by uptake batch itself).",
        shouldDisplay: false
    )

    @Argument(help: "The experiment file (Lua).")
    var experiment: String

    @Option(help: "The trace file the supervisor reads (where the run is, a heartbeat).")
    var trace: String

    func run() throws {
        let status = BatchWorker.serve(experimentFile: experiment, tracePath: trace)
        if status != 0 { throw ExitCode(status) }
    }
}
