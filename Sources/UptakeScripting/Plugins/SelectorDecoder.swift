import UptakeKernel

/// Reads a segment selector written in Lua:
/// `{ sector = "manufacturing", size = { "small", "medium" }, category = "late_majority", stage = "aware", region = "east" }`.
public enum SelectorDecoder {
    public static let keys = ["sector", "size", "region", "category", "stage"]

    public struct Failure: Error, CustomStringConvertible {
        public let problem: String
        public let fix: String?
        public var description: String { problem + (fix.map { ". " + $0 } ?? "") }
    }

    /// `regions` nil skips checking region names (not known before the population exists).
    public static func decode(_ table: LuaTable, sectors: [String], regions: [String]?) throws -> SegmentSelector {
        var selector = SegmentSelector()
        for key in table.keys where !keys.contains(key) {
            throw Failure(
                problem: "unknown selector key '\(key)'", fix: Suggestion.hint(for: key, in: keys).capitalizedFirst)
        }
        if !table.items.isEmpty {
            throw Failure(problem: "a selector has named entries only, like { sector = \"retail\" }", fix: nil)
        }
        func names(_ key: String) throws -> [String] {
            guard let v = table[key] else { return [] }
            if let s = v.string { return [s] }
            guard let t = v.table, t.fields.isEmpty, t.items.allSatisfy({ $0.string != nil }) else {
                throw Failure(
                    problem: "selector '\(key)' must be a name or a list of names, not \(v.typeName) \(v)", fix: nil)
            }
            return t.items.compactMap(\.string)
        }
        func lookup<T>(_ key: String, _ known: [String], _ make: (Int) -> T) throws -> [T] {
            try names(key).map { name in
                guard let i = known.firstIndex(of: name) else {
                    throw Failure(
                        problem: "selector \(key) '\(name)' does not exist",
                        fix: Suggestion.hint(for: name, in: known).capitalizedFirst)
                }
                return make(i)
            }
        }
        selector.sectors = Set(try lookup("sector", sectors) { UInt8($0) })
        selector.sizes = Set(try lookup("size", FirmSize.allCases.map(\.name)) { FirmSize(rawValue: UInt8($0))! })
        selector.categories = Set(
            try lookup("category", AdopterCategory.allCases.map(\.name)) { AdopterCategory(rawValue: UInt8($0))! })
        selector.stages = Set(try lookup("stage", Stage.allCases.map(\.name)) { Stage(rawValue: UInt8($0))! })
        if let regions {
            selector.regions = Set(try lookup("region", regions) { UInt16($0) })
        }
        return selector
    }
}
