import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn`, for supervision: its pid,
/// optional pipes for commands (its stdin) and results (its fd 3), and how
/// it ended. Plain POSIX because Foundation's `Process` cannot give a child
/// an extra descriptor, be polled without a run loop, or say which signal
/// killed it in a way that is safe to read from a poll loop.
public final class ChildProcess {
    public let pid: pid_t
    /// Where to write commands (the child's stdin), when asked for.
    public private(set) var commandFD: Int32 = -1
    /// Where to read results (the child's fd 3), when asked for.
    public private(set) var resultFD: Int32 = -1
    /// Where to read the child's standard output and error, when captured.
    public private(set) var outputFD: Int32 = -1
    public private(set) var errorFD: Int32 = -1
    /// Whether the child leads a process group of its own (killed as a whole when this is dropped unreaped).
    public let ownsProcessGroup: Bool
    public private(set) var ending: Ending?

    /// How a child ended.
    public enum Ending: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        public var description: String {
            switch self {
            case .exited(let code): return "exited with status \(code)"
            case .signaled(let number): return "was killed by signal \(number) (\(ChildProcess.signalName(number)))"
            }
        }
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `executable` with `arguments`. With `pipes`, the child reads
    /// commands on stdin and writes results on fd 3; otherwise it shares
    /// this process's stdin. stdout and stderr are shared, unless
    /// `captureOutput` gives each a pipe (`outputFD`, `errorFD`). With
    /// `ownProcessGroup` the child leads a new process group, so that a
    /// signal to the group (`kill(-pid, ...)`) also ends the processes it
    /// starts (a supervised `uptake run` is two), and a Ctrl-C meant for
    /// this process does not reach it. `environment` entries are added to this process's environment.
    public init(
        executable: String, arguments: [String], environment: [String: String] = [:], pipes: Bool,
        captureOutput: Bool = false, ownProcessGroup: Bool = false
    ) throws {
        ownsProcessGroup = ownProcessGroup
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var commands: [Int32] = [-1, -1], results: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        if pipes {
            guard pipe(&commands) == 0, pipe(&results) == 0 else {
                throw SpawnError(description: "cannot make pipes: \(String(cString: strerror(errno)))")
            }
            // Close-on-exec everywhere: the child keeps only the dup2 copies
            // (0 and 3), so it sees EOF when this process closes its end.
            for fd in commands + results { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, commands[0], 0)
            posix_spawn_file_actions_adddup2(&actions, results[1], 3)
        }
        if captureOutput {
            guard pipe(&output) == 0, pipe(&errors) == 0 else {
                throw SpawnError(description: "cannot make pipes: \(String(cString: strerror(errno)))")
            }
            for fd in output + errors { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, output[1], 1)
            posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if ownProcessGroup {
            // Started as from a shell: its own group, and default handling of
            // the signals a server changes (SIGPIPE ignored by networking
            // code, SIGINT and SIGTERM taken by its shutdown), since an
            // ignored signal stays ignored across exec.
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for number in [SIGPIPE, SIGINT, SIGTERM] { sigaddset(&defaults, number) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        for fd in [commands[0], results[1], output[1], errors[1]] where fd >= 0 { close(fd) }
        guard status == 0 else {
            for fd in [commands[1], results[0], output[0], errors[0]] where fd >= 0 { close(fd) }
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
        commandFD = commands[1]
        resultFD = results[0]
        outputFD = output[0]
        errorFD = errors[0]
    }

    deinit {
        closePipes()
        if ending == nil {
            kill(ownsProcessGroup ? -pid : pid, SIGKILL)
            _ = wait(blocking: true)
        }
    }

    public func closePipes() {
        for fd in [commandFD, resultFD, outputFD, errorFD] where fd >= 0 { close(fd) }
        commandFD = -1
        resultFD = -1
        outputFD = -1
        errorFD = -1
    }

    /// Sends one line to the child's stdin; false if the child is gone.
    @discardableResult
    public func send(_ line: String) -> Bool {
        guard commandFD >= 0 else { return false }
        let bytes = Array((line + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(commandFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            written += n
        }
        return true
    }

    /// Reaps the child if it has ended (or waits for it, when `blocking`); its ending, or nil while it runs.
    @discardableResult
    public func wait(blocking: Bool = false) -> Ending? {
        if let ending { return ending }
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if r == 0 { return nil }
            if r < 0 {
                if errno == EINTR { continue }
                return nil
            }
            break
        }
        // The W* macros are not imported into Swift.
        let low = status & 0x7f
        ending = low == 0 ? .exited((status >> 8) & 0xff) : .signaled(low)
        return ending
    }

    /// Kills the child with SIGKILL and reaps it.
    public func terminate() {
        guard ending == nil else { return }
        kill(pid, SIGKILL)
        wait(blocking: true)
    }

    /// Resident memory of the child in bytes (/proc), 0 if unknown.
    public var residentBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Seconds on the monotonic clock, for timeouts (the wall clock can jump).
    public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Environment for a supervised child: Swift's crash report (a page of
    /// backtrace) off, since the supervisor says in one line what happened
    /// and where; unless the user asked for reports.
    public static var quietCrashReports: [String: String] {
        ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil ? ["SWIFT_BACKTRACE": "enable=no"] : [:]
    }

    /// "SIGSEGV" for 11, and so on.
    public static func signalName(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
            SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU",
        ]
        return names[number] ?? "signal \(number)"
    }
}
