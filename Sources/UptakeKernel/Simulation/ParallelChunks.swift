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
        if threads == 1 || chunks <= 1 {
            for c in 0..<chunks { body(c, range(c)) }
            return
        }
        let workers = min(threads, chunks)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var c = w
            while c < chunks {
                body(c, range(c))
                c += workers
            }
        }
    }
}
