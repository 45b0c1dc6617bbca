import Foundation
import UptakeLocks
import UptakeFiles
#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C or SIGTERM during `uptake run` leaves all its outputs or none.
/// The outputs are staged (`StagedOutputs`) and only renamed into place at
/// the end; a signal before that removes what was staged, says where the
/// run was and ends the process with status 130:
///
///     interrupted at tick 12 (2026Q1) of 40; nothing written
///
/// A signal that arrives once the outputs are committed changes nothing:
/// the run is complete and ends as usual.
final class RunInterruption: Sendable {
    let outputs: StagedOutputs
    let progress: RunProgress?
    /// Where the run is, for the message: "while preparing the run", "at tick 12 (2026Q1) of 40".
    private let position = Locked("while preparing the run")

    init(outputs: StagedOutputs, progress: RunProgress?) {
        self.outputs = outputs
        self.progress = progress
    }

    /// Handles SIGINT and SIGTERM from now on; cancel the sources to stop.
    func install() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in stop() }
            source.resume()
            return source
        }
    }

    /// The tick now running (numbered from 0, as everywhere in uptake), or `ticks` when all are done.
    func running(tick: Int, of ticks: Int, date: String) {
        let text = tick < ticks ? "at tick \(tick) (\(date)) of \(ticks)" : "after the last tick"
        position.withLock { $0 = text }
    }

    func writingOutputs() {
        position.withLock { $0 = "while writing the outputs" }
    }

    /// Removes the staged outputs and ends the process, unless they are committed.
    func stop() {
        _ = outputs.discardUnlessCommitted {
            progress?.clear()
            let message = "interrupted \(position.withLock { $0 }); nothing written\n"
            FileHandle.standardError.write(Data(message.utf8))
            _exit(Interrupted.exitStatus)
        }
    }
}
