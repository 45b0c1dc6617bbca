import ArgumentParser
import Foundation
import UptakeFiles
import UptakeScripting
import UptakeTestSupport
import XCTest
@testable import uptake

/// Every error that ends `uptake` is told by `ErrorReport`: the line and the
/// exit status for each kind of error, and no command that ends the process
/// or writes an error line by itself.
final class ErrorReportTests: XCTestCase {
    struct Odd: Error, CustomStringConvertible { let description = "an odd thing happened" }
    struct Reason: LocalizedError { let errorDescription: String? = "the file is gone" }

    /// The error ArgumentParser throws for `arguments`.
    func parsing(_ arguments: [String]) -> Error {
        do {
            _ = try Uptake.parseAsRoot(arguments)
            return Odd()
        } catch {
            return error
        }
    }

    func testEachKindOfErrorGetsItsLineAndStatus() {
        let cases: [(String, Error, String, Int32)] = [
            (
                "a diagnostic",
                Diagnostic(file: "s.lua", line: 3, problem: "unknown key 'plugns'", fix: "Write 'plugins'"),
                "Error: s.lua:3: unknown key 'plugns'. Write 'plugins'", 1
            ),
            (
                "a file-system error", FileSystemError(action: "cannot write", path: "out/series.csv", errno: ENOSPC),
                "Error: cannot write out/series.csv: no space left on device; nothing there was changed. Free some space or choose another output",
                1
            ),
            (
                "a refusal of the command", UserFacingError("--retry-failed goes with --resume"),
                "Error: --retry-failed goes with --resume", 1
            ),
            (
                "an unreadable input", UnreadableFile(path: "docs/model.md", reason: Reason()),
                "Error: cannot read docs/model.md: the file is gone", 1
            ),
            (
                "a Foundation error about a path",
                NSError(domain: NSPOSIXErrorDomain, code: Int(EACCES), userInfo: [NSFilePathErrorKey: "/data/x.csv"]),
                "Error: cannot use /data/x.csv: permission denied; nothing there was changed. "
                    + "Choose a folder you may write to, or ask its owner for write permission", 1
            ),
            (
                "a misspelt command", UnknownCommand(["rn", "s.lua"], root: Uptake.self)!,
                "Error: 'rn' is not a command of uptake; did you mean 'uptake run'? ('uptake --help' lists the commands)",
                64
            ),
            (
                "failed runs", SomeFailed.runs(failed: 2, of: 8, database: "r.db"),
                "error: 2 of 8 runs failed (recorded with their errors in r.db); list them with: uptake results r.db", 3
            ),
            ("failed tests", SomeFailed.tests, "", 1),
            ("failed plugin checks", SomeFailed.pluginChecks, "", 1),
            (
                "an interruption", Interrupted("interrupted while starting the run; nothing written"),
                "interrupted while starting the run; nothing written", 130
            ),
            ("a worker's status", ExitCode(2), "", 2),
            (
                "a value out of range", parsing(["run", "s.lua", "--threads", "0"]),
                "Error: The value '0' is invalid for '--threads <threads>': use a whole number from 1 to 1024 "
                    + "(this machine has \(ProcessInfo.processInfo.activeProcessorCount) cores), e.g. --threads \(ProcessInfo.processInfo.activeProcessorCount)",
                64
            ),
            ("an error of no known kind", Odd(), "Error: an odd thing happened", 1),
        ]
        for (name, error, line, status) in cases {
            let report = ErrorReport(error)
            XCTAssertEqual(
                report.text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init), line, name)
            XCTAssertEqual(report.status, status, name)
            XCTAssertFalse(report.toStandardOutput, name)
        }
    }

    func testAMistakeInTheArgumentsAddsTheUsageOfItsCommand() {
        let report = ErrorReport(parsing(["run", "s.lua", "--seeed", "3"]))
        let lines = report.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "Error: Unknown option '--seeed'. Did you mean '--seed'?")
        XCTAssertTrue(lines.dropFirst().first?.hasPrefix("Usage: uptake run <scenario>") ?? false, report.text)
        XCTAssertEqual(report.status, 64)
        XCTAssertEqual(ErrorReport(ValidationError("--rule must be bass, threshold or rogers")).status, 64)
    }

    func testHelpAndVersionGoToStandardOutputWithStatusZero() {
        // ArgumentParser reads `run --help` as its help command, which throws this.
        let help = ErrorReport(CleanExit.helpRequest(RunCommand.self))
        XCTAssertTrue(help.text.hasPrefix("OVERVIEW: Run a scenario"), help.text)
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.toStandardOutput)
        XCTAssertEqual(
            ErrorReport(parsing(["--version"])),
            ErrorReport(text: UptakeVersion.build.description, status: 0, toStandardOutput: true))
    }

    /// The line `plugin check` and `plugin lock` list a failure with is the one it would end `uptake` with.
    func testASentenceIsTheErrorLineWithoutItsPrefix() {
        let errors: [Error] = [
            Diagnostic(file: "plugins/x/plugin.toml", problem: "cannot read the plugin manifest"),
            UserFacingError("no scenarios to lock"),
            NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC), userInfo: [NSFilePathErrorKey: "out/a.csv"]), Odd(),
        ]
        for error in errors {
            XCTAssertEqual("Error: " + ErrorReport.sentence(error), ErrorReport(error).text)
        }
    }

    /// A command that ended the process, or wrote its own "Error:" line, would
    /// bypass the mapping: only the exits `ErrorReport` lists may do so.
    func testNoCommandEndsTheProcessOrTellsAnErrorItself() throws {
        let folder = Repository.root.appendingPathComponent("Sources/uptake")
        let mapperFile = "ErrorReport.swift"
        let mapper = try String(contentsOf: folder.appendingPathComponent(mapperFile), encoding: .utf8)
        let exit = try NSRegularExpression(pattern: #"(^|[^\w.])_?exit\(|Foundation\.exit\(|ExitCode\("#)
        // "Error: ..." at the start of a string (or after a newline or an interpolation), an error interpolated
        // into text, or an error's text made into another error.
        let errorText = try NSRegularExpression(pattern: #"("|\\n|\))[Ee]rror: |\\\(error|Error\(\w+\.description\)"#)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".swift") && $0 != mapperFile
        }
        XCTAssertGreaterThan(files.count, 10)
        for file in files.sorted() {
            let code = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n").map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            func matching(_ pattern: NSRegularExpression) -> [String] {
                code.filter { pattern.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
            }
            let exits = matching(exit)
            XCTAssertTrue(
                exits.isEmpty || mapper.contains("`\(file)`"),
                "\(file) ends the process itself; throw and let ErrorReport tell it, or list it under its other exits: \(exits)"
            )
            XCTAssertEqual(
                matching(errorText), [], "\(file) tells an error itself; throw it and let ErrorReport tell it")
        }
    }
}
