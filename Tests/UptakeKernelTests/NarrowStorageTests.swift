import XCTest

@testable import UptakeKernel

/// The network's offsets and the neighbour counts are kept narrow where the
/// values provably fit (32-bit offsets, 16-bit counts), degrees are derived
/// from the rows, and innovativeness a run draws again instead of keeping it. These tests give a firm more neighbours
/// than 16 bits count, take the wide paths on purpose, and check that every
/// count, degree and share stays what a plain recount of the rows gives.
final class NarrowStorageTests: XCTestCase {
    /// Firm 0 tied to firms 1...leaves.
    func star(leaves: Int) -> Network {
        Network.fromEdges(
            kind: .edges, firmCount: leaves + 1, sources: [UInt32](repeating: 0, count: leaves),
            targets: (1...leaves).map(UInt32.init))
    }

    func testAHubWithMoreNeighboursThan16BitsCountHasThemAllCounted() {
        for leaves in [65_535, 65_536, 70_000] {
            let n = leaves + 1
            // All in sector 0 but leaf 1: the hub's same-sector counts pass 16 bits too.
            let sector = (0..<n).map { UInt8($0 == 1 ? 1 : 0) }
            let network = star(leaves: leaves)
            var counts = NeighbourCounts(
                network: network, sector: sector, stage: [UInt8](repeating: Stage.unaware.rawValue, count: n))
            let label = "\(leaves) leaves"
            XCTAssertEqual(counts.maxDegree, leaves, label)
            XCTAssertEqual(counts.sameAdopted.isWide, leaves > 65_535, "16 bits while every degree fits, \(label)")
            counts.apply(gained: (1...leaves).map(Int32.init), lost: [], threads: 2)
            let same = leaves - 1
            XCTAssertEqual(counts.sameAdopted[0], Int32(same), label)
            XCTAssertEqual(counts.crossAdopted[0], Int32(leaves - same), label)
            counts.withView { view in
                XCTAssertEqual(view.degree(0), Int32(leaves), label)
                XCTAssertEqual(view.sameSectorDegree(0), Int32(same), label)
                XCTAssertEqual(view.adoptedAndDegree(0).adopted, Int32(leaves), label)
                XCTAssertEqual(view.adoptedShare(0), 1, label)
                XCTAssertEqual(view.weightedShare(0, cross: 0.3), 1, label)
            }
            // A quarter of the leaves stop using it: the hub's counts fall by as many.
            let stopped = (1...leaves).filter { $0 % 4 == 0 }.map(Int32.init)
            counts.apply(gained: [], lost: stopped, threads: 1)
            XCTAssertEqual(
                Int(counts.sameAdopted[0]) + Int(counts.crossAdopted[0]), leaves - stopped.count, label)
        }
    }

    /// The same network with 32-bit and with 64-bit offsets, and the same counts
    /// in 16 and in 32 bits, give the same counts and degrees at every firm,
    /// and these equal a recount from the rows; on rows of more than 64
    /// entries too (scale-free hubs, a dense random graph), where a row's
    /// same-sector bits span several words, and on a directed network.
    func testWideOffsetsAndWideCountsGiveWhatNarrowOnesGive() {
        let n = 3_000
        let sector = (0..<n).map { UInt8($0 % 5) }
        let builder = NetworkBuilder(sectorOf: sector, homophily: 0.5, rng: CounterRNG(seed: 4))
        var networks = [
            NetworkKind.smallWorld(degree: 8, rewire: 0.1), .scaleFree(attach: 30), .erdosRenyi(meanDegree: 90),
        ]
        .map { builder.build($0) }
        let rng = CounterRNG(seed: 8)
        let draws = (0..<20_000).map { rng.uniform(tick: 0, firm: $0, stream: .network) }
        networks.append(
            Network.fromEdges(
                kind: .edges, firmCount: n, sources: draws.prefix(10_000).map { UInt32($0 * Double(n)) },
                targets: draws.suffix(10_000).map { UInt32($0 * Double(n)) }, directed: true))
        let unaware = [UInt8](repeating: Stage.unaware.rawValue, count: n)
        let gained = (0..<n).filter { $0 % 3 == 0 }.map(Int32.init)
        let lost = (0..<n).filter { $0 % 6 == 0 }.map(Int32.init)
        var stage = unaware
        for i in gained { stage[Int(i)] = Stage.adopted.rawValue }
        for i in lost { stage[Int(i)] = Stage.discontinued.rawValue }
        for network in networks {
            let label = "\(network.kind.name), directed \(network.directed)"
            // The same rows, every offset in 64 bits.
            let sources = (0..<n).flatMap { i in [UInt32](repeating: UInt32(i), count: network.degree(i)) }
            let wideRows = Network.fromEdges(
                kind: network.kind, firmCount: n, sources: sources, targets: network.neighbors,
                directed: network.directed, narrowEntries: 0)
            XCTAssertTrue(wideRows.offsets.isWide, label)
            XCTAssertFalse(network.offsets.isWide, label)
            XCTAssertEqual(wideRows.offsets, network.offsets, label)
            XCTAssertEqual(wideRows.neighbors, network.neighbors, label)
            var variants = [
                NeighbourCounts(network: network, sector: sector, stage: unaware),
                NeighbourCounts(network: wideRows, sector: sector, stage: unaware),
                NeighbourCounts(network: network, sector: sector, stage: unaware, narrowDegree: 0),
            ]
            XCTAssertEqual(variants.map(\.sameAdopted.isWide), [false, false, true], label)
            for v in variants.indices {
                variants[v].apply(gained: gained, lost: [], threads: 2)
                variants[v].apply(gained: [], lost: lost, threads: 1)
            }
            for counts in variants {
                counts.withView { view in
                    for i in 0..<n {
                        let row = network.neighbors[network.offsets[i]..<network.offsets[i + 1]].map(Int.init)
                        let same = row.filter { sector[$0] == sector[i] }
                        let adopted = { (j: Int) in Stage(rawValue: stage[j])!.isAdopter }
                        XCTAssertEqual(Int(view.degree(i)), row.count, "\(label), firm \(i)")
                        XCTAssertEqual(Int(view.sameSectorDegree(i)), same.count, "\(label), firm \(i)")
                        XCTAssertEqual(Int(counts.sameAdopted[i]), same.filter(adopted).count, "\(label), firm \(i)")
                        XCTAssertEqual(
                            Int(counts.crossAdopted[i]), row.filter(adopted).count - same.filter(adopted).count,
                            "\(label), firm \(i)")
                    }
                }
            }
            XCTAssertEqual(variants[1].sameAdopted, variants[0].sameAdopted, label)
            XCTAssertEqual(variants[2].sameAdopted.values, variants[0].sameAdopted.values, label)
            XCTAssertEqual(variants[2].crossAdopted.values, variants[0].crossAdopted.values, label)
            if case .scaleFree = network.kind { XCTAssertGreaterThan(variants[0].maxDegree, 64, "rows past a word") }
            if case .erdosRenyi = network.kind { XCTAssertGreaterThan(variants[0].maxDegree, 64, "rows past a word") }
        }
    }

    /// Small-world keeps only its rewired ties' far ends: passing the ties in
    /// order gives each rewired tie its own far end, at word boundaries of the
    /// bits too, and every other tie its ring neighbour, wrapping at the end.
    func testTiesPassedInOrderFindTheirRewiredEnds() {
        let n = 250, half = 4
        var ends = NetworkBuilder.RewiredEnds(ties: n * half, expected: 0)
        var expected: [(UInt32, UInt32)] = []
        for i in 0..<n {
            for j in 1...half {
                let tie = i * half + j - 1
                if tie * 7_919 % 13 < 4 || [0, 63, 64, 127, 999].contains(tie) {
                    ends.rewire(tie: tie, to: UInt32(3 * tie % n))
                    expected.append((UInt32(i), UInt32(3 * tie % n)))
                } else {
                    expected.append((UInt32(i), UInt32((i + j) % n)))
                }
            }
        }
        var passed: [(UInt32, UInt32)] = []
        ends.withView { view in view.forEachTie(firmCount: n, half: half) { passed.append(($0, $1)) } }
        XCTAssertEqual(passed.map(\.0), expected.map(\.0))
        XCTAssertEqual(passed.map(\.1), expected.map(\.1))
    }

    /// A run keeps no innovativeness for generated firms, yet reads the value
    /// each firm was built with; values a firms file gave, and the drawn ones
    /// beside them, are kept as they are.
    func testInnovativenessARunForgetsIsDrawnAgainUnchanged() throws {
        let calendar = try TickCalendar(start: "2023Q1", unit: .quarter)
        let spec = PopulationSpec(count: 5_000)
        let built = try PopulationBuilder.build(spec, rng: CounterRNG(seed: 11))
        let sim = try Simulation(SimulationConfig(ticks: 2, calendar: calendar, seed: 11, population: spec))
        XCTAssertTrue(sim.firms.innovativeness.values.isEmpty, "not held during the run")
        XCTAssertEqual(Array(sim.firms.innovativeness), Array(built.innovativeness))
        XCTAssertEqual(sim.firms.innovativeness.count, 5_000)

        let records = (0..<300).map { FirmRecord(id: "f\($0)", innovativeness: $0 % 3 == 0 ? Double($0) / 100 : nil) }
        let given = PopulationSpec(count: 0, records: records)
        let fromFile = try PopulationBuilder.build(given, rng: CounterRNG(seed: 11))
        let run = try Simulation(SimulationConfig(ticks: 2, calendar: calendar, seed: 11, population: given))
        XCTAssertEqual(run.firms.innovativeness.values.count, 300, "a file's values are kept")
        XCTAssertEqual(Array(run.firms.innovativeness), Array(fromFile.innovativeness))
        XCTAssertEqual(run.firms.innovativeness[3], 0.03)
    }
}
