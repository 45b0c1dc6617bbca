import Foundation
import UptakeLocks
import UptakeScripting

#if canImport(Glibc)
    import Glibc
#endif

/// A child `uptake` whose standard output arrives line by line as it is
/// written, and whose standard error is kept (its end) for the message
/// when it fails. The child leads a process group of its own, so `kill()`
/// ends it together with the run it supervises.
///
/// Reading is blocking, on a thread of its own per child: a few children
/// at most (`RunSlots`), and the tasks of the server's cooperative pool
/// never wait on a pipe.
final class ChildStream: Sendable {
    enum Event: Sendable {
        /// One line of standard output, without its newline.
        case line(String)
        /// The child ended; `errorTail` is the end of what it wrote on standard error.
        case ended(ChildProcess.Ending, errorTail: String)
    }

    /// A line longer than this ends the child: no line uptake writes comes near it.
    static let lineLimit = 4 << 20
    /// How much of standard error is kept: its end, where the error line is.
    static let errorLimit = 64 << 10

    let events: AsyncStream<Event>
    let pid: pid_t
    /// Set once the child is reaped: from then on its pid may belong to another process.
    private let reaped = Locked(false)
    private let reader: ChildReader

    /// Starts the child; its output is read from `start()` on. `onEnd` is
    /// called once the child is reaped: when its processes are gone, not
    /// when the reading task stops listening (a cancelled task does at once).
    init(executable: String, arguments: [String], onEnd: @escaping @Sendable () -> Void = {}) throws {
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: ChildProcess.quietCrashReports, pipes: false,
            captureOutput: true, ownProcessGroup: true)
        pid = child.pid
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        self.events = events
        reader = ChildReader(child: child, sink: sink, reaped: reaped, onEnd: onEnd)
    }

    /// Starts reading the child's output, on a thread of its own.
    func start() {
        let reader = self.reader
        let thread = Thread { reader.readUntilEnd() }
        thread.name = "uptake child \(pid)"
        thread.start()
    }

    /// Ends the child and every process of its group, at once (SIGKILL). Safe
    /// to call at any time and more than once; the reading thread reaps it.
    func kill() {
        reaped.withLock { reaped in
            if !reaped { _ = Glibc.kill(-pid, SIGKILL) }
        }
    }

    /// Runs a child to its end and returns its standard output whole, or
    /// throws with the end of its standard error; killed after `timeout` seconds.
    static func output(executable: String, arguments: [String], timeout: Double) async throws -> String {
        let child = try ChildStream(executable: executable, arguments: arguments)
        child.start()
        let timedOut = Locked(false)
        let deadline = Task {
            try await Task.sleep(for: .seconds(timeout))
            timedOut.withLock { $0 = true }
            child.kill()
        }
        defer { deadline.cancel() }
        var lines: [String] = []
        for await event in child.events {
            switch event {
            case .line(let line):
                lines.append(line)
            case .ended(.exited(0), _):
                return lines.joined(separator: "\n")
            case .ended(let ending, let errorTail):
                if timedOut.withLock({ $0 }) {
                    throw ChildFailure(ending: ending, errorTail: "it took over \(Int(timeout)) s and was stopped")
                }
                throw ChildFailure(ending: ending, errorTail: errorTail)
            }
        }
        throw ChildFailure(ending: .signaled(SIGKILL), errorTail: "")
    }
}

/// A child that did not end well: how it ended and what it said last.
struct ChildFailure: Error, CustomStringConvertible {
    let ending: ChildProcess.Ending
    let errorTail: String

    /// The child's own error lines ("Error: ..."), else how it ended.
    var description: String {
        let lines = errorTail.split(separator: "\n").map(String.init)
        let errors = lines.filter { $0.hasPrefix("Error:") }
        if !errors.isEmpty { return errors.joined(separator: "\n") }
        if let last = lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { return last }
        return "the process \(ending)"
    }
}

/// The reading side of a `ChildStream`, owned by its thread: polls the
/// child's two pipes, splits standard output into lines, keeps the end of
/// standard error, and reaps the child when both pipes are closed.
private final class ChildReader: @unchecked Sendable {
    // @unchecked: used by one thread only, the one it was made for.
    let child: ChildProcess
    let sink: AsyncStream<ChildStream.Event>.Continuation
    let reaped: Locked<Bool>
    let onEnd: @Sendable () -> Void
    var pending: [UInt8] = []
    var errors: [UInt8] = []

    init(
        child: ChildProcess, sink: AsyncStream<ChildStream.Event>.Continuation, reaped: Locked<Bool>,
        onEnd: @escaping @Sendable () -> Void
    ) {
        self.child = child
        self.sink = sink
        self.reaped = reaped
        self.onEnd = onEnd
    }

    func readUntilEnd() {
        var fds = [
            pollfd(fd: child.outputFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: child.errorFD, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while fds.contains(where: { $0.fd >= 0 }) {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = read(fds[i].fd, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    // Negative fds are skipped by poll: this pipe is done.
                    fds[i].fd = -1
                    continue
                }
                if i == 0 { output(buffer[0..<n]) } else { errorOutput(buffer[0..<n]) }
            }
        }
        if !pending.isEmpty { sink.yield(.line(String(decoding: pending, as: UTF8.self))) }
        let ending = reap()
        onEnd()
        sink.yield(.ended(ending, errorTail: String(decoding: errors, as: UTF8.self)))
        sink.finish()
    }

    func output(_ bytes: ArraySlice<UInt8>) {
        pending.append(contentsOf: bytes)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            sink.yield(.line(String(decoding: pending[..<newline], as: UTF8.self)))
            pending.removeSubrange(...newline)
        }
        if pending.count > ChildStream.lineLimit {
            pending = []
            errors += Array(
                "Error: the run wrote a line of over \(ChildStream.lineLimit >> 20) MiB; it was stopped\n".utf8)
            _ = kill(-child.pid, SIGKILL)
        }
    }

    func errorOutput(_ bytes: ArraySlice<UInt8>) {
        errors.append(contentsOf: bytes)
        if errors.count > ChildStream.errorLimit { errors.removeFirst(errors.count - ChildStream.errorLimit) }
    }

    /// Waits for the child, then marks it reaped (so `kill` no longer signals its pid).
    func reap() -> ChildProcess.Ending {
        let ending = child.wait(blocking: true) ?? .signaled(SIGKILL)
        reaped.withLock { $0 = true }
        child.closePipes()
        return ending
    }
}
