/// One pass over the firms after a step: counts by stage, adopters by
/// category, sector and size, and the adopters' compute demand and
/// output-weighted productivity gain.
///
/// Why one fused pass: the tally runs every tick over every firm, so reading
/// each firm's bytes once matters more than tidy separate loops. Chunks give
/// partial results that are added in chunk order, so the sums are identical
/// for any number of threads.
struct TickTally {
    var stageCounts: [Int]
    var categoryAdopters: [Int]
    var sectorAdopters: [Int]
    var sizeAdopters: [Int]
    var computeDemand = 0.0
    var weightedGain = 0.0

    init(sectorCount: Int) {
        stageCounts = [Int](repeating: 0, count: Stage.allCases.count)
        categoryAdopters = [Int](repeating: 0, count: 5)
        sectorAdopters = [Int](repeating: 0, count: sectorCount)
        sizeAdopters = [Int](repeating: 0, count: 3)
    }

    mutating func add(_ o: TickTally) {
        for i in stageCounts.indices { stageCounts[i] += o.stageCounts[i] }
        for i in categoryAdopters.indices { categoryAdopters[i] += o.categoryAdopters[i] }
        for i in sectorAdopters.indices { sectorAdopters[i] += o.sectorAdopters[i] }
        for i in sizeAdopters.indices { sizeAdopters[i] += o.sizeAdopters[i] }
        computeDemand += o.computeDemand
        weightedGain += o.weightedGain
    }

    /// `ramp[age]` is the learning-curve share of the full gain after `age` ticks of use.
    static func measure(_ firms: FirmTable, segments: SegmentConstants, tick: Int, ramp: [Double], chunks: ParallelChunks) -> TickTally {
        let sectorCount = segments.sectorCount
        var partials = [TickTally](repeating: TickTally(sectorCount: sectorCount), count: chunks.chunkCount)
        firms.stage.withUnsafeBufferPointer { stage in
        firms.sector.withUnsafeBufferPointer { sector in
        firms.size.withUnsafeBufferPointer { size in
        firms.category.withUnsafeBufferPointer { category in
        firms.adoptedTick.withUnsafeBufferPointer { adoptedTick in
        segments.compute.withUnsafeBufferPointer { compute in
        segments.gain.withUnsafeBufferPointer { gain in
        segments.output.withUnsafeBufferPointer { output in
        ramp.withUnsafeBufferPointer { ramp in
        partials.withUnsafeMutableBufferPointer { partials in
            chunks.forEach { c, range in
                var t = TickTally(sectorCount: sectorCount)
                for i in range {
                    let s = Int(stage[i])
                    t.stageCounts[s] &+= 1
                    guard s == Int(Stage.adopted.rawValue) || s == Int(Stage.confirmed.rawValue) else { continue }
                    let k = SegmentConstants.segment(sector: sector[i], size: size[i])
                    t.categoryAdopters[Int(category[i])] &+= 1
                    t.sectorAdopters[Int(sector[i])] &+= 1
                    t.sizeAdopters[Int(size[i])] &+= 1
                    t.computeDemand += compute[k]
                    let age = min(max(tick - Int(adoptedTick[i]) + 1, 0), ramp.count - 1)
                    t.weightedGain += output[k] * gain[k] * ramp[age]
                }
                partials[c] = t
            }
        }}}}}}}}}}
        var total = TickTally(sectorCount: sectorCount)
        for p in partials { total.add(p) }
        return total
    }
}
