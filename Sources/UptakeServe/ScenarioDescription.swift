import Foundation
import UptakeScripting

/// What the explorer shows of one scenario file: its main knobs and, for
/// every plugin it uses, one control per parameter, generated from the
/// plugin's manifest (type, range, unit, doc, source) and set to the value
/// the scenario gives (else the manifest's default).
///
/// It is made by running the scenario file's Lua, so the server never makes
/// it itself: a child `uptake serve --describe` does (`describe(files:in:)`)
/// and prints it as JSON, and a scenario file that loops or crashes costs
/// the server one child.
public struct ScenarioDescription: Codable, Sendable, Equatable {
    /// The file, relative to the project: `scenarios/baseline.lua`.
    public var file: String
    /// `scenario`, `experiment` (not shown: it runs with uptake batch) or
    /// `broken` (shown with its error, so that the user can fix it).
    public var kind: Kind
    public var name: String
    public var description: String
    /// The first period and the tick unit: "2023Q1", "quarter".
    public var start: String
    public var unit: String
    public var knobs: Knobs?
    public var plugins: [PluginControls]
    /// Why the file cannot be run, for `broken`.
    public var error: String?

    public enum Kind: String, Codable, Sendable {
        case scenario, experiment, broken
    }

    /// The scenario's main values that the explorer can change.
    public struct Knobs: Codable, Sendable, Equatable {
        public var ticks: Int
        /// A string: seeds go to 2^64-1, more than JavaScript's numbers hold exactly.
        public var seed: String
        /// Number of firms; nil when they come from a firms file (then fixed).
        public var firms: Int?
    }

    /// One plugin of the scenario and its parameters.
    public struct PluginControls: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var description: String
        /// False for a plugin loaded only as another's dependency: `--set`
        /// reaches the plugins listed in the scenario, so its controls are shown read-only.
        public var settable: Bool
        public var params: [Control]
    }

    /// One parameter as a control of the page.
    public struct Control: Codable, Sendable, Equatable {
        public var name: String
        /// The manifest's type: number, integer, boolean, string, list, date, selector, table.
        public var type: String
        /// How the page shows it: `slider` (with a number box), `number`,
        /// `checkbox`, `select`, `text`, `date`, or `readonly` for lists,
        /// selectors and tables, which are edited in the scenario file.
        public var control: String
        /// The value the scenario runs with; nil when it has none (a date left open).
        public var value: ControlValue?
        public var defaultValue: ControlValue?
        public var min: Double?
        public var max: Double?
        /// The slider's step: a round fraction of the range (1 at least for integers).
        public var step: Double?
        public var choices: [String]?
        public var unit: String
        public var doc: String
        public var source: String
    }

    /// A parameter's value as JSON: a number, a boolean or a string (a
    /// table is shown as its Lua text, `{ "manufacturing" }`).
    public enum ControlValue: Codable, Sendable, Equatable {
        case number(Double)
        case boolean(Bool)
        case string(String)

        public init(from decoder: any Decoder) throws {
            let value = try decoder.singleValueContainer()
            if let b = try? value.decode(Bool.self) {
                self = .boolean(b)
            } else if let d = try? value.decode(Double.self) {
                self = .number(d)
            } else {
                self = .string(try value.decode(String.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var value = encoder.singleValueContainer()
            switch self {
            case .number(let d): try value.encode(d)
            case .boolean(let b): try value.encode(b)
            case .string(let s): try value.encode(s)
            }
        }

        init?(_ lua: LuaValue) {
            switch lua {
            case .nil, .function, .other: return nil
            case .boolean(let b): self = .boolean(b)
            case .integer, .number: self = .number(lua.double!)
            case .string(let s): self = .string(s)
            case .table: self = .string(ControlValue.luaText(lua))
            }
        }

        /// A value as it would be written in a scenario file.
        static func luaText(_ value: LuaValue) -> String {
            guard let table = value.table else { return value.description }
            let parts = table.items.map(luaText) + table.fields.map { "\($0.key) = \(luaText($0.value))" }
            return parts.isEmpty ? "{}" : "{ " + parts.joined(separator: ", ") + " }"
        }
    }
}

extension ScenarioDescription {
    /// The control for a parameter of a plugin's manifest, with the value the
    /// scenario gives it (nil: the manifest's default).
    public static func control(_ spec: ParameterSpec, value: LuaValue?) -> Control {
        let bounded = spec.min != nil && spec.max != nil
        let control: String
        switch spec.kind {
        case .number, .integer: control = bounded ? "slider" : "number"
        case .boolean: control = "checkbox"
        case .string: control = spec.choices == nil ? "text" : "select"
        case .date: control = "date"
        case .list, .selector, .table: control = "readonly"
        }
        let whole = spec.kind == .integer
        var step: Double? = whole ? 1 : nil
        if let min = spec.min, let max = spec.max, max > min { step = roundStep(for: max - min, whole: whole) }
        return Control(
            name: spec.name, type: spec.kind.rawValue, control: control,
            value: ControlValue(value ?? spec.defaultValue), defaultValue: ControlValue(spec.defaultValue),
            min: spec.min, max: spec.max, step: step, choices: spec.choices, unit: spec.unit, doc: spec.doc,
            source: spec.source)
    }

    /// A power of ten near a hundredth of the range, so that a slider has
    /// about a hundred positions on round numbers (0.01 for 0..1, 1e11 for 0..1e13).
    static func roundStep(for range: Double, whole: Bool) -> Double {
        let step = pow(10, (log10(range / 100)).rounded(.down))
        return whole ? Swift.max(1, step.rounded()) : step
    }

    /// The description of a validated scenario and the plugins it resolves to.
    public static func describing(_ scenario: Scenario, file: String, plugins: [PluginManifest])
        -> ScenarioDescription
    {
        let config = scenario.config
        let uses = Dictionary(scenario.plugins.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let controls = plugins.map { manifest in
            let use = uses[manifest.name]
            return PluginControls(
                name: manifest.name, version: "\(manifest.version)", description: manifest.description,
                settable: use != nil,
                params: manifest.params.map { control($0, value: use?.params[$0.name]) })
        }
        return ScenarioDescription(
            file: file, kind: .scenario, name: scenario.name, description: scenario.description,
            start: config.calendar.label(0), unit: config.calendar.unit.rawValue,
            knobs: Knobs(
                ticks: config.ticks, seed: String(config.seed),
                firms: config.population.records == nil ? config.population.count : nil),
            plugins: controls, error: nil)
    }

    /// Describes each file (relative to `project`) as the run of it would
    /// see it: the scenario loaded and checked, its plugins found on the
    /// usual search path. A file that is an experiment, or cannot be run,
    /// is described as such. Paths in messages are made relative to the project.
    public static func describe(files: [String], in project: ProjectFolder) -> [ScenarioDescription] {
        files.map { file in
            do {
                let url = try project.scenario(file)
                let lua = try LuaState()
                let sandbox = try LuaSandbox(lua: lua)
                let scenario = try ScenarioLoader.load(file: url.path, sandbox: sandbox, log: { _ in })
                return describing(scenario, file: file, plugins: try RunSession.resolvePlugins(of: scenario))
            } catch let d as Diagnostic where d.wrongKind != nil {
                return ScenarioDescription(
                    file: file, kind: .experiment, name: file, description: "", start: "", unit: "", knobs: nil,
                    plugins: [], error: nil)
            } catch {
                return ScenarioDescription(
                    file: file, kind: .broken, name: file, description: "", start: "", unit: "", knobs: nil,
                    plugins: [], error: project.relative(String(describing: error)))
            }
        }
    }
}
