import XCTest
import UptakeTestSupport
@testable import UptakeBatch
import UptakeScripting

final class ExperimentFileTests: XCTestCase {
    func failure(_ body: String, line: UInt = #line) throws -> Diagnostic {
        let f = try TemporaryProject()
        try f.scenario()
        do {
            _ = try f.experiment(body)
            XCTFail("the experiment should have been refused", line: line)
        } catch let d as Diagnostic {
            return d
        }
        return Diagnostic(problem: "")
    }

    func testUnknownKeyNamesTheLineAndSuggestsTheKey() throws {
        let d = try failure(
            """
              scenario = "scenario.lua",
              replicats = 3,
            """)
        XCTAssertEqual(d.line, 3)
        XCTAssertTrue(
            d.description.contains("unknown key 'replicats'") && d.description.contains("Did you mean 'replicates'?"),
            d.description)
    }

    func testGridRefusesAnIntervalAndSaysWhatToDo() throws {
        let d = try failure(
            """
              scenario = "scenario.lua",
              uncertainties = {
                ["model.word_of_mouth"] = { min = 0.2, max = 0.8 },
              },
            """)
        XCTAssertEqual(d.line, 4)
        XCTAssertTrue(d.description.contains("design is a grid") && d.description.contains("lhs"), d.description)
    }

    func testBaselineMustBeOneOfTheListedValues() throws {
        let d = try failure(
            """
              scenario = "scenario.lua",
              levers = { ["tax-relief.rate"] = { 0.1, 0.2 } },
              baseline = { ["tax-relief.rate"] = 0 },
            """)
        XCTAssertTrue(d.description.contains("not one of the lever's values"), d.description)
        XCTAssertEqual(d.line, 4)
    }

    func testRunsCannotSetTheirOwnSeed() throws {
        let d = try failure(
            """
              scenario = "scenario.lua",
              set = { seed = 4 },
            """)
        XCTAssertEqual(d.line, 3)
        XCTAssertTrue(d.description.contains("runs cannot set 'seed'"), d.description)
    }

    func testMissingScenarioFileIsNamed() throws {
        let d = try failure("scenario = \"nowhere.lua\",")
        XCTAssertTrue(d.description.contains("scenario file 'nowhere.lua' not found"), d.description)
    }

    func testRangesAreExactAndDecodedInOrder() throws {
        let f = try TemporaryProject()
        try f.scenario()
        let e = try f.experiment(
            """
              scenario = "scenario.lua", seed = 4, replicates = 2,
              levers = { ["tax-relief.rate"] = { from = 0, step = 0.1, to = 0.3 } },
              uncertainties = { ["model.word_of_mouth"] = { min = 0.2, max = 0.8 } },
              design = { kind = "morris", trajectories = 3 },
              record = { final = { "adoption" }, series = { "adopters" }, every = 2 },
              stop = { metric = "adoption", at_least = 0.9 },
            """)
        XCTAssertEqual(e.parameters.map(\.path), ["tax-relief.rate", "model.word_of_mouth"])
        XCTAssertEqual(e.parameters[0].domain, .values([.integer(0), .number(0.1), .number(0.2), .number(0.3)]))
        XCTAssertEqual(e.design, .morris(trajectories: 3, levels: 4))
        XCTAssertEqual(e.record, RecordSpec(final: ["adoption"], series: ["adopters"], every: 2))
        XCTAssertEqual(e.stop, StopCondition(metric: "adoption", atLeast: 0.9, atMost: nil))
    }
}
