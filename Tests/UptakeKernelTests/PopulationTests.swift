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
