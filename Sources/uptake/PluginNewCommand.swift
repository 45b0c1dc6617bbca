import ArgumentParser
import Foundation
import UptakeScripting

struct PluginNewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "new", abstract: "Create a new plugin with a manifest, hooks and a test.")
    @Argument(help: "Plugin name: lowercase letters, digits and dashes.") var name: String
    @Option(name: .customLong("in"), help: "Folder to create it in.") var folder: String = "plugins"

    func run() throws {
        let created = try reportingDiagnostics { try PluginScaffold.create(name: name, in: URL(fileURLWithPath: folder)) }
        print("Created \(created.relativePath): plugin.toml, init.lua, test/\(name)_test.lua")
        print("Next: edit them, then `uptake plugin check \(created.relativePath)` and `uptake test \(created.relativePath)`.")
    }
}
