/// Synchronous linear threshold (Granovetter 1978; Watts 2002): a firm with at
/// least one neighbour adopts when the adopted share of its neighbours at the
/// start of the tick is at least its threshold. No randomness after setup.
enum ThresholdRule {
    static func step(
        threshold: UnsafeBufferPointer<Double>, stage: UnsafeBufferPointer<UInt8>,
        changes: UnsafeMutableBufferPointer<[StageChange]>, neighbours: NeighbourView?, adopters: Int, firmCount: Int,
        chunks: ParallelChunks
    ) {
        let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
        guard let neighbours else {
            // Mean-field: neighbours are all other firms; a non-adopter's share is adopters / (N - 1).
            guard firmCount > 1 else { return }
            let share = Double(adopters) / Double(firmCount - 1)
            chunks.forEach { c, range in
                changes[c] = range.filter {
                    stage[$0] != adoptedCode && stage[$0] != confirmedCode && share >= threshold[$0]
                }
                .map { StageChange(firm: Int32($0), stage: adoptedCode) }
            }
            return
        }
        chunks.forEach { c, range in
            var list: [StageChange] = []
            for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode && neighbours.hasNeighbours(i) {
                if neighbours.adoptedShare(i) >= threshold[i] {
                    list.append(StageChange(firm: Int32(i), stage: adoptedCode))
                }
            }
            changes[c] = list
        }
    }
}
