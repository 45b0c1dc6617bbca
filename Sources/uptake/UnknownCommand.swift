import ArgumentParser
import UptakeScripting

/// Words before the options that name no command (`uptake rn`, `uptake
/// plugin lst`, or a file given without a command): ArgumentParser would say
/// "2 unexpected arguments"; this says which command was meant. Status 64.
struct UnknownCommand: Error, CustomStringConvertible {
    let description: String

    /// The error for `arguments`, or nil when they name commands that exist.
    init?(_ arguments: [String], root: ParsableCommand.Type) {
        guard let message = UnknownCommand.message(for: arguments, in: root) else { return nil }
        description = message
    }

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
            let names = subcommands.filter { $0.configuration.shouldDisplay }.compactMap {
                $0.configuration.commandName
            }
            let prefix = path.joined(separator: " ")
            if argument.hasSuffix(".lua") && path.count == 1 {
                return
                    "'\(argument)' is a file, not a command. Run a scenario with: uptake run \(argument); an experiment with: uptake batch \(argument) --out results.db"
            }
            if let close = Suggestion.closest(to: argument, in: names) {
                return
                    "'\(argument)' is not a command of \(prefix); did you mean '\(prefix) \(close)'? ('\(prefix) --help' lists the commands)"
            }
            return
                "'\(argument)' is not a command of \(prefix). The commands are: \(names.joined(separator: ", ")) ('\(prefix) --help' explains them)"
        }
        return nil
    }
}
