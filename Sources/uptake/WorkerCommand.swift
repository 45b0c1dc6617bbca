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

/// The path of this executable, for starting workers of it (argv[0] may be a bare name).
enum SelfExecutable {
    static var path: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }
}
