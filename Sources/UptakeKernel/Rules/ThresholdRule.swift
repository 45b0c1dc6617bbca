/// Synchronous linear threshold (Granovetter 1978; Watts 2002): a firm with at
/// least one neighbour adopts when the adopted share of its neighbours at the
/// start of the tick is at least its threshold. No randomness after setup.
enum ThresholdRule {
    static func step(threshold: UnsafeBufferPointer<Double>, stage: UnsafeBufferPointer<UInt8>,
                     next: UnsafeMutableBufferPointer<UInt8>, network: Network, adopters: Int, chunks: ParallelChunks) {
        let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
        if network.isMeanField {
            // Neighbours are all other firms; a non-adopter's share is adopters / (N - 1).
            guard network.firmCount > 1 else { return }
            let share = Double(adopters) / Double(network.firmCount - 1)
            chunks.forEach { _, range in
                for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode && share >= threshold[i] {
                    next[i] = adoptedCode
                }
            }
            return
        }
        network.offsets.withUnsafeBufferPointer { offsets in
            network.neighbors.withUnsafeBufferPointer { neighbors in
                chunks.forEach { _, range in
                    for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode {
                        let start = offsets[i], end = offsets[i + 1]
                        guard end > start else { continue }
                        var adoptedNeighbours = 0
                        for k in start..<end {
                            let s = stage[Int(neighbors[k])]
                            if s == adoptedCode || s == confirmedCode { adoptedNeighbours += 1 }
                        }
                        if Double(adoptedNeighbours) / Double(end - start) >= threshold[i] { next[i] = adoptedCode }
                    }
                }
            }
        }
    }
}
