import XCTest
import UptakeKernel
@testable import UptakeReport

final class RunSummaryTests: XCTestCase {
    func simulation() throws -> Simulation {
        let config = SimulationConfig(
            ticks: 40, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 3,
            population: PopulationSpec(count: 2000, initialAdoption: 0.05))
        let sim = try Simulation(config)
        try sim.run()
        return sim
    }

    func testSummaryShowsYearEndsCriticalMassAndEnd() throws {
        let sim = try simulation()
        XCTAssertEqual(RunSummary.reportTicks(sim), [3, 7, 11, 27, 39])
        let text = RunSummary(
            simulation: sim, scenarioName: "t", scenarioFile: "t.lua", plugins: [], seriesPath: "out/series.csv"
        ).text
        for date in ["2023Q4", "2024Q4", "2025Q4", "2029Q4", "2032Q4*"] { XCTAssertTrue(text.contains(date), date) }
        let fivePercent = try XCTUnwrap(sim.criticalMassTicks[0.05])
        XCTAssertTrue(text.contains("5% at tick \(fivePercent) (\(sim.calendar.label(fivePercent)))"), text)
    }

    func testSummaryCountsEdgeListTiesOncePerTie() throws {
        // 0->1, 1->0 and 1->2: three directed ties; undirected, 0-1 is one tie, so two.
        for (directed, expected) in [(true, "(3 directed ties)"), (false, "(2 ties)")] {
            let config = SimulationConfig(
                ticks: 2, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 3,
                population: PopulationSpec(count: 3), network: .edges,
                edgeList: (sources: [0, 1, 1], targets: [1, 0, 2], directed: directed))
            let sim = try Simulation(config)
            try sim.run()
            let text = RunSummary(
                simulation: sim, scenarioName: "t", scenarioFile: "t.lua", plugins: [], seriesPath: nil
            ).text
            XCTAssertTrue(text.contains("network from an edge list \(expected)"), text)
        }
    }

    func testNumbersAreFormattedTheSameEverywhere() {
        XCTAssertEqual(SeriesCSV.format(3), "3")
        XCTAssertEqual(SeriesCSV.format(0.125), "0.125")
        XCTAssertEqual(SeriesCSV.format(1.0 / 3.0), "0.333333333")
        XCTAssertEqual(SeriesCSV.format(.infinity), "inf")
    }

    func testFirmsCSVHasOneRowPerFirmWithEmptyTickForNonAdopters() throws {
        let sim = try simulation()
        let lines = SeriesWriter.firmsCSV(sim).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 2001)
        let never = try XCTUnwrap(
            lines.dropFirst().first { $0.split(separator: ",", omittingEmptySubsequences: false)[1] == "unaware" })
        XCTAssertEqual(
            never.split(separator: ",", omittingEmptySubsequences: false)[2], "",
            "a firm that never adopted has an empty adopted_tick")
        let adopter = try XCTUnwrap(lines.dropFirst().first { $0.split(separator: ",")[1] == "confirmed" })
        XCTAssertNotNil(Int(adopter.split(separator: ",")[2]), String(adopter))
    }
}
