import ArgumentParser
import Dispatch
import Foundation
import UptakeLocks
import UptakeScripting
import UptakeServe

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Explore a project's scenarios in a web browser: change plugin parameters, run, watch, compare.",
        discussion: """
            Prints an address with a token (http://127.0.0.1:8400/?token=...) to open in a browser; every request \
            needs the token. Runs are done by uptake run in child processes, sandboxed as on the command line, at \
            most --max-runs at once; their outputs go to PROJECT/out/explorer. Ctrl-C stops the server and its runs. \
            docs/serve.md has the details.

            Examples:
              uptake serve
              uptake serve ~/studies/aigc --port 0
            """
    )

    @Argument(help: "The project folder, with scenarios/ (default: the current folder).")
    var project: String = "."

    @Option(help: "Address to listen on; the default, 127.0.0.1, lets in this machine only.")
    var host: String = "127.0.0.1"

    @Option(
        parsing: .unconditional, help: "Port to listen on (0: any free port, shown in the address printed).",
        transform: ArgumentValues.whole("--port", in: 0...65535, example: 0))
    var port: Int = ExplorerServer.Settings.defaultPort

    @Option(
        parsing: .unconditional, help: "Runs at once; more wait their turn.",
        transform: ArgumentValues.whole("--max-runs", in: 1...64, example: 2))
    var maxRuns: Int = 2

    @Option(
        parsing: .unconditional, help: "Wall-clock seconds each run may take (uptake run --max-seconds; 0 = none).",
        transform: ArgumentValues.seconds("--max-seconds", zeroAllowed: true))
    var maxSeconds: Double = 600

    @Option(
        name: .customLong("describe"),
        help: ArgumentHelp(
            "Print the controls of these scenario files (relative to the project) as JSON, and stop (for the server).",
            visibility: .hidden))
    var describe: [String] = []

    func run() throws {
        let folder = try ProjectFolder(project)
        if !describe.isEmpty {
            let descriptions = ScenarioDescription.describe(files: describe, in: folder)
            let data = try JSONEncoder().encode(descriptions)
            FileHandle.standardOutput.write(data + Data("\n".utf8))
            return
        }
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            FileHandle.standardError.write(
                Data(
                    ("warning: --host \(host) lets other machines reach the explorer; anyone with the address "
                        + "and its token can run this project's scenarios\n").utf8))
        }
        let server = ExplorerServer(
            settings: .init(
                project: folder, executable: SelfExecutable.path, host: host, port: port, maxConcurrentRuns: maxRuns,
                maxSecondsPerRun: maxSeconds, handlesSignals: true))
        try ServeCommand.waitFor {
            try await server.run { url in
                let text = "The explorer of \(folder.root.path) is at\n  \(url.absoluteString)\nCtrl-C stops it.\n"
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
        throw Interrupted("uptake serve stopped; the runs under way were ended")
    }

    /// Runs `work` from this synchronous command (the root command's `main`
    /// is not async) and waits for it, with its error.
    static func waitFor(_ work: @escaping @Sendable () async throws -> Void) throws {
        let outcome = Locked<Result<Void, any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        Task {
            do {
                try await work()
                outcome.withLock { $0 = .success(()) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            finished.signal()
        }
        finished.wait()
        try outcome.withLock { $0 ?? .success(()) }.get()
    }
}
