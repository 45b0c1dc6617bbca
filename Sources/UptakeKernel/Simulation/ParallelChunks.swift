import Dispatch

/// Splits 0..<count into fixed-size chunks and runs them on `threads` workers.
///
/// Why fixed chunks: the chunk boundaries never depend on the thread count,
/// and each chunk writes only its own slots (or its own partial result), so
/// combining partials in chunk order gives byte-identical results for any
/// number of threads.
public struct ParallelChunks: Sendable {
    public static let defaultChunkSize = 16_384
    public let count: Int
    public let chunkSize: Int
    public let threads: Int

    public init(count: Int, threads: Int, chunkSize: Int = ParallelChunks.defaultChunkSize) {
        self.count = count
        self.chunkSize = chunkSize
        self.threads = max(1, threads)
    }

    public var chunkCount: Int { (count + chunkSize - 1) / chunkSize }

    public func range(_ chunk: Int) -> Range<Int> {
        (chunk * chunkSize)..<min(count, (chunk + 1) * chunkSize)
    }

    /// Runs `body(chunkIndex, range)` for every chunk; worker w takes chunks w, w+threads, ...
    public func forEach(_ body: (Int, Range<Int>) -> Void) {
        let chunks = chunkCount
        // The disjoint-write invariant (debug builds): the chunks tile 0..<count, and
        // below, each chunk is run by exactly one worker.
        assert(
            Self.tile((0..<chunks).lazy.map(range), count: count), "ParallelChunks: the chunks do not tile 0..<\(count)"
        )
        if threads == 1 || chunks <= 1 {
            for c in 0..<chunks { body(c, range(c)) }
            return
        }
        let workers = min(threads, chunks)
        #if DEBUG
            // Each worker counts only its own chunks' slots, so a chunk taken twice is also a race under TSan.
            let taken = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunks)
            taken.initialize(repeating: 0)
            defer {
                assert(taken.allSatisfy { $0 == 1 }, "ParallelChunks: a chunk was run by no worker or by two")
                taken.deallocate()
            }
        #endif
        withoutActuallyEscaping(body) { body in
            let work = DisjointChunkWork(body: body)
            #if DEBUG
                let counts = DisjointChunkWork(body: { c, _ in taken[c] &+= 1 })
            #endif
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var c = w
                while c < chunks {
                    #if DEBUG
                        counts.body(c, range(c))
                    #endif
                    work.body(c, range(c))
                    c += workers
                }
            }
        }
    }

    /// Whether `ranges`, in this order, tile 0..<count: the first starts at 0,
    /// each starts where the one before ended, and the last ends at `count`
    /// (empty ranges are allowed: they write nothing). Work split this way never
    /// has two workers writing the same slot, and leaves no slot out.
    static func tile<Ranges: Sequence>(_ ranges: Ranges, count: Int) -> Bool where Ranges.Element == Range<Int> {
        var end = 0
        for r in ranges {
            guard r.lowerBound == end else { return false }
            end = r.upperBound
        }
        return end == count
    }
}

/// The kernel's one unchecked concurrency claim (Swift 6 strict concurrency).
///
/// A chunk body captures the buffers of the whole population, which are not
/// Sendable, and `concurrentPerform` runs copies of it at once. That is safe
/// because each call writes only the slots of its own chunk (or its own
/// partial result): the chunks tile 0..<count and each is run by exactly one
/// worker, both asserted in debug builds and checked by ThreadSanitizer
/// (`make sanitize`). `concurrentPerform` returns only after every call has
/// ended, so the body never outlives `forEach`.
private struct DisjointChunkWork: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
}
