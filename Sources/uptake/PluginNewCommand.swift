import ArgumentParser
import Foundation
import UptakeScripting

struct PluginNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new", abstract: "Create a new plugin with a manifest, hooks and a test.",
        discussion:
            "Warns when another plugin of the same name is on the search path: one of the two copies hides the other.")
    @Argument(help: "Plugin name: lowercase letters, digits and dashes.") var name: String
    @Option(
        name: .customLong("in"), help: "Folder to create it in (default: plugins).",
        transform: ArgumentValues.path("--in", example: "plugins"))
    var folder: String = "plugins"
    @OptionGroup var search: PluginSearchOptions

    func run() throws {
        let created = try PluginScaffold.create(name: name, in: URL(fileURLWithPath: folder))
        print("Created \(created.relativePath): plugin.toml, init.lua, test/\(name)_test.lua")
        if let warning = PluginNewCommand.shadowing(created, name: name, searchPath: search.searchPath) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        print(
            "Next: edit them, then `uptake plugin check \(created.relativePath)` and `uptake test \(created.relativePath)`."
        )
    }

    /// What to say when another plugin called `name` is on the search path:
    /// which copy a scenario of this project will load, and where the other
    /// is. Nothing when the new folder is not on the search path (no scenario
    /// of the project finds it, so it hides nothing).
    static func shadowing(_ created: URL, name: String, searchPath: PluginSearchPath) -> String? {
        let folders = searchPath.directories.map { $0.standardizedFileURL.path }
        let mine = created.standardizedFileURL.path
        let catalog = PluginCatalog(searchPath: searchPath)
        guard
            let other = catalog.manifests.first(where: {
                $0.name == name && $0.directory.standardizedFileURL.path != mine
            }),
            let myRank = folders.firstIndex(of: created.deletingLastPathComponent().standardizedFileURL.path),
            let otherRank = folders.firstIndex(of: other.directory.deletingLastPathComponent().standardizedFileURL.path)
        else { return nil }
        let otherPlace = PluginHost.displayPath(other.directory)
        let rename = "remove \(created.relativePath) and run `uptake plugin new my-\(name)`"
        if myRank <= otherRank {
            return
                "\(created.relativePath) hides the plugin '\(name)' \(other.version) in \(otherPlace): scenarios of this project that use "
                + "'\(name)' will now load the new scaffold instead. Unless you mean to replace it, choose another name (\(rename))"
        }
        return
            "the plugin '\(name)' \(other.version) in \(otherPlace) comes first on the search path and hides \(created.relativePath): "
            + "scenarios will not load the new one. Choose another name (\(rename))"
    }
}
