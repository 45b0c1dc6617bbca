import Foundation
import XCTest
import UptakeTestSupport
@testable import UptakeFiles

/// Outputs appear whole or not at all, folders are made, and every refusal
/// names the path, the reason in words and a fix. Tests run as root, so a
/// folder that refuses writes is made with a file in the way or /proc.
final class OutputFileTests: XCTestCase {
    func scratch() throws -> URL { try TemporaryFolder.make(prefix: "uptake files ") }

    func entries(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    func testMissingFoldersAreMadeAndTheFileIsWrittenWhole() throws {
        let root = try scratch()
        let file = root.appendingPathComponent("a b/c d/series.csv")
        try OutputFile.write(Data("x\n".utf8), to: file)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8), "x\n")
        XCTAssertEqual(try entries(file.deletingLastPathComponent()), ["series.csv"], "no temporary file is left")
    }

    func testAFileWhereAFolderShouldBeIsNamed() throws {
        let root = try scratch()
        try Data("not a folder".utf8).write(to: root.appendingPathComponent("out"))
        XCTAssertThrowsError(try OutputFile.write(Data(), to: root.appendingPathComponent("out/sub/series.csv"))) {
            error in
            XCTAssertEqual(
                "\(error)",
                "cannot create the folder \(root.path)/out/sub: \(root.path)/out is a file, not a folder; "
                    + "nothing there was changed. Remove or rename that file, or choose another output")
        }
        XCTAssertEqual(try entries(root), ["out"])
    }

    func testAFolderWhereTheFileShouldBeIsNamed() throws {
        let root = try scratch()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("firms.csv"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try OutputFile.write(Data(), to: root.appendingPathComponent("firms.csv"))) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot write \(root.path)/firms.csv: it is a folder; nothing there was changed. "
                    + "Give a file name instead, e.g. \(root.path)/firms.csv/results")
        }
    }

    func testAFileSystemThatRefusesNewFilesIsSaidInWords() throws {
        guard FileManager.default.fileExists(atPath: "/proc/self") else { throw XCTSkip("no /proc here") }
        XCTAssertThrowsError(try OutputFile.write(Data(), to: URL(fileURLWithPath: "/proc/nope/series.csv"))) { error in
            XCTAssertEqual(
                "\(error)",
                "cannot create the folder /proc/nope: the file system of /proc does not allow new files or folders there; "
                    + "nothing there was changed. Choose an ordinary folder, e.g. out/")
        }
    }

    func testFoldersMadeForAFailedOutputAreRemovedAgain() throws {
        let root = try scratch()
        let outputs = StagedOutputs()
        try outputs.stage(Data("a".utf8), at: root.appendingPathComponent("new/deeper/a.csv"))
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("new/deeper/b.csv"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try outputs.stage(Data("b".utf8), at: root.appendingPathComponent("new/deeper/b.csv")))
        XCTAssertEqual(
            try entries(root.appendingPathComponent("new/deeper")), ["b.csv"], "a.csv's temporary file is gone")
    }

    func testNothingIsVisibleBeforeCommitAndEverythingAfter() throws {
        let root = try scratch()
        try Data("earlier\n".utf8).write(to: root.appendingPathComponent("series.csv"))
        let outputs = StagedOutputs()
        try outputs.stage(Data("new series\n".utf8), at: root.appendingPathComponent("series.csv"))
        try outputs.stage(Data("new firms\n".utf8), at: root.appendingPathComponent("firms/firms.csv"))
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("series.csv"), encoding: .utf8), "earlier\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("firms/firms.csv").path))
        try outputs.commit()
        XCTAssertEqual(
            try String(contentsOf: root.appendingPathComponent("series.csv"), encoding: .utf8), "new series\n")
        XCTAssertEqual(
            try String(contentsOf: root.appendingPathComponent("firms/firms.csv"), encoding: .utf8), "new firms\n")
        XCTAssertEqual(try entries(root), ["firms", "series.csv"])
    }

    func testDiscardingLeavesTheEarlierFilesAndRemovesWhatItMade() throws {
        let root = try scratch()
        try Data("earlier\n".utf8).write(to: root.appendingPathComponent("series.csv"))
        var outputs: StagedOutputs? = StagedOutputs()
        try outputs!.stage(Data("new\n".utf8), at: root.appendingPathComponent("series.csv"))
        try outputs!.stage(Data("new\n".utf8), at: root.appendingPathComponent("made/firms.csv"))
        outputs = nil  // dropped without commit, as when a command fails
        XCTAssertEqual(try entries(root), ["series.csv"])
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("series.csv"), encoding: .utf8), "earlier\n")
    }

    func testAfterCommitAnInterruptionChangesNothing() throws {
        let root = try scratch()
        let outputs = StagedOutputs()
        try outputs.stage(Data("x".utf8), at: root.appendingPathComponent("a.csv"))
        var called = false
        try outputs.commit()
        XCTAssertFalse(outputs.discardUnlessCommitted { called = true })
        XCTAssertFalse(called)
        XCTAssertEqual(try entries(root), ["a.csv"])
        let pending = StagedOutputs()
        try pending.stage(Data("y".utf8), at: root.appendingPathComponent("b.csv"))
        XCTAssertTrue(pending.discardUnlessCommitted { called = true })
        XCTAssertTrue(called)
        XCTAssertEqual(try entries(root), ["a.csv"])
    }

    /// What the handler of Ctrl-C does for commands other than run and batch.
    func testAnInterruptionRemovesTheTemporaryFilesOfEveryStagedOutput() throws {
        let root = try scratch()
        try Data("earlier\n".utf8).write(to: root.appendingPathComponent("summary.csv"))
        let outputs = StagedOutputs()
        try outputs.stage(Data("new\n".utf8), at: root.appendingPathComponent("summary.csv"))
        try outputs.stage(Data("new\n".utf8), at: root.appendingPathComponent("series.csv"))
        XCTAssertEqual(try entries(root).count, 3)
        TemporaryFiles.removeAll()
        XCTAssertEqual(try entries(root), ["summary.csv"])
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("summary.csv"), encoding: .utf8), "earlier\n")
    }

    func testFoundationErrorsBecomeWords() throws {
        let root = try scratch()
        let error = NSError(domain: NSCocoaErrorDomain, code: NSFileWriteOutOfSpaceError)
        XCTAssertEqual(
            FileSystemError(error, action: "cannot write", path: root.path)?.reason, "no space left on device")
        XCTAssertNil(FileSystemError(NSError(domain: "elsewhere", code: 1), action: "cannot write", path: "x"))
    }
}
