import Foundation
import XCTest
import UptakeTestSupport

/// A new user's first hour (issue 10): the progress line on a terminal and
/// only there, --quiet that is quiet, run --json, seeds that --set and
/// --seed take alike, plugin lock that passes over experiment files, and
/// plugins that cannot hide one another silently.
final class FirstHourTests: XCTestCase {
    func uptake(_ arguments: [String], in dir: URL, environment: [String: String] = [:]) throws -> UptakeCLI.Result {
        try UptakeCLI.run(arguments, in: dir, environment: environment)
    }

    /// A project whose plugin logs a line every tick.
    func loggingProject() throws -> URL {
        try BatchCommandTests.project(
            pluginBody: "function m.on_tick(ctx) ctx.log(\"tick \" .. ctx.tick .. \" seen\") end")
    }

    // MARK: Progress

    /// Terminal output without its colour codes.
    func plainText(_ terminal: String) -> String {
        terminal.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    func testOnATerminalARunShowsOneUpdatingLineAndErasesIt() throws {
        let dir = try loggingProject()
        let r = try UptakeCLI.runOnTerminal(
            ["run", "scenario.lua", "--out", "out"], in: dir, environment: ["TERM": "xterm", "NO_COLOR": ""])
        XCTAssertEqual(r.status, 0, r.terminal)
        XCTAssertTrue(r.terminal.contains("\u{1B}["), "colour on a terminal: \(r.terminal.debugDescription)")
        let plain = plainText(r.terminal)
        XCTAssertTrue(plain.contains("\rrun: making 300 firms and their network ..."), plain.debugDescription)
        XCTAssertTrue(plain.contains("\rrun: 2023Q1 (1 of 6 ticks), adoption "), plain.debugDescription)
        // Log lines are printed whole, on lines of their own.
        XCTAssertTrue(plain.contains("\r[tick 0 2023Q1] probe: tick 0 seen\r\n"), plain.debugDescription)
        XCTAssertTrue(plain.contains("[tick 5 2024Q2] probe: tick 5 seen\r\n"), plain.debugDescription)
        // Nothing of the progress line is left on the screen at the end.
        // ("\r\n" is one Character in Swift: make the terminal's line ends plain first.)
        let lastLine = plain.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n").last ?? ""
        XCTAssertEqual(
            (lastLine.components(separatedBy: "\r").last ?? "").trimmingCharacters(in: .whitespaces), "",
            plain.debugDescription)
        XCTAssertFalse(r.stdout.contains("\r"), "the summary on standard output has no progress in it")
        XCTAssertTrue(r.stdout.contains("Adoption: share of firms"), r.stdout)
    }

    func testNoColourWithNO_COLOR() throws {
        let dir = try loggingProject()
        let r = try UptakeCLI.runOnTerminal(
            ["run", "scenario.lua", "--out", "out"], in: dir, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        XCTAssertEqual(r.status, 0, r.terminal)
        XCTAssertTrue(r.terminal.contains("\rrun: 2023Q1 (1 of 6 ticks), adoption "), r.terminal.debugDescription)
        XCTAssertFalse(r.terminal.contains("\u{1B}["), r.terminal.debugDescription)
    }

    func testNoProgressWhenStandardErrorIsNotATerminal() throws {
        let dir = try loggingProject()
        let r = try uptake(["run", "scenario.lua", "--out", "out"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("\r") || r.stderr.contains("run: ") || r.stderr.contains("\u{1B}["), r.stderr)
        XCTAssertTrue(r.stderr.contains("probe: tick 5 seen"), r.stderr)
    }

    func testQuietIsQuietOnATerminalToo() throws {
        let dir = try loggingProject()
        let onTerminal = try UptakeCLI.runOnTerminal(
            ["run", "scenario.lua", "--out", "out", "--quiet"], in: dir, environment: ["TERM": "xterm"])
        XCTAssertEqual(onTerminal.status, 0, onTerminal.terminal)
        XCTAssertEqual(onTerminal.terminal, "", "no progress, no plugin log lines")
        XCTAssertEqual(onTerminal.stdout, "", "no summary")
        let piped = try uptake(["run", "scenario.lua", "--out", "out", "--quiet"], in: dir)
        XCTAssertEqual(piped.stdout + piped.stderr, "")
        // Errors still reach standard error.
        let failing = try uptake(["run", "scenario.lua", "--out", "out", "--quiet", "--set", "probe.x=500"], in: dir)
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stderr.hasPrefix("Error: "), failing.stderr)
    }

    // MARK: --json

    func testRunJSONIsOneObjectWithTheDocumentedFields() throws {
        let dir = try loggingProject()
        let r = try uptake(
            ["run", "scenario.lua", "--out", "out", "--json", "--quiet", "--seed", "18446744073709551615"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, r.stdout)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(
            Set(object.keys),
            [
                "scenario", "seed", "firms", "rule", "unit", "ticks", "start", "end", "plugins", "outputs",
                "critical_mass", "adoption", "at_end", "public_spending_yuan", "uptake_version",
            ])
        XCTAssertTrue((object["uptake_version"] as? String)?.hasPrefix("uptake 0.2.0 (commit ") ?? false)
        XCTAssertEqual(
            try String(contentsOf: dir.appendingPathComponent("out/run.json"), encoding: .utf8), r.stdout,
            "run.json beside series.csv is the same object")
        XCTAssertEqual(object["seed"] as? String, "18446744073709551615")
        XCTAssertEqual(object["firms"] as? Int, 300)
        XCTAssertEqual(object["ticks"] as? Int, 6)
        XCTAssertEqual((object["outputs"] as? [String: Any])?["series"] as? String, "out/series.csv")
        let plugins = try XCTUnwrap(object["plugins"] as? [[String: Any]])
        XCTAssertEqual(plugins.first?["name"] as? String, "probe")
        XCTAssertEqual(plugins.first?["path"] as? String, "plugins/probe")
        let adoption = try XCTUnwrap(object["adoption"] as? [String: Any])
        XCTAssertNotNil(adoption["final"] as? Double)
        XCTAssertEqual((adoption["by_category"] as? [String: Any])?.count, 5)
        XCTAssertEqual((object["critical_mass"] as? [Any])?.count, 4)
    }

    // MARK: Seeds

    func testSetSeedTakesEverySeedThatSeedTakes() throws {
        let dir = try BatchCommandTests.project()
        for seed in ["0", "9223372036854775808", "18446744073709551615"] {
            let a = try uptake(["run", "scenario.lua", "--out", "a", "--seed", seed, "--quiet"], in: dir)
            let b = try uptake(["run", "scenario.lua", "--out", "b", "--set", "seed=\(seed)", "--quiet"], in: dir)
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertEqual(b.status, 0, b.stderr)
            XCTAssertEqual(
                try Data(contentsOf: dir.appendingPathComponent("a/series.csv")),
                try Data(contentsOf: dir.appendingPathComponent("b/series.csv")), seed)
        }
        let twice = try uptake(["run", "scenario.lua", "--out", "c", "--seed", "1", "--set", "seed=2"], in: dir)
        XCTAssertEqual(twice.status, 1)
        XCTAssertEqual(
            UptakeCLI.errorLine(twice.stderr),
            "Error: --set seed=2: the seed is given twice, as 1 and 2. Give it once, with --seed or with --set seed=")
    }

    // MARK: Plugins

    func testPluginLockPassesOverExperimentFilesQuietly() throws {
        let dir = try BatchCommandTests.project()
        let scenarios = dir.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        for name in ["scenario.lua", "experiment.lua"] {
            try FileManager.default.moveItem(
                at: dir.appendingPathComponent(name), to: scenarios.appendingPathComponent(name))
        }
        let r = try uptake(["plugin", "lock"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.hasSuffix("uptake.lock: probe 1.0.0\n"), r.stdout)
    }

    func testANewPluginThatHidesAStandardOneIsWarnedAboutAndErrorsNameTheCopy() throws {
        let dir = try BatchCommandTests.project()
        let r = try uptake(["plugin", "new", "tax-relief"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let warning = UptakeCLI.errorLine(r.stderr)
        XCTAssertTrue(
            warning.hasPrefix("warning: plugins/tax-relief hides the plugin 'tax-relief' 1.0.0 in /"), warning)
        XCTAssertTrue(
            warning.contains(
                "/plugins/tax-relief: scenarios of this project that use 'tax-relief' will now load the new scaffold instead."
            ), warning)
        XCTAssertTrue(
            warning.hasSuffix(
                "choose another name (remove plugins/tax-relief and run `uptake plugin new my-tax-relief`)"), warning)
        // A second name that hides nothing: no warning.
        let plain = try uptake(["plugin", "new", "fresh-policy"], in: dir)
        XCTAssertEqual(plain.stderr, "")
        // Later errors about the plugin say which copy was loaded.
        try "return scenario { ticks = 2, firms = 100, plugins = { { \"tax-relief\", rate = 0.3 } } }\n"
            .write(to: dir.appendingPathComponent("relief.lua"), atomically: true, encoding: .utf8)
        let run = try uptake(["run", "relief.lua", "--out", "out"], in: dir)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(
            UptakeCLI.errorLine(run.stderr),
            "Error: relief.lua:1: in plugin 'tax-relief' 0.1.0 from plugins/tax-relief: plugin 'tax-relief' has no parameter 'rate'. "
                + "Known names are: every, from, share, target, version")
    }

    func testANewPluginHiddenByAnEarlierCopyIsWarnedAbout() throws {
        let dir = try BatchCommandTests.project()
        let shared = dir.appendingPathComponent("shared")
        let r = try uptake(
            ["plugin", "new", "probe", "--in", "shared"], in: dir, environment: ["UPTAKE_PLUGIN_PATH": shared.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(
            UptakeCLI.errorLine(r.stderr),
            "warning: the plugin 'probe' 1.0.0 in plugins/probe comes first on the search path and hides shared/probe: "
                + "scenarios will not load the new one. Choose another name (remove shared/probe and run `uptake plugin new my-probe`)"
        )
    }

    func testAHookErrorNamesThePluginsVersionAndFolder() throws {
        let dir = try BatchCommandTests.project(
            pluginBody: "function m.on_tick(ctx) if ctx.tick == 1 then error(\"boom\") end end")
        let r = try uptake(["run", "scenario.lua", "--out", "out"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(
            UptakeCLI.errorLine(r.stderr),
            "Error: plugins/probe/init.lua:2: in plugin 'probe' 1.0.0 from plugins/probe, hook on_tick, tick 1 (2023Q2): boom. "
                + "Fix the plugin's code at that line, or remove 'probe' from the scenario's plugins")
    }

    func testPluginCheckRefusesTheScaffoldsPlaceholders() throws {
        let dir = try BatchCommandTests.project()
        XCTAssertEqual(try uptake(["plugin", "new", "my-subsidy"], in: dir).status, 0)
        let r = try uptake(["plugin", "check", "plugins/my-subsidy"], in: dir)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(
            r.stdout.contains(
                "FAIL  plugins/my-subsidy: \(dir.path)/plugins/my-subsidy/plugin.toml:4: in plugin 'my-subsidy': "
                    + "the manifest still has the placeholder text of `uptake plugin new` in: description, authors, source of parameter 'share'"
            ),
            r.stdout)
    }
}
