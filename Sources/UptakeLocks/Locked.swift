import Foundation

/// A value that threads share, reached only with its lock held: the
/// project's one lock type (as GRDB has one), for every piece of shared
/// mutable state.
///
///     let next = Locked(0)
///     let mine = next.withLock { n in defer { n += 1 }; return n }
///
/// Why not the standard library's `Synchronization.Mutex`, which has the
/// same shape: on Linux it locks with futexes and atomics inside the
/// standard library, which is not built with ThreadSanitizer, so TSan does
/// not see the lock and reports every access under it as a data race
/// (`make sanitize` did, for the batch work list). `NSLock` is a pthread
/// mutex, whose lock and unlock TSan intercepts: the checker then sees what
/// the code does.
public final class Locked<Value>: @unchecked Sendable {
    // Unchecked Sendable: `value` is read and written only inside `withLock`.
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with the lock held and the value lent to it for change.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
