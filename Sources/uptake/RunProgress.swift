import Foundation
@preconcurrency import Rainbow
import UptakeLocks
import UptakeScripting
#if canImport(Glibc)
    import Glibc
#endif

/// The one updating line `uptake run` shows on a terminal while it works:
///
///     run: 2032Q2 (38 of 80 ticks), adoption 51.2%
///
/// Only when standard error is a terminal (a log file or a pipe gets no
/// progress), never under --quiet, at most ten redraws a second. The line
/// is erased, not left behind, before anything else is printed. Colour
/// (through Rainbow) only on a terminal that is not TERM=dumb and when
/// NO_COLOR is unset or empty (https://no-color.org).
final class RunProgress: Sendable {
    /// The display for this process, or nil when there should be none.
    static func onTerminal(quiet: Bool) -> RunProgress? {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        TerminalStyle.configureRainbow()
        return RunProgress()
    }

    private struct State {
        /// Characters of the line on screen, 0 when none.
        var shown = 0
        var lastDraw = -Double.infinity
    }
    private let state = Locked(State())
    /// Seconds between redraws: enough to look alive, few enough to cost nothing.
    static let interval = 0.1

    /// Preparing the run: says what takes the time before tick 0.
    func phase(_ phase: RunSession.Phase) {
        let text: String
        switch phase {
        case .readingScenario: text = "reading the scenario"
        case .findingPlugins: text = "finding plugins"
        case .buildingPopulation(let firms): text = "making \(firms) firms and their network"
        case .loadingPlugins: text = "loading plugins"
        }
        draw("run: " + text + " ...", styled: "run: ".bold + text + " ...", force: true)
    }

    /// The end of a tick (numbered from 0): its date and the adoption then.
    func tick(_ tick: Int, of ticks: Int, date: String, adoption: Double) {
        let count = "(\(tick + 1) of \(ticks) ticks)"
        let share = String(format: "%.1f%%", adoption * 100)
        draw(
            "run: \(date) \(count), adoption \(share)",
            styled: "run: ".bold + date.bold + " " + count + ", adoption " + share.green,
            force: tick == 0)
    }

    /// Prints a line (a plugin's log line) above the progress line.
    func interject(_ line: String) {
        state.withLock { s in
            RunProgress.erase(&s)
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Erases the line, before the summary or an error is printed.
    func clear() {
        state.withLock { RunProgress.erase(&$0) }
    }

    private func draw(_ plain: String, styled: String, force: Bool) {
        state.withLock { s in
            let now = ChildProcess.monotonicSeconds()
            guard force || now - s.lastDraw >= RunProgress.interval else { return }
            s.lastDraw = now
            // Pad with spaces over a longer earlier line: no cursor escape codes needed.
            let padding = String(repeating: " ", count: max(0, s.shown - plain.count))
            FileHandle.standardError.write(Data(("\r" + styled + padding).utf8))
            s.shown = plain.count
        }
    }

    private static func erase(_ s: inout State) {
        guard s.shown > 0 else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: s.shown) + "\r").utf8))
        s.shown = 0
    }
}

/// Whether to colour what goes to the terminal.
enum TerminalStyle {
    /// Colour on standard error: a terminal, not TERM=dumb, and NO_COLOR unset or empty.
    static var colourOnStandardError: Bool {
        let environment = ProcessInfo.processInfo.environment
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(STDERR_FILENO) == 1
    }

    /// Rainbow decides by standard output and reads NO_COLOR its own way
    /// ("0" counts as unset); the progress line is on standard error.
    static func configureRainbow() {
        Rainbow.enabled = colourOnStandardError
        Rainbow.outputTarget = colourOnStandardError ? .console : .unknown
    }
}
