/// The social system's ties, in compressed sparse rows: the neighbours of
/// firm i are `neighbors[offsets[i] ..< offsets[i+1]]`, 32-bit ids, sorted,
/// without duplicates or self-ties. Mean-field (complete mixing) is never
/// materialised: rules compute it in O(N) from counts.
public struct Network: Sendable {
    public let kind: NetworkKind
    public let offsets: RowOffsets
    public let neighbors: [UInt32]
    public let firmCount: Int
    /// Whether rows list whom a firm observes (edge files declared directed) rather than mutual ties.
    public var directed = false

    public var isMeanField: Bool { if case .meanField = kind { return true } else { return false } }
    /// Number of ties: each mutual tie once (it appears in two rows); in a
    /// directed network each row entry is its own tie (a -> b and b -> a are two).
    public var edgeCount: Int { directed ? neighbors.count : neighbors.count / 2 }

    public func degree(_ firm: Int) -> Int {
        isMeanField ? firmCount - 1 : offsets[firm + 1] - offsets[firm]
    }

    /// Mean degree (N-1 for mean-field).
    public var meanDegree: Double {
        isMeanField ? Double(firmCount - 1) : Double(neighbors.count) / Double(max(firmCount, 1))
    }

    public static func meanField(firmCount: Int) -> Network {
        Network(kind: .meanField, offsets: RowOffsets(), neighbors: [], firmCount: firmCount)
    }

    /// Builds the rows from an undirected edge list (each pair once or twice;
    /// duplicates and self-ties are dropped). With `directed`, an edge a->b
    /// means a observes b: only b enters a's row.
    public static func fromEdges(
        kind: NetworkKind, firmCount: Int, sources: [UInt32], targets: [UInt32],
        directed: Bool = false
    ) -> Network {
        fromEdges(
            kind: kind, firmCount: firmCount, sources: sources, targets: targets, directed: directed,
            narrowEntries: RowOffsets.narrowLimit)
    }

    /// As the public `fromEdges`; `narrowEntries` is the most row entries
    /// whose offsets are kept in 32 bits (tests lower it to build the 64-bit path).
    static func fromEdges(
        kind: NetworkKind, firmCount: Int, sources: [UInt32], targets: [UInt32],
        directed: Bool = false, narrowEntries: Int
    ) -> Network {
        precondition(sources.count == targets.count)
        return sources.withUnsafeBufferPointer { sources in
            targets.withUnsafeBufferPointer { targets in
                fromEdges(
                    kind: kind, firmCount: firmCount, edgeCount: sources.count, directed: directed,
                    narrowEntries: narrowEntries
                ) { visit in
                    for e in 0..<sources.count { visit(sources[e], targets[e]) }
                }
            }
        }
    }

    /// The rows of `edgeCount` ties, which `forEachTie` passes to its
    /// argument one by one, from a firm to a firm (a tie from a firm to itself
    /// is skipped), as `fromEdges` describes; it is called twice, and must pass
    /// the same ties in the same order each time. Generators that make ties in
    /// order (small-world: firm by firm) pass them without an edge list.
    @inline(__always)
    static func fromEdges(
        kind: NetworkKind, firmCount: Int, edgeCount: Int, directed: Bool,
        narrowEntries: Int = RowOffsets.narrowLimit, forEachTie: ((UInt32, UInt32) -> Void) -> Void
    ) -> Network {
        // Each tie fills one row entry, two when mutual: a bound on every
        // offset known before any is counted, so the offsets are counted in
        // the width they are kept in.
        let entries = directed ? edgeCount : 2 * edgeCount
        var network: Network
        if entries <= narrowEntries {
            let (offsets, rows) = fillRows(
                UInt32.self, firmCount: firmCount, directed: directed, forEachTie: forEachTie)
            network = Network(kind: kind, offsets: RowOffsets(offsets), neighbors: rows, firmCount: firmCount)
        } else {
            let (offsets, rows) = fillRows(Int.self, firmCount: firmCount, directed: directed, forEachTie: forEachTie)
            network = Network(kind: kind, offsets: RowOffsets(offsets), neighbors: rows, firmCount: firmCount)
        }
        network.directed = directed
        return network
    }

    /// The offsets (N + 1) and the sorted, deduplicated rows of the ties.
    @inline(__always)
    private static func fillRows<Offset: FixedWidthInteger>(
        _: Offset.Type, firmCount: Int, directed: Bool, forEachTie: ((UInt32, UInt32) -> Void) -> Void
    ) -> ([Offset], [UInt32]) {
        // One array of row bounds, filled in place (no copy as a cursor, no
        // second array for the compacted rows): after counting and summing,
        // bounds[a + 1] is where row a starts; each tie placed in row a moves
        // it on, so once all are placed bounds[a + 1] is where row a ends,
        // i.e. bounds[0...n] are the offsets. 1M firms at degree 8 saved 24 MB
        // of temporaries and a million small row arrays.
        var bounds = [Offset](repeating: 0, count: firmCount + 2)
        bounds.withUnsafeMutableBufferPointer { bounds in
            forEachTie { a, b in
                guard a != b else { return }
                bounds[Int(a) + 2] &+= 1
                if !directed { bounds[Int(b) + 2] &+= 1 }
            }
            for i in 0..<(firmCount + 1) { bounds[i + 1] &+= bounds[i] }
        }
        var row = [UInt32](repeating: 0, count: Int(bounds[firmCount + 1]))
        row.withUnsafeMutableBufferPointer { row in
            bounds.withUnsafeMutableBufferPointer { bounds in
                forEachTie { from, to in
                    guard from != to else { return }
                    let a = Int(from) + 1, b = Int(to) + 1
                    row[Int(bounds[a])] = to
                    bounds[a] &+= 1
                    if !directed {
                        row[Int(bounds[b])] = from
                        bounds[b] &+= 1
                    }
                }
            }
        }
        bounds.removeLast()
        // Sort each row and drop duplicates so the graph is simple; compacted
        // in place, rows only move left.
        var kept = 0
        row.withUnsafeMutableBufferPointer { row in
            bounds.withUnsafeMutableBufferPointer { offsets in
                var start = 0
                for i in 0..<firmCount {
                    let end = Int(offsets[i + 1])
                    var slice = UnsafeMutableBufferPointer(rebasing: row[start..<end])
                    slice.sort()
                    let first = kept
                    for k in start..<end where kept == first || row[k] != row[kept - 1] {
                        row[kept] = row[k]
                        kept += 1
                    }
                    offsets[i + 1] = Offset(kept)
                    start = end
                }
            }
        }
        row.removeLast(row.count - kept)
        return (bounds, row)
    }
}

/// Where each firm's row starts in a network's `neighbors`, and where the
/// last one ends: N + 1 offsets, rising.
///
/// Why two widths: besides the ids themselves the offsets are the network's
/// one array of a value per firm. In 32 bits they take 4 bytes a firm instead
/// of 8, and they fit whenever the rows hold fewer than 2^32 entries (537
/// million firms at degree 8); rows of more are indexed with 64-bit offsets.
/// The width is chosen when the rows are built and never changes.
public struct RowOffsets: RandomAccessCollection, Sendable, Equatable {
    /// The most row entries whose offsets are kept in 32 bits.
    static let narrowLimit = Int(UInt32.max)
    /// The offsets in 32 bits, or empty when `wide` holds them.
    private let narrow: [UInt32]
    /// The offsets in 64 bits, only for rows of more than `narrowLimit` entries.
    private let wide: [Int]
    /// Whether the offsets are 64-bit.
    let isWide: Bool

    init() {
        narrow = []
        wide = []
        isWide = false
    }

    init(_ offsets: [UInt32]) {
        narrow = offsets
        wide = []
        isWide = false
    }

    init(_ offsets: [Int]) {
        narrow = []
        wide = offsets
        isWide = true
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { isWide ? wide.count : narrow.count }

    public subscript(position: Int) -> Int {
        @inline(__always) get { isWide ? wide[position] : Int(narrow[position]) }
    }

    /// Equal offsets, whatever width holds them.
    public static func == (a: RowOffsets, b: RowOffsets) -> Bool {
        a.isWide == b.isWide ? a.narrow == b.narrow && a.wide == b.wide : a.elementsEqual(b)
    }

    /// Calls `body` with pointer access to the offsets, valid only during the call.
    @inline(__always)
    func withView<Result>(_ body: (RowOffsetsView) -> Result) -> Result {
        isWide
            ? wide.withUnsafeBytes { body(RowOffsetsView(bytes: $0, isWide: true)) }
            : narrow.withUnsafeBytes { body(RowOffsetsView(bytes: $0, isWide: false)) }
    }
}

/// Row offsets as the hot loops read them: the bytes of whichever width
/// holds them (one pointer, so a view stays small), and that width as one
/// flag, the same for every read, so its branch is always predicted.
struct RowOffsetsView {
    let bytes: UnsafeRawBufferPointer
    let isWide: Bool

    @inline(__always)
    subscript(position: Int) -> Int {
        isWide
            ? bytes.load(fromByteOffset: position &* 8, as: Int.self)
            : Int(bytes.load(fromByteOffset: position &* 4, as: UInt32.self))
    }
}

/// The kinds of network a scenario can ask for.
public enum NetworkKind: Sendable, Equatable {
    case meanField
    /// Watts-Strogatz: ring lattice of even `degree`, each tie rewired with probability `rewire`.
    case smallWorld(degree: Int, rewire: Double)
    /// Random graph with exactly `round(N * meanDegree / 2)` distinct ties (G(N, M)).
    case erdosRenyi(meanDegree: Double)
    /// Barabasi-Albert preferential attachment, `attach` ties per new firm.
    case scaleFree(attach: Int)
    /// Every firm has exactly `degree` neighbours, 4 (von Neumann) or 8 (Moore):
    /// a 2-D torus when N is a perfect square, otherwise the circulant graph
    /// that wraps rows of width round(sqrt N) (see `NetworkBuilder.lattice`).
    case lattice(degree: Int)
    /// Read from an edge list.
    case edges

    public var name: String {
        switch self {
        case .meanField: return "mean-field"
        case .smallWorld: return "small-world"
        case .erdosRenyi: return "erdos-renyi"
        case .scaleFree: return "scale-free"
        case .lattice: return "lattice"
        case .edges: return "edges"
        }
    }
}
