import XCTest
@testable import UptakeBatch

/// The policy summary `uptake results` leads with, on hand-made results whose answers are known.
final class PolicyComparisonTests: XCTestCase {
    typealias Point = ResultsData.Point
    typealias Run = ResultsData.Run

    /// One lever `relief.rate` (0 = baseline, then the given policies) under
    /// `draws` uncertainty draws, `replicates` runs each. `outcome(policy, draw,
    /// replicate)` gives (adopters, spending) of a run; nil makes the run fail.
    func results(
        policies: [String], draws: Int, replicates: Int, baseline: Bool = true,
        outcome: (Int, Int, Int) -> (adopters: Double, spend: Double)?
    ) -> ResultsData {
        let rates = ["0"] + policies
        var points: [Point] = [], runs: [Run] = []
        for (cell, rate) in rates.enumerated() {
            for draw in 0..<draws {
                let index = cell * draws + draw
                points.append(
                    Point(
                        index: index, cell: cell, sample: draw, baselinePoint: baseline ? draw : nil,
                        values: [rate, String(0.3 + 0.1 * Double(draw))], units: [Double(draw) / Double(draws)]))
                for r in 0..<replicates {
                    let run = index * replicates + r
                    if let o = outcome(cell, draw, r) {
                        runs.append(
                            Run(
                                run: run, point: index, replicate: r, seed: String(1000 + r), status: "ok", error: nil,
                                outputs: ["adopters": o.adopters, "spend_cumulative": o.spend, "ticks_run": 40]))
                    } else {
                        runs.append(
                            Run(
                                run: run, point: index, replicate: r, seed: String(1000 + r), status: "failed",
                                error: "boom", outputs: [:]))
                    }
                }
            }
        }
        let metadata = [
            "name": "hand-made", "file": "e.lua", "scenario": "s.lua", "design": "lhs",
            "replicates": String(replicates),
            "runs": String(points.count * replicates), "record_final": "adopters,spend_cumulative",
            "calendar_start": "2023Q1", "calendar_unit": "quarter",
        ]
        return ResultsData(
            metadata: metadata,
            parameters: [
                .init(path: "relief.rate", role: "lever", sampled: false),
                .init(path: "model.word_of_mouth", role: "uncertainty", sampled: true),
            ],
            points: points, runs: runs)
    }

    /// The baseline differs a lot between draws and replicates, so a policy
    /// compared with the wrong draw or replicate would not come out exactly.
    static func baselineAdopters(_ draw: Int, _ replicate: Int) -> Double { Double(1000 * draw + 37 * replicate) }

    func testAPolicyThatAlwaysBeatsTheBaselineByTwo() throws {
        let data = results(policies: ["0.2"], draws: 3, replicates: 4) { policy, draw, r in
            let base = Self.baselineAdopters(draw, r)
            return policy == 0 ? (base, 5e6) : (base + 2, 5e6 + 1e6)
        }
        let c = PolicyComparison(data)
        XCTAssertEqual(c.outcome, "adopters")
        let p = try XCTUnwrap(c.policies.first { $0.label == "relief.rate=0.2" })
        XCTAssertEqual(p.rank, 1)
        XCTAssertEqual(p.baselineLabel, "relief.rate=0")
        XCTAssertEqual(p.effect.count, 12, "3 draws x 4 replicates, each paired with its own baseline run")
        XCTAssertEqual(p.effect.mean, 2, accuracy: 1e-12)
        XCTAssertEqual(p.effect.ciLow, 2, accuracy: 1e-9)
        XCTAssertEqual(p.effect.ciHigh, 2, accuracy: 1e-9)
        XCTAssertEqual(p.shareBeatingBaseline, 1)
        XCTAssertEqual(p.worstCase, 2)
        XCTAssertEqual(p.extraSpending ?? .nan, 1e6, accuracy: 1e-6)
        XCTAssertEqual(p.costPerExtraAdopter, .yuan(500_000), "1 m yuan more for 2 more adopters")
        let base = try XCTUnwrap(c.policies.last)
        XCTAssertTrue(base.isBaseline)
        XCTAssertNil(base.rank)
        XCTAssertEqual(base.level.count, 12)
    }

    func testRankingShareWorstCaseAndCostWhenThereIsNothingToPayFor() throws {
        // Policy 1 gains +4 in three replicates and loses 2 in the fourth; policy 2 always loses 1;
        // policy 3 gains +1 for nothing; policy 4 gains +10 and saves money; policy 5 changes nothing.
        let data = results(policies: ["0.1", "0.2", "0.3", "0.4", "0.5"], draws: 2, replicates: 4) { policy, draw, r in
            let base = Self.baselineAdopters(draw, r)
            switch policy {
            case 1: return (base + (r == 3 ? -2 : 4), 3e6)
            case 2: return (base - 1, 1e6)
            case 3: return (base + 1, 0)
            case 4: return (base + 10, -1e6)
            default: return (base, 0)
            }
        }
        let c = PolicyComparison(data)
        XCTAssertEqual(
            c.policies.map(\.label),
            [
                "relief.rate=0.4", "relief.rate=0.1", "relief.rate=0.3", "relief.rate=0.5", "relief.rate=0.2",
                "relief.rate=0",
            ])
        XCTAssertEqual(c.policies.map(\.rank), [1, 2, 3, 4, 5, nil])
        XCTAssertEqual(c.policies[3].shareBeatingBaseline, 0, "a tie does not beat the baseline")
        XCTAssertEqual(c.policies[3].worstCase, 0)
        XCTAssertEqual(c.policies[3].costPerExtraAdopter, .noExtraAdopters)
        let mixed = c.policies[1]
        XCTAssertEqual(mixed.effect.mean, 2.5, accuracy: 1e-12)
        XCTAssertEqual(mixed.shareBeatingBaseline, 0.75)
        XCTAssertEqual(mixed.worstCase, -2)
        XCTAssertEqual(mixed.costPerExtraAdopter, .yuan(3e6 / 2.5))
        XCTAssertEqual(
            c.policies[4].costPerExtraAdopter, .noExtraAdopters,
            "a policy that loses adopters has no cost per extra adopter")
        XCTAssertEqual(c.policies[4].shareBeatingBaseline, 0)
        XCTAssertEqual(c.policies[2].costPerExtraAdopter, .noExtraSpending)
        XCTAssertEqual(c.policies[0].costPerExtraAdopter, .noExtraSpending, "cheaper and better: nothing extra to pay")
    }

    func testFailedRunsLeaveTheirPairsOut() throws {
        let data = results(policies: ["0.2"], draws: 2, replicates: 3) { policy, draw, r in
            if policy == 0 && draw == 1 && r == 2 { return nil }  // a failed baseline run
            if policy == 1 && draw == 0 && r == 0 { return nil }  // a failed policy run
            let base = Self.baselineAdopters(draw, r)
            return (policy == 0 ? base : base + 3, 0)
        }
        let p = try XCTUnwrap(PolicyComparison(data).policies.first)
        XCTAssertEqual(p.effect.count, 4, "6 pairs, less one failed on each side")
        XCTAssertEqual(p.effect.mean, 3, accuracy: 1e-12)
        XCTAssertEqual(p.level.count, 5)
    }

    func testWithoutABaselinePoliciesAreRankedByTheirMeanOutcome() throws {
        let data = results(policies: ["0.1", "0.2"], draws: 2, replicates: 2, baseline: false) { policy, draw, r in
            ([10.0, 30, 20][policy] + Double(draw + r), 0)
        }
        let c = PolicyComparison(data)
        XCTAssertFalse(c.hasBaseline)
        XCTAssertEqual(c.policies.map(\.label), ["relief.rate=0.1", "relief.rate=0.2", "relief.rate=0"])
        XCTAssertEqual(c.policies.map(\.rank), [1, 2, 3])
        XCTAssertEqual(c.policies[0].level.mean, 31, accuracy: 1e-12)
        XCTAssertEqual(c.policies[0].effect.count, 0)
        XCTAssertTrue(ResultsSummary(data).text.contains("no baseline"))
    }

    func testThePolicyIsTheListedLeversOnly() {
        // Two listed levers and a listed uncertainty: 2 x 2 policies, each over both uncertainty values.
        var points: [Point] = []
        for a in 0..<2 {
            for b in 0..<2 {
                for u in 0..<2 {
                    let index = points.count
                    points.append(
                        Point(
                            index: index, cell: index, sample: 0, baselinePoint: (0 * 2 + b) * 2 + u,
                            values: [["0", "1"][a], ["x", "y"][b], ["low", "high"][u]], units: []))
                }
            }
        }
        let runs = points.map { p in
            Run(
                run: p.index, point: p.index, replicate: 0, seed: "1", status: "ok", error: nil,
                outputs: ["adopters": Double(p.index)])
        }
        let data = ResultsData(
            metadata: ["record_final": "adopters", "replicates": "1"],
            parameters: [
                .init(path: "a.on", role: "lever", sampled: false),
                .init(path: "b.kind", role: "lever", sampled: false),
                .init(path: "world", role: "uncertainty", sampled: false),
            ],
            points: points, runs: runs)
        let c = PolicyComparison(data)
        XCTAssertEqual(c.leverPaths, ["a.on", "b.kind"])
        XCTAssertEqual(
            Set(c.policies.map(\.label)),
            ["a.on=0, b.kind=x", "a.on=0, b.kind=y", "a.on=1, b.kind=x", "a.on=1, b.kind=y"])
        let ax = c.policies.first { $0.label == "a.on=1, b.kind=x" }
        XCTAssertEqual(ax?.points, [4, 5])
        XCTAssertEqual(ax?.baselineLabel, "a.on=0, b.kind=x", "compared with the baseline of its own b.kind")
        XCTAssertEqual(ax?.effect.mean, 4, "points 4, 5 minus points 0, 1")
        XCTAssertEqual(c.policies.filter(\.isBaseline).count, 2)
    }

    func testALongPolicyNameGetsALineOfItsOwn() throws {
        let levers = ["training-campaign.budget", "mass-media-campaign.intensity", "special-fund.share"]
        var points: [Point] = [], runs: [Run] = []
        for (cell, values) in [["0", "0", "0"], ["200000000", "1.5", "0.25"]].enumerated() {
            points.append(Point(index: cell, cell: cell, sample: 0, baselinePoint: 0, values: values, units: []))
            for r in 0..<3 {
                runs.append(
                    Run(
                        run: cell * 3 + r, point: cell, replicate: r, seed: "7", status: "ok", error: nil,
                        outputs: [
                            "adopters": Double(100 + cell * 12_345 + r), "spend_cumulative": Double(cell) * 2.75e9,
                        ]))
            }
        }
        let data = ResultsData(
            metadata: ["record_final": "adopters,spend_cumulative", "replicates": "3"],
            parameters: levers.map { .init(path: $0, role: "lever", sampled: false) }, points: points, runs: runs)
        let text = ResultsSummary(data).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 100 }, text)
        let header = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("rank  policy") }, text)
        let numbers = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("   1  ") }, text)
        XCTAssertTrue(lines[numbers].contains("+12,345") && lines[numbers].contains("2.75 bn"), text)
        let label = lines[(header + 1)..<numbers].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertEqual(
            label, "training-campaign.budget=200,000,000, mass-media-campaign.intensity=1.5, special-fund.share=0.25",
            "the name on its own lines just above its numbers")
    }

    func testTheReportLeadsWithOneShortLinePerPolicy() throws {
        let data = results(policies: ["0.15", "0.3"], draws: 6, replicates: 4) { policy, draw, r in
            let base = Self.baselineAdopters(draw, r) + 2_000_000
            return (base + Double(policy * 8 + r), Double(policy) * 13_909_641)
        }
        let text = ResultsSummary(data).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 100 }, text)
        XCTAssertFalse(text.contains("e+"), "no exponent for ordinary numbers: \(text)")
        XCTAssertFalse(text.contains("Point 0"), "per-point tables only with --details")
        XCTAssertLessThan(lines.count, 25, text)
        let first = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("   1  relief.rate=0.3") }, text)
        XCTAssertTrue(lines[first + 1].hasPrefix("   2  relief.rate=0.15"), text)
        XCTAssertTrue(
            lines[first].contains("+16") && lines[first].contains("100%") && lines[first].contains("27.8 m"),
            String(lines[first]))
        XCTAssertTrue(text.contains("at the end of the run (2032Q4)"), text)
        XCTAssertTrue(text.contains("24 pairs per policy (6 draws x 4 replicates)"), text)
        let details = ResultsSummary(data).text(details: true)
        XCTAssertTrue(details.contains("Point 0: relief.rate=0, model.word_of_mouth=0.3  (baseline)"), details)
        XCTAssertTrue(details.split(separator: "\n").allSatisfy { $0.count <= 100 }, details)
    }
}
