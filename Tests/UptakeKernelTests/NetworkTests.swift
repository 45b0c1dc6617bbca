import XCTest
@testable import UptakeKernel

/// The generated networks have the degree they are asked for, are simple and
/// symmetric, and are a function of the seed.
final class NetworkTests: XCTestCase {
    func builder(firms: Int, homophily: Double = 0.5, seed: UInt64 = 2) -> NetworkBuilder {
        let sectors = (0..<firms).map { UInt8($0 % 8) }
        return NetworkBuilder(sectorOf: sectors, homophily: homophily, rng: CounterRNG(seed: seed))
    }

    func row(_ net: Network, _ i: Int) -> [UInt32] {
        Array(net.neighbors[net.offsets[i]..<net.offsets[i + 1]])
    }

    /// No self-ties, no repeats, and j in i's row exactly when i is in j's.
    func assertSimpleAndSymmetric(_ net: Network, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        var pairs = Set<UInt64>()
        for i in 0..<net.firmCount {
            let r = row(net, i)
            XCTAssertFalse(r.contains(UInt32(i)), "self-tie at \(i) in \(label)", file: file, line: line)
            XCTAssertEqual(Set(r).count, r.count, "duplicate tie at \(i) in \(label)", file: file, line: line)
            for j in r { pairs.insert(UInt64(i) << 32 | UInt64(j)) }
        }
        for p in pairs where !pairs.contains((p & 0xFFFF_FFFF) << 32 | p >> 32) {
            XCTFail("tie \(p >> 32)->\(p & 0xFFFF_FFFF) has no way back in \(label)", file: file, line: line)
            return
        }
    }

    func testLatticeGivesEveryFirmExactlyItsDegreeForAnyFirmCount() {
        for degree in [4, 8] {
            let smallest = degree == 4 ? 5 : 9
            for n in Array(smallest...300) + [1000, 1001, 20_000] {
                let net = builder(firms: n).build(.lattice(degree: degree))
                let label = "lattice \(degree), \(n) firms"
                for i in 0..<n where net.degree(i) != degree {
                    XCTFail("firm \(i) has degree \(net.degree(i)) in \(label)")
                    break
                }
                XCTAssertEqual(net.edgeCount, n * degree / 2, label)
                assertSimpleAndSymmetric(net, label)
            }
        }
    }

    func testLatticeIsTheTorusForSquareCountsAndWrapsRowsOtherwise() {
        // 400 = 20 x 20: firm 0 sees right (1), left (19), down (20) and up (380), as before.
        XCTAssertEqual(row(builder(firms: 400).build(.lattice(degree: 4)), 0), [1, 19, 20, 380])
        XCTAssertEqual(row(builder(firms: 400).build(.lattice(degree: 8)), 0), [1, 19, 20, 21, 39, 380, 381, 399])
        // 20,000 firms: rows of 141 that wrap into each other, offsets +-1 and +-141 mod N
        // (earlier versions gave firm 0 only {1, 141, 142}).
        XCTAssertEqual(row(builder(firms: 20_000).build(.lattice(degree: 4)), 0), [1, 141, 19_859, 19_999])
        XCTAssertEqual(
            row(builder(firms: 20_000).build(.lattice(degree: 8)), 0),
            [1, 140, 141, 142, 19_858, 19_859, 19_860, 19_999])
    }

    func testNetworksTooSmallOrOfAnUnsupportedDegreeAreRefused() throws {
        XCTAssertNil(NetworkBuilder.problem(building: .lattice(degree: 4), firmCount: 5))
        XCTAssertNil(NetworkBuilder.problem(building: .lattice(degree: 8), firmCount: 9))
        let small = try XCTUnwrap(NetworkBuilder.problem(building: .lattice(degree: 4), firmCount: 4))
        XCTAssertTrue(small.description.contains("at least 5 firms"), small.description)
        let odd = try XCTUnwrap(NetworkBuilder.problem(building: .lattice(degree: 6), firmCount: 400))
        XCTAssertTrue(odd.description.contains("degree 4 or 8"), odd.description)
        // Small-world and Erdos-Renyi on N <= degree firms are the complete graph, not an error:
        // the default small-world of degree 8 must work on a firms file of three firms.
        XCTAssertNil(NetworkBuilder.problem(building: .smallWorld(degree: 8, rewire: 0.1), firmCount: 3))
        for kind in [NetworkKind.smallWorld(degree: 8, rewire: 0.5), .erdosRenyi(meanDegree: 12)] {
            let net = builder(firms: 6).build(kind)
            XCTAssertTrue((0..<6).allSatisfy { net.degree($0) == 5 }, kind.name)
        }
        let config = SimulationConfig(
            calendar: try TickCalendar(start: "2023Q1", unit: .quarter),
            population: PopulationSpec(count: 4), network: .lattice(degree: 4))
        XCTAssertThrowsError(try Simulation(config)) { XCTAssertTrue($0 is NetworkError, "\($0)") }
    }

    func testErdosRenyiHasExactlyTheStatedNumberOfTies() {
        // Earlier versions dropped repeats after drawing: 200 firms, degree 6 gave 568 ties.
        for (n, degree, homophily) in [
            (200, 6.0, 0.5), (200, 6.0, 0.0), (5000, 8.0, 0.8), (10, 9.0, 0.5), (301, 3.0, 0.5),
        ] {
            let net = builder(firms: n, homophily: homophily).build(.erdosRenyi(meanDegree: degree))
            let label = "erdos-renyi \(n) firms, degree \(degree), homophily \(homophily)"
            XCTAssertEqual(net.edgeCount, Int((Double(n) * degree / 2).rounded()), label)
            assertSimpleAndSymmetric(net, label)
        }
        // 10 firms, degree 9: every pair, the complete graph.
        let complete = builder(firms: 10).build(.erdosRenyi(meanDegree: 9))
        XCTAssertTrue((0..<10).allSatisfy { complete.degree($0) == 9 })
    }

    func testSmallWorldRewiringKeepsTheMeanDegree() {
        // Earlier versions dropped repeats and self-ties made by rewiring, so the mean fell below the degree.
        for (n, degree, rewire) in [(200, 6, 0.1), (5000, 8, 0.1), (5000, 8, 1.0), (30, 8, 0.5), (20, 8, 1.0)] {
            let net = builder(firms: n).build(.smallWorld(degree: degree, rewire: rewire))
            let label = "small-world \(n) firms, degree \(degree), rewire \(rewire)"
            XCTAssertEqual(net.meanDegree, Double(degree), label)
            assertSimpleAndSymmetric(net, label)
        }
        // Near-complete (12 firms, degree 10, all rewired): firms processed last are already
        // tied to everyone, so a few ties find no far end and are dropped; it stays simple.
        let dense = builder(firms: 12).build(.smallWorld(degree: 10, rewire: 1))
        XCTAssertGreaterThan(dense.meanDegree, 9)
        XCTAssertLessThanOrEqual(dense.meanDegree, 10)
        assertSimpleAndSymmetric(dense, "near-complete small-world")
        // Without rewiring it is the ring: firm 0 sees 1, 2, 3 and N-3, N-2, N-1.
        XCTAssertEqual(row(builder(firms: 100).build(.smallWorld(degree: 6, rewire: 0)), 0), [1, 2, 3, 97, 98, 99])
    }

    func testRandomNetworksAreAFunctionOfTheSeed() {
        for kind in [NetworkKind.smallWorld(degree: 8, rewire: 0.2), .erdosRenyi(meanDegree: 8)] {
            let a = builder(firms: 3000, seed: 5).build(kind)
            let b = builder(firms: 3000, seed: 5).build(kind)
            let c = builder(firms: 3000, seed: 6).build(kind)
            XCTAssertEqual(a.offsets, b.offsets, kind.name)
            XCTAssertEqual(a.neighbors, b.neighbors, kind.name)
            XCTAssertNotEqual(a.neighbors, c.neighbors, kind.name)
        }
    }

    func testEdgeCountCountsEachTieOnce() {
        // a-b listed both ways, b-c once, a self-tie on c: two mutual ties.
        let undirected = Network.fromEdges(kind: .edges, firmCount: 3, sources: [0, 1, 1, 2], targets: [1, 0, 2, 2])
        XCTAssertEqual(undirected.edgeCount, 2)
        // Directed: a->b and b->a are two ties, b->c a third; the self-tie is dropped.
        let directed = Network.fromEdges(
            kind: .edges, firmCount: 3, sources: [0, 1, 1, 2], targets: [1, 0, 2, 2], directed: true)
        XCTAssertEqual(directed.edgeCount, 3)
        XCTAssertEqual(builder(firms: 400).build(.lattice(degree: 4)).edgeCount, 800)
    }

    /// Rows are the edge list's ties, sorted, each once, without self-ties, in
    /// both rows (undirected) or the source's row only (directed).
    func testEdgeListsBecomeSortedRowsWithoutRepeatsOrSelfTies() {
        let rng = CounterRNG(seed: 5)
        let n = 50
        var sources: [UInt32] = [], targets: [UInt32] = []
        for e in 0..<400 {
            sources.append(UInt32(Int(rng.uniform(tick: 0, firm: e, stream: .network) * Double(n))))
            targets.append(UInt32(Int(rng.uniform(tick: 1, firm: e, stream: .network) * Double(n))))
        }
        for directed in [false, true] {
            var rows = [Set<UInt32>](repeating: [], count: n)
            for (a, b) in zip(sources, targets) where a != b {
                rows[Int(a)].insert(b)
                if !directed { rows[Int(b)].insert(a) }
            }
            let net = Network.fromEdges(
                kind: .edges, firmCount: n, sources: sources, targets: targets, directed: directed)
            XCTAssertEqual(net.offsets.count, n + 1)
            XCTAssertEqual(net.neighbors.count, net.offsets[n])
            for i in 0..<n { XCTAssertEqual(row(net, i), rows[i].sorted(), "row \(i), directed \(directed)") }
        }
    }
}

final class PairSetTests: XCTestCase {
    /// The small-world builder's set of placed ties answers as a `Set` does, also past the size it was made for.
    func testPairSetAgreesWithSetAcrossGrowth() {
        var pairs = PairSet(expected: 4)
        var reference = Set<UInt64>()
        var state: UInt64 = 7
        for step in 0..<5_000 {
            state = CounterRNG.mix(state)
            let a = Int(state % 300), b = Int((state >> 20) % 300)
            guard a != b else { continue }
            let key = NetworkBuilder.pairKey(a, b)
            XCTAssertEqual(pairs.contains(key), reference.contains(key), "step \(step)")
            if step % 3 != 0 {
                pairs.insert(key)
                reference.insert(key)
            }
        }
        for a in 0..<300 {
            for b in (a + 1)..<300 {
                let key = NetworkBuilder.pairKey(a, b)
                XCTAssertEqual(pairs.contains(key), reference.contains(key))
            }
        }
        XCTAssertFalse(pairs.contains(0), "0 marks an empty slot and is no tie")
    }
}
