import Foundation

/// Reports a batch's progress: on a terminal a bar redrawn in place (done /
/// total, runs per second, time left); otherwise a plain line every 5% or
/// every 10 seconds, so logs of a cluster job stay readable.
public final class BatchProgress {
    let isTerminal: Bool
    let write: (String) -> Void
    private var lastPlainLine = -1.0
    private var lastDraw = -1.0
    private var lastPercentStep = -1

    public init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1,
        write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.isTerminal = isTerminal
        self.write = write
    }

    /// `done` and `total` count this invocation's runs; `elapsed` is in seconds.
    public func update(done: Int, total: Int, failed: Int, elapsed: Double, force: Bool = false) {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let failedText = failed > 0 ? ", \(failed) failed" : ""
        let stats =
            "\(done)/\(total) runs\(failedText), \(String(format: "%.1f", rate)) runs/s, ETA \(BatchProgress.clock(left))"
        if isTerminal {
            guard force || elapsed - lastDraw >= 0.1 || done == total else { return }
            lastDraw = elapsed
            let width = 30
            let filled = total == 0 ? width : width * done / total
            write(
                "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                    + stats + "\u{1B}[K")
            if done == total { write("\n") }
        } else {
            let step = total == 0 ? 20 : 20 * done / total
            guard force || step > lastPercentStep || elapsed - lastPlainLine >= 10 || done == total else { return }
            lastPercentStep = step
            lastPlainLine = elapsed
            write("batch: " + stats + "\n")
        }
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
