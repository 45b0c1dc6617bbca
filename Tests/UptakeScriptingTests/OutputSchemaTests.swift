import XCTest
import UptakeKernel
import UptakeTestSupport
@testable import UptakeScripting

/// One name per quantity: what a plugin reads in ctx.stats is, by name and
/// value, the column of the run's output table.
final class OutputSchemaTests: XCTestCase {
    /// A plugin records, every tick, each per-tick field of ctx.stats it reads
    /// and one key of each breakdown under a probe name; the series must hold
    /// the same numbers in the schema's columns.
    func testStatsFieldsAreTheSeriesColumnsByNameAndValue() throws {
        let p = try TemporaryProject()
        let names = OutputSchema.quantities.filter { $0.luaPath == nil }.map(\.name)
        try p.plugin(
            "probe",
            initLua: """
                local names = { \(names.map { "\"\($0)\"" }.joined(separator: ", ")) }
                local M = {}
                function M.after_tick(ctx)
                  for _, n in ipairs(names) do ctx.record("probe_" .. n, ctx.stats[n]) end
                  ctx.record("probe_stage_adopted", ctx.stats.stage.adopted)
                  ctx.record("probe_adoption_large", ctx.stats.size.large)
                  ctx.record("probe_adoption_innovators", ctx.stats.category.innovators)
                  ctx.record("probe_spend_tick", ctx.stats.spend_tick.total)
                  ctx.record("probe_spend_cumulative", ctx.stats.spend.total)
                end
                function M.on_tick(ctx) ctx.spend(1000, "probe_account") end
                return M
                """)
        let plugins = PluginSearchPath(directories: [
            p.root.appendingPathComponent("plugins"),
            Repository.root.appendingPathComponent("plugins"),
        ])
        let s = try RunSession(
            file: try p.scenario("\"probe\", { \"tax-relief\", rate = 0.2 },"), options: .init(searchPath: plugins))
        try s.run()
        let table = OutputTable(s.simulation)
        var checked = 0
        for name in names + [
            "stage_adopted", "adoption_large", "adoption_innovators", "spend_tick", "spend_cumulative",
        ] {
            let column = try XCTUnwrap(table.column(name), name),
                probe = try XCTUnwrap(table.column("probe_" + name), name)
            for row in table.rows {
                XCTAssertEqual(
                    row[column].bitPattern, row[probe].bitPattern, "\(name): \(row[column]) vs \(row[probe])")
                checked += 1
            }
        }
        XCTAssertEqual(checked, (names.count + 5) * 12)
        let account = try XCTUnwrap(table.column("spend_probe_account"))
        XCTAssertTrue(table.rows.allSatisfy { $0[account] == 1000 })
    }

    /// Spending booked in after_tick counts in that tick's columns, so the
    /// ticks' spending adds up to the cumulative total.
    func testSpendingAfterTheTallyBelongsToItsTick() throws {
        let p = try TemporaryProject()
        try p.plugin("late", initLua: "return { after_tick = function(ctx) ctx.spend(250, \"late\") end }")
        let s = try p.session(try p.scenario("\"late\","))
        try s.run()
        let table = OutputTable(s.simulation)
        let late = try XCTUnwrap(table.column("spend_late")), tick = try XCTUnwrap(table.column("spend_tick"))
        let total = try XCTUnwrap(table.column("spend_cumulative"))
        XCTAssertTrue(table.rows.allSatisfy { $0[late] == 250 }, "\(table.rows.map { $0[late] })")
        XCTAssertEqual(table.rows.map { $0[tick] }.reduce(0, +), table.rows.last![total])
        XCTAssertEqual(table.rows.last![total], 250 * 12)
    }

    /// The names of Lua API 1.0 still read the right value, and say once,
    /// with the file and line, what to read instead.
    func testOldStatsNamesWarnOnceAndReadTheNewField() throws {
        let p = try TemporaryProject()
        try p.plugin(
            "old-reader",
            initLua: """
                local M = {}
                function M.after_tick(ctx)
                  ctx.record("old_energy", ctx.stats.energy)
                  ctx.record("old_fund", ctx.stats.fund_left)
                  ctx.record("missing_is_nil", ctx.stats.no_such_field == nil and 1 or 0)
                end
                return M
                """)
        let s = try p.session(try p.scenario("\"old-reader\","))
        var lines: [String] = []
        s.host.logSink = { lines.append($0) }
        try s.run()
        let table = OutputTable(s.simulation)
        let energy = try XCTUnwrap(table.column("energy_gwh")), old = try XCTUnwrap(table.column("old_energy"))
        let fund = try XCTUnwrap(table.column("special_fund_left")), oldFund = try XCTUnwrap(table.column("old_fund"))
        let missing = try XCTUnwrap(table.column("missing_is_nil"))
        for row in table.rows {
            XCTAssertEqual(row[energy], row[old])
            XCTAssertEqual(row[fund], row[oldFund])
            XCTAssertEqual(row[missing], 1)
        }
        let warnings = lines.filter { $0.contains("warning:") }
        XCTAssertEqual(warnings.count, 2, "\(lines)")
        XCTAssertTrue(warnings[0].contains("[tick 0 2023Q1] old-reader: warning: "), warnings[0])
        XCTAssertTrue(warnings[0].contains("init.lua:3:"), warnings[0])
        XCTAssertTrue(warnings[0].contains("ctx.stats.energy is now ctx.stats.energy_gwh"), warnings[0])
        XCTAssertTrue(warnings[1].contains("ctx.stats.fund_left is now ctx.stats.special_fund_left"), warnings[1])
    }

    /// A recorded metric cannot take a column's name, nor an account column's prefix.
    func testRecordRefusesTheSchemasNames() throws {
        for name in ["energy_gwh", "adoption_large", "stage_aware", "tick", "date", "spend_extra"] {
            let p = try TemporaryProject()
            try p.plugin("clash", initLua: "return { after_tick = function(ctx) ctx.record(\"\(name)\", 1) end }")
            let d = try XCTUnwrap(p.failure(try p.scenario("\"clash\",")), name)
            let expected =
                name.hasPrefix("spend_")
                ? "names starting with 'spend_'" : "'\(name)' is a built-in column of series.csv"
            XCTAssertTrue(d.description.contains(expected), d.description)
        }
    }

    /// docs/model.md's outputs table lists every column of a run of the policy package (sectors and accounts as KEY/ACCOUNT).
    func testOutputsTableNamesEveryColumn() throws {
        let file = Repository.root.appendingPathComponent("scenarios/policy-package.lua").path
        let s = try RunSession(
            file: file,
            options: .init(
                searchPath: PluginSearchPath(directories: [Repository.root.appendingPathComponent("plugins")])))
        try s.run()
        let doc = ModelTables.outputs()
        let sectors = Set(s.simulation.sectors.map(\.name))
        let metrics = Set(s.simulation.metrics.flatMap(\.keys))
        XCTAssertFalse(metrics.isEmpty, "the baseline's plugins record metrics: 'any other name'")
        for name in OutputTable(s.simulation).names where !metrics.contains(name) {
            var documented = name
            if name.hasPrefix("stage_") { documented = "stage_KEY" }
            if name.hasPrefix("adoption_") { documented = "adoption_KEY" }
            if name.hasPrefix("spend_") && name != "spend_tick" && name != "spend_cumulative" {
                documented = "spend_ACCOUNT"
            }
            if sectors.contains(String(name.dropFirst("adoption_".count))) { documented = "adoption_KEY" }
            XCTAssertTrue(doc.contains("| `\(documented)` |"), "\(name) is not in the outputs table")
        }
    }
}
