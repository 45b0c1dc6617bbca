import ArgumentParser
import Foundation
import UptakeFiles
import UptakeScripting

/// What to say when the words before the options name no command
/// (`uptake rn`, `uptake plugin lst`, or a file given without a command).
enum UnknownCommand {
    /// The error line for `arguments`, or nil when they name commands that exist.
    static func message(for arguments: [String], in root: ParsableCommand.Type) -> String? {
        var command = root
        var path = [root.configuration.commandName ?? "uptake"]
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            // Options (--help, --version) and the built-in `help` are ArgumentParser's to read.
            guard !subcommands.isEmpty, !argument.hasPrefix("-"), argument != "help" else { return nil }
            if let next = subcommands.first(where: { $0.configuration.commandName == argument }) {
                command = next
                path.append(argument)
                continue
            }
            let names = subcommands.filter { $0.configuration.shouldDisplay }.compactMap { $0.configuration.commandName }
            let prefix = path.joined(separator: " ")
            if argument.hasSuffix(".lua") && path.count == 1 {
                return "'\(argument)' is a file, not a command. Run a scenario with: uptake run \(argument); an experiment with: uptake batch \(argument) --out results.db"
            }
            if let close = Suggestion.closest(to: argument, in: names) {
                return "'\(argument)' is not a command of \(prefix); did you mean '\(prefix) \(close)'? ('\(prefix) --help' lists the commands)"
            }
            return "'\(argument)' is not a command of \(prefix). The commands are: \(names.joined(separator: ", ")) ('\(prefix) --help' explains them)"
        }
        return nil
    }

    /// An error from Foundation about a file, which a command let through,
    /// as one line naming the path and the reason; any other error as it is.
    static func readable(_ error: Error) -> Error {
        let ns = error as NSError
        guard ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain else { return error }
        let path = ns.userInfo[NSFilePathErrorKey] as? String ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        guard let path else { return error }
        return FileSystemError(error, action: "cannot use", path: path) ?? error
    }
}
