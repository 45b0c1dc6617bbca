import ArgumentParser
import UptakeScripting

struct PluginListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the plugins on the search path.")
    @OptionGroup var search: PluginSearchOptions

    func run() throws {
        let catalog = PluginCatalog(searchPath: search.searchPath)
        print("Search path: " + search.searchPath.directories.map(\.path).joined(separator: ":"))
        if let note = search.searchPath.missingLibraryNote { print("Note: " + note) }
        for m in catalog.manifests {
            print("\(m.name) \(m.version)".padding(toLength: 34, withPad: " ", startingAt: 0) + "  \(m.description)")
            print("    \(m.directory.path)")
        }
        for (folder, d) in catalog.broken.sorted(by: { $0.key < $1.key }) { print("\(folder): unreadable: \(d)") }
        if catalog.manifests.isEmpty { print("No plugins found. Make one with `uptake plugin new NAME`.") }
    }
}
