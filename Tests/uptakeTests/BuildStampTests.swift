import Foundation
import XCTest
import UptakeTestSupport

/// scripts/build-stamp.sh, which the BuildStamp plugin runs before every
/// build: the commit a tree is built from, "+dirty" changes told apart, and
/// "unknown" wherever git cannot vouch for this very package.
final class BuildStampTests: XCTestCase {
    static let script = Repository.root.appendingPathComponent("scripts/build-stamp.sh").path

    struct Stamp: Equatable {
        let commit: String
        let changes: String
    }

    @discardableResult
    func shell(_ command: String, in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, command)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func stamp(_ package: URL, into output: URL) throws -> Stamp {
        try shell("sh '\(Self.script)' '\(package.path)' '\(output.path)'", in: package)
        let text = try String(contentsOf: output.appendingPathComponent("BuildStamp.swift"), encoding: .utf8)
        func value(_ name: String) -> String {
            let line = text.split(separator: "\n").first { $0.contains("static let \(name) = ") } ?? ""
            return line.split(separator: "\"", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
                ?? "?"
        }
        return Stamp(commit: value("commit"), changes: value("changes"))
    }

    func folder() throws -> URL { try TemporaryFolder.make(prefix: "uptake stamp ") }

    func testTheStampIsTheCommitPlusAFingerprintOfChangesAndUnknownOutsideThePackagesOwnRepository() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/git") else {
            throw XCTSkip("git is not installed")
        }
        let tarball = try folder()
        let output = try folder()
        try "// package\n".write(to: tarball.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try stamp(tarball, into: output), Stamp(commit: "unknown", changes: ""), "a tree outside git")

        let repository = try folder()
        try "// package\n".write(
            to: repository.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try shell(
            "git init -q . && git add -A && git -c user.name=t -c user.email=t@t commit -qm first", in: repository)
        let head = try shell("git rev-parse HEAD", in: repository)
        XCTAssertEqual(try stamp(repository, into: output), Stamp(commit: head, changes: ""), "a clean checkout")
        let file = output.appendingPathComponent("BuildStamp.swift")
        let written = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
        _ = try stamp(repository, into: output)
        XCTAssertEqual(
            try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date, written,
            "an unchanged stamp is not rewritten, so nothing recompiles")

        try "// package, edited\n".write(
            to: repository.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let edited = try stamp(repository, into: output)
        XCTAssertEqual(edited.commit, head)
        XCTAssertNotNil(edited.changes.range(of: "^[0-9a-f]{10}$", options: .regularExpression), edited.changes)
        try "// package, edited otherwise\n".write(
            to: repository.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        XCTAssertNotEqual(
            try stamp(repository, into: output).changes, edited.changes, "other edits, another fingerprint")
        try "new\n".write(to: repository.appendingPathComponent("Untracked.swift"), atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try stamp(repository, into: output).changes, edited.changes, "an untracked file counts")

        let nested = repository.appendingPathComponent("vendor/uptake")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        XCTAssertEqual(
            try stamp(nested, into: output), Stamp(commit: "unknown", changes: ""),
            "a source tarball unpacked inside another repository does not claim its commit")
    }
}
