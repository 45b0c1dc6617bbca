/// Generates networks. Construction is sequential and draws from the counter
/// RNG at tick -2 keyed by edge number, so the same seed gives the same graph.
///
/// Homophily: whenever a tie's far end is drawn at random, with probability
/// `homophily` it is drawn among firms of the same sector instead of among
/// all firms (McPherson, Smith-Lovin and Cook 2001: ties form among similar actors).
public struct NetworkBuilder {
    public let firmCount: Int
    public let sectorOf: [UInt8]
    public let homophily: Double
    public let rng: CounterRNG
    private let members: [[UInt32]]

    public init(sectorOf: [UInt8], homophily: Double, rng: CounterRNG) {
        self.firmCount = sectorOf.count
        self.sectorOf = sectorOf
        self.homophily = homophily
        self.rng = rng
        var members = [[UInt32]](repeating: [], count: Int(sectorOf.max() ?? 0) + 1)
        for (i, s) in sectorOf.enumerated() { members[Int(s)].append(UInt32(i)) }
        self.members = members
    }

    public func build(_ kind: NetworkKind) -> Network {
        switch kind {
        case .meanField: return .meanField(firmCount: firmCount)
        case .smallWorld(let degree, let rewire): return smallWorld(kind, degree: degree, rewire: rewire)
        case .erdosRenyi(let meanDegree): return erdosRenyi(kind, meanDegree: meanDegree)
        case .scaleFree(let attach): return scaleFree(kind, attach: attach)
        case .lattice(let degree): return lattice(kind, degree: degree)
        case .edges: preconditionFailure("edge lists are built with Network.fromEdges")
        }
    }

    /// A random far end for tie number `draw` of firm `from`, homophily-aware.
    @inline(__always)
    func randomPartner(of from: Int, draw: Int) -> UInt32 {
        let u = rng.uniform(tick: -2, firm: draw, stream: .network, draw: 1)
        let v = rng.uniform(tick: -2, firm: draw, stream: .network, draw: 2)
        if homophily > 0 && u < homophily {
            let own = members[Int(sectorOf[from])]
            return own[min(Int(v * Double(own.count)), own.count - 1)]
        }
        return UInt32(min(Int(v * Double(firmCount)), firmCount - 1))
    }

    func smallWorld(_ kind: NetworkKind, degree: Int, rewire: Double) -> Network {
        let half = max(1, degree / 2)
        var sources = [UInt32](), targets = [UInt32]()
        sources.reserveCapacity(firmCount * half); targets.reserveCapacity(firmCount * half)
        for i in 0..<firmCount {
            for j in 1...half {
                let draw = i * half + j
                var t = UInt32((i + j) % firmCount)
                if rng.uniform(tick: -2, firm: draw, stream: .networkRewire) < rewire {
                    t = randomPartner(of: i, draw: draw)
                }
                sources.append(UInt32(i)); targets.append(t)
            }
        }
        return .fromEdges(kind: kind, firmCount: firmCount, sources: sources, targets: targets)
    }

    func erdosRenyi(_ kind: NetworkKind, meanDegree: Double) -> Network {
        // N * d / 2 ties with uniformly drawn ends: the sparse limit of G(N, p).
        let ties = Int((Double(firmCount) * meanDegree / 2).rounded())
        var sources = [UInt32](), targets = [UInt32]()
        for e in 0..<ties {
            let a = Int(rng.uniform(tick: -2, firm: e, stream: .network, draw: 3) * Double(firmCount))
            sources.append(UInt32(a)); targets.append(randomPartner(of: a, draw: e))
        }
        return .fromEdges(kind: kind, firmCount: firmCount, sources: sources, targets: targets)
    }

    func scaleFree(_ kind: NetworkKind, attach m: Int) -> Network {
        // Preferential attachment through the list of tie ends: a firm appears
        // once per tie it has, so a uniform pick from the list is degree-weighted.
        var ends = [UInt32]()
        var sources = [UInt32](), targets = [UInt32]()
        let seedSize = min(max(m, 1) + 1, firmCount)
        for i in 0..<seedSize { for j in 0..<i { sources.append(UInt32(i)); targets.append(UInt32(j)); ends += [UInt32(i), UInt32(j)] } }
        for i in seedSize..<max(seedSize, firmCount) {
            var chosen = Set<UInt32>()
            var draw = 0
            while chosen.count < min(m, i) {
                let u = rng.uniform(tick: -2, firm: i, stream: .network, draw: UInt64(draw) &+ 10)
                var t = ends[min(Int(u * Double(ends.count)), ends.count - 1)]
                // Homophily by retry: prefer a same-sector end with the given probability.
                if homophily > 0 && sectorOf[Int(t)] != sectorOf[i] &&
                    rng.uniform(tick: -2, firm: i, stream: .networkRewire, draw: UInt64(draw)) < homophily && draw < 8 * m {
                    draw += 1; continue
                }
                if t == UInt32(i) { t = ends[0] }
                chosen.insert(t)
                draw += 1
            }
            for t in chosen.sorted() { sources.append(UInt32(i)); targets.append(t); ends += [UInt32(i), t] }
        }
        return .fromEdges(kind: kind, firmCount: firmCount, sources: sources, targets: targets)
    }

    func lattice(_ kind: NetworkKind, degree: Int) -> Network {
        let side = Int(Double(firmCount).squareRoot().rounded(.up))
        var sources = [UInt32](), targets = [UInt32]()
        let steps: [(Int, Int)] = degree >= 8 ? [(1, 0), (0, 1), (1, 1), (1, -1)] : [(1, 0), (0, 1)]
        for i in 0..<firmCount {
            let x = i % side, y = i / side
            for (dx, dy) in steps {
                let nx = (x + dx + side) % side, ny = (y + dy + side) % side
                let j = ny * side + nx
                if j < firmCount && j != i { sources.append(UInt32(i)); targets.append(UInt32(j)) }
            }
        }
        return .fromEdges(kind: kind, firmCount: firmCount, sources: sources, targets: targets)
    }
}
