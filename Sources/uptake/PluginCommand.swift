import ArgumentParser
import Foundation
import UptakeScripting

/// `uptake plugin ...`: find, inspect, make, check, pack, install and lock plugins; share them through registries.
struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "Find, inspect, create, check, pack, install, lock and share plugins.",
        subcommands: [
            PluginListCommand.self, PluginInfoCommand.self, PluginNewCommand.self, PluginCheckCommand.self,
            PluginPackCommand.self, PluginInstallCommand.self, PluginLockCommand.self, PluginKeygenCommand.self,
            PluginPublishCommand.self, PluginSearchCommand.self, PluginOutdatedCommand.self, PluginUpdateCommand.self,
        ]
    )
}

/// Options shared by the plugin subcommands that search for plugins.
struct PluginSearchOptions: ParsableArguments {
    @Option(help: "Search as if for this scenario (its folder's plugins/ first). Default: the current folder.")
    var scenario: String?

    var searchPath: PluginSearchPath {
        .standard(scenarioFile: scenario ?? FileManager.default.currentDirectoryPath + "/scenario.lua")
    }
}
