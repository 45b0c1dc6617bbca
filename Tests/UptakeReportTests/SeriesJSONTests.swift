import Foundation
import UptakeKernel
import XCTest

@testable import UptakeReport

/// `uptake run --stream-ticks`: each row of the series as series.csv has it, as one line of JSON.
final class SeriesJSONTests: XCTestCase {
    func table() throws -> OutputTable {
        let config = SimulationConfig(
            ticks: 3, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 3,
            population: PopulationSpec(count: 200, initialAdoption: 0.05))
        let sim = try Simulation(config)
        try sim.run()
        return OutputTable(sim)
    }

    func testALineIsTheCSVRowWithItsColumnNames() throws {
        let table = try table()
        let csv = SeriesCSV.text(table).split(separator: "\n")
        let line = SeriesJSON.line(table, tick: 2)
        XCTAssertTrue(line.hasSuffix("}\n"))
        XCTAssertEqual(line.filter { $0 == "\n" }.count, 1, "one line")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let header = csv[0].split(separator: ",").map(String.init)
        let row = csv[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(Set(object.keys), Set(header))
        XCTAssertEqual(object["tick"] as? Int, 2)
        XCTAssertEqual(object["date"] as? String, "2023Q3")
        for (name, cell) in zip(header, row) where name != "date" {
            XCTAssertEqual((object[name] as? NSNumber)?.doubleValue, Double(cell), name)
        }
        let order = line.dropFirst().split(separator: ",").compactMap { $0.split(separator: ":").first }
        XCTAssertEqual(order.map { String($0.dropFirst().dropLast()) }, header, "series.csv's order")
    }

    func testAnEmptyCellIsNullAndNamesAreEscaped() throws {
        var table = try table()
        table.names += ["odd \"name\"", "missing"]
        table.rows = table.rows.map { $0 + [.infinity, .nan] }
        let line = SeriesJSON.line(table, tick: 0)
        XCTAssertTrue(line.contains(#""odd \"name\"":null,"missing":null}"#), line)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8)))
    }
}
