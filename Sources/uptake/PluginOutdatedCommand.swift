import ArgumentParser
import UptakeScripting

struct PluginOutdatedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outdated",
        abstract: "List plugins installed from registries that have newer versions.",
        discussion: "WANTED is the newest version within the constraint in uptake.lock (what `plugin update` installs)."
    )
    @OptionGroup var search: PluginSearchOptions

    func run() throws {
        let rows = try PluginProject.current().installer(search).outdated()
        let stale = rows.filter { $0.latest != $0.locked }
        guard !stale.isEmpty else {
            print("Every plugin from a registry is at its newest version.")
            return
        }
        func cell(_ s: String) -> String { s.padding(toLength: 12, withPad: " ", startingAt: 0) }
        print(
            "plugin".padding(toLength: 24, withPad: " ", startingAt: 0) + cell("locked") + cell("wanted")
                + cell("latest") + "constraint")
        for r in stale {
            print(
                r.name.padding(toLength: 24, withPad: " ", startingAt: 0) + cell(r.locked) + cell(r.wanted ?? "-")
                    + cell(r.latest ?? "-") + r.constraint)
        }
    }
}
