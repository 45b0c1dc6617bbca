import Foundation
import XCTest

@testable import UptakeServe

/// The one gate for paths a request names: inside the project, or refused.
final class ProjectFolderTests: XCTestCase {
    var project: ExplorerProject!
    var folder: ProjectFolder!
    var outside: URL!

    override func setUpWithError() throws {
        project = try ExplorerProject()
        folder = try ProjectFolder(project.root.path)
        outside = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "return scenario { ticks = 1 }".write(
            to: outside.appendingPathComponent("secret.lua"), atomically: true, encoding: .utf8)
    }

    override func tearDown() {
        project.remove()
        try? FileManager.default.removeItem(at: outside)
    }

    func testAScenarioOfTheProjectPasses() throws {
        let url = try folder.scenario("scenarios/small.lua")
        XCTAssertEqual(url.path, folder.root.appendingPathComponent("scenarios/small.lua").path)
    }

    func testTraversalAndAbsolutePathsAreRefused() {
        let tries = [
            "../secret.lua", "scenarios/../../secret.lua", "scenarios/../scenarios/small.lua", "/etc/passwd",
            folder.root.path + "/scenarios/small.lua", "scenarios/./small.lua", "scenarios//small.lua", "", "..",
        ]
        for path in tries {
            XCTAssertThrowsError(try folder.scenario(path), path) { error in
                XCTAssertEqual(error as? ProjectFolder.PathRefusal, .outside(path), path)
            }
        }
    }

    func testASymbolicLinkLeadingOutIsRefused() throws {
        let scenarios = project.root.appendingPathComponent("scenarios")
        try FileManager.default.createSymbolicLink(
            at: scenarios.appendingPathComponent("evil.lua"),
            withDestinationURL: outside.appendingPathComponent("secret.lua"))
        try FileManager.default.createSymbolicLink(
            at: project.root.appendingPathComponent("linked"), withDestinationURL: outside)
        XCTAssertThrowsError(try folder.scenario("scenarios/evil.lua")) {
            XCTAssertEqual($0 as? ProjectFolder.PathRefusal, .outside("scenarios/evil.lua"))
        }
        XCTAssertThrowsError(try folder.file("linked/secret.lua")) {
            XCTAssertEqual($0 as? ProjectFolder.PathRefusal, .outside("linked/secret.lua"))
        }
        XCTAssertFalse(
            folder.scenarioFiles().contains("scenarios/evil.lua"), "the list leaves out a link that leads out")
    }

    func testASymbolicLinkInsideTheProjectPasses() throws {
        let scenarios = project.root.appendingPathComponent("scenarios")
        try FileManager.default.createSymbolicLink(
            at: scenarios.appendingPathComponent("alias.lua"),
            withDestinationURL: scenarios.appendingPathComponent("small.lua"))
        XCTAssertNoThrow(try folder.scenario("scenarios/alias.lua"))
    }

    func testOnlyScenarioFilesAreScenarios() {
        XCTAssertThrowsError(try folder.scenario("plugins/knob/init.lua")) {
            XCTAssertEqual($0 as? ProjectFolder.PathRefusal, .notAllowed("plugins/knob/init.lua"))
        }
        XCTAssertThrowsError(try folder.scenario("scenarios/none.lua")) {
            XCTAssertEqual($0 as? ProjectFolder.PathRefusal, .missing("scenarios/none.lua"))
        }
        XCTAssertThrowsError(try folder.file("scenarios")) {
            XCTAssertEqual($0 as? ProjectFolder.PathRefusal, .notAllowed("scenarios"))
        }
    }

    func testTheCandidatesAreTheScenarioFolderLuaFiles() {
        XCTAssertEqual(
            folder.scenarioFiles(),
            ["bloats", "broken", "exits", "loops", "slow", "small", "sweep"].map { "scenarios/\($0).lua" })
    }

    func testAMissingProjectIsAnErrorThatSaysSo() {
        XCTAssertThrowsError(try ProjectFolder(outside.appendingPathComponent("nothing").path)) {
            XCTAssertTrue("\($0)".contains("there is no project folder here"), "\($0)")
        }
    }
}
