import XCTest
@testable import UptakeKernel

/// The model against theory: Bass's closed form, Rogers' attributes,
/// the energy cap and the fiscal ledger.
final class ValidationTests: XCTestCase {
    let calendar = try! TickCalendar(start: "2023Q1", unit: .quarter)

    /// Bass on mean-field with many firms and small dt follows
    /// F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).
    /// Tolerance: 4 standard errors of a share over N firms, plus the
    /// difference between the closed form and its dt-step recursion (computed
    /// here, not guessed).
    func testBassMeanFieldMatchesClosedForm() throws {
        let n = 100_000, p = 0.03, q = 0.38, dt = 0.1, ticks = 150
        let sim = try Simulation(
            SimulationConfig(
                ticks: ticks, calendar: calendar, seed: 17,
                population: PopulationSpec(count: n, initialAdoption: 0), network: .meanField,
                model: .bass(p: p, q: q, dt: dt)))
        try sim.run()
        var recursion = 0.0
        for k in 0..<ticks {
            recursion += (1 - recursion) * (1 - exp(-(p + q * recursion) * dt))
            let t = Double(k + 1) * dt
            let closed = (1 - exp(-(p + q) * t)) / (1 + (q / p) * exp(-(p + q) * t))
            let sampling = 4 * (closed * (1 - closed) / Double(n)).squareRoot()
            let tolerance = sampling + abs(recursion - closed) + 1e-9
            XCTAssertEqual(sim.history[k].adoption, closed, accuracy: tolerance, "t = \(t)")
        }
        // The comparison is not vacuous: by t = 15 most firms adopted.
        XCTAssertGreaterThan(sim.history.last!.adoption, 0.9)
    }

    func config(seed: UInt64, n: Int = 4000, _ change: (inout RogersParameters) -> Void = { _ in }) -> SimulationConfig
    {
        var p = RogersParameters()
        change(&p)
        return SimulationConfig(
            ticks: 40, calendar: calendar, seed: seed, population: PopulationSpec(count: n, initialAdoption: 0.05),
            model: .rogers(p))
    }

    /// Mean tick at which 16% adoption is reached over paired seeds (ticks if never).
    func meanTakeOff(_ change: (inout RogersParameters) -> Void) throws -> Double {
        var total = 0.0
        let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]
        for seed in seeds {
            let sim = try Simulation(config(seed: seed, change))
            try sim.run()
            total += Double(sim.criticalMassTicks[0.16] ?? 40)
        }
        return total / Double(seeds.count)
    }

    func testPerceivedAttributesMoveTakeOffTheWayRogersSays() throws {
        let base = try meanTakeOff { _ in }
        XCTAssertLessThan(base, 40, "the baseline must reach 16% for the comparison to mean anything")
        XCTAssertLessThan(try meanTakeOff { $0.innovation.relativeAdvantage = 1.5 }, base, "relative advantage")
        XCTAssertLessThan(try meanTakeOff { $0.innovation.compatibility = 1.5 }, base, "compatibility")
        XCTAssertLessThan(try meanTakeOff { $0.innovation.trialability = 1.0 }, base, "trialability")
        XCTAssertLessThan(try meanTakeOff { $0.innovation.observability = 0.9 }, base, "observability")
        XCTAssertGreaterThan(try meanTakeOff { $0.innovation.complexity = 1.5 }, base, "complexity")
    }

    func testEnergyCapIsNeverExceededAndLowersProductivity() throws {
        let free = try Simulation(config(seed: 3))
        try free.run()
        let peak = free.history.map(\.macro.energy).max()!
        let cap = peak * 0.4
        let capped = try Simulation(config(seed: 3))
        try capped.levers.set(.energyCap, cap)
        try capped.run()
        for s in capped.history { XCTAssertLessThanOrEqual(s.macro.energy, cap * (1 + 1e-12)) }
        XCTAssertTrue(capped.history.contains { $0.macro.rationing < 1 })
        XCTAssertLessThan(capped.history.last!.macro.productivityIndex, free.history.last!.macro.productivityIndex)
    }

    /// Sets levers every tick and recomputes, from the adoption batches alone,
    /// what each lever should have cost.
    final class LedgerAudit: SimulationObserver {
        var expected: [String: Double] = [:]
        func simulationDidSetUp(_ s: Simulation) throws {
            try s.levers.set(.subsidy, 0.2, for: SegmentSelector(sizes: [.small]))
            try s.levers.set(.taxRelief, 0.5)
            try s.levers.set(.loanRate, 0.03, for: SegmentSelector(sectors: [4]))
            try s.levers.set(.training, 0.5, for: SegmentSelector(categories: [.laggards]))
        }
        func simulationWillStep(_ s: Simulation) throws {
            // Training is booked every tick for every laggard reached.
            let laggards = s.firms.category.filter { $0 == AdopterCategory.laggards.rawValue }.count
            expected["training", default: 0] += 0.5 * Double(laggards) * RogersParameters().trainingCostPerFirm
        }
        func simulationDidStep(_ s: Simulation, adoptions: AdoptionBatch) throws {
            for firm in adoptions.firms.map(Int.init) {
                let profile = s.sectors[Int(s.firms.sector[firm])]
                let cost = profile.adoptionCost * SizeScale.cost[Int(s.firms.size[firm])]
                if s.firms.size[firm] == FirmSize.small.rawValue { expected["subsidy", default: 0] += 0.2 * cost }
                expected["tax_relief", default: 0] += 0.5 * 0.25 * cost
                if s.firms.sector[firm] == 4 {
                    let own = s.firms.size[firm] == FirmSize.small.rawValue ? 0.8 : 1.0
                    expected["loan_rate", default: 0] += (0.045 - 0.03) * cost * own * 3
                }
            }
        }
        func simulationDidFinish(_ s: Simulation) throws {}
    }

    func testFiscalLedgerEqualsWhatTheLeversSpent() throws {
        let sim = try Simulation(config(seed: 9, n: 3000))
        let audit = LedgerAudit()
        try sim.run(observer: audit)
        let booked = sim.ledger.total
        for account in ["subsidy", "tax_relief", "loan_rate", "training"] {
            let e = try XCTUnwrap(audit.expected[account], account)
            XCTAssertGreaterThan(e, 0, account)
            XCTAssertEqual(booked[account] ?? 0, e, accuracy: e * 1e-9, account)
        }
        XCTAssertEqual(sim.ledger.grandTotal, booked.values.reduce(0, +), accuracy: 1e-6)
        XCTAssertEqual(sim.history.last!.spendTotal, booked)
    }

    func testEveryRuleIsIdenticalOnOneAndTwoThreads() throws {
        for model in [ModelSpec.bass(p: 0.01, q: 0.4, dt: 1), .threshold, .rogers(RogersParameters())] {
            var results: [OutputTable] = []
            for threads in [1, 2] {
                let sim = try Simulation(
                    SimulationConfig(
                        ticks: 15, calendar: calendar, seed: 4,
                        population: PopulationSpec(count: 40_000, initialAdoption: 0.05),
                        model: model, threads: threads))
                try sim.run()
                results.append(OutputTable(sim))
            }
            XCTAssertEqual(results[0], results[1], model.name)
        }
    }

    func testNetworksAreSimpleAndHaveTheRequestedDegree() throws {
        let sectors = [UInt8](repeating: 0, count: 5000).enumerated().map { UInt8($0.offset % 8) }
        let builder = NetworkBuilder(sectorOf: sectors, homophily: 0.5, rng: CounterRNG(seed: 2))
        for kind in [
            NetworkKind.smallWorld(degree: 8, rewire: 0.1), .erdosRenyi(meanDegree: 8), .scaleFree(attach: 4),
            .lattice(degree: 8),
        ] {
            let net = builder.build(kind)
            XCTAssertEqual(net.meanDegree, 8, accuracy: 0.2, kind.name)
            for i in 0..<net.firmCount {
                let row = net.neighbors[net.offsets[i]..<net.offsets[i + 1]]
                XCTAssertFalse(row.contains(UInt32(i)), "self-tie in \(kind.name)")
                XCTAssertEqual(Set(row).count, row.count, "duplicate tie in \(kind.name)")
            }
        }
        // Homophily: with it, far more ties stay within the sector than the 1/8 of random mixing.
        let net = NetworkBuilder(sectorOf: sectors, homophily: 0.8, rng: CounterRNG(seed: 2)).build(
            .erdosRenyi(meanDegree: 8))
        var same = 0
        for i in 0..<net.firmCount {
            for k in net.offsets[i]..<net.offsets[i + 1] where sectors[Int(net.neighbors[k])] == sectors[i] {
                same += 1
            }
        }
        XCTAssertGreaterThan(Double(same) / Double(net.neighbors.count), 0.7)
    }
}
