import Foundation
import TOMLKit
import UptakeKernel

/// One parameter of a plugin's schema: type, default, range, unit, doc.
public struct ParameterSpec: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case number, integer, boolean, string, list, date, selector, table
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: LuaValue
    public var min: Double?
    public var max: Double?
    public var choices: [String]?
    public var unit: String
    public var doc: String
    public var source: String

    init(name: String, toml: TOMLTable, fail: (String, String?) -> Diagnostic) throws {
        self.name = name
        let known = ["type", "default", "min", "max", "choices", "unit", "doc", "source"]
        for key in toml.keys where !known.contains(key) {
            throw fail(
                "parameter '\(name)': unknown key '\(key)'", Suggestion.hint(for: key, in: known).capitalizedFirst)
        }
        guard let kindText = toml["type"]?.string, let kind = Kind(rawValue: kindText) else {
            throw fail(
                "parameter '\(name)' needs a type",
                "Add type = one of \(Kind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        self.kind = kind
        min = toml["min"].flatMap { $0.double ?? $0.int.map(Double.init) }
        max = toml["max"].flatMap { $0.double ?? $0.int.map(Double.init) }
        choices = toml["choices"]?.array?.compactMap { $0.string }
        unit = toml["unit"]?.string ?? ""
        doc = toml["doc"]?.string ?? ""
        source = toml["source"]?.string ?? ""
        if let d = toml["default"] {
            defaultValue = ParameterSpec.luaValue(d)
        } else {
            defaultValue = .nil
        }
    }

    static func luaValue(_ v: TOMLValueConvertible) -> LuaValue {
        if let b = v.bool { return .boolean(b) }
        if let i = v.int { return .integer(Int64(i)) }
        if let d = v.double { return .number(d) }
        if let s = v.string { return .string(s) }
        if let a = v.array { return .table(LuaTable(items: a.map { luaValue($0) })) }
        if let t = v.table { return .table(LuaTable(fields: t.keys.sorted().map { ($0, luaValue(t[$0]!)) })) }
        return .nil
    }

    /// Checks a value given for this parameter; returns it normalised (lists
    /// from single strings, integers as integers).
    func validate(
        _ value: LuaValue, plugin: String, calendar: TickCalendar, sectors: [String],
        fail: (String, String?) -> Diagnostic
    ) throws -> LuaValue {
        let label = "parameter '\(name)' of plugin '\(plugin)'"
        switch kind {
        case .number, .integer:
            guard let d = value.double else {
                throw fail(
                    "\(label) must be a number, not \(value.typeName) \(value)",
                    "Write a number" + (unit.isEmpty ? "" : " (\(unit))")
                        + ", e.g. \(name) = \(defaultValue == .nil ? "1" : defaultValue.description)")
            }
            if kind == .integer && d != d.rounded() { throw fail("\(label) must be a whole number, not \(value)", nil) }
            if let min, d < min {
                throw fail(
                    "\(label) = \(value) is below its minimum \(LuaValue.number(min))",
                    "Use a value from \(LuaValue.number(min)) to \(max.map { LuaValue.number($0).description } ?? "any")"
                )
            }
            if let max, d > max {
                throw fail(
                    "\(label) = \(value) is above its maximum \(LuaValue.number(max))",
                    "Use a value from \(min.map { LuaValue.number($0).description } ?? "any") to \(LuaValue.number(max))"
                )
            }
            return kind == .integer ? .integer(Int64(d)) : value
        case .boolean:
            guard value.bool != nil else {
                throw fail("\(label) must be true or false, not \(value.typeName) \(value)", nil)
            }
            return value
        case .string:
            guard let s = value.string else {
                throw fail("\(label) must be a string, not \(value.typeName) \(value)", "Write it in quotes")
            }
            if let choices, !choices.contains(s) {
                throw fail(
                    "\(label) = \"\(s)\" is not one of \(choices.joined(separator: ", "))",
                    Suggestion.hint(for: s, in: choices).capitalizedFirst)
            }
            return value
        case .date:
            guard let s = value.string else {
                throw fail("\(label) must be a date string like \"2025Q1\", not \(value.typeName) \(value)", nil)
            }
            guard calendar.tick(of: s) != nil else {
                throw fail(
                    "\(label) = \"\(s)\" is not a \(calendar.unit.rawValue) date",
                    "Write it like \"\(calendar.label(0))\"")
            }
            return value
        case .list:
            if let s = value.string { return .table(LuaTable(items: [.string(s)])) }
            guard let t = value.table, t.fields.isEmpty, t.items.allSatisfy({ $0.string != nil }) else {
                throw fail(
                    "\(label) must be a list of strings like { \"a\", \"b\" }, not \(value.typeName) \(value)", nil)
            }
            if name == "sectors" {
                for case .string(let s) in t.items where !sectors.contains(s) {
                    throw fail(
                        "\(label) names sector '\(s)', which the scenario does not have",
                        Suggestion.hint(for: s, in: sectors).capitalizedFirst)
                }
            }
            return value
        case .selector:
            guard let t = value.table else {
                throw fail(
                    "\(label) must be a selector table like { sector = \"manufacturing\", size = \"small\" }, not \(value.typeName) \(value)",
                    nil)
            }
            do { _ = try SelectorDecoder.decode(t, sectors: sectors, regions: nil) } catch let f
                as SelectorDecoder.Failure
            {
                throw fail("\(label): \(f.problem)", f.fix)
            }
            return value
        case .table:
            guard value.table != nil else {
                throw fail("\(label) must be a table, not \(value.typeName) \(value)", nil)
            }
            return value
        }
    }
}
