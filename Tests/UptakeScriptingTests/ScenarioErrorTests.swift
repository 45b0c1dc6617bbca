import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// Every mistake a scenario can hold ends the run with one diagnostic that
/// names the file and line (and the plugin, hook and tick where they apply).
final class ScenarioErrorTests: XCTestCase {
    func testLuaSyntaxErrorNamesFileAndLine() throws {
        let p = try TemporaryProject()
        let file = try p.write("broken.lua", "return scenario {\n  name = \"x\",\n  ticks = 12\n  seed = 3,\n}\n")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.file, file)
        XCTAssertEqual(d.line, 4)
        XCTAssertTrue(d.problem.contains("syntax"), d.description)
        XCTAssertNotNil(d.fix)
    }

    func testAnExperimentFileIsRecognisedAndAnImitationOfItsErrorIsNot() throws {
        let p = try TemporaryProject()
        let experiment = try p.write("sweep.lua", "local x = 1\nreturn experiment { scenario = \"s.lua\" }\n")
        let d = try XCTUnwrap(p.failure(experiment))
        XCTAssertEqual(d.line, 2)
        XCTAssertEqual(d.wrongKind, "experiment")
        XCTAssertEqual(d.problem, "this is an experiment file, not a scenario")
        XCTAssertEqual(d.fix, "Run it with: uptake batch \(experiment) --out results.db")
        // A file that raises the same words itself is an ordinary error, not a crash or a wrong kind.
        let imitation = try p.write("imitation.lua", "error(\"uptake: the file is of kind nothing\")\n")
        let e = try XCTUnwrap(p.failure(imitation))
        XCTAssertNil(e.wrongKind)
        XCTAssertEqual(e.line, 1)
    }

    /// A sector named like a size or category would give two adoption_NAME columns.
    func testASectorCannotTakeTheNameOfASizeOrCategory() throws {
        let p = try TemporaryProject()
        for name in ["small", "laggards"] {
            let file = try p.scenario(
                extra: "firms = { sectors = { \(name) = { share = 0.2 } } },", name: "\(name).lua")
            let d = try XCTUnwrap(p.failure(file))
            XCTAssertEqual(d.line, 6, d.description)
            XCTAssertTrue(
                d.problem.contains("sector '\(name)' has the name of a firm size or adopter category"), d.description)
        }
    }

    func testInitialAdoptionBySizeIsCheckedAndExcludesTheOverallShare() throws {
        let p = try TemporaryProject()
        let both = try p.scenario(
            extra: "firms = { initial_adoption = 0.05, initial_adoption_by_size = { large = 0.3 } },", name: "both.lua")
        let d = try XCTUnwrap(p.failure(both))
        XCTAssertTrue(d.problem.contains("both initial_adoption and initial_adoption_by_size"), d.description)
        // The overall share given on the command line to a scenario with shares by size: the flag is named.
        let bySize = try p.scenario(extra: "firms = { initial_adoption_by_size = { large = 0.3 } },", name: "size.lua")
        let flag = try XCTUnwrap(p.failure(bySize, overrides: ["firms.initial_adoption=0.05"]))
        XCTAssertEqual(flag.file, "--set firms.initial_adoption=0.05", flag.description)
        let typo = try p.scenario(extra: "firms = { initial_adoption_by_size = { larg = 0.3 } },", name: "typo.lua")
        let e = try XCTUnwrap(p.failure(typo))
        XCTAssertTrue(e.problem.contains("unknown key 'larg'"), e.description)
        XCTAssertTrue(e.fix?.contains("large") ?? false, e.description)
        let range = try p.scenario(extra: "firms = { initial_adoption_by_size = { small = 1.5 } },", name: "range.lua")
        let f = try XCTUnwrap(p.failure(range))
        XCTAssertTrue(f.problem.contains("small"), f.description)
    }

    func testUnknownPluginIsNamedWithItsLine() throws {
        let p = try TemporaryProject()
        try p.plugin("tax-relief", params: numberParam, initLua: "return {}")
        let file = try p.scenario("{ \"tax-releif\", rate = 0.2 },")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.file, file)
        XCTAssertEqual(d.line, 8)
        XCTAssertTrue(d.problem.contains("'tax-releif'") && d.problem.contains("not found"), d.description)
        XCTAssertTrue(d.fix?.contains("Did you mean 'tax-relief'") ?? false, d.description)
    }

    func testUnknownPluginParameter() throws {
        let p = try TemporaryProject()
        try p.plugin("tax-relief", params: numberParam, initLua: "return {}")
        let file = try p.scenario("{ \"tax-relief\",\n rat = 0.2 },")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.file, file)
        XCTAssertEqual(d.line, 9)
        XCTAssertEqual(d.plugin, "tax-relief")
        XCTAssertTrue(d.problem.contains("no parameter 'rat'"), d.description)
        XCTAssertTrue(d.fix?.contains("'rate'") ?? false, d.description)
    }

    func testParameterOfTheWrongType() throws {
        let p = try TemporaryProject()
        try p.plugin("tax-relief", params: numberParam, initLua: "return {}")
        let file = try p.scenario("{ \"tax-relief\", rate = \"high\" },")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.file, file)
        XCTAssertEqual(d.line, 8)
        XCTAssertTrue(d.problem.contains("must be a number"), d.description)
        XCTAssertTrue(d.problem.contains("rate"), d.description)
    }

    /// NaN and infinity are numbers to Lua: the message names the value, not its type ("not number nan").
    func testANumberThatIsNotFiniteIsNamedAsSuch() throws {
        let p = try TemporaryProject()
        for (value, shown) in [("0/0", "nan"), ("math.huge", "inf"), ("-math.huge", "-inf")] {
            let file = try p.write(
                "s.lua", "return scenario { name = \"x\", ticks = 4, model = { rule = \"bass\", p = \(value) } }")
            let d = try XCTUnwrap(p.failure(file))
            XCTAssertTrue(d.problem.hasPrefix("'p' must be a finite number, not "), d.description)
            XCTAssertTrue(d.problem.hasSuffix(shown), d.description)
        }
    }

    func testParameterOutOfRangeFromTheCommandLine() throws {
        let p = try TemporaryProject()
        try p.plugin("tax-relief", params: numberParam, initLua: "return {}")
        let file = try p.scenario("{ \"tax-relief\", rate = 0.2 },")
        let d = try XCTUnwrap(p.failure(file, overrides: ["tax-relief.rate=7"]))
        XCTAssertEqual(d.file, "--set tax-relief.rate=7")
        XCTAssertTrue(d.problem.contains("above its maximum"), d.description)
    }

    func testPluginErrorInOnTickNamesPluginHookTickAndLine() throws {
        let p = try TemporaryProject()
        try p.plugin(
            "faulty",
            initLua: """
                local M = {}
                function M.on_tick(ctx)
                  if ctx.tick == 3 then
                    local x = nil
                    return x.field
                  end
                end
                return M
                """)
        let file = try p.scenario("\"faulty\",")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertTrue(d.file?.hasSuffix("plugins/faulty/init.lua") ?? false, d.description)
        XCTAssertEqual(d.line, 5)
        XCTAssertEqual(d.plugin, "faulty")
        XCTAssertEqual(d.hook, "on_tick")
        XCTAssertEqual(d.tick, 3)
        XCTAssertEqual(d.date, "2023Q4")
        XCTAssertTrue(d.problem.contains("index a nil value"), d.description)
    }

    func testUnknownScenarioKeySuggestsTheRightOne() throws {
        let p = try TemporaryProject()
        let file = try p.write("typo.lua", "return scenario {\n  name = \"x\",\n  tiks = 12,\n}\n")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.line, 3)
        XCTAssertTrue(d.problem.contains("unknown key 'tiks'"), d.description)
        XCTAssertTrue(d.fix?.contains("'ticks'") ?? false, d.description)
    }

    func testNestedValueOfTheWrongType() throws {
        let p = try TemporaryProject()
        let file = try p.write(
            "net.lua",
            "return scenario {\n  firms = 300,\n  network = {\n    kind = \"small-world\",\n    degree = \"eight\",\n  },\n}\n"
        )
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.line, 5)
        XCTAssertTrue(d.problem.contains("'degree' must be a whole number"), d.description)
    }

    func testLatticeTooSmallOrOfTheWrongDegreeNamesTheAllowedValues() throws {
        let p = try TemporaryProject()
        let tiny = try p.write(
            "tiny.lua",
            "return scenario {\n  firms = 4,\n  network = {\n    kind = \"lattice\",\n    degree = 4,\n  },\n}\n")
        let d = try XCTUnwrap(p.failure(tiny))
        XCTAssertEqual(d.line, 5)
        XCTAssertTrue(d.problem.contains("needs at least 5 firms, not 4"), d.description)
        let six = try p.write(
            "six.lua",
            "return scenario {\n  firms = 400,\n  network = {\n    kind = \"lattice\",\n    degree = 6,\n  },\n}\n")
        let e = try XCTUnwrap(p.failure(six))
        XCTAssertEqual(e.line, 5)
        XCTAssertTrue(e.problem.contains("degree 4 or 8, not 6"), e.description)
    }

    func testUnknownHookNameIsRejected() throws {
        let p = try TemporaryProject()
        try p.plugin("typo", initLua: "return {\n  on_tik = function(ctx) end,\n}\n")
        let file = try p.scenario("\"typo\",")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertEqual(d.line, 2)
        XCTAssertTrue(d.fix?.contains("on_tick") ?? false, d.description)
    }
}
