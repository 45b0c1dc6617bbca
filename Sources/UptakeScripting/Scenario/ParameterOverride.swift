/// One `--set path=value` from the command line (or one design parameter of
/// an experiment): `tax-relief.rate=0.3` sets a plugin parameter,
/// `model.word_of_mouth=0.5` or `seed=3` a scenario value.
public struct ParameterOverride: Sendable, Equatable {
    public var path: [String]
    public var value: LuaValue
    /// As the user wrote it, for messages.
    public var text: String

    public static let scenarioKeys = [
        "name", "description", "seed", "ticks", "start", "unit", "firms", "network", "model",
        "innovation", "macro", "homophily", "limits", "plugins",
    ]

    public init(path: [String], value: LuaValue, text: String) {
        self.path = path
        self.value = value
        self.text = text
    }

    /// Parses "a.b=value": numbers, true/false, else a string.
    public init(parsing text: String) throws {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw Diagnostic(
                file: "--set \(text)", problem: "expected PATH=VALUE", fix: "Write e.g. --set tax-relief.rate=0.3")
        }
        let key = String(text[..<eq]), raw = String(text[text.index(after: eq)...])
        let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: \.isEmpty) else {
            throw Diagnostic(
                file: "--set \(text)", problem: "'\(key)' is not a parameter path",
                fix: "Write plugin.param or a scenario path like model.word_of_mouth")
        }
        self.path = path
        self.text = text
        if let i = Int64(raw) {
            value = .integer(i)
        } else if let d = Double(raw), d.isFinite {
            value = .number(d)
        } else if raw == "true" || raw == "false" {
            value = .boolean(raw == "true")
        } else if let d = Double(raw), !d.isFinite {
            // nan, inf, 1e999: a number no parameter accepts, better said so than "not string 'nan'".
            throw Diagnostic(
                file: "--set \(text)", problem: "'\(raw)' is not a finite number",
                fix: "Write an ordinary number, e.g. --set \(key)=\(key == "seed" ? "7" : "0.5")")
        } else {
            value = .string(raw)
        }
    }

    /// The value as written after "=".
    public var rawValue: String { String(text[text.index(after: text.firstIndex(of: "=")!)...]) }

    /// The seed of `seed=N`, which may be anything `--seed` takes; `given`
    /// is a seed from `--seed`, which must not disagree.
    public func seed(given: UInt64?) throws -> UInt64 {
        guard let seed = SeedText.seed(rawValue) else {
            throw Diagnostic(
                file: "--set \(text)", problem: "the seed must be a whole number from 0 to \(UInt64.max)",
                fix: "Write e.g. --set seed=7")
        }
        if let given, given != seed {
            throw Diagnostic(
                file: "--set \(text)", problem: "the seed is given twice, as \(given) and \(seed)",
                fix: "Give it once, with --seed or with --set seed=")
        }
        return seed
    }

    /// Whether this addresses a plugin parameter (the first part is not a scenario key).
    public var isPluginParameter: Bool { !ParameterOverride.scenarioKeys.contains(path[0]) }

    /// Applies the override to a scenario table.
    public func apply(to scenario: inout LuaTable) throws {
        if isPluginParameter {
            guard path.count == 2 else {
                throw Diagnostic(
                    file: "--set \(text)",
                    problem: "'\(path.joined(separator: "."))' is neither a scenario key nor plugin.param",
                    fix:
                        "Scenario keys are: \(ParameterOverride.scenarioKeys.joined(separator: ", ")); for a plugin write NAME.PARAM"
                )
            }
            guard var plugins = scenario["plugins"]?.table,
                let i = plugins.items.firstIndex(where: {
                    $0.string == path[0] || $0.table?.items.first?.string == path[0]
                })
            else {
                let used =
                    scenario["plugins"]?.table?.items.compactMap { $0.string ?? $0.table?.items.first?.string } ?? []
                throw Diagnostic(
                    file: "--set \(text)", problem: "the scenario uses no plugin '\(path[0])'",
                    fix: used.isEmpty
                        ? "Add it to the scenario's plugins first"
                        : Suggestion.hint(for: path[0], in: used).capitalizedFirst)
            }
            var entry = plugins.items[i].table ?? LuaTable(items: [plugins.items[i]])
            entry.set(path[1], value)
            plugins.items[i] = .table(entry)
            scenario.set("plugins", .table(plugins))
            return
        }
        scenario = ParameterOverride.setting(scenario, path[...], value)
    }

    static func setting(_ table: LuaTable, _ path: ArraySlice<String>, _ value: LuaValue) -> LuaTable {
        var t = table
        let key = path.first!
        if path.count == 1 {
            t.set(key, value)
            return t
        }
        // firms = 5000 written as a number becomes { count = 5000 } when a sub-key is set.
        var inner = t[key]?.table ?? (t[key]?.double.map { LuaTable(fields: [("count", .number($0))]) } ?? LuaTable())
        inner = setting(inner, path.dropFirst(), value)
        t.set(key, .table(inner))
        return t
    }
}
