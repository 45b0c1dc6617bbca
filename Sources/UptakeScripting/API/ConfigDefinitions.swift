import Foundation

/// lua-language-server classes for a declarative file (a scenario, an
/// experiment), made from the keys its decoder reads (`KeyRecorder`), so
/// that an editor completes and checks exactly what the decoder accepts.
///
/// A path part `*` is a key of the user's choosing (a sector's name, a
/// parameter path): its parent becomes `table<string, CLASS>`. `types` gives
/// the type of keys a decoder accepts in several shapes (`firms` is a number
/// or a table); `{class}` in it stands for the key's own class.
public enum ConfigDefinitions {
    public struct Key: Sendable {
        public var path: [String]
        public var type: String
        public var doc: String
        public init(path: [String], type: String, doc: String) {
            self.path = path
            self.type = type
            self.doc = doc
        }
    }

    /// The keys of recorded entries: a table's type is its class; a value's
    /// doc gives its default and allowed values (and `scope`, when given, where it applies).
    public static func keys(_ entries: [KeyRecorder.Entry], scope: (KeyRecorder.Entry) -> String? = { _ in nil })
        -> [Key]
    {
        var order: [String] = []
        var byKey: [String: [KeyRecorder.Entry]] = [:]
        for e in entries {
            if byKey[e.key] == nil { order.append(e.key) }
            if !(byKey[e.key] ?? []).contains(e) { byKey[e.key, default: []].append(e) }
        }
        return order.map { key in
            let variants = byKey[key]!
            let first = variants[0]
            var doc = ""
            if !first.isTable {
                // A key whose default differs by rule or network lists each default with where it applies.
                let defaults =
                    variants.count == 1
                    ? first.defaultText
                    : variants.map { "\($0.defaultText)\(scope($0).map { " (\($0))" } ?? "")" }.joined(separator: "; ")
                doc = "Default: \(defaults). Allowed: \(first.allowed)."
                if variants.count == 1, let s = scope(first) { doc += " Applies to \(s)." }
            }
            return Key(path: key.split(separator: ".").map(String.init), type: first.type, doc: doc)
        }
    }

    /// The classes, root first, each field optional unless `required`.
    public static func classes(
        root: String, doc: String, keys: [Key], types: [String: String] = [:],
        docs: [String: String] = [:], required: Set<String> = []
    ) -> String {
        var keys = keys
        // Paths given only in `types` or `docs` (keys a decoder reads without the recorder).
        for path in types.keys.sorted() where !keys.contains(where: { $0.path.joined(separator: ".") == path }) {
            keys.append(Key(path: path.split(separator: ".").map(String.init), type: types[path]!, doc: ""))
        }
        func className(_ path: [String]) -> String {
            ([root] + path.map { $0 == "*" ? "item" : $0 }).joined(separator: ".")
        }
        let paths = keys.map(\.path)
        let parents = Set(
            paths.flatMap { p in (0..<p.count).map { Array(p[..<$0]) } }.map { $0.joined(separator: ".") })
        var classOrder: [[String]] = [[]]
        for p in paths where parents.contains(p.joined(separator: ".")) && !classOrder.contains(p) {
            classOrder.append(p)
        }
        var out = ""
        for c in classOrder {
            let children = paths.filter { $0.count == c.count + 1 && Array($0.dropLast()) == c }
            if !c.isEmpty && children.allSatisfy({ $0.last == "*" }) { continue }  // only a table<string, ...> of items
            out += c.isEmpty ? "---\(doc)\n" : ""
            out += "---@class \(className(c))\n"
            for key in keys
            where key.path.count == c.count + 1 && Array(key.path.dropLast()) == c && key.path.last != "*" {
                let joined = key.path.joined(separator: ".")
                var type = key.type
                if parents.contains(joined) {
                    type =
                        paths.contains(key.path + ["*"])
                        ? "table<string, \(className(key.path + ["*"]))>" : className(key.path)
                }
                if let given = types[joined] { type = given.replacingOccurrences(of: "{class}", with: type) }
                // A hand-written doc replaces a recorded "Default: none" (the decoder's default is in the doc).
                let recorded = docs[joined] != nil && key.doc.hasPrefix("Default: none") ? "" : key.doc
                let text = [docs[joined], recorded].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                out +=
                    "---@field \(key.path.last!)\(required.contains(joined) ? "" : "?") \(type)\(text.isEmpty ? "" : " " + text)\n"
            }
            out += "\n"
        }
        return out
    }
}
