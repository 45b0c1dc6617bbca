import Foundation
import XCTest
import UptakeTestSupport
import UptakeFuzzTargets
import UptakeScripting

/// Replays every input kept for the fuzz targets, in this process: the seed
/// corpus (Tests/Fuzz/Corpus/<target>/) and the inputs that once crashed or
/// hung a target (Tests/Fuzz/Regressions/<target>/). Errors are the expected
/// answer to bad input; a crash ends the test run, a slow input fails here.
/// `make fuzz` (scripts/fuzz.sh) finds new inputs; docs/security.md#fuzzing.
final class FuzzReplayTests: XCTestCase {
    static let fuzzFolder = Repository.root.appendingPathComponent("Tests/Fuzz")

    /// Inputs of one kind for a target, sorted by name.
    func inputs(_ kind: String, _ target: FuzzTarget) -> [URL] {
        let folder = Self.fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map {
            folder.appendingPathComponent($0)
        }
    }

    func replay(_ target: FuzzTarget, line: UInt = #line) throws {
        let corpus = inputs("Corpus", target), regressions = inputs("Regressions", target)
        XCTAssertFalse(
            corpus.isEmpty, "no seed corpus for \(target.rawValue) in Tests/Fuzz/Corpus/\(target.rawValue)", line: line)
        for file in corpus + regressions {
            let data = try Data(contentsOf: file)
            let started = Date()
            FuzzTarget.run(target, data)
            let seconds = Date().timeIntervalSince(started)
            // libFuzzer's hang limit in scripts/fuzz.sh is 30 s with the fuzzer's instrumentation; a debug build is slower still.
            XCTAssertLessThan(seconds, 60, "\(file.path) took \(seconds) s", line: line)
        }
    }

    func testEveryTargetHasAFolder() {
        for target in FuzzTarget.allCases {
            XCTAssertTrue(
                FileManager.default.fileExists(
                    atPath: Self.fuzzFolder.appendingPathComponent("Corpus/\(target.rawValue)").path), target.rawValue)
        }
    }

    func testScenario() throws { try replay(.scenario) }
    func testExperiment() throws { try replay(.experiment) }
    func testManifest() throws { try replay(.manifest) }
    func testFirmsCSV() throws { try replay(.firmsCSV) }
    func testEdgesCSV() throws { try replay(.edgesCSV) }
    func testSeriesCSV() throws { try replay(.seriesCSV) }
    func testSetValue() throws { try replay(.setValue) }
    func testLockfile() throws { try replay(.lockfile) }
    func testArchive() throws { try replay(.archive) }
    func testRegistryIndex() throws { try replay(.registryIndex) }
    func testSharingConfig() throws { try replay(.sharingConfig) }
    func testResults() throws { try replay(.results) }
    func testMerge() throws { try replay(.merge) }
    func testLuaAPI() throws { try replay(.luaAPI) }

    /// The lua-api target turns any bytes into a program that loads: a
    /// syntax error would hide the whole API from the fuzzer.
    func testLuaAPIProgramsAreValidLua() throws {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 {  // a fixed stream: the same programs every time
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        for i in 0..<300 {
            let bytes = (0..<Int(next() % 800)).map { _ in UInt8(truncatingIfNeeded: next()) }
            let (a, b) = FuzzTarget.luaAPIPlugins(Data(bytes))
            for source in [a, b] {
                let lua = try LuaState()
                XCTAssertNoThrow(try lua.load(source: source, chunkName: "program\(i).lua"), source)
            }
        }
    }
}
