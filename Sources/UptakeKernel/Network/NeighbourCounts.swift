/// How many of each firm's neighbours have adopted, split into neighbours of
/// the same sector and of other sectors, kept up to date as firms adopt and
/// stop using the innovation.
///
/// Why counts instead of scanning neighbours every tick: a scan reads every
/// non-adopter's whole row (32 bytes of ids plus 8 scattered stage reads per
/// firm at degree 8) every tick, which makes the step memory-bound and stops
/// it scaling with threads. Counts cost one push per tie when a firm changes
/// side, and the rules then read a few integers per firm. Counts are integers,
/// so the order of the pushes cannot change them: results stay identical.
///
/// What a firm costs here at degree 8 (issue 14's memory target): three
/// 16-bit counts and one bit a tie, 7 bytes. A firm's degree is not stored:
/// it is the length of its row in the network (`rows`), and its neighbours
/// in other sectors are that degree less those in its own. (Those in its own
/// could be counted from the row's same-sector bits too, but the rogers rule
/// reads them for most firms every tick: a 16-bit load is cheaper than a
/// popcount without the instruction, about 10% of the step.)
struct NeighbourCounts {
    /// Adopted neighbours in the same sector / in other sectors.
    private(set) var sameAdopted: CountColumn
    private(set) var crossAdopted: CountColumn
    /// Neighbours in the same sector.
    let sameDegree: CountColumn
    /// The largest number of neighbours a firm has (0 for mean-field).
    let maxDegree: Int
    /// The network's rows (shared, not copied): a firm's degree is its row's length.
    let rows: RowOffsets
    /// Who sees firm j: `observers[observerOffsets[j] ..< observerOffsets[j + 1]]`,
    /// the transpose of the network's rows. Undirected, that is the network's
    /// own arrays, shared, not copied (36 bytes a firm at degree 8).
    private let observerOffsets: RowOffsets
    private let observers: [UInt32]
    /// Bit k is set when observer k shares the sector of the firm it sees: one
    /// bit a tie, read in order with the observers, instead of a sector read
    /// at a scattered address on every push or a reordered copy of the rows.
    private let sameSector: [UInt64]

    /// Empty counts for mean-field runs, where influence comes from totals.
    init(meanField count: Int) {
        sameAdopted = CountColumn(count: 0, wide: false)
        crossAdopted = sameAdopted
        sameDegree = sameAdopted
        maxDegree = 0
        rows = RowOffsets()
        observerOffsets = rows
        observers = []
        sameSector = []
    }

    /// Counts the neighbours of every firm. `narrowDegree` is the largest degree
    /// counted in 16 bits (tests lower it to run the 32-bit path on small networks).
    init(network: Network, sector: [UInt8], stage: [UInt8], narrowDegree: Int = Int(UInt16.max)) {
        let n = network.firmCount
        var largest = 0
        network.offsets.withView { offsets in
            for i in 0..<n { largest = max(largest, offsets[i + 1] - offsets[i]) }
        }
        maxDegree = largest
        // Every count is at most its firm's degree, so the largest degree decides the width.
        let wide = largest > narrowDegree
        var sameDeg = CountColumn(count: n, wide: wide)
        var sameA = CountColumn(count: n, wide: wide), crossA = CountColumn(count: n, wide: wide)
        // Undirected, the observers of j are j's row, so the same-sector bit of
        // entry k is the test this loop makes anyway: set here, in one pass.
        let undirected = !network.directed
        var bits = [UInt64](repeating: 0, count: (network.neighbors.count + 63) / 64)
        bits.withUnsafeMutableBufferPointer { bits in
            sameDeg.withMutableCounts { sameDeg in
                sameA.withMutableCounts { sameA in
                    crossA.withMutableCounts { crossA in
                        if wide {
                            NeighbourCounts.countRows(
                                network, sector: sector, stage: stage, sameDegree: sameDeg.wide,
                                sameAdopted: sameA.wide, crossAdopted: crossA.wide, bits: undirected ? bits : nil)
                        } else {
                            NeighbourCounts.countRows(
                                network, sector: sector, stage: stage, sameDegree: sameDeg.narrow,
                                sameAdopted: sameA.narrow, crossAdopted: crossA.narrow, bits: undirected ? bits : nil)
                        }
                    }
                }
            }
        }
        sameDegree = sameDeg
        sameAdopted = sameA
        crossAdopted = crossA
        rows = network.offsets
        guard network.directed else {
            observerOffsets = network.offsets
            observers = network.neighbors
            sameSector = bits
            return
        }
        // Transpose: firm i observes j (j in i's row) => i is an observer of j.
        // As many entries as the rows, so the same width of offsets fits.
        let transposed: RowOffsets, list: [UInt32]
        if network.offsets.isWide {
            let (offsets, observers) = NeighbourCounts.transpose(network, Int.self)
            (transposed, list) = (RowOffsets(offsets), observers)
        } else {
            let (offsets, observers) = NeighbourCounts.transpose(network, UInt32.self)
            (transposed, list) = (RowOffsets(offsets), observers)
        }
        bits.withUnsafeMutableBufferPointer { bits in
            transposed.withView { offsets in
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
        observerOffsets = transposed
        observers = list
        sameSector = bits
    }

    /// Counts every firm's neighbours of its own sector, and its adopted neighbours of
    /// its own and of other sectors; with `bits`, marks the ties within a sector.
    /// A plain loop over buffers: a million firms and eight million ties, once per run.
    private static func countRows<Count: FixedWidthInteger>(
        _ network: Network, sector: [UInt8], stage: [UInt8], sameDegree: UnsafeMutableBufferPointer<Count>,
        sameAdopted: UnsafeMutableBufferPointer<Count>, crossAdopted: UnsafeMutableBufferPointer<Count>,
        bits: UnsafeMutableBufferPointer<UInt64>?
    ) {
        let adopted = Stage.adopted.rawValue, confirmed = Stage.confirmed.rawValue
        network.offsets.withView { offsets in
            network.neighbors.withUnsafeBufferPointer { neighbors in
                sector.withUnsafeBufferPointer { sector in
                    stage.withUnsafeBufferPointer { stage in
                        for i in 0..<network.firmCount {
                            var same: Count = 0, sameA: Count = 0, crossA: Count = 0
                            let own = sector[i]
                            for k in offsets[i]..<offsets[i + 1] {
                                let j = Int(neighbors[k])
                                let isAdopter: Count = stage[j] == adopted || stage[j] == confirmed ? 1 : 0
                                if sector[j] == own {
                                    same &+= 1
                                    sameA &+= isAdopter
                                    if let bits { bits[k >> 6] |= 1 << UInt64(k & 63) }
                                } else {
                                    crossA &+= isAdopter
                                }
                            }
                            sameDegree[i] = same
                            sameAdopted[i] = sameA
                            crossAdopted[i] = crossA
                        }
                    }
                }
            }
        }
    }

    /// The observers of each firm (the transpose of a directed network's rows), with their offsets.
    private static func transpose<Offset: FixedWidthInteger>(
        _ network: Network, _: Offset.Type
    ) -> ([Offset], [UInt32]) {
        let n = network.firmCount
        var offsets = [Offset](repeating: 0, count: n + 1)
        for j in network.neighbors { offsets[Int(j) + 1] &+= 1 }
        for j in 0..<n { offsets[j + 1] &+= offsets[j] }
        var cursor = offsets
        var list = [UInt32](repeating: 0, count: network.neighbors.count)
        for i in 0..<n {
            for k in network.offsets[i]..<network.offsets[i + 1] {
                let j = Int(network.neighbors[k])
                list[Int(cursor[j])] = UInt32(i)
                cursor[j] &+= 1
            }
        }
        return (offsets, list)
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
        let workers = changed < 4_096 ? 1 : max(1, threads)
        let counts = (same: sameAdopted.isWide, cross: crossAdopted.isWide)
        assert(counts.same == counts.cross, "NeighbourCounts: the adopted counts differ in width")
        let pushes = Pushes(
            gained: gained, lost: lost, firmCount: sameAdopted.count, workers: workers,
            observerOffsets: observerOffsets,
            observers: observers, sameSector: sameSector)
        sameAdopted.withMutableCounts { sameA in
            crossAdopted.withMutableCounts { crossA in
                // One width for the whole update, so the push loop is compiled once for each.
                if counts.same {
                    pushes.apply(sameAdopted: sameA.wide, crossAdopted: crossA.wide)
                } else {
                    pushes.apply(sameAdopted: sameA.narrow, crossAdopted: crossA.narrow)
                }
            }
        }
    }

    /// The changes of one tick, to be pushed to the counts of whoever sees the firms that changed.
    private struct Pushes {
        let gained: [Int32], lost: [Int32]
        let firmCount: Int, workers: Int
        let observerOffsets: RowOffsets, observers: [UInt32], sameSector: [UInt64]

        func apply<Count: FixedWidthInteger>(
            sameAdopted sameA: UnsafeMutableBufferPointer<Count>, crossAdopted crossA: UnsafeMutableBufferPointer<Count>
        ) {
            let n = firmCount, workers = workers, gained = gained, lost = lost
            let span = (n + workers - 1) / workers
            // The firms whose counts worker w writes; disjoint, and together all firms (asserted in debug builds).
            let owned = { (w: Int) in min(n, w * span)..<min(n, (w + 1) * span) }
            assert(
                ParallelChunks.tile((0..<workers).lazy.map(owned), count: n),
                "NeighbourCounts: the workers' ranges do not tile 0..<\(n)")
            // A decrement is the addition of -1 wrapped to the counts' width: counts never go below 0.
            let up: Count = 1, down = Count(truncatingIfNeeded: -1)
            var deferred = [[UInt32]](repeating: [], count: workers)
            observerOffsets.withView { offsets in
                sameSector.withUnsafeBufferPointer { sameSector in
                    observers.withUnsafeBufferPointer { observers in
                        deferred.withUnsafeMutableBufferPointer { deferred in
                            let owners = ParallelChunks(count: workers, threads: workers, chunkSize: 1)
                            owners.forEach { w, _ in
                                let low = owned(w).lowerBound, high = owned(w).upperBound
                                var later: [UInt32] = []
                                for (list, delta) in [(gained, up), (lost, down)] {
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
                                                    UInt32(i) | (same ? 1 << 31 : 0) | (delta != up ? 1 << 30 : 0))
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
                                    let delta = entry & (1 << 30) != 0 ? down : up
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

/// One count per firm, each at most the firm's degree.
///
/// Why two widths: the counts are read for every firm every tick and take
/// 2 bytes a firm each in 16 bits against 4 in 32. Every degree below 65,536
/// fits 16 bits (any generated network but a complete graph of more firms);
/// a network with a firm of more neighbours keeps all its counts in 32 bits.
/// The width is chosen once, from the largest degree, and never changes.
struct CountColumn: Equatable {
    /// The counts in 16 bits, or empty when `wide` holds them.
    fileprivate private(set) var narrow: [UInt16]
    /// The counts in 32 bits, only when some firm has more than 65,535 neighbours.
    fileprivate private(set) var wide: [Int32]
    let isWide: Bool

    init(count: Int, wide: Bool) {
        narrow = wide ? [] : [UInt16](repeating: 0, count: count)
        self.wide = wide ? [Int32](repeating: 0, count: count) : []
        isWide = wide
    }

    var count: Int { isWide ? wide.count : narrow.count }

    subscript(firm: Int) -> Int32 { isWide ? wide[firm] : Int32(narrow[firm]) }

    /// The counts as an array, whatever their width (tests compare them).
    var values: [Int32] { isWide ? wide : narrow.map(Int32.init) }

    /// Calls `body` with the bytes of whichever width holds the counts, valid only during the call.
    @inline(__always)
    func withBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        isWide ? wide.withUnsafeBytes(body) : narrow.withUnsafeBytes(body)
    }

    /// Calls `body` with mutable buffers over both widths (one of them empty), valid only during the call.
    @inline(__always)
    fileprivate mutating func withMutableCounts<Result>(
        _ body: ((narrow: UnsafeMutableBufferPointer<UInt16>, wide: UnsafeMutableBufferPointer<Int32>)) -> Result
    ) -> Result {
        withMutableBuffers(&narrow, &wide) { narrow, wide in body((narrow, wide)) }
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
