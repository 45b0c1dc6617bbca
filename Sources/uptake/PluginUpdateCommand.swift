import ArgumentParser
import UptakeScripting

struct PluginUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Update plugins installed from registries within their constraints; rewrites uptake.lock.",
        discussion:
            "A version outside the constraint (a new major version, for ^1.2) is not taken: `uptake plugin install NAME@^2` moves to it."
    )
    @Argument(help: "The plugin to update (default: every plugin installed from a registry).") var name: String?
    @OptionGroup var search: PluginSearchOptions

    func run() throws {
        let installer = try PluginProject.current().installer(search)
        let changes = try installer.update(name)
        PluginProject.report(changes)
        if changes.isEmpty { print("Nothing to update: every plugin is at its newest version within its constraint.") }
        for r in try installer.outdated() where r.latest != r.wanted && (name == nil || r.name == name) {
            print(
                "\(r.name) \(r.latest ?? "") is out of its constraint \(r.constraint); "
                    + "to move to it: uptake plugin install \(r.name)@^\(r.latest ?? "")")
        }
    }
}
