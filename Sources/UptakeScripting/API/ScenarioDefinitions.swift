/// lua-language-server definitions of a scenario file's table, from the keys
/// the scenario decoder reads (`ModelTables.recordScenarioKeys`), so
/// `return scenario { ... }` completes and checks every key. `t.run{ ... }`
/// of the plugin tests takes the same table.
public enum ScenarioDefinitions {
    public static func luals() throws -> String {
        let rows = try ModelTables.recordScenarioKeys(sector: true)
        var entries = rows.map(\.entry)
        for i in entries.indices where entries[i].defaultText == "\"\(ModelTables.fileNameMarker)\"" {
            entries[i].defaultText = "the file's name without .lua"
        }
        let keys = ConfigDefinitions.keys(entries) { entry in
            rows.first { $0.entry.key == entry.key && $0.entry.defaultText == entry.defaultText }.flatMap(
                ModelTables.scope)
        }
        var out = ConfigDefinitions.classes(
            root: "uptake.Scenario", doc: "A scenario file's table (docs/scripting.md, docs/model.md for every key).",
            keys: keys,
            types: ["firms": "integer|{class}", "plugins": "(string|uptake.PluginUse)[]"],
            docs: [
                "firms": "A number of firms, or a table.",
                "firms.sectors":
                    "Sectors by name: changes to a default sector (fields not given keep its values) or a new sector (needs share; the defaults below).",
                "plugins": "The plugins of the run, in any order: a name, or { \"name\", param = value, ... }.",
            ])
        out += """
            ---A plugin of a scenario's list: { "tax-relief", rate = 0.15, version = "^1", every = 4 }.
            ---@class uptake.PluginUse
            ---@field [1] string The plugin's name.
            ---@field version? string A version constraint, e.g. "^1.2".
            ---@field every? integer Run its on_tick every n-th tick.
            ---@field [string] any The plugin's parameters (see its plugin.toml).

            ---Marks a scenario table (scenario files only).
            ---@param t uptake.Scenario
            ---@return uptake.Scenario
            function scenario(t) end

            """
        return out
    }
}
