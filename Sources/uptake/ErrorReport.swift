import ArgumentParser
import Foundation
import UptakeFiles
import UptakeReport
import UptakeScripting

/// The one place where an error that ends `uptake` becomes what the user
/// sees: the text (one line on standard error; a mistake in the arguments
/// adds the command's usage) and the exit status of docs/cli.md. Commands only throw; `Uptake.main` catches every error and
/// ends with `ErrorReport(error).exit()`.
///
/// | error | printed | status |
/// | --- | --- | --- |
/// | `Diagnostic`, `FileSystemError`, `UserFacingError`, `InputFileError`, `TrustRefusal` | `Error: <its line>` | 1 |
/// | `UnreadableFile` | `Error: cannot read PATH: <Foundation's reason>` | 1 |
/// | a Foundation error about a path (one a command let through) | `Error: cannot use PATH: <reason>; ...` | 1 |
/// | `UnknownCommand` (`uptake rn`) | `Error: <its line>` | 64 |
/// | `SomeFailed.runs` (batch) | `error: N of M runs failed ...` | 3 |
/// | `SomeFailed.tests`, `.pluginChecks` | nothing (each failure is listed already) | 1 |
/// | `Interrupted` (outside a signal handler) | its line | 130 |
/// | `ExitCode`, thrown only by `WorkerCommand.swift` | nothing (the worker's status for its batch) | its value |
/// | anything else, as ArgumentParser says it: | | |
/// | a wrong option or value, `ValidationError` | `Error: <message>` and the usage | 64 |
/// | `--help`, `--version` | the text, on standard output | 0 |
/// | any other error | `Error: <its description>` | 1 |
///
/// Other exits, which cannot throw to `main` and so do not come here
/// (ErrorReportTests fails for an exit in a file not named here):
/// - Ctrl-C and SIGTERM handlers, which run on a dispatch queue while the
///   command's thread is still working, and end the process with 130:
///   `RunInterruption.swift` (`uptake run`: "interrupted at tick T ...;
///   nothing written"), `Uptake.swift` (`removingTemporaryFilesOnSignals`,
///   every other command but batch and worker), `BatchCommand.swift`
///   (the finished runs are kept; how to resume).
/// - `RunSupervision.swift`: the parent that supervises `uptake run` ends
///   with the exit status of its child, which told its own error through here.
/// - Outside this folder, `BatchWorker.watch` ends a worker process with
///   `_exit(1)` when its batch is gone.
struct ErrorReport: Equatable {
    /// What to print, without the final newline; empty when nothing is to be added.
    let text: String
    /// The exit status (docs/cli.md, "Exit statuses").
    let status: Int32
    /// Help and the version go to standard output, everything else to standard error.
    let toStandardOutput: Bool

    init(text: String, status: Int32, toStandardOutput: Bool = false) {
        self.text = text
        self.status = status
        self.toStandardOutput = toStandardOutput
    }

    init(_ error: Error) {
        switch error {
        case let unknown as UnknownCommand:
            self.init(text: "Error: \(unknown)", status: ExitCode.validationFailure.rawValue)
        case let failed as SomeFailed:
            self.init(failed)
        case let interrupted as Interrupted:
            self.init(text: interrupted.description, status: Interrupted.exitStatus)
        case let code as ExitCode:
            self.init(text: "", status: code.rawValue)
        default:
            if let sentence = ErrorReport.userSentence(error) {
                self.init(text: "Error: \(sentence)", status: ExitCode.failure.rawValue)
            } else {
                // ArgumentParser's own errors (a parse error knows the command whose usage to show;
                // help, version) and errors of no known kind: told as ArgumentParser tells them.
                let code = Uptake.exitCode(for: error)
                self.init(
                    text: Uptake.fullMessage(for: error), status: code.rawValue, toStandardOutput: code == .success)
            }
        }
    }

    private init(_ failed: SomeFailed) {
        switch failed {
        case let .runs(count, total, database):
            self.init(
                text: "error: \(count) of \(total) runs failed (recorded with their errors in \(database)); "
                    + "list them with: uptake results \(database)",
                status: 3)
        case .tests, .pluginChecks:
            self.init(text: "", status: ExitCode.failure.rawValue)
        }
    }

    /// The error in one sentence, as after "Error: ". For the lines that list
    /// a failure and go on (`plugin check`'s FAIL, `plugin lock`'s skipped file).
    static func sentence(_ error: Error) -> String {
        if let sentence = userSentence(error) { return sentence }
        // As ArgumentParser says an error of a type it does not know.
        return (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    }

    /// The sentence of an error a user can fix, or nil for any other error.
    private static func userSentence(_ error: Error) -> String? {
        switch error {
        case let diagnostic as Diagnostic: return diagnostic.description
        case let file as FileSystemError: return file.description
        case let refusal as UserFacingError: return refusal.description
        case let input as InputFileError: return input.description
        case let refusal as TrustRefusal: return refusal.description
        case let unreadable as UnreadableFile:
            return "cannot read \(unreadable.path): \(unreadable.reason.localizedDescription)"
        default: return aboutPath(error)?.description
        }
    }

    /// An error from Foundation about a file, as one line naming the path and
    /// the reason, instead of "The operation could not be completed".
    private static func aboutPath(_ error: Error) -> FileSystemError? {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return nil }
        guard let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path else {
            return nil
        }
        return FileSystemError(error, action: "cannot use", path: path)
    }

    /// Prints the text and ends the process with the status.
    func exit() -> Never {
        if !text.isEmpty {
            if toStandardOutput {
                print(text)  // after what the command printed, through the same buffer
            } else {
                FileHandle.standardError.write(Data((text + "\n").utf8))
            }
        }
        Foundation.exit(status)
    }
}

/// An error printed as "Error: <one line>" with exit status 1.
struct UserFacingError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

/// A file a command reads (`api --tables`) that it could not read.
struct UnreadableFile: Error {
    let path: String
    let reason: Error
}

/// The command did its work, but some of it failed: what failed is listed
/// or stored, and the exit status says so.
enum SomeFailed: Error {
    /// `uptake batch`: some of the runs failed; all are recorded, with their errors, in `database`.
    case runs(failed: Int, of: Int, database: String)
    /// `uptake test`: tests failed, each listed as FAIL.
    case tests
    /// `uptake plugin check`: plugins failed their check, each listed as FAIL.
    case pluginChecks
}

/// Ctrl-C or SIGTERM noticed where the command can still throw (not in a
/// signal handler): its one line as it is, and status 130.
struct Interrupted: Error, CustomStringConvertible {
    static let exitStatus: Int32 = 130
    let description: String
    init(_ text: String) { description = text }
}
