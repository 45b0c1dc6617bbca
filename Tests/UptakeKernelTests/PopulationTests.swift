import XCTest
@testable import UptakeKernel

final class PopulationTests: XCTestCase {
    func testRogersCategorySharesAreExact() throws {
        for n in [1000, 1001, 20_000, 37] {
            let firms = try PopulationBuilder.build(PopulationSpec(count: n), rng: CounterRNG(seed: 3))
            var counts = [Int](repeating: 0, count: 5)
            for c in firms.category { counts[Int(c)] += 1 }
            let bounds = PopulationBuilder.categoryBounds(n)
            let expected = zip(bounds, [0] + bounds.dropLast()).map { $0 - $1 }
            XCTAssertEqual(counts, expected, "n = \(n)")
            XCTAssertEqual(counts.reduce(0, +), n)
        }
        let thousand = try PopulationBuilder.build(PopulationSpec(count: 1000), rng: CounterRNG(seed: 9))
        var counts = [Int](repeating: 0, count: 5)
        for c in thousand.category { counts[Int(c)] += 1 }
        XCTAssertEqual(counts, [25, 135, 340, 340, 160])
    }

    func testCategoriesFollowInnovativenessRank() throws {
        let firms = try PopulationBuilder.build(PopulationSpec(count: 2000), rng: CounterRNG(seed: 5))
        // Every innovator is more innovative than every laggard, and so on down the ranks.
        for c in 0..<4 {
            let lowerOfThis = (0..<firms.count).filter { firms.category[$0] == UInt8(c) }.map {
                firms.innovativeness[$0]
            }.min()!
            let upperOfNext = (0..<firms.count).filter { firms.category[$0] == UInt8(c + 1) }.map {
                firms.innovativeness[$0]
            }.max()!
            XCTAssertGreaterThanOrEqual(lowerOfThis, upperOfNext)
        }
    }

    func testThresholdFallsWithInnovativeness() throws {
        let firms = try PopulationBuilder.build(PopulationSpec(count: 500), rng: CounterRNG(seed: 1))
        let order = (0..<firms.count).sorted { firms.innovativeness[$0] < firms.innovativeness[$1] }
        for (a, b) in zip(order, order.dropFirst()) {
            XCTAssertGreaterThanOrEqual(firms.threshold[a], firms.threshold[b])
        }
    }

    func testInitialAdoptersFavourLargeFirms() throws {
        let firms = try PopulationBuilder.build(
            PopulationSpec(count: 10_000, initialAdoption: 0.05), rng: CounterRNG(seed: 2))
        let adopted = firms.stage.filter { $0 == Stage.adopted.rawValue }.count
        XCTAssertEqual(adopted, 500)
        func share(_ size: FirmSize) -> Double {
            let members = (0..<firms.count).filter { firms.size[$0] == size.rawValue }
            return Double(members.filter { firms.stage[$0] == Stage.adopted.rawValue }.count) / Double(members.count)
        }
        XCTAssertGreaterThan(share(.large), 3 * share(.small))
    }

    /// Survey shares by size class seed exactly those shares (to rounding), the most innovative firms first.
    func testInitialAdoptionBySizeGivesEachClassItsShare() throws {
        let shares = [0.064, 0.13, 0.304]
        let firms = try PopulationBuilder.build(
            PopulationSpec(count: 20_000, initialAdoptionBySize: shares), rng: CounterRNG(seed: 5))
        for size in FirmSize.allCases {
            let members = (0..<firms.count).filter { firms.size[$0] == size.rawValue }
            let adopters = members.filter { firms.stage[$0] == Stage.adopted.rawValue }
            XCTAssertEqual(
                adopters.count, Int((shares[Int(size.rawValue)] * Double(members.count)).rounded()), "\(size)")
            XCTAssertTrue(adopters.allSatisfy { firms.adoptedTick[$0] == 0 })
            // No non-adopter of the class is more innovative than its least innovative adopter.
            let lowest = adopters.map { firms.innovativeness[$0] }.min()!
            let others = members.filter { firms.stage[$0] != Stage.adopted.rawValue }
            XCTAssertTrue(others.allSatisfy { firms.innovativeness[$0] <= lowest }, "\(size)")
        }
        // initialAdoption is not used when shares by size are given.
        var spec = PopulationSpec(count: 2_000, initialAdoption: 0.5, initialAdoptionBySize: [0, 0, 0])
        XCTAssertEqual(try PopulationBuilder.build(spec, rng: CounterRNG(seed: 5)).stage.filter { $0 != 0 }.count, 0)
        spec.initialAdoptionBySize = nil
        XCTAssertEqual(
            try PopulationBuilder.build(spec, rng: CounterRNG(seed: 5)).stage.filter { $0 != 0 }.count, 1_000)
    }

    func testInitialAwarenessMakesThatShareOfNonAdoptersAware() throws {
        var spec = PopulationSpec(count: 20_000, initialAdoption: 0.1)
        spec.initialAwareness = 0.3
        let firms = try PopulationBuilder.build(spec, rng: CounterRNG(seed: 8))
        let adopted = firms.stage.filter { $0 == Stage.adopted.rawValue }.count
        let aware = firms.stage.filter { $0 == Stage.aware.rawValue }.count
        XCTAssertEqual(adopted, 2_000)
        XCTAssertEqual(Double(aware) / 18_000, 0.3, accuracy: 0.015)
        XCTAssertEqual(aware + adopted + firms.stage.filter { $0 == Stage.unaware.rawValue }.count, 20_000)
        XCTAssertEqual(try PopulationBuilder.build(spec, rng: CounterRNG(seed: 8)).stage, firms.stage)
    }

    /// Budgets drawn when read are the budgets the population was always drawn with
    /// ((sector cost x size scale) x exp(0.5 z - 0.125)), the same as when all are drawn
    /// at once; the rogers rule holds them from the start, bass does not; changing one
    /// draws and holds all and changes only that one.
    func testBudgetsDrawnWhenReadAreTheHeldBudgets() throws {
        let spec = PopulationSpec(count: 3_000)
        let rng = CounterRNG(seed: 9)
        let firms = try PopulationBuilder.build(spec, rng: rng)
        XCTAssertFalse(firms.budget.isHeld)
        let draws = rng.keyed(tick: -1, stream: .budget)
        for i in [0, 1, 17, 2_999] {
            let cost = spec.sectors[Int(firms.sector[i])].adoptionCost * SizeScale.budget[Int(firms.size[i])]
            XCTAssertEqual(firms.budget[i], cost * exp(0.5 * draws.normal(firm: i) - 0.125), "firm \(i)")
        }
        var held = firms.budget
        held.drawAll()
        XCTAssertTrue(held.isHeld)
        XCTAssertEqual(Array(held), Array(firms.budget))
        var nudged = firms.budget
        nudged[5] *= 2
        XCTAssertTrue(nudged.isHeld)
        XCTAssertEqual(nudged[5], 2 * firms.budget[5])
        XCTAssertEqual(Array(nudged[6...]), Array(firms.budget[6...]))
        for (model, holds) in [(ModelSpec.rogers(RogersParameters()), true), (.bass(p: 0.01, q: 0.3, dt: 1), false)] {
            let sim = try Simulation(
                SimulationConfig(
                    ticks: 2, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 9,
                    population: spec, network: .smallWorld(degree: 4, rewire: 0.1), model: model))
            XCTAssertEqual(sim.firms.budget.isHeld, holds, model.name)
            XCTAssertEqual(Array(sim.firms.budget), Array(held), model.name)
        }
    }

    func testCounterRNGIsAPureFunctionOfItsKey() {
        let a = CounterRNG(seed: 11), b = CounterRNG(seed: 11), c = CounterRNG(seed: 12)
        XCTAssertEqual(
            a.uniform(tick: 4, firm: 99, stream: .awareness), b.uniform(tick: 4, firm: 99, stream: .awareness))
        XCTAssertNotEqual(
            a.uniform(tick: 4, firm: 99, stream: .awareness), c.uniform(tick: 4, firm: 99, stream: .awareness))
        XCTAssertNotEqual(
            a.uniform(tick: 4, firm: 99, stream: .awareness), a.uniform(tick: 4, firm: 99, stream: .persuasion))
        // Uniform on [0, 1): the mean of many draws is close to 1/2 (sd of the mean ~ 0.0029 for 10,000).
        let mean = (0..<10_000).map { a.uniform(tick: 0, firm: $0, stream: .bass) }.reduce(0, +) / 10_000
        XCTAssertEqual(mean, 0.5, accuracy: 0.012)
    }

    func testCalendarLabels() throws {
        let cal = try TickCalendar(start: "2023Q1", unit: .quarter)
        XCTAssertEqual(cal.label(0), "2023Q1")
        XCTAssertEqual(cal.label(39), "2032Q4")
        XCTAssertEqual(cal.tick(of: "2025Q1"), 8)
        XCTAssertEqual(cal.lastTick(ofYear: 2023), 3)
        XCTAssertThrowsError(try TickCalendar(start: "2023Q5", unit: .quarter))
        // Dates of another unit mean the period they begin in.
        let monthly = try TickCalendar(start: "2023-01", unit: .month)
        XCTAssertEqual(monthly.tick(of: "2023Q2"), 3)
        XCTAssertEqual(monthly.tick(of: "2024"), 12)
        let yearly = try TickCalendar(start: "2023", unit: .year)
        XCTAssertEqual(yearly.tick(of: "2025Q3"), 2)
        XCTAssertEqual(yearly.tick(of: "2025-11"), 2)
        XCTAssertEqual(cal.tick(of: "2025-05"), 9)
        XCTAssertNil(cal.tick(of: "soon"))
    }
}
