import Foundation
import UptakeLocks

/// The runs of one start of the explorer: the slots that bound how many go
/// at once, the children alive (all killed when the server stops), and the
/// finished runs whose files the page may download. Only a run finished
/// here can be downloaded: a request names a run by its id, never by a path.
final class ExplorerRuns: Sendable {
    let slots: RunSlots
    /// Random per start, so that two starts never write into one run folder.
    private let startID: String
    private let counter = Locked(0)
    private let live = Locked<[String: ChildStream]>([:])
    private let finished = Locked<[String: URL]>([:])

    init(limit: Int) {
        slots = RunSlots(limit: limit)
        startID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    /// A new run's id, which is also its folder's name under out/explorer.
    func newID() -> String {
        let n = counter.withLock { n in
            n += 1
            return n
        }
        return "\(startID)-\(n)"
    }

    func started(_ id: String, _ child: ChildStream) { live.withLock { $0[id] = child } }

    func ended(_ id: String) { live.withLock { $0[id] = nil } }

    /// Ends every run under way (the server is stopping).
    func killAll() {
        for child in live.withLock({ Array($0.values) }) { child.kill() }
    }

    func finish(_ id: String, folder: URL) { finished.withLock { $0[id] = folder } }

    /// The folder of a finished run, if `id` names one.
    func folder(of id: String) -> URL? { finished.withLock { $0[id] } }
}
