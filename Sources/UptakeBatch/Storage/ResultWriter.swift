import Foundation
import UptakeLocks

/// The results of finished runs on their way into the database, committed
/// in groups when runs end faster than one transaction each is worth.
///
/// A commit costs the single writer of a batch more than a small run's rows
/// (SQLite appends the pages a transaction touched to its log, one write
/// each), and while the writer commits, workers wait for their next run.
/// Grouped, a result waits until `groupRuns` are waiting or `groupSeconds`
/// have passed since the last commit: the first result after a pause is
/// committed at once, so a batch of slow runs still commits every run as
/// it ends. A supervisor also calls `commitIfDue` while it waits for
/// workers, so no result waits much longer than that for the next one.
///
/// What a batch can lose: `kill -9` or a crash, the runs in flight and
/// those that ended within about a tenth of a second; Ctrl-C and SIGTERM
/// first commit what is waiting (`commitBeforeExit`, from the signal
/// handler, which waits for a commit under way). A resumed batch runs
/// what is missing either way.
final class ResultWriter: @unchecked Sendable {
    // Unchecked Sendable: everything mutable is read and written under `lock`.
    static let groupRuns = 32
    static let groupSeconds = 0.05

    private let store: ResultStore
    private let replacing: Bool
    private let grouped: Bool
    private let lock = NSLock()
    private var pending: [RunResult] = []
    private var lastCommit = -Double.infinity
    private var stored = 0

    /// `replacing`: runs may have rows already (see `ResultStore.write`).
    /// Not `grouped`: every result is committed as it is added.
    init(store: ResultStore, replacing: Bool, grouped: Bool) {
        self.store = store
        self.replacing = replacing
        self.grouped = grouped
    }

    /// Runs this writer has committed.
    var storedRuns: Int { lock.withLock { stored } }

    /// Takes a finished run's result; commits it with those waiting when the group is due.
    func add(_ result: RunResult, now: Double = ResultWriter.now()) throws {
        try lock.withLock {
            pending.append(result)
            if !grouped || pending.count >= Self.groupRuns || now - lastCommit >= Self.groupSeconds {
                try commitPending(now: now)
            }
        }
    }

    /// Commits the waiting results if `groupSeconds` have passed since the last commit.
    func commitIfDue(now: Double = ResultWriter.now()) throws {
        try lock.withLock {
            if !pending.isEmpty && now - lastCommit >= Self.groupSeconds { try commitPending(now: now) }
        }
    }

    /// Commits every waiting result.
    func commit(now: Double = ResultWriter.now()) throws {
        try lock.withLock {
            if !pending.isEmpty { try commitPending(now: now) }
        }
    }

    private func commitPending(now: Double) throws {
        try store.write(pending, replacing: replacing)
        stored += pending.count
        pending.removeAll(keepingCapacity: true)
        lastCommit = now
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    // MARK: The running batch's writer, for a signal handler

    private static let active = Locked<ResultWriter?>(nil)

    /// Makes this the writer `commitBeforeExit` commits, until `resign`.
    func activate() { Self.active.withLock { $0 = self } }

    func resign() { Self.active.withLock { if $0 === self { $0 = nil } } }

    /// Commits the results the running batch holds (none when no batch runs), for a
    /// handler about to end the process; an error is returned as text, not thrown.
    static func commitBeforeExit() -> String? {
        guard let writer = active.withLock({ $0 }) else { return nil }
        do {
            try writer.commit()
            return nil
        } catch {
            return "\(error)"
        }
    }
}
