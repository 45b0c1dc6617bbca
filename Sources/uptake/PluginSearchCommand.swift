import ArgumentParser
import UptakeScripting

struct PluginSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Search the project's registries for plugins.")
    @Argument(help: "Text in the name or description (none: list everything).") var text: String = ""

    func run() throws {
        let found = try PluginProject.current().registries().search(text)
        guard !found.isEmpty else {
            print("No plugin matches '\(text)' in the registries of uptake.toml.")
            return
        }
        for f in found {
            let signed = f.entry.publisher.map { "signed by \($0)" } ?? "unsigned"
            print("\(f.entry.name) \(f.entry.version)  (registry '\(f.registry)', \(signed))  \(f.entry.description)")
            if f.versions.count > 1 { print("    versions: " + f.versions.joined(separator: ", ")) }
        }
    }
}
