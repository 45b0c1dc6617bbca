import Foundation
import UptakeLocks

/// The temporary files this process is writing (`StagedOutputs` entries, a
/// database being merged), so that a command stopped by Ctrl-C can remove
/// them before it exits: an interrupted command leaves no partial file.
public enum TemporaryFiles {
    private static let paths = Locked<Set<String>>([])

    public static func register(_ path: String) {
        paths.withLock { _ = $0.insert(path) }
    }

    public static func unregister(_ path: String) {
        paths.withLock { _ = $0.remove(path) }
    }

    /// Removes every registered file or folder; for a signal handler about to
    /// end the process. Holds the lock to the end, so nothing is registered after.
    public static func removeAll() {
        paths.withLock { set in
            for path in set { try? FileManager.default.removeItem(atPath: path) }
            set.removeAll()
        }
    }
}
