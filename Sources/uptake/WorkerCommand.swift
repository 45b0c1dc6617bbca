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

    func run() throws { try Self.serve(experiment: experiment, trace: trace) }

    static func serve(experiment: String, trace: String) throws {
        let status = BatchWorker.serve(experimentFile: experiment, tracePath: trace)
        if status != 0 { throw ExitCode(status) }
    }

    /// Serves as a worker when `arguments` are exactly those `uptake batch` starts one with
    /// (`worker FILE --trace PATH`), without argument-parser, and says whether it did.
    /// Why: argument-parser reflects on the options of every command to parse any one,
    /// 15 M instructions, half of what starting a worker and running one run cost; a
    /// batch starts a worker per job, and again after a crash. Any other arguments
    /// (a person typing the command) go through argument-parser and its messages.
    static func servedDirectly(_ arguments: [String]) throws -> Bool {
        guard arguments.count == 4, arguments[0] == configuration.commandName, arguments[2] == "--trace",
            !arguments[1].hasPrefix("-"), !arguments[3].hasPrefix("-")
        else { return false }
        try serve(experiment: arguments[1], trace: arguments[3])
        return true
    }
}
