/// How many of each firm's neighbours have adopted, split into neighbours of
/// the same sector and of other sectors, kept up to date as firms adopt and
/// stop using the innovation.
///
/// Why counts instead of scanning neighbours every tick: a scan reads every
/// non-adopter's whole row (32 bytes of ids plus 8 scattered stage reads per
/// firm at degree 8) every tick, which makes the step memory-bound and stops
/// it scaling with threads. Counts cost one push per tie when a firm changes
/// side, and the rules then read two integers per firm. Counts are integers,
/// so the order of the pushes cannot change them: results stay identical.
struct NeighbourCounts {
    /// Adopted neighbours in the same sector / in other sectors.
    private(set) var sameAdopted: [Int32]
    private(set) var crossAdopted: [Int32]
    /// Neighbours in the same sector / in other sectors.
    let sameDegree: [Int32]
    let crossDegree: [Int32]
    /// The largest number of neighbours a firm has (0 for mean-field).
    let maxDegree: Int
    /// Who sees firm j: `observers[observerOffsets[j] ..< observerOffsets[j + 1]]`,
    /// the transpose of the network's rows. Undirected, that is the network's
    /// own arrays, shared, not copied (40 bytes a firm at degree 8).
    private let observerOffsets: [Int]
    private let observers: [UInt32]
    /// Bit k is set when observer k shares the sector of the firm it sees: one
    /// bit a tie, read in order with the observers, instead of a sector read
    /// at a scattered address on every push or a reordered copy of the rows.
    private let sameSector: [UInt64]

    /// Empty counts for mean-field runs, where influence comes from totals.
    init(meanField count: Int) {
        sameAdopted = []
        crossAdopted = []
        sameDegree = []
        crossDegree = []
        maxDegree = 0
        observerOffsets = []
        observers = []
        sameSector = []
    }

    init(network: Network, sector: [UInt8], stage: [UInt8]) {
        let n = network.firmCount
        var sameDeg = [Int32](repeating: 0, count: n), crossDeg = sameDeg
        var sameA = sameDeg, crossA = sameDeg
        let adopted = Stage.adopted.rawValue, confirmed = Stage.confirmed.rawValue
        // Undirected, the observers of j are j's row, so the same-sector bit of
        // entry k is the test this loop makes anyway: set here, in one pass.
        let undirected = !network.directed
        var bits = [UInt64](repeating: 0, count: (network.neighbors.count + 63) / 64)
        // A plain loop over buffers: a million firms and eight million ties, once per run.
        network.offsets.withUnsafeBufferPointer { offsets in
            network.neighbors.withUnsafeBufferPointer { neighbors in
                sector.withUnsafeBufferPointer { sector in
                    bits.withUnsafeMutableBufferPointer { bits in
                        stage.withUnsafeBufferPointer { stage in
                            for i in 0..<n {
                                var same: Int32 = 0, cross: Int32 = 0, sameAdopted: Int32 = 0, crossAdopted: Int32 = 0
                                let own = sector[i]
                                for k in offsets[i]..<offsets[i + 1] {
                                    let j = Int(neighbors[k])
                                    let isAdopter: Int32 = stage[j] == adopted || stage[j] == confirmed ? 1 : 0
                                    if sector[j] == own {
                                        same &+= 1
                                        sameAdopted &+= isAdopter
                                        if undirected { bits[k >> 6] |= 1 << UInt64(k & 63) }
                                    } else {
                                        cross &+= 1
                                        crossAdopted &+= isAdopter
                                    }
                                }
                                sameDeg[i] = same
                                crossDeg[i] = cross
                                sameA[i] = sameAdopted
                                crossA[i] = crossAdopted
                            }
                        }
                    }
                }
            }
        }
        sameDegree = sameDeg
        crossDegree = crossDeg
        var largest: Int32 = 0
        for i in 0..<n { largest = max(largest, sameDeg[i] &+ crossDeg[i]) }
        maxDegree = Int(largest)
        sameAdopted = sameA
        crossAdopted = crossA
        var offsets = network.offsets
        var list = network.neighbors  // the transpose replaces it when directed
        if network.directed {
            // Transpose: firm i observes j (j in i's row) => i is an observer of j.
            offsets = [Int](repeating: 0, count: n + 1)
            for j in network.neighbors { offsets[Int(j) + 1] += 1 }
            for j in 0..<n { offsets[j + 1] += offsets[j] }
            var cursor = offsets
            for i in 0..<n {
                for k in network.offsets[i]..<network.offsets[i + 1] {
                    let j = Int(network.neighbors[k])
                    list[cursor[j]] = UInt32(i)
                    cursor[j] += 1
                }
            }
        }
        if network.directed {
            bits.withUnsafeMutableBufferPointer { bits in
                offsets.withUnsafeBufferPointer { offsets in
                    list.withUnsafeBufferPointer { list in
                        sector.withUnsafeBufferPointer { sector in
                            for j in 0..<n {
                                let own = sector[j]
                                for k in offsets[j]..<offsets[j + 1] where sector[Int(list[k])] == own {
                                    bits[k >> 6] |= 1 << UInt64(k & 63)
                                }
                            }
                        }
                    }
                }
            }
        }
        observerOffsets = offsets
        observers = list
        sameSector = bits
    }

    /// Firms that started and stopped using the innovation in a tick: tell everyone who sees them.
    ///
    /// The pushes are scattered writes bound by memory latency. Workers own
    /// contiguous ranges of firms: each handles the changed firms of its range
    /// and writes only counts of its own range, deferring pushes that cross
    /// into another range to a short sequential pass. Networks built with
    /// locality (small-world, lattice) keep most ties within a range; on
    /// random networks most pushes are deferred and it runs like one thread.
    /// Counts are integers, so the result is the same for any split.
    /// `gained` and `lost` are in ascending firm order.
    mutating func apply(gained: [Int32], lost: [Int32], threads: Int) {
        let changed = gained.count + lost.count
        guard changed > 0 else { return }
        let n = sameAdopted.count
        let workers = changed < 4_096 ? 1 : max(1, threads)
        let span = (n + workers - 1) / workers
        // The firms whose counts worker w writes; disjoint, and together all firms (asserted in debug builds).
        let owned = { (w: Int) in min(n, w * span)..<min(n, (w + 1) * span) }
        assert(
            ParallelChunks.tile((0..<workers).lazy.map(owned), count: n),
            "NeighbourCounts: the workers' ranges do not tile 0..<\(n)")
        var deferred = [[UInt32]](repeating: [], count: workers)
        observerOffsets.withUnsafeBufferPointer { offsets in
            sameSector.withUnsafeBufferPointer { sameSector in
                observers.withUnsafeBufferPointer { observers in
                    sameAdopted.withUnsafeMutableBufferPointer { sameA in
                        crossAdopted.withUnsafeMutableBufferPointer { crossA in
                            deferred.withUnsafeMutableBufferPointer { deferred in
                                let owners = ParallelChunks(count: workers, threads: workers, chunkSize: 1)
                                owners.forEach { w, _ in
                                    let low = owned(w).lowerBound, high = owned(w).upperBound
                                    var later: [UInt32] = []
                                    for (list, delta) in [(gained, Int32(1)), (lost, Int32(-1))] {
                                        // The changed firms of this range: a slice of the sorted list.
                                        var from = list.partitioningIndex { Int($0) >= low }
                                        while from < list.count && Int(list[from]) < high {
                                            let j = Int(list[from])
                                            from += 1
                                            let end = offsets[j + 1]
                                            var k = offsets[j]
                                            while k < end {
                                                let i = Int(observers[k])
                                                let same = sameSector[k >> 6] >> UInt64(k & 63) & 1 != 0
                                                if i >= low && i < high {
                                                    if same { sameA[i] &+= delta } else { crossA[i] &+= delta }
                                                } else {
                                                    // Target's number, bit 31 = same sector, bit 30 = decrement.
                                                    later.append(
                                                        UInt32(i) | (same ? 1 << 31 : 0) | (delta < 0 ? 1 << 30 : 0))
                                                }
                                                k += 1
                                            }
                                        }
                                    }
                                    deferred[w] = later
                                }
                                for list in deferred {
                                    for entry in list {
                                        let i = Int(entry & 0x3FFF_FFFF)
                                        let delta: Int32 = entry & (1 << 30) != 0 ? -1 : 1
                                        if entry & (1 << 31) != 0 { sameA[i] &+= delta } else { crossA[i] &+= delta }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Array where Element == Int32 {
    /// The first index whose element satisfies `belongs`, for a predicate false then true along the array.
    func partitioningIndex(where belongs: (Int32) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
