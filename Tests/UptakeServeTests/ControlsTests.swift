import Foundation
import UptakeScripting
import XCTest

@testable import UptakeServe

/// Controls come from the plugin's manifest: what the page shows for a
/// parameter is its type, range, unit, doc and source as written there.
final class ControlsTests: XCTestCase {
    var project: ExplorerProject!
    var manifest: PluginManifest!

    override func setUpWithError() throws {
        project = try ExplorerProject()
        manifest = try PluginManifest.load(directory: project.root.appendingPathComponent("plugins/knob"))
    }

    override func tearDown() { project.remove() }

    func control(_ name: String, value: LuaValue? = nil) throws -> ScenarioDescription.Control {
        let spec = try XCTUnwrap(manifest.params.first { $0.name == name })
        return ScenarioDescription.control(spec, value: value)
    }

    func testABoundedNumberIsASliderWithItsManifestFields() throws {
        let share = try control("share")
        XCTAssertEqual(share.control, "slider")
        XCTAssertEqual(share.type, "number")
        XCTAssertEqual(share.min, 0)
        XCTAssertEqual(share.max, 1)
        XCTAssertEqual(share.step, 0.01)
        XCTAssertEqual(share.unit, "share of adoption cost")
        XCTAssertEqual(share.doc, "What the state pays.")
        XCTAssertEqual(share.source, "Budget 2026, line 4.2")
        XCTAssertEqual(share.value, .number(0.1), "without a value in the scenario, the manifest's default")
        XCTAssertEqual(share.defaultValue, .number(0.1))
    }

    func testTheScenarioValueIsShownNotTheDefault() throws {
        XCTAssertEqual(try control("share", value: .number(0.25)).value, .number(0.25))
    }

    func testEachKindGetsItsControl() throws {
        XCTAssertEqual(try control("courses").control, "slider")
        XCTAssertEqual(try control("courses").step, 1, "an integer's slider steps by whole numbers")
        XCTAssertEqual(try control("budget").control, "number", "no maximum, no slider")
        XCTAssertEqual(try control("budget").min, 0)
        XCTAssertNil(try control("budget").max)
        XCTAssertEqual(try control("strict").control, "checkbox")
        XCTAssertEqual(try control("strict").value, .boolean(false))
        XCTAssertEqual(try control("mode").control, "select")
        XCTAssertEqual(try control("mode").choices, ["flat", "tapered"])
        XCTAssertEqual(try control("from").control, "date")
        XCTAssertNil(try control("from").value, "a date without default is open")
        XCTAssertEqual(try control("sectors").control, "readonly")
        XCTAssertEqual(try control("sectors").value, .string(#"{ "manufacturing" }"#))
    }

    func testSliderStepsAreAHundredthOfTheRangeRounded() {
        XCTAssertEqual(ScenarioDescription.roundStep(for: 2, whole: false), 0.01)
        XCTAssertEqual(ScenarioDescription.roundStep(for: 1e13, whole: false), 1e11)
        XCTAssertEqual(ScenarioDescription.roundStep(for: 39, whole: true), 1)
        XCTAssertEqual(ScenarioDescription.roundStep(for: 5000, whole: true), 10)
    }

    func testAScenarioIsDescribedWithItsKnobsAndPlugins() throws {
        let folder = try ProjectFolder(project.root.path)
        let described = ScenarioDescription.describe(files: ["scenarios/small.lua"], in: folder)
        let small = try XCTUnwrap(described.first)
        XCTAssertEqual(small.kind, .scenario)
        XCTAssertEqual(small.name, "Small test scenario")
        XCTAssertEqual(small.knobs, .init(ticks: 6, seed: "7", firms: 300))
        XCTAssertEqual(small.plugins.map(\.name), ["knob"])
        XCTAssertEqual(small.plugins[0].version, "1.2.0")
        XCTAssertTrue(small.plugins[0].settable)
        XCTAssertEqual(small.plugins[0].params.first { $0.name == "share" }?.value, .number(0.25))
    }

    func testExperimentsAndBrokenFilesAreToldApart() throws {
        let folder = try ProjectFolder(project.root.path)
        let described = ScenarioDescription.describe(
            files: ["scenarios/sweep.lua", "scenarios/broken.lua"], in: folder)
        XCTAssertEqual(described.map(\.kind), [.experiment, .broken])
        let error = try XCTUnwrap(described[1].error)
        XCTAssertTrue(error.hasPrefix("scenarios/broken.lua:2: "), "paths relative to the project: \(error)")
    }

    func testARequestSetsOnlyPluginParametersAndKnobs() throws {
        var request = RunRequest(
            scenario: "scenarios/small.lua", ticks: 4, seed: "9", firms: 200,
            set: [
                "knob.share": .number(0.5), "knob.strict": .boolean(true), "knob.from": .string("2024Q1"),
            ])
        XCTAssertEqual(
            try request.runArguments(),
            [
                "--seed", "9", "--set", "ticks=4", "--set", "firms.count=200", "--set", "knob.from=2024Q1",
                "--set", "knob.share=0.5", "--set", "knob.strict=true",
            ])
        for path in ["limits.instructions", "knob", "knob.share.x", "../x.y", "Knob.share"] {
            request.set = [path: .number(1)]
            XCTAssertThrowsError(try request.runArguments(), path)
        }
        request.set = ["knob.mode": .string("a\nb")]
        XCTAssertThrowsError(try request.runArguments())
        request.set = nil
        request.seed = "-1"
        XCTAssertThrowsError(try request.runArguments())
    }
}
