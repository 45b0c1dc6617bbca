import Foundation
import UptakeKernel

/// Tables of docs/model.md (and docs/plugins.md) generated from the code, so
/// the docs cannot drift from it: every scenario key with its default, read
/// off the scenario decoder itself, and what each rule does with each lever
/// (`ModelSpec.use(of:)`). A test compares the docs with these;
/// `uptake api --tables docs/model.md` rewrites them.
///
/// In a Markdown file a generated table sits between two markers:
///
///     <!-- generated: scenario-defaults (uptake api --tables FILE) -->
///     | key | default | ... |
///     <!-- end generated: scenario-defaults -->
public enum ModelTables {
    /// The names of the tables, as the markers spell them.
    public static let names = ["scenario-defaults", "lever-use", "outputs"]

    public static func table(named name: String) throws -> String {
        switch name {
        case "scenario-defaults": return try scenarioDefaults()
        case "lever-use": return leverUse()
        case "outputs": return outputs()
        default:
            throw Diagnostic(
                file: "", problem: "no generated table '\(name)'", fix: "Use one of \(names.joined(separator: ", "))")
        }
    }

    /// `text` with every generated table between its markers replaced by the current one.
    public static func update(_ text: String) throws -> String {
        var lines = text.components(separatedBy: "\n")
        for name in names {
            guard let begin = lines.firstIndex(where: { $0.hasPrefix("<!-- generated: \(name) ") }) else { continue }
            guard let end = lines[begin...].firstIndex(of: "<!-- end generated: \(name) -->") else {
                throw Diagnostic(
                    file: "", problem: "the generated table '\(name)' has no end marker",
                    fix: "Add a line <!-- end generated: \(name) --> after the table")
            }
            let table = try self.table(named: name).components(separatedBy: "\n").dropLast()
            lines.replaceSubrange((begin + 1)..<end, with: table)
        }
        return lines.joined(separator: "\n")
    }

    /// Every column of series.csv with its field of `ctx.stats` and its unit,
    /// from `OutputSchema`: the names an experiment can `record` and `stop` on.
    public static func outputs() -> String {
        var out = "| series.csv column | `ctx.stats` | unit | meaning |\n|---|---|---|---|\n"
        out += "| `tick` | `tick` | tick | The tick, 0-based. |\n"
        out += "| `date` | (`ctx.date`) | calendar label | The tick's date, e.g. `2023Q1`. |\n"
        func row(_ q: OutputQuantity) -> String {
            "| `\(q.name)` | `\(q.luaPath ?? q.name)` | \(q.unit) | \(q.doc) |\n"
        }
        out += OutputSchema.counts.map(row).joined()
        for b in OutputSchema.breakdowns {
            out += "| `\(b.columnPrefix)KEY` | `\(b.name).KEY` | \(b.unit) | \(b.doc) |\n"
        }
        out += OutputSchema.economy.map(row).joined()
        out +=
            "| `\(OutputSchema.accountPrefix)ACCOUNT` | `spend_tick.ACCOUNT` | yuan | Spending booked to one ledger account in that tick "
            + "(every kernel account, and every account a plugin booked to). |\n"
        out +=
            "| any other name | (`ctx.record`) | the plugin's | A metric a plugin recorded; empty in ticks it did not record. |\n"
        return out
    }

    /// What each rule does with each lever.
    public static func leverUse() -> String {
        let rules: [ModelSpec] = [.rogers(RogersParameters()), .bass(p: 0.03, q: 0.38, dt: 1), .threshold]
        var out = "| lever | " + rules.map { "`\($0.name)`" }.joined(separator: " | ") + " |\n"
        out += "|---|" + rules.map { _ in "---|" }.joined() + "\n"
        for lever in Lever.allCases {
            out +=
                "| `\(lever.rawValue)` | " + rules.map { $0.use(of: lever).rawValue }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// Every scenario key with its default, allowed values and the rules or
    /// networks it applies to, in the order the decoder reads them. Made by
    /// decoding an otherwise empty scenario once per rule and network kind
    /// with a recorder on the decoder's table reader.
    public static func scenarioDefaults() throws -> String {
        let rows = try recordScenarioKeys().filter { !$0.entry.isTable }
        // Keys of one section together, sections in the order the decoder first reads them.
        let sections = rows.map { $0.entry.key.split(separator: ".").first.map(String.init) ?? "" }
        var sectionOrder: [String] = []
        for section in sections where !sectionOrder.contains(section) { sectionOrder.append(section) }
        let grouped = sectionOrder.flatMap { section in rows.indices.filter { sections[$0] == section }.map { rows[$0] }
        }
        var out = "| key | default | allowed | applies to |\n|---|---|---|---|\n"
        for row in grouped {
            let e = row.entry
            let value =
                e.defaultText == "\"\(fileNameMarker)\""
                ? "the file's name without `.lua`"
                : ["none", "no limit"].contains(e.defaultText) ? e.defaultText : "`\(e.defaultText)`"
            out += "| `\(e.key)` | \(value) | \(e.allowed) | \(scope(row) ?? "all") |\n"
        }
        return out
    }

    /// A key the scenario decoder read, and under which rules and network kinds.
    struct KeyRow {
        var entry: KeyRecorder.Entry
        var rules: [String] = []
        var kinds: [String] = []
    }

    /// Every key the scenario decoder reads, found by decoding an otherwise
    /// empty scenario once per rule and network kind with a recorder on its
    /// table reader; with `sector`, the keys of a sector too (under the
    /// sector name `*`, in a pass of its own).
    static func recordScenarioKeys(sector: Bool = false) throws -> [KeyRow] {
        var rows: [KeyRow] = []
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "uptake-defaults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let edges = folder.appendingPathComponent("edges.csv")
        try Data("source,target\n0,1\n".utf8).write(to: edges)
        let file = folder.appendingPathComponent("\(fileNameMarker).lua").path
        var passes: [(rule: String, kind: String, sector: Bool)] = []
        for rule in ScenarioDecoder.ruleNames {
            for kind in ScenarioDecoder.networkNames { passes.append((rule, kind, false)) }
        }
        if sector { passes.append((ScenarioDecoder.ruleNames[0], ScenarioDecoder.networkNames[0], true)) }
        for pass in passes {
            var network = LuaTable()
            network.set("kind", .string(pass.kind))
            if pass.kind == "edges" { network.set("file", .string(edges.path)) }
            var model = LuaTable()
            model.set("rule", .string(pass.rule))
            var scenario = LuaTable()
            for section in ["innovation", "macro", "limits"] { scenario.set(section, .table(LuaTable())) }
            // An optional section is read only when present, so the passes give it.
            scenario.set("firms", .table(LuaTable(fields: [("initial_adoption_by_size", .table(LuaTable()))])))
            if pass.sector {
                var profile = LuaTable()
                profile.set("share", .number(0.1))
                profile.set("size_mix", .table(LuaTable()))
                var sectors = LuaTable()
                sectors.set("*", .table(profile))
                scenario.set(
                    "firms",
                    .table(
                        LuaTable(fields: [
                            ("sectors", .table(sectors)), ("initial_adoption_by_size", .table(LuaTable())),
                        ])))
            }
            scenario.set("network", .table(network))
            scenario.set("model", .table(model))
            let recorder = KeyRecorder()
            let context = ValidationContext(locator: SourceLocator(file: file, source: ""))
            _ = try ScenarioDecoder.decode(
                scenario, file: file, context: context, seedOverride: nil, threads: 1, recorder: recorder)
            for entry in recorder.entries {
                let i =
                    rows.firstIndex { $0.entry == entry }
                    ?? {
                        rows.append(KeyRow(entry: entry))
                        return rows.count - 1
                    }()
                if pass.sector { continue }
                if !rows[i].rules.contains(pass.rule) { rows[i].rules.append(pass.rule) }
                if !rows[i].kinds.contains(pass.kind) { rows[i].kinds.append(pass.kind) }
            }
        }
        return rows
    }

    /// Where a key applies, when not to every rule and network ("rule bass; network lattice").
    static func scope(_ row: KeyRow) -> String? {
        var scope: [String] = []
        if !row.rules.isEmpty && row.rules.count < ScenarioDecoder.ruleNames.count {
            scope.append("rule " + row.rules.joined(separator: ", "))
        }
        if !row.kinds.isEmpty && row.kinds.count < ScenarioDecoder.networkNames.count {
            scope.append("network " + row.kinds.joined(separator: ", "))
        }
        return scope.isEmpty ? nil : scope.joined(separator: "; ")
    }

    /// The scenario file name the generator decodes under, shown as "the file's name".
    static let fileNameMarker = "FILE-NAME"
}
