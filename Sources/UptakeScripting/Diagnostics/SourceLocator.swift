import Foundation

/// Finds the line of a key in a Lua source file. A Lua table does not
/// remember where its keys were written, so validation errors find it in the
/// text: each path component is searched from the previous one's line on,
/// as `name =` or as the quoted string `"name"` (plugin entries).
public struct SourceLocator: Sendable {
    public let file: String
    let lines: [String]

    public init(file: String, source: String) {
        self.file = file
        lines = source.components(separatedBy: "\n")
    }

    /// The best line for a path like ["plugins", "tax-relief", "rate"], or nil.
    public func line(of path: [String]) -> Int? {
        var from = 0
        var found: Int? = nil
        for component in path where !component.hasPrefix("[") {
            guard let l = find(component, from: from) else { break }
            found = l + 1
            from = l
        }
        return found
    }

    private func find(_ name: String, from: Int) -> Int? {
        let quoted = ["\"\(name)\"", "'\(name)'"]
        for i in from..<lines.count {
            let text = stripComment(lines[i])
            if quoted.contains(where: { text.contains($0) }) { return i }
            if let r = text.range(of: name) {
                let before = r.lowerBound == text.startIndex ? " " : text[text.index(before: r.lowerBound)]
                let after = text[r.upperBound...].drop { $0 == " " || $0 == "\t" }
                if !(before.isLetter || before.isNumber || before == "_" || before == ".") && after.hasPrefix("=")
                    && !after.hasPrefix("==")
                {
                    return i
                }
            }
        }
        return nil
    }

    private func stripComment(_ line: String) -> Substring {
        if let r = line.range(of: "--") { return line[..<r.lowerBound] }
        return Substring(line)
    }
}
