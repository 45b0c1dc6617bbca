import Dispatch
import UptakeLocks
import XCTest

final class LockedTests: XCTestCase {
    /// Without the lock, two threads adding to one counter lose updates (and
    /// ThreadSanitizer reports a race under `make sanitize`).
    func testUpdatesFromManyThreadsAreAllKept() {
        let counter = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<50_000 { counter.withLock { $0 += 1 } }
        }
        XCTAssertEqual(counter.withLock { $0 }, 200_000)
    }

    func testWithLockReturnsTheBodysResultAndRethrows() {
        struct Refused: Error {}
        let names = Locked(["a"])
        XCTAssertEqual(
            names.withLock { names -> Int in
                names.append("b")
                return names.count
            }, 2)
        XCTAssertThrowsError(try names.withLock { _ in throw Refused() })
        XCTAssertEqual(names.withLock { $0 }, ["a", "b"])
    }
}
