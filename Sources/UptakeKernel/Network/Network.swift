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
        var degree = [Int](repeating: 0, count: firmCount + 1)
        for e in 0..<sources.count where sources[e] != targets[e] {
            degree[Int(sources[e]) + 1] += 1
            if !directed { degree[Int(targets[e]) + 1] += 1 }
        }
        for i in 0..<firmCount { degree[i + 1] += degree[i] }
        var cursor = degree
        var row = [UInt32](repeating: 0, count: degree[firmCount])
        for e in 0..<sources.count where sources[e] != targets[e] {
            let a = Int(sources[e]), b = Int(targets[e])
            row[cursor[a]] = targets[e]
            cursor[a] += 1
            if !directed {
                row[cursor[b]] = sources[e]
                cursor[b] += 1
            }
        }
        // Sort each row and drop duplicates so the graph is simple.
        var offsets = [Int](repeating: 0, count: firmCount + 1)
        var compact = [UInt32]()
        compact.reserveCapacity(row.count)
        for i in 0..<firmCount {
            var slice = Array(row[degree[i]..<degree[i + 1]])
            slice.sort()
            var last: UInt32? = nil
            for v in slice where v != last {
                compact.append(v)
                last = v
            }
            offsets[i + 1] = compact.count
        }
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
