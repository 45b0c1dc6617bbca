import UptakeKernel

/// The Lua API as data: the one source from which both the reference page
/// (docs/api.md) and the lua-language-server definitions are generated, so
/// the two cannot drift apart. A test checks that docs/api.md is current.
public enum APIReference {
    public static let version = PluginManifest.hostAPI

    /// One field or function of an API table.
    public struct Member: Sendable {
        public var name: String
        /// Lua-language-server type: "integer", "number", "string", "boolean", "table", a class name...
        public var type: String
        public var doc: String
        /// For functions: parameters (name, type, doc); a "?" suffix on the name marks it optional.
        public var parameters: [(String, String, String)]?
        public var returns: (String, String)?

        static func field(_ name: String, _ type: String, _ doc: String) -> Member {
            Member(name: name, type: type, doc: doc, parameters: nil, returns: nil)
        }
        static func function(
            _ name: String, _ parameters: [(String, String, String)], returns: (String, String)? = nil, _ doc: String
        ) -> Member {
            Member(name: name, type: "function", doc: doc, parameters: parameters, returns: returns)
        }
        var isFunction: Bool { parameters != nil }
    }

    /// A documented table type.
    public struct Table: Sendable {
        public var name: String  // class name, e.g. "uptake.Ctx"
        public var title: String  // heading in the docs
        public var doc: String
        public var members: [Member]
    }

    public static let ctx = Table(
        name: "uptake.Ctx", title: "ctx",
        doc: "What every hook receives. Read-only: plugins act only through its functions.",
        members: [
            .field("tick", "integer", "The current tick, 0-based (-1 in `setup`)."),
            .field("date", "string", "The current tick's calendar label, e.g. `\"2024Q2\"`."),
            .field("plugin", "string", "This plugin's name."),
            .field("version", "string", "This plugin's version."),
            .field("params", "table", "The plugin's parameters, validated against its manifest, defaults filled in."),
            .field("stats", "uptake.Stats", "Aggregates of the last completed tick, computed once by the kernel."),
            .function(
                "set",
                [
                    ("lever", "uptake.Lever", "The lever's name."),
                    ("value", "number", "Its new value (see the levers table for ranges)."),
                    ("selector?", "uptake.Selector", "Which firms (firm-level levers only); all firms when omitted."),
                ],
                "Sets a lever from this tick on; it keeps the value until set again. Later settings win where segments overlap. Under `bass` and `threshold` most levers do not reach adoption: the first setting of such a lever logs one warning (docs/model.md, \"Levers under each rule\")."
            ),
            .function(
                "get",
                [("lever", "uptake.Lever", "The lever's name."), ("selector?", "uptake.Selector", "The segment.")],
                returns: ("number", "The value."),
                "The value last set for exactly this segment, else for all firms, else the lever's default."),
            .function(
                "spend",
                [
                    ("amount", "number", "Yuan."),
                    ("account?", "string", "Ledger account; defaults to the plugin's name."),
                ],
                "Books spending of the plugin's own programme in the fiscal ledger. Booking 0 opens the account: its column `spend_ACCOUNT` of series.csv is then there (0) even in runs that spend nothing, so book every tick, 0 while idle."
            ),
            .function(
                "add_fund", [("amount", "number", "Yuan, >= 0.")],
                "Adds money to the special fund's pool (the `special_fund` lever sets the share of cost it covers)."),
            .function(
                "record",
                [
                    ("name", "string", "Column name: letters, digits, underscores."),
                    ("value", "number", "The value for this tick."),
                ],
                "Records a metric for this tick; every recorded name becomes a column of series.csv."),
            .function(
                "emit", [("name", "string", "Event name."), ("payload?", "any", "Any Lua value.")],
                "Sends an event to the other plugins' `on_event`, delivered after this hook returns."),
            .function(
                "log", [("...", "any", "Values to print.")],
                "Writes a line to the run's log, tagged with the tick and the plugin."),
            .function(
                "random",
                [("m?", "integer", "Upper bound (or lower bound with n)."), ("n?", "integer", "Upper bound.")],
                returns: ("number", "A draw."),
                "The plugin's own random stream, like `math.random`: a float in [0,1), or an integer in 1..m or m..n."),
            .function(
                "between",
                [
                    ("from?", "string", "First date, e.g. \"2025Q1\"; nil = no start."),
                    ("to?", "string", "Last date; nil = no end."),
                ],
                returns: ("boolean", "Whether the current tick is within the dates."),
                "Whether the current tick lies between two dates (inclusive)."),
            .function(
                "tick_of", [("date", "string", "A date label.")], returns: ("integer", "Its tick."),
                "The tick of a calendar label."),
            .function(
                "firms", [("selector?", "uptake.Selector", "Which firms; all when omitted.")],
                returns: ("uptake.FirmSet", "The set."),
                "The firms of a segment, as a set to count, sample, nudge or walk."),
        ])

    /// `ctx.stats`, from the output schema: each per-tick quantity under the
    /// name of its series.csv column, the breakdowns, and StatsTable's extra tables.
    public static let stats: Table = {
        func type(_ kind: OutputQuantity.Kind) -> String { kind == .count ? "integer" : "number" }
        let extra = Dictionary(
            uniqueKeysWithValues: StatsTable.extraFields.map { ($0.name, Member.field($0.name, $0.type, $0.doc)) })
        var members = [extra["tick"]!]
        members += OutputSchema.counts.map { Member.field($0.name, type($0.kind), "\($0.doc) Unit: \($0.unit).") }
        members += OutputSchema.breakdowns.map {
            Member.field(
                $0.name, "table<string, \(type($0.kind))>",
                "\($0.doc) Unit: \($0.unit). Series columns `\($0.columnPrefix)KEY`.")
        }
        members += OutputSchema.economy.filter { $0.luaPath == nil }.map {
            Member.field($0.name, type($0.kind), "\($0.doc) Unit: \($0.unit).")
        }
        members += ["spend", "spend_tick", "critical_mass"].map { extra[$0]! }
        return Table(
            name: "uptake.Stats", title: "ctx.stats",
            doc:
                "Aggregates of the last completed tick (before tick 0: the initial state). Every per-tick field has the name "
                + "of its series.csv column; docs/model.md, \"Outputs\", lists them all.", members: members)
    }()

    public static let firmSet = Table(
        name: "uptake.FirmSet", title: "Firm sets (ctx.firms)",
        doc: "A set of firms chosen by a selector. Methods work with `set:method(...)`.",
        members: [
            .field("count", "integer", "Number of firms in the set."),
            .function(
                "sample", [("n", "integer", "How many.")], returns: ("string[]", "Firm ids."),
                "n firms drawn without replacement with the plugin's random stream."),
            .function(
                "nudge", [("changes", "uptake.Nudge", "What to change.")],
                returns: ("integer", "How many firms changed stage."),
                "Changes every firm of the set at once (fast, in Swift)."),
            .function(
                "each", [("fn", "fun(firm: uptake.Firm)", "Called once per firm.")],
                "Calls a function per firm: convenient, but one Lua call per firm, so slow on large populations."),
        ])

    public static let nudge = Table(
        name: "uptake.Nudge", title: "Nudges", doc: "Fields of `set:nudge{...}`; all optional.",
        members: [
            .field("training", "number", "Added to each firm's training stock (as one tick of the training lever)."),
            .field("threshold", "number", "Added to each firm's adoption threshold (negative = more willing)."),
            .field("awareness", "number", "Probability that an unaware firm becomes aware now."),
            .field("budget_factor", "number", "Multiplies each firm's budget."),
        ])

    public static let firm = Table(
        name: "uptake.Firm", title: "Firm records (set:each)", doc: "One firm as `each` passes it.",
        members: [
            .field("id", "string", "The firm's id."), .field("sector", "string", "Sector name."),
            .field("size", "string", "small, medium or large."),
            .field("region", "string", "Region name."), .field("category", "string", "Adopter category."),
            .field("stage", "string", "Current stage."),
            .field("innovativeness", "number", "eta ~ N(0,1)."), .field("threshold", "number", "Adoption threshold."),
            .field("budget", "number", "Investment budget, yuan."),
            .field("training", "number", "Training stock."),
            .field("adopted_tick", "integer?", "Tick of the last adoption, nil if never."),
        ])

    public static let selector = Table(
        name: "uptake.Selector", title: "Selectors",
        doc:
            "Which firms: every key optional, each a name or a list of names; a firm matches when it matches every key given.",
        members: [
            .field("sector", "string|string[]", "Sector names of the scenario."),
            .field("size", "string|string[]", "small, medium, large."),
            .field("region", "string|string[]", "Region names of the scenario."),
            .field("category", "string|string[]", AdopterCategory.allCases.map(\.name).joined(separator: ", ") + "."),
            .field("stage", "string|string[]", Stage.allCases.map(\.name).joined(separator: ", ") + "."),
        ])

    public static let batch = Table(
        name: "uptake.AdoptionBatch", title: "Adoption batches (on_adoptions)",
        doc: "Who adopted in the tick just run.",
        members: [
            .field("count", "integer", "How many firms adopted."),
            .field("sector", "table<string, integer>", "Counts by sector."),
            .field("size", "table<string, integer>", "Counts by size."),
            .field("category", "table<string, integer>", "Counts by adopter category."),
            .field("ids", "string[]", "Their ids."),
        ])

    public static let hooks = Table(
        name: "uptake.Hooks", title: "Hooks",
        doc: "What `init.lua` returns. All optional; called in dependency order, then by plugin name.",
        members: [
            .function("setup", [("ctx", "uptake.Ctx", "")], "Once, before tick 0."),
            .function(
                "on_tick", [("ctx", "uptake.Ctx", "")],
                "Policy phase of each tick, before the kernel steps (every n-th tick with `every = n`)."),
            .function(
                "on_adoptions", [("ctx", "uptake.Ctx", ""), ("batch", "uptake.AdoptionBatch", "")],
                "After the step: who adopted."),
            .function("after_tick", [("ctx", "uptake.Ctx", "")], "After the step and the tally: observe and record."),
            .function("finish", [("ctx", "uptake.Ctx", "")], "Once, after the last tick."),
            .function(
                "on_event", [("ctx", "uptake.Ctx", ""), ("name", "string", ""), ("payload", "any", "")],
                "When another plugin emits an event."),
        ])

    public static let test = Table(
        name: "uptake.Test", title: "Plugin tests: t",
        doc: "What each test function of a `*_test.lua` file receives (docs/plugins.md, \"Testing plugins\").",
        members: [
            .function(
                "run", [("scenario", "uptake.Scenario", "A scenario table; firms default to 500 and ticks to 8.")],
                returns: ("uptake.TestRun", "What the run did."),
                "Runs a small scenario with the plugins under test."),
            .function(
                "expect",
                [("value", "any", "What to check."), ("label?", "string", "Names the value in the failure message.")],
                returns: ("uptake.Expectation", "The assertion to finish."), "Starts an assertion."),
            .function(
                "fails",
                [
                    ("fn", "fun()", "Code that must raise an error."),
                    ("text?", "string", "Text the message must contain (plain text)."),
                ],
                returns: ("string", "The error message."), "Asserts that a function raises an error."),
            .function(
                "show", [("value", "any", "Any value.")], returns: ("string", "How failure messages write it."),
                "A value as failure messages show it."),
        ])

    public static let testRun = Table(
        name: "uptake.TestRun", title: "Plugin tests: the result of t.run",
        doc: "Ticks are numbered from 0, as `ctx.tick` is.",
        members: [
            .field("ticks", "integer", "How many ticks ran."),
            .field(
                "stats", "uptake.Stats[]",
                "The stats of each tick (`r.stats[k]`, k from 0), as plugins see `ctx.stats` after it."),
            .field("final", "uptake.Stats", "The stats of the last tick."),
            .field("dates", "string[]", "The date of each tick (`r.dates[k]`)."),
            .field(
                "metrics", "table<string, number>[]", "What plugins recorded with `ctx.record` in each tick, by name."),
            .field("spend", "table<string, number>", "Spending by account over the whole run, plus `total`."),
            .field("events", "table[]", "Every event emitted, in order: `{ tick, date, plugin, name, payload }`."),
            .field("log", "string[]", "The lines plugins wrote with `ctx.log` and `print`."),
            .function(
                "lever",
                [
                    ("name", "uptake.Lever", "The lever."), ("tick", "integer", "The tick."),
                    ("selector?", "uptake.Selector", "Which firms (firm-level levers only)."),
                ], returns: ("number", "Its value, or the mean over the firms."),
                "The value of a lever in a tick, as the kernel used it in that tick's step."),
        ])

    public static let expectation = Table(
        name: "uptake.Expectation", title: "Plugin tests: assertions",
        doc: "`t.expect(value, label)` followed by one check; each returns the assertion, so checks chain.",
        members: [
            .function(
                "equals", [("wanted", "any", "The same value (tables: same keys and values).")],
                returns: ("uptake.Expectation", ""), "Equal."),
            .function(
                "near", [("wanted", "number", "The value."), ("tolerance?", "number", "Default 1e-9.")],
                returns: ("uptake.Expectation", ""), "Within a tolerance."),
            .function("above", [("bound", "number", "")], returns: ("uptake.Expectation", ""), "Greater than."),
            .function("below", [("bound", "number", "")], returns: ("uptake.Expectation", ""), "Less than."),
            .function("at_least", [("bound", "number", "")], returns: ("uptake.Expectation", ""), "At least."),
            .function("at_most", [("bound", "number", "")], returns: ("uptake.Expectation", ""), "At most."),
            .function("is_true", [], returns: ("uptake.Expectation", ""), "true."),
            .function("is_false", [], returns: ("uptake.Expectation", ""), "false."),
            .function("is_nil", [], returns: ("uptake.Expectation", ""), "nil."),
            .function("exists", [], returns: ("uptake.Expectation", ""), "Not nil."),
            .function(
                "contains", [("part", "any", "Text within a string, or an element of a list.")],
                returns: ("uptake.Expectation", ""), "Contains."),
        ])

    public static let tables = [ctx, stats, selector, firmSet, nudge, firm, batch, hooks, test, testRun, expectation]

    /// Tables whose functions are methods, called with `:`.
    static let methodTables: Set<String> = ["uptake.FirmSet", "uptake.Expectation"]

    /// What each API version changed, newest first.
    public static let changes: [(String, String)] = [
        (
            "1.1.0",
            "every per-tick field of `ctx.stats` has the name of its series.csv column: `productivity_index`, `energy_gwh`, "
                + "`emissions_t` and `special_fund_left` replace `productivity`, `energy`, `emissions` and `fund_left`, which still "
                + "work (with one warning a run) until API 2; `ctx.record` refuses names starting with `spend_` (the ledger's "
                + "account columns)."
        ),
        ("1.0.0", "the first API."),
    ]

    // MARK: Generators

    /// The reference page, docs/api.md.
    public static func markdown() -> String {
        var out = "# Lua API reference (API \(version))\n\n"
        out +=
            "Generated by `uptake api --markdown docs/api.md` from the same source as the editor definitions (`uptake api --luals DIR`); do not edit by hand.\n"
        out += "The guide is [scripting.md](scripting.md).\n"
        out += "\n## Versions\n\nA plugin states the API it needs in plugin.toml (`api = \"^1.1\"`).\n\n"
        out += changes.map { "- **\($0.0)**: \($0.1)" }.joined(separator: "\n") + "\n"
        for t in tables {
            out += "\n## \(t.title)\n\n\(t.doc)\n\n| name | type | description |\n|---|---|---|\n"
            for m in t.members {
                let sig =
                    m.isFunction
                    ? "`\(m.name)(" + m.parameters!.map { $0.0 }.joined(separator: ", ") + ")`" : "`\(m.name)`"
                let type = m.isFunction ? (m.returns.map { "returns \($0.0)" } ?? "function") : m.type
                var doc = m.doc
                for (name, ptype, pdoc) in m.parameters ?? [] where !pdoc.isEmpty {
                    doc += " `\(name)` (\(ptype)): \(pdoc)"
                }
                out +=
                    "| \(sig) | \(type.replacingOccurrences(of: "|", with: "\\|")) | \(doc.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
        }
        out += "\n## Levers\n\n| lever | level | range | meaning |\n|---|---|---|---|\n"
        for l in Lever.allCases {
            let range =
                "\(LuaValue.number(l.range.lowerBound))..\(l.range.upperBound.isInfinite ? "inf" : LuaValue.number(l.range.upperBound).description)"
            out += "| `\(l.rawValue)` | \(l.isFirmLevel ? "firm (selector)" : "economy") | \(range) | \(l.meaning) |\n"
        }
        return out
    }

    /// lua-language-server definitions (a `---@meta` file).
    public static func luals() -> String {
        var out =
            "---@meta uptake\n-- Uptake Lua API \(version): definitions for lua-language-server. Generated by `uptake api --luals`; do not edit.\n\n"
        out += "---@alias uptake.Lever " + Lever.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: "|") + "\n\n"
        out +=
            "---A column of series.csv: the kernel's outputs (docs/model.md, \"Outputs\"), or any name plugins record.\n"
        out +=
            "---@alias uptake.Output " + OutputSchema.quantities.map { "\"\($0.name)\"" }.joined(separator: "|")
            + "|string\n\n"
        for t in tables {
            out += "---\(t.doc)\n---@class \(t.name)\n"
            for m in t.members where !m.isFunction || t.name == "uptake.Hooks" {
                if m.isFunction {
                    let params = m.parameters!.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
                    out += "---@field \(m.name)? fun(\(params)) \(m.doc)\n"
                } else {
                    out += "---@field \(m.name) \(m.type) \(m.doc)\n"
                }
            }
            let local = t.name.replacingOccurrences(of: ".", with: "_")
            out += "local \(local) = {}\n\n"
            for m in t.members where m.isFunction && t.name != "uptake.Hooks" {
                out += "---\(m.doc)\n"
                for (name, type, doc) in m.parameters! { out += "---@param \(name) \(type) \(doc)\n" }
                if let r = m.returns { out += "---@return \(r.0) # \(r.1)\n" }
                let names = m.parameters!.map { $0.0.replacingOccurrences(of: "?", with: "") }.joined(separator: ", ")
                let call = methodTables.contains(t.name) ? ":" : "."
                out += "function \(local)\(call)\(m.name)(\(names)) end\n\n"
            }
        }
        out +=
            "---The test functions of a `*_test.lua` file, by name: `---@type uptake.Tests` above `local tests = {}`.\n"
        out += "---@alias uptake.Tests table<string, fun(t: uptake.Test)>\n"
        return out
    }
}
