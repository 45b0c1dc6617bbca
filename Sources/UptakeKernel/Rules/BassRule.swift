/// The Bass rule: a non-adopter adopts with probability
/// `1 - exp(-(p + q * A) * dt)`, A the adopted share of its neighbours at the
/// start of the tick (of the whole population on mean-field).
enum BassRule {
    /// Lists, per chunk, the firms that adopt this tick. Only `adopted` and not-adopted exist in this rule.
    static func step(
        p: Double, q: Double, dt: Double, tick: Int, stage: UnsafeBufferPointer<UInt8>,
        changes: UnsafeMutableBufferPointer<[StageChange]>, neighbours: NeighbourView?, adopters: Int, firmCount: Int,
        rng: CounterRNG, chunks: ParallelChunks, table: inout ProbabilityTable
    ) {
        let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
        guard let neighbours else {
            // Mean-field: everyone sees the same A, so one probability for the whole tick.
            let share = Double(adopters) / Double(max(firmCount, 1))
            let probability = BassRule.probability(p: p, q: q, dt: dt, share: share)
            chunks.forEach { c, range in
                var list: [StageChange] = []
                for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode {
                    if rng.uniform(tick: tick, firm: i, stream: .bass) < probability {
                        list.append(StageChange(firm: Int32(i), stage: adoptedCode))
                    }
                }
                changes[c] = list
            }
            return
        }
        // Why a table: a firm's probability depends on it only through (adopted
        // neighbours, degree), two small integers, and one exp per firm and tick
        // was a large part of the step. Each entry is computed by the same
        // function a firm without an entry uses (`probability`), from
        // the same share, so the probabilities and the results are the same bit
        // for bit. Up to the largest degree present (at most 32: about 50 exps at
        // degree 8, 600 at 32), made when the firms still to adopt are at least
        // twice as many as its entries, then kept while p, q and dt stay.
        let tableDegree = min(32, neighbours.maxDegree)
        table.prepare(
            p: p, q: q, dt: dt, degree: tableDegree,
            worthMaking: firmCount - adopters >= 2 * (tableDegree + 1) * (tableDegree + 2) / 2)
        let draws = rng.keyed(tick: tick, stream: .bass)
        // The usual counts (16-bit, one a firm, 32-bit row offsets) are read through a view
        // that does not test their widths for every firm: the loop is compiled for each view.
        let narrow = neighbours.narrow
        table.values.withUnsafeBufferPointer { table in
            chunks.forEach { c, range in
                let decide = Decision(
                    table: table, tableDegree: tableDegree, stage: stage, draws: draws, p: p, q: q, dt: dt)
                changes[c] = narrow.map { decide.adopters(range, $0) } ?? decide.adopters(range, neighbours)
            }
        }
    }

    /// The chances to adopt by (degree, adopted neighbours) for one p, q and dt,
    /// kept by the simulation from tick to tick: `values[d * (degree + 1) + a]`,
    /// empty when not made.
    struct ProbabilityTable {
        private(set) var values: [Double] = []
        private var made: (p: UInt64, q: UInt64, dt: UInt64, degree: Int)?

        /// Makes the table for these parameters unless it is made already, or
        /// (`worthMaking` false) leaves it empty; a table made for others is dropped.
        mutating func prepare(p: Double, q: Double, dt: Double, degree: Int, worthMaking: Bool) {
            let key = (p: p.bitPattern, q: q.bitPattern, dt: dt.bitPattern, degree: degree)
            if let made, made == key { return }
            made = nil
            values = []
            guard worthMaking else { return }
            values = [Double](repeating: 0, count: (degree + 1) * (degree + 1))
            for d in 0...degree {
                for a in 0...d {
                    values[d * (degree + 1) + a] = BassRule.probability(
                        p: p, q: q, dt: dt, share: NeighbourView.share(Int32(a), of: Int32(d)))
                }
            }
            made = key
        }
    }

    /// The chance to adopt this tick for an adopted share `share` of the neighbours.
    @inline(__always)
    static func probability(p: Double, q: Double, dt: Double, share: Double) -> Double {
        1 - exp(-(p + q * share) * dt)
    }

    /// Who adopts in a range of firms this tick: the loop of the network step.
    private struct Decision {
        let table: UnsafeBufferPointer<Double>
        let tableDegree: Int
        let stage: UnsafeBufferPointer<UInt8>
        let draws: CounterRNG.Keyed
        let p: Double, q: Double, dt: Double

        @inline(__always)
        func adopters<View: AdoptedNeighbours>(_ range: Range<Int>, _ neighbours: View) -> [StageChange] {
            let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
            var list: [StageChange] = []
            for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode {
                let (adopted, degree) = neighbours.adoptedAndDegree(i)
                let chance =
                    !table.isEmpty && degree <= tableDegree
                    ? table[Int(degree) &* (tableDegree + 1) &+ Int(adopted)]
                    : BassRule.probability(p: p, q: q, dt: dt, share: NeighbourView.share(adopted, of: degree))
                if draws.uniform(firm: i) < chance {
                    list.append(StageChange(firm: Int32(i), stage: adoptedCode))
                }
            }
            return list
        }
    }
}

/// A firm's adopted neighbours and all its neighbours, as a rule's step reads them.
protocol AdoptedNeighbours {
    func adoptedAndDegree(_ i: Int) -> (adopted: Int32, degree: Int32)
}

extension NeighbourView: AdoptedNeighbours {}

/// The neighbour counts as most runs keep them (one 16-bit count a firm, 32-bit row
/// offsets), read without testing their widths: `NeighbourView.narrow`.
struct NarrowNeighbourView: AdoptedNeighbours {
    let adopted: UnsafePointer<UInt16>
    let rows: UnsafePointer<UInt32>

    @inline(__always)
    func adoptedAndDegree(_ i: Int) -> (adopted: Int32, degree: Int32) {
        (Int32(adopted[i]), Int32(truncatingIfNeeded: Int(rows[i &+ 1]) &- Int(rows[i])))
    }
}

/// Read access to the neighbour counts inside a step (pointers, valid for the step).
///
/// Kept to four pointers and two flags, a width each for the counts and the
/// offsets (a branch always predicted the same way): the rules read it for
/// most firms every tick, and a buffer (pointer and count) of each width for
/// every column cost the rogers step about 5% more instructions.
struct NeighbourView {
    /// Adopted neighbours: split by sector, in the same sector (2i) and in other sectors (2i + 1),
    /// otherwise all (i); and neighbours in the same sector (split only).
    private let adopted: UnsafeRawPointer?
    private let sameDegree: UnsafeRawPointer?
    /// The network's row offsets: a firm's degree is the length of its row.
    private let rows: UnsafeRawPointer?
    /// Counts in 32 bits rather than 16 (a firm of more than 65,535 neighbours).
    private let wideCounts: Bool
    /// Offsets in 64 bits rather than 32 (rows of 2^32 entries or more).
    private let wideRows: Bool
    /// Counts split by sector (`NeighbourCounts.split`).
    private let split: Bool
    /// The largest number of neighbours a firm has.
    let maxDegree: Int

    init(
        adopted: UnsafeRawBufferPointer, sameDegree: UnsafeRawBufferPointer,
        wideCounts: Bool, split: Bool, rows: RowOffsetsView, maxDegree: Int
    ) {
        self.split = split
        self.adopted = adopted.baseAddress
        self.sameDegree = sameDegree.baseAddress
        self.wideCounts = wideCounts
        self.rows = rows.bytes.baseAddress
        wideRows = rows.isWide
        self.maxDegree = maxDegree
    }

    /// Count `i` of a column (never read for a firm outside it, so the pointer is set).
    @inline(__always)
    private func count(_ column: UnsafeRawPointer?, _ i: Int) -> Int32 {
        wideCounts
            ? column.unsafelyUnwrapped.load(fromByteOffset: i &* 4, as: Int32.self)
            : Int32(column.unsafelyUnwrapped.load(fromByteOffset: i &* 2, as: UInt16.self))
    }

    @inline(__always)
    private func offset(_ i: Int) -> Int {
        wideRows
            ? rows.unsafelyUnwrapped.load(fromByteOffset: i &* 8, as: Int.self)
            : Int(rows.unsafelyUnwrapped.load(fromByteOffset: i &* 4, as: UInt32.self))
    }

    /// Adopted share of all neighbours (0 for a firm without neighbours).
    @inline(__always)
    func adoptedShare(_ i: Int) -> Double {
        let (adopted, degree) = adoptedAndDegree(i)
        return NeighbourView.share(adopted, of: degree)
    }

    /// All neighbours of firm i.
    @inline(__always)
    func degree(_ i: Int) -> Int32 { Int32(truncatingIfNeeded: offset(i &+ 1) &- offset(i)) }

    /// Neighbours of firm i in its own sector.
    @inline(__always)
    func sameSectorDegree(_ i: Int) -> Int32 { count(sameDegree, i) }

    /// The same counts through a view without width tests, when they are 16-bit, one a
    /// firm, with 32-bit row offsets (nil otherwise).
    var narrow: NarrowNeighbourView? {
        guard !wideCounts && !split && !wideRows, let adopted, let rows else { return nil }
        return NarrowNeighbourView(
            adopted: adopted.assumingMemoryBound(to: UInt16.self), rows: rows.assumingMemoryBound(to: UInt32.self))
    }

    /// Adopted neighbours and all neighbours of firm i.
    @inline(__always)
    func adoptedAndDegree(_ i: Int) -> (adopted: Int32, degree: Int32) {
        (split ? count(adopted, 2 &* i) &+ count(adopted, 2 &* i &+ 1) : count(adopted, i), degree(i))
    }

    /// `adopted / degree`, 0 without neighbours.
    @inline(__always)
    static func share(_ adopted: Int32, of degree: Int32) -> Double {
        degree > 0 ? Double(adopted) / Double(degree) : 0
    }

    @inline(__always)
    func hasNeighbours(_ i: Int) -> Bool { degree(i) > 0 }

    /// Adopted share with neighbours of other sectors weighted by `cross` (heterophily).
    @inline(__always)
    func weightedShare(_ i: Int, cross: Double) -> Double {
        assert(split, "weightedShare reads counts split by sector")
        let same = count(sameDegree, i)
        let weight = Double(same) + cross * Double(degree(i) &- same)
        return weight > 0 ? (Double(count(adopted, 2 &* i)) + cross * Double(count(adopted, 2 &* i &+ 1))) / weight : 0
    }
}

extension NeighbourCounts {
    /// Runs `body` with pointer access to the counts and the rows.
    func withView<R>(_ body: (NeighbourView) -> R) -> R {
        adopted.withBytes { adopted in
            sameDegree.withBytes { sameDegree in
                rows.withView { rows in
                    body(
                        NeighbourView(
                            adopted: adopted, sameDegree: sameDegree, wideCounts: self.adopted.isWide, split: split,
                            rows: rows,
                            maxDegree: maxDegree))
                }
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
