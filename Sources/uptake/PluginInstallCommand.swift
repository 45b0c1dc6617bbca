import ArgumentParser
import Foundation
import UptakeScripting

struct PluginInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install", abstract: "Install a plugin from a folder or a packed archive.",
        discussion: "By default into ./plugins; --user installs into ~/.uptake/plugins.")
    @Argument(help: "A plugin folder or a .zip made by `uptake plugin pack`.") var source: String
    @Option(help: "Folder to install into.", transform: ArgumentValues.path("--to", example: "plugins")) var to: String?
    @Flag(help: "Install into ~/.uptake/plugins.") var user = false
    @Flag(help: "Replace a different installed copy.") var force = false

    func run() throws {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "."
        let destination = URL(fileURLWithPath: to ?? (user ? home + "/.uptake/plugins" : "plugins"))
        let result = try PluginArchive.install(URL(fileURLWithPath: source), into: destination, force: force)
        switch result {
        case .installed(let url): print("Installed \(url.relativePath)")
        case .alreadyInstalled(let url): print("Already installed, identical: \(url.relativePath)")
        }
        if RunSession.lockfile(for: destination.path + "/x.lua") != nil {
            print("This project has an uptake.lock: run `uptake plugin lock` to pin the new plugin.")
        }
    }
}
