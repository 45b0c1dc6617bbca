import XCTest
@testable import UptakeKernel

final class SimulationTests: XCTestCase {
    func config(_ n: Int = 3000, threads: Int = 1, model: ModelSpec = .rogers(RogersParameters()), seed: UInt64 = 7,
                network: NetworkKind = .smallWorld(degree: 8, rewire: 0.1)) throws -> SimulationConfig {
        SimulationConfig(ticks: 24, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: seed,
                         population: PopulationSpec(count: n, initialAdoption: 0.05), network: network, model: model, threads: threads)
    }

    func testSameSeedGivesIdenticalSeries() throws {
        let a = try Simulation(config()), b = try Simulation(config())
        try a.run(); try b.run()
        XCTAssertEqual(SeriesTable.build(a).csv, SeriesTable.build(b).csv)
        let c = try Simulation(config(seed: 8))
        try c.run()
        XCTAssertNotEqual(SeriesTable.build(a).csv, SeriesTable.build(c).csv)
    }

    func testThreadCountDoesNotChangeResults() throws {
        // More firms than one chunk, so two threads really split the work.
        let one = try Simulation(config(40_000, threads: 1)), two = try Simulation(config(40_000, threads: 2))
        try one.run(); try two.run()
        XCTAssertEqual(SeriesTable.build(one).csv, SeriesTable.build(two).csv)
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

    func testBassOnMeanFieldAdoptsEveryone() throws {
        let sim = try Simulation(config(2000, model: .bass(p: 0.05, q: 0.5, dt: 1), network: .meanField))
        try sim.run()
        XCTAssertGreaterThan(sim.history.last!.adoption, 0.99)
        for (a, b) in zip(sim.history, sim.history.dropFirst()) { XCTAssertGreaterThanOrEqual(b.adopters, a.adopters) }
    }

    func testLeverOutOfRangeIsRejected() {
        var board = LeverBoard()
        XCTAssertThrowsError(try board.set(.subsidy, 1.5)) { error in
            XCTAssertTrue("\(error)".contains("subsidy"))
        }
    }
}
