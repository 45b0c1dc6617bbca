import ArgumentParser
import UptakeScripting

struct PluginInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show a plugin's manifest: versions, dependencies, parameters.")
    @Argument(help: "Plugin name.") var name: String
    @OptionGroup var search: PluginSearchOptions

    func run() throws {
        let catalog = PluginCatalog(searchPath: search.searchPath)
        let found = catalog.manifests.filter { $0.name == name }
        guard let m = found.first else {
            let hint = Suggestion.hint(for: name, in: catalog.manifests.map(\.name))
            throw UserFacingError("no plugin '\(name)' on the search path; \(hint)")
        }
        print("\(m.name) \(m.version)  (\(m.directory.path))")
        if found.count > 1 {
            print(
                "Other versions: "
                    + found.dropFirst().map { "\($0.version) in \($0.directory.path)" }.joined(separator: ", "))
        }
        if let origin = PluginOrigin.read(from: m.directory) {
            let signer = origin.signature.map { ", signed by \($0.publisher) (key \($0.key))" } ?? ", unsigned"
            print("Installed from \(origin.source)\(signer)")
        }
        print(m.description)
        print("Authors: \(m.authors.joined(separator: ", "))   License: \(m.license)   API: \(m.api)")
        if !m.dependencies.isEmpty {
            print(
                "Depends on: "
                    + m.dependencies.map { "\($0.name) \($0.constraint)" + ($0.optional ? " (optional)" : "") }.joined(
                        separator: ", "))
        }
        if !m.params.isEmpty { print("Parameters:") }
        for p in m.params {
            var line = "  \(p.name) (\(p.kind.rawValue)"
            if p.defaultValue != .nil { line += ", default \(p.defaultValue)" }
            if p.min != nil || p.max != nil {
                line += ", \(p.min.map { "\($0)" } ?? "")..\(p.max.map { "\($0)" } ?? "")"
            }
            if !p.unit.isEmpty { line += ", \(p.unit)" }
            print(line + ")")
            if !p.doc.isEmpty { print("      \(p.doc)") }
            if !p.source.isEmpty { print("      source: \(p.source)") }
        }
    }
}
