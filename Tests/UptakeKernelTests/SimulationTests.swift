import XCTest
@testable import UptakeKernel

final class SimulationTests: XCTestCase {
    func config(
        _ n: Int = 3000, threads: Int = 1, model: ModelSpec = .rogers(RogersParameters()), seed: UInt64 = 7,
        network: NetworkKind = .smallWorld(degree: 8, rewire: 0.1)
    ) throws -> SimulationConfig {
        SimulationConfig(
            ticks: 24, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: seed,
            population: PopulationSpec(count: n, initialAdoption: 0.05), network: network, model: model,
            threads: threads)
    }

    func testSameSeedGivesIdenticalSeries() throws {
        let a = try Simulation(config()), b = try Simulation(config())
        try a.run()
        try b.run()
        XCTAssertEqual(OutputTable(a), OutputTable(b))
        let c = try Simulation(config(seed: 8))
        try c.run()
        XCTAssertNotEqual(OutputTable(a), OutputTable(c))
    }

    func testThreadCountDoesNotChangeResults() throws {
        // More firms than one chunk, so two threads really split the work.
        let one = try Simulation(config(40_000, threads: 1)), two = try Simulation(config(40_000, threads: 2))
        try one.run()
        try two.run()
        XCTAssertEqual(OutputTable(one), OutputTable(two))
        XCTAssertEqual(one.firms.stage, two.firms.stage)
    }

    func testStageCountsSumToFirmCountEveryTick() throws {
        let sim = try Simulation(config())
        try sim.run()
        XCTAssertEqual(sim.history.count, 24)
        for s in sim.history { XCTAssertEqual(s.stageCounts.reduce(0, +), 3000) }
        // Every stage of the process is visited by someone.
        let visited = Set(sim.history.flatMap { s in s.stageCounts.indices.filter { s.stageCounts[$0] > 0 } })
        XCTAssertEqual(visited, Set(0..<8))
    }

    func testAdoptionRisesUnderRogers() throws {
        let sim = try Simulation(config())
        try sim.run()
        XCTAssertGreaterThan(sim.history.last!.adoption, sim.history.first!.adoption + 0.05)
    }

    func testTaxReliefLeverRaisesAdoptionAndIsBooked() throws {
        let base = try Simulation(config())
        let relief = try Simulation(config())
        try base.run()
        try relief.levers.set(.taxRelief, 1.0)
        try relief.run()
        XCTAssertGreaterThan(relief.history.last!.adopters, base.history.last!.adopters)
        let booked = relief.history.last!.spendTotal["tax_relief"] ?? 0
        XCTAssertGreaterThan(booked, 0)
        XCTAssertEqual(base.history.last!.spendTotal["tax_relief"] ?? 0, 0)
    }

    /// A lever set for all firms is kept as one value; set sector by sector
    /// for every sector, it is one value per firm. The runs must be the same.
    func testLeverSetForEveryoneEqualsTheSameValueSetSectorBySector() throws {
        let whole = try Simulation(config()), bySector = try Simulation(config())
        let levers: [(Lever, Double)] = [
            (.subsidy, 0.3), (.taxRelief, 0.5), (.loanRate, 0.02), (.training, 2), (.media, 1),
        ]
        for (lever, value) in levers {
            try whole.levers.set(lever, value)
            for sector in whole.sectors.indices {
                try bySector.levers.set(lever, value, for: SegmentSelector(sectors: [UInt8(sector)]))
            }
        }
        try whole.run()
        try bySector.run()
        XCTAssertEqual(OutputTable(whole), OutputTable(bySector))
        XCTAssertEqual(whole.firms.stage, bySector.firms.stage)
        XCTAssertGreaterThan(whole.history.last!.spendTotal["training"] ?? 0, 0)
        XCTAssertEqual(whole.history.last!.spendTotal, bySector.history.last!.spendTotal)
    }

    func testBassOnMeanFieldAdoptsEveryone() throws {
        let sim = try Simulation(config(2000, model: .bass(p: 0.05, q: 0.5, dt: 1), network: .meanField))
        try sim.run()
        XCTAssertGreaterThan(sim.history.last!.adoption, 0.99)
        for (a, b) in zip(sim.history, sim.history.dropFirst()) { XCTAssertGreaterThanOrEqual(b.adopters, a.adopters) }
    }

    /// The network Bass step against its equation written out firm by firm, with the same random draws:
    /// the adopters of every tick agree exactly, where the step reads the probability from its table
    /// (small-world, degrees up to about 14; scale-free up to 32) and where it computes it (hubs past 32).
    func testNetworkBassMatchesItsEquationFirmByFirm() throws {
        let p = 0.01, q = 0.4
        for network in [NetworkKind.smallWorld(degree: 8, rewire: 0.1), .scaleFree(attach: 20)] {
            let sim = try Simulation(config(3000, model: .bass(p: p, q: q, dt: 1), network: network))
            var adopted = sim.firms.stage.map { $0 == Stage.adopted.rawValue }
            try sim.run()
            let rng = CounterRNG(seed: 7), rows = sim.network
            let largest = (0..<rows.firmCount).map { rows.offsets[$0 + 1] - rows.offsets[$0] }.max()!
            if case .scaleFree = network {
                XCTAssertGreaterThan(largest, 32, "hubs past the table's degrees take the computed path")
            } else {
                XCTAssertLessThanOrEqual(largest, 32)
            }
            for t in sim.history.indices {
                var next = adopted
                for i in adopted.indices where !adopted[i] {
                    let row = rows.offsets[i]..<rows.offsets[i + 1]
                    let share =
                        row.isEmpty
                        ? 0 : Double(row.filter { adopted[Int(rows.neighbors[$0])] }.count) / Double(row.count)
                    if rng.uniform(tick: t, firm: i, stream: .bass) < 1 - exp(-(p + q * share)) { next[i] = true }
                }
                adopted = next
                XCTAssertEqual(sim.history[t].adopters, adopted.filter { $0 }.count, "\(network), tick \(t)")
            }
        }
    }

    func testLeverOutOfRangeIsRejected() {
        var board = LeverBoard()
        XCTAssertThrowsError(try board.set(.subsidy, 1.5)) { error in
            XCTAssertTrue("\(error)".contains("subsidy"))
        }
    }
}

/// The tally is kept up to date from each tick's changes; recounting every
/// firm from scratch must give the same numbers at every tick.
final class RunningTallyTests: XCTestCase {
    final class Recount: SimulationObserver {
        var mismatches: [String] = []
        func simulationDidSetUp(_ s: Simulation) throws {}
        func simulationWillStep(_ s: Simulation) throws {
            // A nudge between ticks changes stages outside the step.
            s.nudge(Array(0..<200), FirmNudge(awareness: 0.5), salt: UInt64(s.tick))
        }
        func simulationDidStep(_ s: Simulation, adoptions: AdoptionBatch) throws {
            let st = s.stats
            var stages = [Int](repeating: 0, count: 8), categories = [Int](repeating: 0, count: 5)
            var sectors = [Int](repeating: 0, count: s.sectors.count), sizes = [Int](repeating: 0, count: 3)
            var demand = 0.0
            for i in 0..<s.firms.count {
                stages[Int(s.firms.stage[i])] += 1
                guard Stage(rawValue: s.firms.stage[i])!.isAdopter else { continue }
                categories[Int(s.firms.category[i])] += 1
                sectors[Int(s.firms.sector[i])] += 1
                sizes[Int(s.firms.size[i])] += 1
                demand += s.sectors[Int(s.firms.sector[i])].computeIntensity * SizeScale.compute[Int(s.firms.size[i])]
            }
            if stages != st.stageCounts { mismatches.append("tick \(s.tick) stages \(stages) vs \(st.stageCounts)") }
            if categories != st.categoryAdopters || sectors != st.sectorAdopters || sizes != st.sizeAdopters {
                mismatches.append("tick \(s.tick) adopters by segment")
            }
            if abs(demand - st.macro.computeDemand) > 1e-6 * max(demand, 1) {
                mismatches.append("tick \(s.tick) demand \(demand) vs \(st.macro.computeDemand)")
            }
        }
        func simulationDidFinish(_ s: Simulation) throws {}
    }

    func testRunningTallyEqualsAFullRecount() throws {
        for model in [ModelSpec.rogers(RogersParameters()), .bass(p: 0.02, q: 0.4, dt: 1)] {
            let config = SimulationConfig(
                ticks: 30, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 21,
                population: PopulationSpec(count: 5000, initialAdoption: 0.05), model: model, threads: 2)
            let sim = try Simulation(config)
            let recount = Recount()
            try sim.run(observer: recount)
            XCTAssertEqual(recount.mismatches, [], model.name)
            // Discontinuance happens in rogers, so the tally was also decremented.
            if case .rogers = model {
                XCTAssertGreaterThan(sim.history.last!.stageCounts[Int(Stage.discontinued.rawValue)], 0)
            }
        }
    }
}
