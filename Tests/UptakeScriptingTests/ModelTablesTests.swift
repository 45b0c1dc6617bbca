import XCTest
import UptakeTestSupport
import UptakeKernel
@testable import UptakeScripting

/// The tables docs/model.md and docs/plugins.md generate from the code, and
/// the defaults and lever bookkeeping they document.
final class ModelTablesTests: XCTestCase {
    func testGeneratedTablesInTheDocsAreCurrent() throws {
        for (page, tables) in [("docs/model.md", ModelTables.names), ("docs/plugins.md", ["lever-use"])] {
            let url = Repository.root.appendingPathComponent(page)
            let text = try String(contentsOf: url, encoding: .utf8)
            for name in tables {
                XCTAssertTrue(text.contains("<!-- generated: \(name) "), "\(page) has no generated table '\(name)'")
            }
            XCTAssertEqual(text, try ModelTables.update(text), "\(page) is stale: run `uptake api --tables \(page)`")
        }
    }

    func testDefaultsTableGivesInitialAdoptionPerRuleAndKeysOfEveryRuleAndNetwork() throws {
        let table = try ModelTables.scenarioDefaults()
        XCTAssertTrue(table.contains("| `firms.initial_adoption` | `0` | 0 to 1 | rule bass |"), table)
        XCTAssertTrue(table.contains("| `firms.initial_adoption` | `0.03` | 0 to 1 | rule rogers, threshold |"), table)
        XCTAssertTrue(table.contains("| `model.q` | `0.38` |"), table)
        XCTAssertTrue(table.contains("| `model.media_influence` | `0.035` |"), table)
        XCTAssertTrue(table.contains("| `network.rewire` | `0.1` |"), table)
        XCTAssertTrue(table.contains("| `network.directed` | `false` |"), table)
        XCTAssertTrue(table.contains("| `ticks` | `40` |"), table)
    }

    func testInitialAdoptionDefaultsToNoneUnderBassOnly() throws {
        let p = try TemporaryProject()
        for (rule, share, adopters) in [("bass", 0.0, 0), ("threshold", 0.03, 12), ("rogers", 0.03, 12)] {
            let s = try p.session(try p.scenario(extra: "model = { rule = \"\(rule)\" },"))
            XCTAssertEqual(s.scenario.config.population.initialAdoption, share, rule)
            XCTAssertEqual(s.simulation.initialStats.adopters, adopters, rule)  // round(share * 400 firms)
        }
        let seeded = try p.session(
            try p.scenario(
                extra: "model = { rule = \"bass\" }, firms = { count = 400, initial_adoption = 0.05 },",
                name: "seeded.lua"))
        XCTAssertEqual(seeded.simulation.initialStats.adopters, 20)
    }
}

/// Under bass and threshold most levers have no channel into adoption: the
/// run says so once per lever, and books nothing for the ignored ones.
final class LeverUseTests: XCTestCase {
    func run(rule: String, plugins: String) throws -> (warnings: [String], simulation: Simulation) {
        let p = try TemporaryProject()
        let file = try p.scenario(plugins, extra: "model = { rule = \"\(rule)\" },")
        let library = PluginSearchPath(directories: [Repository.root.appendingPathComponent("plugins")])
        let s = try RunSession(file: file, options: .init(searchPath: library))
        var lines: [String] = []
        s.host.logSink = { lines.append($0) }
        try s.run()
        return (lines.filter { $0.hasPrefix("warning:") }, s.simulation)
    }

    func testBassWithRDSubsidyWarnsOnceNamingLeverPluginRuleAndFix() throws {
        let (warnings, simulation) = try run(rule: "bass", plugins: "{ \"rd-subsidy\", amount = 1e9 },")
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        let warning = warnings.first ?? ""
        for part in [
            "lever 'rd_funding'", "plugin 'rd-subsidy'", "model.rule = 'bass'",
            "use model.rule = 'rogers' for policy levers",
        ] {
            XCTAssertTrue(warning.contains(part), "'\(part)' missing from: \(warning)")
        }
        // Macro only: it raises algorithm capability, so its cost is booked every tick.
        XCTAssertEqual(simulation.ledger.total["rd_funding"], 12 * 1e9)
        XCTAssertGreaterThan(simulation.macro.algorithms, 0.9 + 12 * 0.025)
    }

    func testRogersWithTheSameLeversWarnsOfNothing() throws {
        let (warnings, simulation) = try run(
            rule: "rogers", plugins: "{ \"rd-subsidy\", amount = 1e9, subsidy = 0.5 }, \"tax-relief\",")
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(simulation.ledger.total["rd_funding"], 12 * 1e9)
        XCTAssertGreaterThan(simulation.ledger.total["subsidy"] ?? 0, 0)
        XCTAssertGreaterThan(simulation.ledger.total["tax_relief"] ?? 0, 0)
    }

    func testIgnoredLeversBookNothingAndAreNamedOnceEach() throws {
        for rule in ["bass", "threshold"] {
            let (warnings, simulation) = try run(
                rule: rule, plugins: "{ \"rd-subsidy\", amount = 1e9, subsidy = 0.5 }, \"tax-relief\",")
            XCTAssertGreaterThan(
                simulation.stats.adopters, simulation.initialStats.adopters, "firms adopted under \(rule)")
            XCTAssertEqual(
                warnings.filter { $0.contains("ignores lever 'subsidy' (set by plugin 'rd-subsidy')") }.count, 1,
                "\(warnings)")
            XCTAssertEqual(
                warnings.filter { $0.contains("ignores lever 'tax_relief' (set by plugin 'tax-relief')") }.count, 1,
                "\(warnings)")
            XCTAssertEqual(warnings.count, 3, "\(warnings)")
            XCTAssertNil(simulation.ledger.total["subsidy"], rule)
            XCTAssertNil(simulation.ledger.total["tax_relief"], rule)
            XCTAssertEqual(simulation.ledger.total["rd_funding"], 12 * 1e9, rule)
        }
    }
}
