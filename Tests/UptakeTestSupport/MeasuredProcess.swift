import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program as a child process and measures it: its exit status (or
/// the signal that killed it), its output, and its peak resident memory, with
/// a timeout after which the child is killed with SIGKILL.
///
/// - The child is started with `posix_spawn`, in `directory`, with stdin from
///   /dev/null and stdout/stderr redirected to temporary files, so a child
///   that writes a lot can never block on a full pipe.
/// - It is reaped with `wait4`, which returns that child's own `rusage`;
///   `ru_maxrss` (KiB on Linux) gives the peak RSS.
/// - Caveat: glibc's `posix_spawn` starts the child with
///   `clone(CLONE_VM | CLONE_VFORK)`, and at `execve` Linux folds the high-water
///   RSS of the memory the child shared until then (the parent's) into the
///   child's `ru_maxrss`. So the figure is max(the child's own peak, the
///   parent's peak at spawn time). To keep that floor low and stable, the
///   parent's own peak is reset to its current RSS just before each spawn
///   (`/proc/self/clear_refs`, "5"), and outputs are read back at most
///   `outputLimit` bytes each. `inheritedFloorBytes` tells the parent's RSS at
///   spawn time, to judge a figure near it.
/// - Only the first and last `outputLimit / 2` bytes of stdout and stderr are
///   kept (the middle is replaced by a marker line); `stdoutBytes` and
///   `stderrBytes` are the full sizes.
public enum MeasuredProcess {
    public struct Result: Sendable {
        public enum Status: Equatable, Sendable, CustomStringConvertible {
            case exited(Int32)
            case signaled(Int32)
            public var description: String {
                switch self {
                case .exited(let code): return "exit \(code)"
                case .signaled(let signal): return "killed by signal \(signal)"
                }
            }
        }
        public var status: Status
        public var stdout: String
        public var stderr: String
        public var stdoutBytes: Int
        public var stderrBytes: Int
        /// Peak RSS in bytes from `wait4`'s rusage (see the caveat above).
        public var peakRSSBytes: Int
        /// The parent's RSS when the child was spawned: a floor of `peakRSSBytes`.
        public var inheritedFloorBytes: Int
        /// Whether the child ran past the timeout and was killed with SIGKILL.
        public var timedOut: Bool
        public var seconds: Double
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// The marker that replaces the middle of an output longer than `outputLimit`.
    public static let omissionMarker = "[... MeasuredProcess: output cut here ...]"

    public static func run(
        _ executable: URL, _ arguments: [String], in directory: URL,
        timeout: TimeInterval, outputLimit: Int = 2 << 20
    ) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("measured-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path,
            errPath = scratch.appendingPathComponent("stderr").path

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // posix_spawn_file_actions_addchdir_np (glibc >= 2.29) is not in Swift's Glibc module: look it up.
        typealias AddChdir =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
            throw SpawnError(description: "posix_spawn_file_actions_addchdir_np is not available (glibc < 2.29)")
        }
        let addChdir = unsafeBitCast(symbol, to: AddChdir.self)
        guard addChdir(&actions, directory.path) == 0 else {
            throw SpawnError(description: "cannot chdir to \(directory.path)")
        }

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }

        resetOwnPeakRSS()
        let floor = currentRSSBytes()
        let start = Date()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw SpawnError(description: "posix_spawn \(executable.path): \(String(cString: strerror(spawned)))")
        }

        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        let deadline = start.addingTimeInterval(timeout)
        while true {
            let flags = timedOut ? 0 : WNOHANG
            let r = wait4(pid, &status, flags, &usage)
            if r == pid { break }
            if r == -1 {
                if errno == EINTR { continue }
                throw SpawnError(description: "wait4: \(String(cString: strerror(errno)))")
            }
            if Date() >= deadline {
                kill(pid, SIGKILL)
                timedOut = true  // then wait without WNOHANG
            } else {
                usleep(5_000)
            }
        }
        let seconds = Date().timeIntervalSince(start)

        // Decode the wait status (the W* macros are not imported into Swift).
        let low = status & 0x7f
        let exitStatus: Result.Status = low == 0 ? .exited((status >> 8) & 0xff) : .signaled(low)
        let (out, outBytes) = readCapped(outPath, limit: outputLimit)
        let (err, errBytes) = readCapped(errPath, limit: outputLimit)
        return Result(
            status: exitStatus, stdout: out, stderr: err, stdoutBytes: outBytes, stderrBytes: errBytes,
            peakRSSBytes: Int(usage.ru_maxrss) * 1024, inheritedFloorBytes: floor,
            timedOut: timedOut, seconds: seconds)
    }

    /// The whole file if it is at most `limit` bytes, else its head and tail around `omissionMarker`.
    static func readCapped(_ path: String, limit: Int) -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return ("", 0) }
        defer { try? handle.close() }
        let size = Int((try? handle.seekToEnd()) ?? 0)
        try? handle.seek(toOffset: 0)
        if size <= limit {
            return (String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self), size)
        }
        let half = limit / 2
        let head = (try? handle.read(upToCount: half)) ?? Data()
        try? handle.seek(toOffset: UInt64(size - half))
        let tail = (try? handle.read(upToCount: half)) ?? Data()
        let text =
            String(decoding: head, as: UTF8.self) + "\n\(omissionMarker) \(size - 2 * half) bytes\n"
            + String(decoding: tail, as: UTF8.self)
        return (text, size)
    }

    /// Resets this process's peak RSS to its current RSS (Linux; ignored where unsupported).
    static func resetOwnPeakRSS() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }

    /// This process's current RSS in bytes (/proc/self/statm), 0 if unknown.
    static func currentRSSBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
