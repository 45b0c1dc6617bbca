import UptakeTestSupport
import XCTest

@testable import UptakeBatch

/// Regret and satisficing on a batch whose outcome is known: y = a * u for
/// a lever a in {0, 1, 2} and an uncertainty u in {-1, 1}.
final class RobustRankingTests: XCTestCase {
    func data() throws -> ResultsData {
        let f = try TemporaryProject()
        try f.plugin(
            "product", numbers: ["a", "u"],
            initLua: """
                return { after_tick = function(ctx) ctx.record("y", ctx.params.a * ctx.params.u) end }
                """)
        try f.scenario(plugins: "{ \"product\" },", firms: 10, ticks: 1)
        let e = try f.experiment(
            """
              scenario = "scenario.lua",
              levers = { ["product.a"] = { 0, 1, 2 } },
              uncertainties = { ["product.u"] = { -1, 1 } },
              record = { final = { "y" } },
            """)
        let (_, db) = try f.batch(e)
        return try ResultsData(store: try ResultStore.open(db, readOnly: true))
    }

    func testMinimaxRegretPicksTheHedgeAndSatisficingCountsScenarios() throws {
        let ranking = RobustRanking(
            try data(), outcome: "y", targets: [try XCTUnwrap(RobustRanking.Target.parse("y >= 0"))])
        XCTAssertEqual(ranking.scenarioCount, 2)
        XCTAssertEqual(ranking.policies.map(\.label), ["product.a=1", "product.a=0", "product.a=2"])
        let byLabel = Dictionary(uniqueKeysWithValues: ranking.policies.map { ($0.label, $0) })
        // u = 1: best is a = 2 (y = 2); u = -1: best is a = 0 (y = 0).
        XCTAssertEqual(byLabel["product.a=0"]?.maxRegret, 2)
        XCTAssertEqual(byLabel["product.a=1"]?.maxRegret, 1)
        XCTAssertEqual(byLabel["product.a=1"]?.meanRegret, 1)
        XCTAssertEqual(byLabel["product.a=2"]?.maxRegret, 2)
        XCTAssertEqual(byLabel["product.a=2"]?.bestIn, 1)
        XCTAssertEqual(byLabel["product.a=0"]?.satisficing, 1)
        XCTAssertEqual(byLabel["product.a=1"]?.satisficing, 0.5)
        XCTAssertEqual(byLabel["product.a=2"]?.satisficing, 0.5)
        XCTAssertEqual(ranking.policies.map(\.rank), [1, 2, 3])
    }

    func testMinimizingTurnsRegretAround() throws {
        let ranking = RobustRanking(try data(), outcome: "y", minimize: true)
        let byLabel = Dictionary(uniqueKeysWithValues: ranking.policies.map { ($0.label, $0) })
        // Lower is better: u = 1 best a = 0; u = -1 best a = 2 (y = -2).
        XCTAssertEqual(byLabel["product.a=0"]?.maxRegret, 2)
        XCTAssertEqual(byLabel["product.a=2"]?.maxRegret, 2)
        XCTAssertEqual(byLabel["product.a=1"]?.maxRegret, 1)
        XCTAssertNil(byLabel["product.a=1"]?.satisficing)
    }

    func testTargetsAreCheckedAgainstTheRecordedOutputs() throws {
        let data = try data()
        XCTAssertThrowsError(try RobustRanking.targets(["yy>=1"], in: data)) { error in
            XCTAssertTrue("\(error)".contains("Did you mean 'y'?"), "\(error)")
        }
        XCTAssertThrowsError(try RobustRanking.targets(["y > 1"], in: data))
        XCTAssertNil(RobustRanking.Target.parse("y>=nan"))
        XCTAssertNil(RobustRanking.Target.parse("y>=inf"))
        XCTAssertEqual(RobustRanking.Target.parse("spend_cumulative<=1e9")?.value, 1e9)
    }
}
