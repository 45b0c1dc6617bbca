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
/// The split by sector is kept only for a rule that weighs the two kinds of
/// neighbour differently (rogers: `ModelSpec.weighsNeighboursBySector`);
/// for the others (`sector: nil`) a firm has one count, its adopted
/// neighbours, and pushes never look at sectors.
///
/// What a firm costs here at degree 8 (issue 14's memory target): with the
/// split three 16-bit counts and one bit a tie, 7 bytes; without it one
/// 16-bit count, 2 bytes. With the split a firm's two adopted counts sit
/// side by side (`adopted`: same sector at 2i, other sectors at 2i + 1), so
/// a push and a rule's read touch one cache line, not two: the pushes are
/// scattered writes bound by memory latency, and two columns doubled the
/// lines they missed (issue 14). A firm's degree is not stored:
/// it is the length of its row in the network (`rows`), and its neighbours
/// in other sectors are that degree less those in its own. (Those in its own
/// could be counted from the row's same-sector bits too, but the rogers rule
/// reads them for most firms every tick: a 16-bit load is cheaper than a
/// popcount without the instruction, about 10% of the step.)
struct NeighbourCounts {
    /// Adopted neighbours of firm i: split, in the same sector at 2i and in other
    /// sectors at 2i + 1; otherwise all of them at i.
    private(set) var adopted: CountColumn
    /// Whether the counts are split by sector.
    let split: Bool
    /// Neighbours in the same sector (empty without the split).
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
        adopted = CountColumn(count: 0, wide: false)
        split = false
        sameDegree = adopted
        maxDegree = 0
        rows = RowOffsets()
        observerOffsets = rows
        observers = []
        sameSector = []
    }

    /// Counts the neighbours of every firm, split by the firms' `sector` when given.
    /// `narrowDegree` is the largest degree counted in 16 bits (tests lower it to
    /// run the 32-bit path on small networks).
    init(network: Network, sector: [UInt8]?, stage: [UInt8], narrowDegree: Int = Int(UInt16.max)) {
        let n = network.firmCount
        var largest = 0
        network.offsets.withView { offsets in
            for i in 0..<n { largest = max(largest, offsets[i + 1] - offsets[i]) }
        }
        maxDegree = largest
        // Every count is at most its firm's degree, so the largest degree decides the width.
        let wide = largest > narrowDegree
        split = sector != nil
        var sameDeg = CountColumn(count: split ? n : 0, wide: wide)
        var adoptedCounts = CountColumn(count: split ? 2 * n : n, wide: wide)
        // Undirected, the observers of j are j's row, so the same-sector bit of
        // entry k is the test this loop makes anyway: set here, in one pass.
        let undirected = !network.directed
        var bits = [UInt64](repeating: 0, count: split ? (network.neighbors.count + 63) / 64 : 0)
        bits.withUnsafeMutableBufferPointer { bits in
            sameDeg.withMutableCounts { sameDeg in
                adoptedCounts.withMutableCounts { counts in
                    if wide {
                        NeighbourCounts.countRows(
                            network, sector: sector, stage: stage, sameDegree: sameDeg.wide,
                            adopted: counts.wide, bits: undirected ? bits : nil)
                    } else {
                        NeighbourCounts.countRows(
                            network, sector: sector, stage: stage, sameDegree: sameDeg.narrow,
                            adopted: counts.narrow, bits: undirected ? bits : nil)
                    }
                }
            }
        }
        sameDegree = sameDeg
        adopted = adoptedCounts
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
        // The same-sector bits of the transposed rows (split counts only).
        if let sector {
            bits.withUnsafeMutableBufferPointer { bits in
                NeighbourCounts.markSameSector(transposed, list, sector: sector, bits: bits)
            }
        }
        observerOffsets = transposed
        observers = list
        sameSector = bits
    }

    /// Sets bit k when observer k shares the sector of the firm it sees.
    private static func markSameSector(
        _ transposed: RowOffsets, _ list: [UInt32], sector: [UInt8], bits: UnsafeMutableBufferPointer<UInt64>
    ) {
        let n = transposed.count - 1
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

    /// Counts every firm's neighbours of its own sector, and its adopted neighbours of
    /// its own and of other sectors; with `bits`, marks the ties within a sector.
    /// Without `sector`, counts every firm's adopted neighbours only.
    /// A plain loop over buffers: a million firms and eight million ties, once per run.
    private static func countRows<Count: FixedWidthInteger>(
        _ network: Network, sector: [UInt8]?, stage: [UInt8], sameDegree: UnsafeMutableBufferPointer<Count>,
        adopted: UnsafeMutableBufferPointer<Count>, bits: UnsafeMutableBufferPointer<UInt64>?
    ) {
        let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
        guard let sector else {
            network.offsets.withView { offsets in
                network.neighbors.withUnsafeBufferPointer { neighbors in
                    stage.withUnsafeBufferPointer { stage in
                        // Undirected, firm i sees adopter j exactly when j's row has i: with few
                        // adopters at the start (most runs have none), adding one to the count of
                        // everyone in their rows reads far less than every row. Same counts.
                        let adopters = stage.reduce(0) { $0 &+ ($1 == adoptedCode || $1 == confirmedCode ? 1 : 0) }
                        if !network.directed && adopters <= network.firmCount / 8 {
                            for i in 0..<network.firmCount { adopted[i] = 0 }
                            for j in 0..<network.firmCount where stage[j] == adoptedCode || stage[j] == confirmedCode {
                                for k in offsets[j]..<offsets[j + 1] { adopted[Int(neighbors[k])] &+= 1 }
                            }
                            return
                        }
                        for i in 0..<network.firmCount {
                            var count: Count = 0
                            for k in offsets[i]..<offsets[i + 1] {
                                let j = Int(neighbors[k])
                                count &+= stage[j] == adoptedCode || stage[j] == confirmedCode ? 1 : 0
                            }
                            adopted[i] = count
                        }
                    }
                }
            }
            return
        }
        network.offsets.withView { offsets in
            network.neighbors.withUnsafeBufferPointer { neighbors in
                sector.withUnsafeBufferPointer { sector in
                    stage.withUnsafeBufferPointer { stage in
                        for i in 0..<network.firmCount {
                            var same: Count = 0, sameA: Count = 0, crossA: Count = 0
                            let own = sector[i]
                            for k in offsets[i]..<offsets[i + 1] {
                                let j = Int(neighbors[k])
                                let isAdopter: Count = stage[j] == adoptedCode || stage[j] == confirmedCode ? 1 : 0
                                if sector[j] == own {
                                    same &+= 1
                                    sameA &+= isAdopter
                                    if let bits { bits[k >> 6] |= 1 << UInt64(k & 63) }
                                } else {
                                    crossA &+= isAdopter
                                }
                            }
                            sameDegree[i] = same
                            adopted[2 &* i] = sameA
                            adopted[2 &* i &+ 1] = crossA
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
        let pushes = Pushes(
            gained: gained, lost: lost, firmCount: split ? adopted.count / 2 : adopted.count, workers: workers,
            split: split,
            observerOffsets: observerOffsets,
            observers: observers, sameSector: sameSector)
        let wide = adopted.isWide
        adopted.withMutableCounts { pairs in
            // One width for the whole update, so the push loop is compiled once for each.
            if wide { pushes.apply(adopted: pairs.wide) } else { pushes.apply(adopted: pairs.narrow) }
        }
    }

    /// The changes of one tick, to be pushed to the counts of whoever sees the firms that changed.
    private struct Pushes {
        let gained: [Int32], lost: [Int32]
        let firmCount: Int, workers: Int, split: Bool
        let observerOffsets: RowOffsets, observers: [UInt32], sameSector: [UInt64]

        func apply<Count: FixedWidthInteger>(
            adopted: UnsafeMutableBufferPointer<Count>
        ) {
            let n = firmCount, workers = workers, gained = gained, lost = lost, split = split
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
                                            // Split, the count is chosen by arithmetic, not a branch: whether
                                            // a tie stays in its sector is a coin toss the predictor misses.
                                            let same =
                                                split
                                                ? Int(truncatingIfNeeded: sameSector[k >> 6] >> UInt64(k & 63)) & 1 : 0
                                            if i >= low && i < high {
                                                adopted[split ? 2 &* i &+ 1 &- same : i] &+= delta
                                            } else {
                                                // Target's number, bit 31 = same sector, bit 30 = decrement.
                                                later.append(
                                                    UInt32(i) | UInt32(same) << 31 | (delta != up ? 1 << 30 : 0))
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
                                    adopted[split ? 2 &* i &+ (entry & (1 << 31) != 0 ? 0 : 1) : i] &+= delta
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension NeighbourCounts {
    /// Adopted neighbours in the same sector, one a firm (a copy, for tests; split counts).
    var sameAdopted: CountColumn { adopted.everyOther(from: 0) }
    /// Adopted neighbours in other sectors, one a firm (a copy, for tests; split counts).
    var crossAdopted: CountColumn { adopted.everyOther(from: 1) }
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

    /// Counts `first`, `first + 2`, ... of the column, in the same width.
    func everyOther(from first: Int) -> CountColumn {
        var column = CountColumn(count: 0, wide: isWide)
        column.narrow = stride(from: first, to: narrow.count, by: 2).map { narrow[$0] }
        column.wide = stride(from: first, to: wide.count, by: 2).map { wide[$0] }
        return column
    }

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
