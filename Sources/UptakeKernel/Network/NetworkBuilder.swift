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
    /// The draws of far ends and of rewiring (tick -2), keyed once for the
    /// whole graph instead of mixing the seed, stream and tick for each tie.
    private let partnerDraws: CounterRNG.Keyed
    private let rewireDraws: CounterRNG.Keyed

    public init(sectorOf: [UInt8], homophily: Double, rng: CounterRNG) {
        self.firmCount = sectorOf.count
        self.sectorOf = sectorOf
        self.homophily = homophily
        self.rng = rng
        partnerDraws = rng.keyed(tick: -2, stream: .network)
        rewireDraws = rng.keyed(tick: -2, stream: .networkRewire)
    }

    /// Firms by sector, which homophily draws partners from; empty lists
    /// without homophily (4 bytes a firm otherwise spent for nothing). Made by
    /// a generator while it draws, not kept by the builder, so that the lists
    /// are freed before the rows are filled, the peak of building a run.
    func sectorMembers() -> [[UInt32]] {
        var members = [[UInt32]](repeating: [], count: Int(sectorOf.max() ?? 0) + 1)
        guard homophily > 0 else { return members }
        // Each list reserved at its exact size: grown by appending, it could hold twice its firms.
        var sizes = [Int](repeating: 0, count: members.count)
        for s in sectorOf { sizes[Int(s)] += 1 }
        for s in members.indices { members[s].reserveCapacity(sizes[s]) }
        for (i, s) in sectorOf.enumerated() { members[Int(s)].append(UInt32(i)) }
        return members
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

    /// A random far end for tie number `draw` of firm `from`, homophily-aware (`members`: `sectorMembers()`).
    /// `attempt` > 0 gives fresh draws for the same tie when an earlier end was refused.
    @inline(__always)
    func randomPartner(of from: Int, draw: Int, attempt: Int = 0, members: [[UInt32]]) -> UInt32 {
        // Attempt 0 keeps counters 1 and 2, so ties that never needed a retry are the
        // ones earlier versions drew; retries use counters 16 and up, unused elsewhere.
        let counter = attempt == 0 ? UInt64(1) : UInt64(14 + 2 * attempt)
        let u = partnerDraws.uniform(firm: draw, draw: counter)
        let v = partnerDraws.uniform(firm: draw, draw: counter + 1)
        if homophily > 0 && u < homophily {
            let own = members[Int(sectorOf[from])]
            return own[min(Int(v * Double(own.count)), own.count - 1)]
        }
        return UInt32(min(Int(v * Double(firmCount)), firmCount - 1))
    }

    /// One key per unordered pair, lower id in the high half, so sorting keys sorts pairs.
    @inline(__always)
    static func pairKey(_ a: Int, _ b: Int) -> UInt64 {
        UInt64(min(a, b)) << 32 | UInt64(max(a, b))
    }

    /// How many times a refused far end is redrawn before a search of all firms
    /// (only a firm tied to nearly every candidate can exhaust this).
    static let partnerAttempts = 100

    /// Watts-Strogatz: ring ties (i, i+1 ... i+degree/2); each is rewired with
    /// probability `rewire` to a far end that is neither the firm itself nor
    /// already tied to it, redrawing until one is, so the graph stays simple and
    /// the mean degree stays exactly `degree` (given N > degree; with fewer
    /// firms it is the complete graph).
    func smallWorld(_ kind: NetworkKind, degree: Int, rewire: Double) -> Network {
        let half = max(1, degree / 2)
        let n = firmCount
        // The ring needs N > degree for its ties to be distinct; fewer firms get every pair.
        if n <= 2 * half { return complete(kind) }
        // Whether ring tie (i, i+j) is rewired is a pure function of its counter,
        // so "is a-b a ring tie that stays?" can be answered before the loop reaches it.
        func rewires(_ draw: Int) -> Bool {
            rewireDraws.uniform(firm: draw) < rewire
        }
        // Distances round the ring by a compare, not `%`: a division for every tie was
        // a tenth of building the network (a and b are firm numbers, in 0..<n).
        func keptRingTie(_ a: Int, _ b: Int) -> Bool {
            let forward = b >= a ? b - a : b - a + n
            if forward >= 1 && forward <= half { return !rewires(a * half + forward) }
            let backward = forward == 0 ? 0 : n - forward
            if backward >= 1 && backward <= half { return !rewires(b * half + backward) }
            return false
        }
        // Tie j of firm i is tie number i * half + j - 1. A ring tie that stays
        // needs nothing stored: its far end is i + j. Only the far ends of the
        // rewired ties are kept, in tie order, with a bit a tie saying which
        // ties those are (`RewiredEnds`). An array of every far end took 16
        // bytes a firm at degree 8 and was held while the rows (32 bytes) were
        // filled, the peak of building a run; these take about 2. A tie that is
        // dropped points at i itself, which building the rows skips as a
        // self-tie. Made in a function of its own so that the set of placed ties
        // is freed before the rows are built.
        func farEnds() -> RewiredEnds {
            let members = sectorMembers()
            // Rewired ties placed so far; with the kept ring ties they are the whole graph.
            // Sized for the expected number of rewired ties, so the set is not rehashed as it grows.
            let expected = Int(Double(n * half) * min(max(rewire, 0), 1) * 1.1) + 16
            var placed = PairSet(expected: expected)
            var ends = RewiredEnds(ties: n * half, expected: expected)
            // Whether t may be firm i's new far end. `placed` is a parameter, not captured: a
            // local function capturing the mutable set made every loop pass a dynamic exclusivity
            // check (an eighth of building a small-world network).
            func free(_ t: Int, for i: Int, ring: Int, placed: borrowing PairSet) -> Bool {
                t != i && t != ring && !keptRingTie(i, t) && !placed.contains(NetworkBuilder.pairKey(i, t))
            }
            // First the ties that are rewired, then their far ends: placing one reads the set
            // at a random address, and in a loop over only those ties (a tenth at the usual
            // rewiring) the processor has the next tie's reads under way while one waits; in
            // the loop over all ties they were too far apart. Same ties, same order.
            var rewired: [Int] = []
            rewired.reserveCapacity(expected)
            for draw in 1...(n * half) where rewires(draw) { rewired.append(draw) }
            for draw in rewired {
                let i = (draw - 1) / half, j = draw - i * half
                let ring = i + j < n ? i + j : i + j - n
                var target: Int? = nil
                for attempt in 0..<NetworkBuilder.partnerAttempts {
                    let t = Int(randomPartner(of: i, draw: draw, attempt: attempt, members: members))
                    if free(t, for: i, ring: ring, placed: placed) {
                        target = t
                        break
                    }
                }
                if target == nil {
                    // Only in a graph close to complete: take the first free firm after a random start.
                    let start = Int(
                        randomPartner(
                            of: i, draw: draw, attempt: NetworkBuilder.partnerAttempts, members: members))
                    var k = 0
                    while k < n {
                        let t = (start + k) % n
                        if free(t, for: i, ring: ring, placed: placed) {
                            target = t
                            break
                        }
                        k += 1
                    }
                }
                // No free far end at all: keep the ring tie if nothing took its place, else drop it.
                let end = target ?? ring
                let key = NetworkBuilder.pairKey(i, end)
                if target == nil && placed.contains(key) {
                    ends.rewire(tie: draw - 1, to: UInt32(i))  // dropped
                    continue
                }
                placed.insert(key)
                ends.rewire(tie: draw - 1, to: UInt32(end))
            }
            return ends
        }
        let ends = farEnds()
        return ends.withView { ends in
            Network.fromEdges(kind: kind, firmCount: n, edgeCount: n * half, directed: false) { visit in
                ends.forEachTie(firmCount: n, half: half, visit)
            }
        }
    }

    /// The far ends of a small-world network's rewired ties: bit e of
    /// `rewired` says whether tie e was rewired, and `ends` holds the far ends
    /// of those that were, in tie order, so passing the ties in order finds
    /// each with a cursor.
    struct RewiredEnds {
        /// Bit e set when tie e was rewired (or dropped).
        private var rewired: [UInt64]
        /// Far ends of the rewired ties, in tie order.
        private var ends: [UInt32] = []

        init(ties: Int, expected: Int) {
            rewired = [UInt64](repeating: 0, count: (ties + 63) / 64)
            ends.reserveCapacity(expected)
        }

        /// Tie `tie` goes to `end`; ties are rewired in rising order.
        mutating func rewire(tie: Int, to end: UInt32) {
            rewired[tie >> 6] |= 1 << UInt64(tie & 63)
            ends.append(end)
        }

        func withView<Result>(_ body: (View) -> Result) -> Result {
            rewired.withUnsafeBufferPointer { rewired in
                ends.withUnsafeBufferPointer { ends in body(View(rewired: rewired, ends: ends)) }
            }
        }

        struct View {
            let rewired: UnsafeBufferPointer<UInt64>
            let ends: UnsafeBufferPointer<UInt32>

            /// Passes every tie of the network, in tie order, from its firm to its far end:
            /// tie j of firm i is tie i * half + j - 1, and a ring tie that stays goes to i + j.
            @inline(__always)
            func forEachTie(firmCount n: Int, half: Int, _ visit: (UInt32, UInt32) -> Void) {
                // Firm numbers fit 32 bits (ids are UInt32), so the loop counts in them with
                // wrapping arithmetic: no overflow or conversion checks on every tie.
                let count = UInt32(truncatingIfNeeded: n), width = UInt32(truncatingIfNeeded: half)
                var tie = 0, next = 0
                var from: UInt32 = 0
                while from < count {
                    var j: UInt32 = 1
                    while j <= width {
                        if rewired[tie &>> 6] &>> UInt64(tie & 63) & 1 != 0 {
                            visit(from, ends[next])
                            next &+= 1
                        } else {
                            // Past the last firm back to the first (n > 2 half, so once at most).
                            let ring = from &+ j
                            visit(from, ring < count ? ring : ring &- count)
                        }
                        tie &+= 1
                        j &+= 1
                    }
                    from &+= 1
                }
            }
        }
    }

    /// Every firm tied to every other.
    func complete(_ kind: NetworkKind) -> Network {
        var sources = [UInt32](), targets = [UInt32]()
        for i in 0..<firmCount {
            for j in (i + 1)..<max(i + 1, firmCount) {
                sources.append(UInt32(i))
                targets.append(UInt32(j))
            }
        }
        return .fromEdges(kind: kind, firmCount: firmCount, sources: sources, targets: targets)
    }

    /// G(N, M): exactly M = round(N * meanDegree / 2) distinct ties (at most all
    /// N(N-1)/2 pairs), so the mean degree is the stated one up to that rounding.
    /// Pairs are drawn in counter order and a self-tie or a repeat is skipped, as
    /// if drawn one at a time until M distinct ties exist.
    func erdosRenyi(_ kind: NetworkKind, meanDegree: Double) -> Network {
        let n = firmCount
        let possible = n * (n - 1) / 2
        let wanted = min(Int((Double(n) * max(meanDegree, 0) / 2).rounded()), possible)
        // Drawn in rounds of "as many pairs as are still missing", then sorted and
        // deduplicated: a round never overshoots M, and sorting keys once per round
        // is cheaper than a hash set for millions of ties. Repeats are rare when
        // the graph is sparse, so a few rounds suffice.
        let members = sectorMembers()
        var keys = [UInt64]()
        keys.reserveCapacity(wanted)
        var draw = 0
        let drawLimit = 100 * wanted + 10_000  // guards a graph too dense (or too homophilous) to fill
        while keys.count < wanted && draw < drawLimit {
            for _ in 0..<(wanted - keys.count) {
                let u = partnerDraws.uniform(firm: draw, draw: 3)
                let a = min(Int(u * Double(n)), n - 1)
                let b = Int(randomPartner(of: a, draw: draw, members: members))
                draw += 1
                if a != b { keys.append(NetworkBuilder.pairKey(a, b)) }
            }
            keys.sort()
            var unique = 0
            for k in keys.indices where unique == 0 || keys[k] != keys[unique - 1] {
                keys[unique] = keys[k]
                unique += 1
            }
            keys.removeLast(keys.count - unique)
        }
        let sources = keys.map { UInt32(truncatingIfNeeded: $0 >> 32) }
        let targets = keys.map { UInt32(truncatingIfNeeded: $0) }
        return .fromEdges(kind: kind, firmCount: n, sources: sources, targets: targets)
    }

    func scaleFree(_ kind: NetworkKind, attach m: Int) -> Network {
        // Preferential attachment through the list of tie ends: a firm appears
        // once per tie it has, so a uniform pick from the list is degree-weighted.
        var ends = [UInt32]()
        var sources = [UInt32](), targets = [UInt32]()
        let seedSize = min(max(m, 1) + 1, firmCount)
        for i in 0..<seedSize {
            for j in 0..<i {
                sources.append(UInt32(i))
                targets.append(UInt32(j))
                ends += [UInt32(i), UInt32(j)]
            }
        }
        for i in seedSize..<max(seedSize, firmCount) {
            var chosen = Set<UInt32>()
            var draw = 0
            while chosen.count < min(m, i) {
                let u = partnerDraws.uniform(firm: i, draw: UInt64(draw) &+ 10)
                var t = ends[min(Int(u * Double(ends.count)), ends.count - 1)]
                // Homophily by retry: prefer a same-sector end with the given probability.
                if homophily > 0 && sectorOf[Int(t)] != sectorOf[i]
                    && rewireDraws.uniform(firm: i, draw: UInt64(draw)) < homophily
                    && draw < 8 * m
                {
                    draw += 1
                    continue
                }
                if t == UInt32(i) { t = ends[0] }
                chosen.insert(t)
                draw += 1
            }
            for t in chosen.sorted() {
                sources.append(UInt32(i))
                targets.append(t)
                ends += [UInt32(i), t]
            }
        }
        return .fromEdges(kind: kind, firmCount: firmCount, sources: sources, targets: targets)
    }

    /// Every firm gets exactly `degree` (4 or 8) neighbours, for any N >= 5 (4) or 9 (8).
    ///
    /// When N is a perfect square w * w: the 2-D torus of side w, neighbours
    /// left, right, up, down (and the four diagonals for degree 8).
    /// Otherwise: firms laid in rows of width w = round(sqrt N) that wrap into
    /// each other, i.e. the circulant graph where firm i is tied to i +- 1 and
    /// i +- w (and i +- (w - 1), i +- (w + 1) for degree 8), all mod N. It is
    /// the torus with a shifted seam, so locality is the same, and the offsets
    /// are distinct mod N whenever 2 (w + 1) < N, which the minimum N ensures.
    func lattice(_ kind: NetworkKind, degree: Int) -> Network {
        let n = firmCount
        let width = Int(Double(n).squareRoot().rounded())
        var sources = [UInt32](), targets = [UInt32]()
        if width * width == n {
            // The torus kept from earlier versions, so square N gives the same graph.
            let steps: [(Int, Int)] = degree >= 8 ? [(1, 0), (0, 1), (1, 1), (1, -1)] : [(1, 0), (0, 1)]
            for i in 0..<n {
                let x = i % width, y = i / width
                for (dx, dy) in steps {
                    let nx = (x + dx + width) % width, ny = (y + dy + width) % width
                    sources.append(UInt32(i))
                    targets.append(UInt32(ny * width + nx))
                }
            }
        } else {
            let offsets = degree >= 8 ? [1, width - 1, width, width + 1] : [1, width]
            for i in 0..<n {
                for offset in offsets {
                    sources.append(UInt32(i))
                    targets.append(UInt32((i + offset) % n))
                }
            }
        }
        return .fromEdges(kind: kind, firmCount: n, sources: sources, targets: targets)
    }

    /// Why `kind` cannot be built on `firmCount` firms, or nil if it can.
    /// Scenario files check this when they are read; `Simulation` checks it again.
    public static func problem(building kind: NetworkKind, firmCount n: Int) -> NetworkError? {
        switch kind {
        case .lattice(let degree):
            guard degree == 4 || degree == 8 else {
                return NetworkError(
                    description: "a lattice has degree 4 or 8, not \(degree)", fix: "Use degree = 4 or degree = 8")
            }
            let minimum = degree == 4 ? 5 : 9
            if n < minimum {
                return NetworkError(
                    description: "a lattice of degree \(degree) needs at least \(minimum) firms, not \(n)",
                    fix: degree == 8 && n >= 5
                        ? "Use degree = 4 or more firms" : "Use more firms or kind = \"mean-field\"")
            }
        case .meanField, .smallWorld, .erdosRenyi, .scaleFree, .edges:
            // Small-world and Erdos-Renyi asked for a degree of N - 1 or more give the
            // complete graph: the default small-world of degree 8 must work on a firms
            // file of a handful of firms.
            break
        }
        return nil
    }
}

/// A network that cannot be built on the population asked for.
public struct NetworkError: Error, CustomStringConvertible {
    public let problem: String
    public let fix: String
    public init(description: String, fix: String) {
        self.problem = description
        self.fix = fix
    }
    public var description: String { "\(problem). \(fix)" }
}

/// The rewired ties `smallWorld` has placed, as pair keys
/// (`NetworkBuilder.pairKey`): open addressing with linear probing and a
/// multiplicative hash, at most half full. A tie is never a self-tie, so no
/// key is 0, which marks an empty slot. (A `Set<UInt64>` hashed every key
/// with SipHash, about a third of the cost of placing a rewired tie; only
/// membership matters here, so the graph is the same.)
struct PairSet {
    private var slots: [UInt64]
    private var count = 0
    /// 64 minus log2 of the slots: the hash's top bits index a slot.
    private var shift: Int

    init(expected: Int) {
        var capacity = 16
        while capacity < 2 * expected { capacity <<= 1 }
        slots = [UInt64](repeating: 0, count: capacity)
        shift = 64 - capacity.trailingZeroBitCount
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
    }

    func contains(_ key: UInt64) -> Bool {
        if key == 0 { return false }  // 0 marks an empty slot; no tie has it
        let mask = slots.count - 1
        var i = home(key)
        while true {
            let k = slots[i]
            if k == key { return true }
            if k == 0 { return false }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ key: UInt64) {
        precondition(key != 0, "a pair key is never 0 (no self-ties)")
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var i = home(key)
        while slots[i] != 0 {
            if slots[i] == key { return }
            i = (i + 1) & mask
        }
        slots[i] = key
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: 2 * old.count)
        shift -= 1
        count = 0
        for key in old where key != 0 { insert(key) }
    }
}
