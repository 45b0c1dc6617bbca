import Foundation
import UptakeLocks

/// Hands finished runs from the workers to the single database writer. It is
/// bounded, so workers wait when the writer falls behind: memory stays flat
/// however many runs the batch has.
///
/// Unchecked Sendable: waiting needs a condition variable, which the project's
/// lock type (`Locked`) does not have; every stored property
/// is read and written only with `condition` locked.
final class ResultQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [RunResult] = []
    private var openProducers: Int
    private let capacity: Int
    private(set) var cancelled = false

    init(producers: Int, capacity: Int) {
        openProducers = producers
        self.capacity = capacity
    }

    func push(_ item: RunResult) {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return }
        items.append(item)
        condition.broadcast()
    }

    /// The next result, or nil once every producer finished and the queue is empty.
    func pop() -> RunResult? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && openProducers > 0 && !cancelled { condition.wait() }
        if items.isEmpty || cancelled { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func producerFinished() {
        condition.lock()
        openProducers -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stops everything (the writer failed): producers stop taking work.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }
}

/// Hands out run indices to workers, one at a time.
final class WorkList: Sendable {
    private let runs: [Int]
    private let next = Locked(0)

    init(_ runs: [Int]) { self.runs = runs }

    func take() -> Int? {
        next.withLock { next in
            guard next < runs.count else { return nil }
            next += 1
            return runs[next - 1]
        }
    }
}
