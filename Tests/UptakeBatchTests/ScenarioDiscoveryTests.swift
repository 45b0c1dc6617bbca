import Foundation
import UptakeScripting
import UptakeTestSupport
import XCTest

@testable import UptakeBatch

/// `uptake discover`'s analysis on real batches and on results assembled by
/// hand: which runs and inputs PRIM sees, and a clear message for every
/// input it cannot work on.
final class ScenarioDiscoveryTests: XCTestCase {
    /// y = a + b over an LHS of a and b, for two values of a boolean lever and
    /// one of a fixed one; runs with b > 0.95 fail.
    func data() throws -> ResultsData {
        let f = try TemporaryProject()
        try f.plugin(
            "split",
            params: """
                [params.a]
                type = "number"
                default = 0
                min = 0
                max = 1

                [params.b]
                type = "number"
                default = 0
                min = 0
                max = 1

                [params.c]
                type = "number"
                default = 0

                [params.flag]
                type = "boolean"
                default = false
                """,
            initLua: """
                local m = {}
                function m.after_tick(ctx)
                  local p = ctx.params
                  if p.b > 0.95 then error("b too large") end
                  ctx.record("y", p.a + p.b + (p.flag and 0.5 or 0))
                end
                return m
                """)
        try f.scenario(plugins: "{ \"split\" },", firms: 10, ticks: 1)
        let e = try f.experiment(
            """
              scenario = "scenario.lua", seed = 3,
              levers = { ["split.flag"] = { false, true }, ["split.c"] = { 0.5 } },
              uncertainties = { ["split.a"] = { min = 0, max = 1 }, ["split.b"] = { min = 0, max = 1 } },
              design = { kind = "lhs", samples = 40 },
              record = { final = { "y" } },
            """)
        let (_, db) = try f.batch(e)
        return try ResultsData(store: try ResultStore.open(db, readOnly: true))
    }

    func condition(_ text: String) -> ScenarioDiscovery.Condition { ScenarioDiscovery.Condition.parse(text)! }

    func testRunsAndInputsPRIMWorksOn() throws {
        let data = try data()
        let discovery = try ScenarioDiscovery(data, condition: condition("y>=1.2"))
        let failed = data.runs.filter { $0.status != "ok" }.count
        XCTAssertGreaterThan(failed, 0)
        XCTAssertEqual(discovery.failedRuns, failed)
        XCTAssertEqual(discovery.rows.count, 80 - failed)
        XCTAssertEqual(discovery.inputs.map(\.name), ["split.flag", "split.a", "split.b"])
        XCTAssertEqual(discovery.prim.dimensions.map(\.kind), [.categorical, .continuous, .continuous])
        XCTAssertEqual(discovery.prim.dimensions[0].categories, ["false", "true"])
        XCTAssertEqual(discovery.constantInputs.map(\.name), ["split.c"])
        let cases = discovery.rows.filter { $0.outcome >= 1.2 }.count
        XCTAssertEqual(discovery.caseCount, cases)
        let chosen = try XCTUnwrap(discovery.chosenStep)
        XCTAssertGreaterThanOrEqual(discovery.prim.trajectory[chosen].density, 0.8)

        let text = discovery.text()
        XCTAssertTrue(text.contains("left out: \(failed) failed runs."), text)
        XCTAssertTrue(text.contains("Not inputs (one value in every run): split.c=0.5"), text)
        XCTAssertTrue(text.contains("Box at step \(chosen), the first with density >= 80%"), text)
        XCTAssertTrue(text.contains("(EMA Workbench's defaults)"), text)

        let lines = discovery.jsonLines()
        XCTAssertEqual(lines.filter { $0["kind"] as? String == "step" }.count, discovery.prim.trajectory.count)
        let box = try XCTUnwrap(lines.first { $0["kind"] as? String == "box" })
        XCTAssertEqual(box["step"] as? Int, chosen)
        XCTAssertEqual(lines.filter { $0["kind"] as? String == "feature_score" }.count, 3)

        let folder = try TemporaryFolder.make()
        let files = try discovery.writeCSV(to: folder.appendingPathComponent("tables").path)
        XCTAssertEqual(
            files.map { ($0 as NSString).lastPathComponent },
            [
                "inputs.csv", "trajectory.csv", "box.csv", "feature_scores.csv",
            ])
        let inputs = try String(contentsOfFile: files[0], encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(inputs.first, "run,point,replicate,split.flag,split.a,split.b,y,case")
        XCTAssertEqual(inputs.count, 1 + discovery.rows.count)
    }

    func testAStepOfTheUsersChoiceAndOneThatDoesNotExist() throws {
        let data = try data()
        let discovery = try ScenarioDiscovery(data, condition: condition("y>=1.2"), step: 1)
        XCTAssertEqual(discovery.chosenStep, 1)
        XCTAssertTrue(discovery.text().contains("Box at step 1 (--box 1):"))
        XCTAssertThrowsError(try ScenarioDiscovery(data, condition: condition("y>=1.2"), step: 999)) { error in
            XCTAssertTrue("\(error)".contains("the trajectory has no step 999: its steps are 0 to"), "\(error)")
        }
    }

    /// Every input value once a case and once not: no box is denser than half, so none is chosen.
    func testNoStepDenseEnoughIsSaidAndTheDensestNamed() throws {
        let pairs = handMade(outputs: (0..<40).map { Double($0 % 2) }, value: { Double($0 / 2) })
        let discovery = try ScenarioDiscovery(pairs, condition: condition("y>=1"))
        XCTAssertNil(discovery.chosenStep)
        XCTAssertTrue(
            discovery.text().contains(
                "No step reaches density 80%: the densest box is step 0 (density 50%, coverage 100%)"),
            discovery.text())
        XCTAssertFalse(discovery.jsonLines().contains { $0["kind"] as? String == "box" })
    }

    func testEveryRunOrNoRunACaseIsRefusedWithTheOutcomesRange() throws {
        let data = try data()
        XCTAssertThrowsError(try ScenarioDiscovery(data, condition: condition("y>=-1"))) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains("all of the \(data.runs.filter { $0.status == "ok" }.count) runs meet y>=-1"), text)
            XCTAssertTrue(text.contains("so no box can tell the cases of interest from the other runs"), text)
            XCTAssertTrue(text.contains("Choose a threshold inside the range y takes in these runs"), text)
        }
        XCTAssertThrowsError(try ScenarioDiscovery(data, condition: condition("y<=-1"))) { error in
            XCTAssertTrue("\(error)".contains("none of the"), "\(error)")
        }
    }

    func testTheConditionIsReadFromTheOptionsAsResultsReadsTargets() throws {
        let data = try data()
        let below = try ScenarioDiscovery.condition(outcome: "y", threshold: 0.8, below: true, in: data)
        XCTAssertEqual(below, ScenarioDiscovery.Condition(metric: "y", atLeast: false, value: 0.8))
        XCTAssertEqual(
            try ScenarioDiscovery.condition(outcome: "y >= 1", threshold: nil, below: nil, in: data).text, "y>=1")
        XCTAssertEqual(try ScenarioDiscovery.condition(outcome: nil, threshold: 1, below: nil, in: data).metric, "y")
        let refusals: [(String?, Double?, Bool?, String)] = [
            ("y", nil, nil, "Add --threshold NUMBER"),
            ("y>1", nil, nil, "a condition is NAME>=NUMBER or NAME<=NUMBER"),
            ("y>=1", 2, nil, "Give either --outcome 'y>=1' or --outcome y --threshold 1"),
            ("y<=1", nil, true, "--outcome y --threshold 1 --below"),
            ("yy>=1", nil, nil, "Did you mean 'y'?"),
            ("yy", 1, nil, "Did you mean 'y'?"),
        ]
        for (outcome, threshold, below, expected) in refusals {
            XCTAssertThrowsError(
                try ScenarioDiscovery.condition(outcome: outcome, threshold: threshold, below: below, in: data)
            ) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(outcome ?? "nil"): \(error)")
            }
        }
    }

    /// Results assembled by hand: outcomes that are NaN or missing, failed runs, inputs that never vary.
    func handMade(
        outputs: [Double?], status: [String]? = nil, varying: Bool = true, value: ((Int) -> Double)? = nil
    ) -> ResultsData {
        let parameters = [
            ResultsData.Parameter(path: "u", role: "uncertainty", sampled: true),
            ResultsData.Parameter(path: "kind", role: "lever", sampled: false),
        ]
        var points: [ResultsData.Point] = []
        var runs: [ResultsData.Run] = []
        for i in outputs.indices {
            let u = value?(i) ?? (varying ? Double(i) / Double(outputs.count) : 0.5)
            let kind = varying ? ["x", "y"][(value == nil ? i : i / 2) % 2] : "x"
            points.append(
                ResultsData.Point(
                    index: i, cell: 0, sample: i, baselinePoint: nil, values: [String(u), kind], units: [u],
                    numbers: [u, nil]))
            runs.append(
                ResultsData.Run(
                    run: i, point: i, replicate: 0, seed: "1", status: status?[i] ?? "ok", error: nil,
                    outputs: outputs[i].map { ["y": $0] } ?? [:]))
        }
        return ResultsData(
            metadata: ["record_final": "y", "file": "e.lua"], parameters: parameters, points: points, runs: runs)
    }

    func testNaNAndMissingOutcomesAndFailedRunsAreLeftOutAndCounted() throws {
        var outputs: [Double?] = (0..<40).map { Double($0 % 5) }
        outputs[3] = .nan
        outputs[4] = nil
        var status = [String](repeating: "ok", count: 40)
        status[7] = "failed"
        let discovery = try ScenarioDiscovery(
            handMade(outputs: outputs, status: status), condition: condition("y>=3"))
        XCTAssertEqual(discovery.missingOutcomes, 2)
        XCTAssertEqual(discovery.failedRuns, 1)
        XCTAssertEqual(discovery.rows.count, 37)
        XCTAssertFalse(discovery.rows.contains { $0.outcome.isNaN })
        XCTAssertEqual(discovery.prim.dimensions.map(\.kind), [.continuous, .categorical])
        XCTAssertTrue(
            discovery.text().contains("left out: 1 failed run, 2 runs without a value of y."), discovery.text())
    }

    func testNothingToWorkOnIsRefusedWithAFix() {
        let allNaN = handMade(outputs: [Double?](repeating: .nan, count: 10))
        XCTAssertThrowsError(try ScenarioDiscovery(allNaN, condition: condition("y>=1"))) { error in
            XCTAssertTrue("\(error)".contains("no successful run has a value of 'y'"), "\(error)")
        }
        let allFailed = handMade(
            outputs: [Double?](repeating: 1, count: 10), status: [String](repeating: "failed", count: 10))
        XCTAssertThrowsError(try ScenarioDiscovery(allFailed, condition: condition("y>=1"))) { error in
            XCTAssertTrue("\(error)".contains("none of the batch's 10 runs succeeded"), "\(error)")
            XCTAssertTrue("\(error)".contains("uptake results"), "\(error)")
        }
        let constant = handMade(outputs: (0..<10).map { Double($0) }, varying: false)
        XCTAssertThrowsError(try ScenarioDiscovery(constant, condition: condition("y>=5"))) { error in
            XCTAssertTrue(
                "\(error)".contains("no lever or uncertainty of the batch takes more than one value"), "\(error)")
        }
    }
}
