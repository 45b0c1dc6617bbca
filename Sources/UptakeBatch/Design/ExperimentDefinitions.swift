import Foundation
import UptakeScripting

/// lua-language-server definitions of an experiment file's table, from the
/// keys `ExperimentLoader` reads: it decodes a small experiment once per
/// design kind with a recorder, so `return experiment { ... }` completes and
/// checks every key the loader accepts. Keys whose value takes several
/// shapes (a parameter's values, range or interval) are typed here, beside
/// the loader.
public enum ExperimentDefinitions {
    public static func luals() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "uptake-experiment-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("return scenario {}\n".utf8).write(to: folder.appendingPathComponent("s.lua"))
        let file = folder.appendingPathComponent("experiment.lua").path
        var entries: [KeyRecorder.Entry] = []
        for kind in DesignKind.names {
            let sampled = kind != "grid"
            var parameter = LuaTable()
            if sampled {
                parameter = LuaTable(fields: [("min", .number(0)), ("max", .number(1))])
            } else {
                parameter.items = [.number(0), .number(1)]
            }
            var design = LuaTable(fields: [("kind", .string(kind))])
            for key in ["samples", "trajectories"] { design.set(key, .integer(4)) }
            if kind != "morris" { design.fields.removeAll { $0.key == "trajectories" } }
            if kind == "morris" || kind == "grid" || kind == "points" {
                design.fields.removeAll { $0.key == "samples" }
            }
            if kind == "points" {
                design.set("points", .table(LuaTable(items: [.table(LuaTable(fields: [("x.y", .number(0.5))]))])))
            }
            var table = LuaTable(fields: [
                ("scenario", .string("s.lua")), ("set", .table(LuaTable())),
                ("levers", .table(LuaTable(fields: [("x.y", .table(parameter))]))),
                ("design", .table(design)),
                ("record", .table(LuaTable())),
                ("stop", .table(LuaTable(fields: [("metric", .string("adoption")), ("at_least", .number(0.5))]))),
            ])
            if !sampled { table.set("baseline", .table(LuaTable(fields: [("x.y", .number(0))]))) }
            let recorder = KeyRecorder()
            let context = ValidationContext(locator: SourceLocator(file: file, source: ""))
            _ = try ExperimentLoader.decode(table, file: file, context: context, recorder: recorder)
            for entry in recorder.entries where !entries.contains(where: { $0.key == entry.key }) {
                entries.append(entry)
            }
        }
        // The parameter tables hold paths of the user's choosing; their shapes are typed by hand below.
        entries.removeAll {
            ["set", "levers", "uncertainties", "baseline"].contains(
                $0.key.split(separator: ".").first.map(String.init) ?? "")
        }
        for i in entries.indices where entries[i].key == "name" {
            entries[i].defaultText = "the file's name without .lua"
        }
        let value = "number|string|boolean"
        let designNames = DesignKind.names.map { "\"\($0)\"" }.joined(separator: "|")
        var out = ConfigDefinitions.classes(
            root: "uptake.Experiment", doc: "An experiment file's table (docs/batch.md for every key).",
            keys: ConfigDefinitions.keys(entries),
            types: [
                "set": "table<string, \(value)>", "levers": "table<string, uptake.ParameterValues>",
                "uncertainties": "table<string, uptake.ParameterValues>", "baseline": "table<string, \(value)>",
                "design": "\(designNames)|{class}", "record.final": "uptake.Output|uptake.Output[]",
                "design.points": "table<string, number>[]",
                "record.series": "uptake.Output|uptake.Output[]", "stop.metric": "uptake.Output",
            ],
            docs: [
                "set": "Values every run uses, by parameter path (\"firms.count\", \"tax-relief.rate\").",
                "levers": "The policy levers varied, by parameter path.",
                "uncertainties": "The uncertain parameters varied, by parameter path.",
                "baseline": "The lever values of the baseline policy, by parameter path.",
                "design": "How points are chosen: a kind's name, or a table with its settings.",
                "record.final": "Outputs whose last value each run keeps (docs/model.md, \"Outputs\"); by default "
                    + RecordSpec.defaultFinal.joined(separator: ", ") + ".",
                "record.series": "Outputs kept every `every` ticks.",
                "stop.metric": "The output or recorded metric that ends a run once it reaches at_least or at_most.",
            ],
            required: ["scenario", "stop.metric"])
        out += """
            ---A parameter's values: a list { 0, 0.1, 0.2 }, a range { from = 0, step = 0.1, to = 0.3 } or an interval { min = 0, max = 1 }.
            ---@alias uptake.ParameterValues (\(value))[]|uptake.ParameterRange|uptake.ParameterInterval

            ---@class uptake.ParameterRange
            ---@field from number
            ---@field step number
            ---@field to number

            ---@class uptake.ParameterInterval
            ---@field min number
            ---@field max number

            ---Marks an experiment table (experiment files only).
            ---@param t uptake.Experiment
            ---@return uptake.Experiment
            function experiment(t) end

            """
        return out
    }
}
