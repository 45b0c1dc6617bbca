/// The social system's ties, in compressed sparse rows: the neighbours of
/// firm i are `neighbors[offsets[i] ..< offsets[i+1]]`, 32-bit ids, sorted,
/// without duplicates or self-ties. Mean-field (complete mixing) is never
/// materialised: rules compute it in O(N) from counts.
public struct Network: Sendable {
    public let kind: NetworkKind
    public let offsets: [Int]
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
        Network(kind: .meanField, offsets: [], neighbors: [], firmCount: firmCount)
    }

    /// Builds the rows from an undirected edge list (each pair once or twice;
    /// duplicates and self-ties are dropped). With `directed`, an edge a->b
    /// means a observes b: only b enters a's row.
    public static func fromEdges(
        kind: NetworkKind, firmCount: Int, sources: [UInt32], targets: [UInt32],
        directed: Bool = false
    ) -> Network {
        precondition(sources.count == targets.count)
        return sources.withUnsafeBufferPointer { sources in
            targets.withUnsafeBufferPointer { targets in
                fromEdges(
                    kind: kind, firmCount: firmCount, edgeCount: sources.count, directed: directed,
                    source: { sources[$0] }, target: { targets[$0] })
            }
        }
    }

    /// The rows of `edgeCount` ties, tie e from `source(e)` to `target(e)`
    /// (a tie from a firm to itself is skipped), as `fromEdges` describes.
    /// Generators that know a tie's source from its number (small-world: tie
    /// e of firm e / half) give no array of sources.
    @inline(__always)
    static func fromEdges(
        kind: NetworkKind, firmCount: Int, edgeCount: Int, directed: Bool, source: (Int) -> UInt32,
        target: (Int) -> UInt32
    ) -> Network {
        // One array of row bounds, filled in place (no copy as a cursor, no
        // second array for the compacted rows): after counting and summing,
        // bounds[a + 1] is where row a starts; each tie placed in row a moves
        // it on, so once all are placed bounds[a + 1] is where row a ends,
        // i.e. bounds[0...n] are the offsets. 1M firms at degree 8 saved 24 MB
        // of temporaries and a million small row arrays.
        var bounds = [Int](repeating: 0, count: firmCount + 2)
        bounds.withUnsafeMutableBufferPointer { bounds in
            for e in 0..<edgeCount {
                let a = source(e), b = target(e)
                guard a != b else { continue }
                bounds[Int(a) + 2] += 1
                if !directed { bounds[Int(b) + 2] += 1 }
            }
        }
        for i in 0..<(firmCount + 1) { bounds[i + 1] += bounds[i] }
        var row = [UInt32](repeating: 0, count: bounds[firmCount + 1])
        row.withUnsafeMutableBufferPointer { row in
            bounds.withUnsafeMutableBufferPointer { bounds in
                for e in 0..<edgeCount {
                    let from = source(e), to = target(e)
                    guard from != to else { continue }
                    let a = Int(from) + 1, b = Int(to) + 1
                    row[bounds[a]] = to
                    bounds[a] += 1
                    if !directed {
                        row[bounds[b]] = from
                        bounds[b] += 1
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
                    let end = offsets[i + 1]
                    var slice = UnsafeMutableBufferPointer(rebasing: row[start..<end])
                    slice.sort()
                    let first = kept
                    for k in start..<end where kept == first || row[k] != row[kept - 1] {
                        row[kept] = row[k]
                        kept += 1
                    }
                    offsets[i + 1] = kept
                    start = end
                }
            }
        }
        row.removeLast(row.count - kept)
        let offsets = bounds, compact = row
        var network = Network(kind: kind, offsets: offsets, neighbors: compact, firmCount: firmCount)
        network.directed = directed
        return network
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
