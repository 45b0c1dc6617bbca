/// Reads typed fields of a declarative Lua table (scenario, experiment,
/// plugin parameters), turning every mistake into a `Diagnostic` that names
/// the file, the line and the key, and rejecting unknown keys with a
/// "did you mean".
public struct TableReader {
    public let table: LuaTable
    public let path: [String]
    public let context: ValidationContext
    private(set) var known: [String] = []
    /// When set, told every key read with its default (and passed on to
    /// subtables): how docs/model.md's table of defaults is generated.
    public var recorder: KeyRecorder?

    public init(_ table: LuaTable, path: [String], context: ValidationContext) {
        self.table = table
        self.path = path
        self.context = context
    }

    public var pathText: String { path.isEmpty ? "the scenario" : "'" + path.joined(separator: ".") + "'" }

    public func error(_ key: String?, _ problem: String, fix: String? = nil) -> Diagnostic {
        context.diagnostic(path: key.map { path + [$0] } ?? path, problem: problem, fix: fix)
    }

    public mutating func raw(_ key: String) -> LuaValue? {
        if !known.contains(key) { known.append(key) }
        let v = table[key]
        return v == .nil ? nil : v
    }

    public mutating func number(_ key: String, default value: Double? = nil, in range: ClosedRange<Double>? = nil)
        throws -> Double?
    {
        recorder?.note(
            path + [key], type: "number", default: value.map(KeyRecorder.text), allowed: range.map(KeyRecorder.text))
        guard let v = raw(key) else { return value }
        guard let d = v.double, d.isFinite || range?.upperBound == .infinity else {
            // A number that is not finite is named as such ("not nan"), not as "not number nan".
            throw error(
                key,
                v.double != nil
                    ? "'\(key)' must be a finite number, not \(v)"
                    : "'\(key)' must be a number, not \(v.typeName) \(v)",
                fix: "Write a number, e.g. \(key) = \(value.map { LuaValue.number($0).description } ?? "1")")
        }
        if let range, !range.contains(d) {
            throw error(
                key, "'\(key)' = \(v) is out of range",
                fix: "Use a value from \(LuaValue.number(range.lowerBound)) to \(LuaValue.number(range.upperBound))")
        }
        return d
    }

    public mutating func requiredNumber(_ key: String, in range: ClosedRange<Double>? = nil) throws -> Double {
        guard let d = try number(key, in: range) else {
            throw error(nil, "\(pathText) needs '\(key)'", fix: "Add \(key) = <number>")
        }
        return d
    }

    public mutating func integer(_ key: String, default value: Int? = nil, in range: ClosedRange<Int>? = nil) throws
        -> Int?
    {
        recorder?.note(
            path + [key], type: "integer", default: value.map { "\($0)" },
            allowed: range.map { "whole, \($0.lowerBound) to \($0.upperBound)" })
        guard let v = raw(key) else { return value }
        guard let d = v.double, d == d.rounded(), abs(d) < 9e15 else {
            throw error(
                key, "'\(key)' must be a whole number, not \(v.double != nil ? "" : "\(v.typeName) ")\(v)",
                fix: "Write e.g. \(key) = \(value ?? 1)"
            )
        }
        if let range, !range.contains(Int(d)) {
            throw error(
                key, "'\(key)' = \(v) is out of range",
                fix: "Use a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(d)  // safe: |d| < 9e15 was checked above
    }

    public mutating func string(_ key: String, default value: String? = nil, oneOf choices: [String]? = nil) throws
        -> String?
    {
        recorder?.note(
            path + [key], type: choices.map { $0.map { "\"\($0)\"" }.joined(separator: "|") } ?? "string",
            default: value.map { "\"\($0)\"" },
            allowed: choices.map { $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? "text")
        guard let v = raw(key) else { return value }
        guard let s = v.string else {
            throw error(
                key, "'\(key)' must be a string, not \(v.typeName) \(v)",
                fix: "Write it in quotes, e.g. \(key) = \"\(value ?? choices?.first ?? "text")\"")
        }
        if let choices, !choices.contains(s) {
            throw error(
                key, "'\(key)' = \"\(s)\" is not one of \(choices.joined(separator: ", "))",
                fix: Suggestion.hint(for: s, in: choices).capitalizedFirst)
        }
        return s
    }

    public mutating func bool(_ key: String, default value: Bool? = nil) throws -> Bool? {
        recorder?.note(path + [key], type: "boolean", default: value.map { "\($0)" }, allowed: "true, false")
        guard let v = raw(key) else { return value }
        guard let b = v.bool else { throw error(key, "'\(key)' must be true or false, not \(v.typeName) \(v)") }
        return b
    }

    /// A list of strings; a single string is accepted as a list of one.
    public mutating func strings(_ key: String) throws -> [String]? {
        recorder?.note(path + [key], type: "string|string[]", default: nil, allowed: "list of text")
        guard let v = raw(key) else { return nil }
        if let s = v.string { return [s] }
        guard let t = v.table, t.fields.isEmpty, t.items.allSatisfy({ $0.string != nil }) else {
            throw error(
                key, "'\(key)' must be a string or a list of strings like { \"a\", \"b\" }, not \(v.typeName) \(v)")
        }
        return t.items.compactMap(\.string)
    }

    public mutating func subtable(_ key: String) throws -> TableReader? {
        guard let v = raw(key) else { return nil }
        guard let t = v.table else { throw error(key, "'\(key)' must be a table { ... }, not \(v.typeName) \(v)") }
        recorder?.noteTable(path + [key])
        var reader = TableReader(t, path: path + [key], context: context)
        reader.recorder = recorder
        return reader
    }

    /// Rejects keys nobody asked for, and non-string keys.
    public func rejectUnknownKeys(allowItems: Bool = false) throws {
        for key in table.keys where !known.contains(key) {
            throw error(
                key, "unknown key '\(key)' in \(pathText)", fix: Suggestion.hint(for: key, in: known).capitalizedFirst)
        }
        if !allowItems && !table.items.isEmpty {
            throw error(
                nil, "\(pathText) has unnamed entries (\(table.items.first!)); every entry needs a name",
                fix: "Write name = value")
        }
        if let other = table.otherKeys.first {
            throw error(nil, "\(pathText) has a key \(other) that is not a name", fix: "Use name = value entries only")
        }
    }
}

/// Where a declarative table came from, to point errors at its lines.
public struct ValidationContext: Sendable {
    public let locator: SourceLocator
    /// Paths set with --set, so an error in them names the command line instead of the file.
    public var overridden: [String: String] = [:]

    public init(locator: SourceLocator, overridden: [String: String] = [:]) {
        self.locator = locator
        self.overridden = overridden
    }

    public func diagnostic(path: [String], problem: String, fix: String? = nil) -> Diagnostic {
        let joined = path.filter { !$0.hasPrefix("[") }.joined(separator: ".")
        if let flag = overridden[joined] {
            return Diagnostic(file: "--set \(flag)", problem: problem, fix: fix)
        }
        return Diagnostic(file: locator.file, line: locator.line(of: path) ?? 1, problem: problem, fix: fix)
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// The keys a decoder read, in order, with their defaults and allowed
/// values as text and their lua-language-server type (see
/// `TableReader.recorder`): how docs/model.md's table of defaults and the
/// editor definitions of scenario and experiment files are made from the
/// decoders themselves.
public final class KeyRecorder {
    public struct Entry: Equatable, Sendable {
        public var key: String
        /// lua-language-server type: "number", "integer", "string", "\"a\"|\"b\"", "boolean", "string|string[]", or
        /// "table" for a subtable (whose keys are entries of their own).
        public var type: String
        public var defaultText: String
        public var allowed: String
        public var isTable: Bool { type == "table" }
    }
    public private(set) var entries: [Entry] = []

    public init() {}

    func note(_ path: [String], type: String, default value: String?, allowed: String?) {
        entries.append(
            Entry(
                key: path.joined(separator: "."), type: type, defaultText: value ?? "none",
                allowed: allowed ?? "any number"))
    }

    func noteTable(_ path: [String]) {
        entries.append(Entry(key: path.joined(separator: "."), type: "table", defaultText: "none", allowed: "table"))
    }

    static func text(_ d: Double) -> String { d == .infinity ? "no limit" : LuaValue.number(d).description }
    static func text(_ r: ClosedRange<Double>) -> String { "\(text(r.lowerBound)) to \(text(r.upperBound))" }
}
