/// Synchronous linear threshold (Granovetter 1978; Watts 2002): a firm with at
/// least one neighbour adopts when the adopted share of its neighbours at the
/// start of the tick is at least its threshold. No randomness after setup.
enum ThresholdRule {
    static func step(threshold: UnsafeBufferPointer<Double>, stage: UnsafeBufferPointer<UInt8>,
                     next: UnsafeMutableBufferPointer<UInt8>, neighbours: NeighbourView?, adopters: Int, firmCount: Int,
                     chunks: ParallelChunks) {
        let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
        guard let neighbours else {
            // Mean-field: neighbours are all other firms; a non-adopter's share is adopters / (N - 1).
            guard firmCount > 1 else { return }
            let share = Double(adopters) / Double(firmCount - 1)
            chunks.forEach { _, range in
                for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode && share >= threshold[i] {
                    next[i] = adoptedCode
                }
            }
            return
        }
        chunks.forEach { _, range in
            for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode && neighbours.hasNeighbours(i) {
                if neighbours.adoptedShare(i) >= threshold[i] { next[i] = adoptedCode }
            }
        }
    }
}
