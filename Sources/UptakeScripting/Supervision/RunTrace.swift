import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A small record shared between a supervised process and its supervisor
/// through a memory-mapped file: where the run is (run number, plugin, hook,
/// tick), a heartbeat, and the run's wall-clock limit. The supervised
/// process writes it as it goes; if it dies (a signal, a hang the
/// supervisor kills), the supervisor reads where it was and says so.
///
/// Unchecked Sendable: the state is a page of shared memory, written by other
/// processes too, so no in-process lock could guard it. Plain stores: no lock, since a reader that sees a
/// half-written name only prints a slightly wrong name in a message about a
/// run that has already failed. One writer (the supervised process), one
/// reader (the supervisor).
///
///     let trace = try RunTrace(path: "/tmp/w1.trace", create: true)
///     trace.enter(plugin: "tax-relief", hook: "on_tick", tick: 3)
///     trace.position   // "plugin 'tax-relief', hook on_tick, tick 3"
public final class RunTrace: @unchecked Sendable {
    /// Field offsets in the mapped page.
    private enum Offset {
        static let heartbeat = 0  // UInt64, incremented by the writer's heartbeat thread
        static let run = 8  // Int64, -1 between runs
        static let tick = 16  // Int64, -1 before the first tick
        static let limitSeconds = 24  // Double, the run's wall-clock limit (0 = none)
        static let plugin = 64  // 64 bytes, NUL-terminated
        static let hook = 128  // 32 bytes, NUL-terminated
        static let size = 256
    }

    public let path: String
    private let base: UnsafeMutableRawPointer
    private var heartbeatThread: Thread?

    /// Maps `path` (creating it, zeroed, when `create` is true).
    public init(path: String, create: Bool) throws {
        self.path = path
        let fd = open(path, create ? (O_RDWR | O_CREAT | O_TRUNC) : O_RDWR, 0o600)
        guard fd >= 0 else { throw TraceError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if create, ftruncate(fd, off_t(Offset.size)) != 0 {
            throw TraceError(message: "cannot size \(path): \(String(cString: strerror(errno)))")
        }
        guard let mapped = mmap(nil, Offset.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED
        else {
            throw TraceError(message: "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        base = mapped
        if create { clear() }
    }

    deinit { munmap(base, Offset.size) }

    public struct TraceError: Error, CustomStringConvertible {
        public let message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }

    // MARK: Writer side

    /// Starts a thread that beats every `interval` seconds. It keeps beating
    /// while the main thread is busy (a long C call), and stops with the
    /// whole process (a SIGSTOP, a freeze): a stale heartbeat means the
    /// process is not running at all.
    public func startHeartbeat(interval: Double = 0.1) {
        // The thread holds the trace (not just its pointer): the mapping must
        // outlive every beat, whenever the owner lets go of the trace.
        let thread = Thread { [self] in
            while true {
                let p = base.advanced(by: Offset.heartbeat).assumingMemoryBound(to: UInt64.self)
                p.pointee &+= 1
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.stackSize = 64 << 10
        thread.start()
        heartbeatThread = thread
    }

    /// A new run begins (no plugin, hook or tick yet).
    public func begin(run: Int, limitSeconds: Double) {
        store(Int64(run), at: Offset.run)
        store(Int64(-1), at: Offset.tick)
        base.advanced(by: Offset.limitSeconds).storeBytes(of: limitSeconds, as: Double.self)
        write("", at: Offset.plugin, capacity: 64)
        write("", at: Offset.hook, capacity: 32)
    }

    /// The run enters a plugin's hook (or loads a plugin, tick -1).
    public func enter(plugin: String, hook: String, tick: Int) {
        store(Int64(tick), at: Offset.tick)
        write(plugin, at: Offset.plugin, capacity: 64)
        write(hook, at: Offset.hook, capacity: 32)
    }

    /// The process is between runs.
    public func clear() {
        base.initializeMemory(as: UInt8.self, repeating: 0, count: Offset.size)
        store(Int64(-1), at: Offset.run)
        store(Int64(-1), at: Offset.tick)
    }

    // MARK: Reader side

    public var heartbeat: UInt64 { base.advanced(by: Offset.heartbeat).load(as: UInt64.self) }
    public var run: Int { Int(base.advanced(by: Offset.run).load(as: Int64.self)) }
    public var tick: Int { Int(base.advanced(by: Offset.tick).load(as: Int64.self)) }
    public var limitSeconds: Double { base.advanced(by: Offset.limitSeconds).load(as: Double.self) }
    public var plugin: String { read(at: Offset.plugin, capacity: 64) }
    public var hook: String { read(at: Offset.hook, capacity: 32) }

    /// Where the run was, for a message: "in plugin 'x', hook on_tick, tick 3",
    /// or "before any plugin hook" when it had not entered one.
    public var position: String {
        let plugin = self.plugin
        guard !plugin.isEmpty else { return "outside any plugin (in the kernel or while preparing the run)" }
        let tick = self.tick
        return "in plugin '\(plugin)', hook \(hook)" + (tick >= 0 ? ", tick \(tick)" : "")
    }

    // MARK: Bytes

    private func store(_ value: Int64, at offset: Int) {
        base.advanced(by: offset).storeBytes(of: value, as: Int64.self)
    }

    private func write(_ text: String, at offset: Int, capacity: Int) {
        let bytes = Array(text.utf8.prefix(capacity - 1))
        let p = base.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
        for (i, b) in bytes.enumerated() { p[i] = b }
        p[bytes.count] = 0
    }

    private func read(at offset: Int, capacity: Int) -> String {
        let p = base.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
        var bytes: [UInt8] = []
        for i in 0..<capacity {
            if p[i] == 0 { break }
            bytes.append(p[i])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
