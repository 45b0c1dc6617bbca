import Foundation

/// A Lua error as Swift sees it: what kind, the message without its position,
/// and the file and line Lua reported, plus the traceback.
public struct LuaError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
        case syntax, runtime, memory, instructionBudget = "instruction budget", wallClock = "wall-clock limit",
            errorHandler = "error handler"
    }

    public let kind: Kind
    public let message: String
    public let file: String?
    public let line: Int?
    public let traceback: String

    /// Parses "file:line: message\nstack traceback:..." as Lua formats it.
    init(kind: Kind, raw: String) {
        self.kind = kind
        let parts = raw.components(separatedBy: "\nstack traceback:")
        let head = parts[0]
        traceback =
            parts.count > 1 ? "stack traceback:" + parts.dropFirst().joined(separator: "\nstack traceback:") : ""
        if var (file, line, rest) = LuaError.splitLocation(head) {
            // "a.lua:7: a.lua:5: boom" (an error passed on by coroutine.wrap): the innermost place is the cause.
            while let (innerFile, innerLine, innerRest) = LuaError.splitLocation(rest),
                !innerFile.contains(" "), !innerFile.contains("\"")
            {
                file = innerFile
                line = innerLine
                rest = innerRest
            }
            if LuaError.isSandboxChunk(file), let (outer, outerLine) = LuaError.firstLuaFrame(in: traceback) {
                // Raised inside the sandbox's own Lua (print's tostring): the script's line is the place.
                file = outer
                line = outerLine
            }
            self.file = file
            self.line = line
            message = rest
        } else if let (file, line) = LuaError.firstLuaFrame(in: traceback) {
            // An error value without a position (a table, nil): the innermost Lua frame tells where.
            self.file = file
            self.line = line
            message = head
        } else {
            file = nil
            line = nil
            message = head
        }
    }

    init(kind: Kind, message: String, file: String?, line: Int?) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
        traceback = ""
    }

    /// Chunks of Uptake's own Lua ("=uptake-sandbox", "=uptake-test").
    static func isSandboxChunk(_ place: String) -> Bool {
        place.hasPrefix("uptake-") || place.hasPrefix("=uptake-")
    }

    /// The first "\tfile:line:" frame of a traceback that is Lua code (not "[C]").
    static func firstLuaFrame(in traceback: String) -> (String, Int)? {
        for line in traceback.split(separator: "\n").dropFirst() {
            let frame = line.trimmingCharacters(in: .whitespaces)
            // Frames of the sandbox's own Lua (print, setmetatable) are not where the script went wrong.
            if frame.hasPrefix("[C]") || frame.hasPrefix("(...") || isSandboxChunk(frame) { continue }
            if let (file, number, _) = splitLocation(frame + " ") { return (file, number) }
        }
        return nil
    }

    /// Splits a leading "path:123: " off a message.
    static func splitLocation(_ text: String) -> (String, Int, String)? {
        // Scan for ":<digits>: " and take the first occurrence: paths may contain ':' rarely, digits never follow them.
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == ":" {
                var j = i + 1
                while j < chars.count, chars[j].isNumber { j += 1 }
                if j > i + 1, j + 1 < chars.count, chars[j] == ":", chars[j + 1] == " ",
                    let line = Int(String(chars[(i + 1)..<j]))
                {
                    let file = String(chars[0..<i])
                    if !file.isEmpty && !file.contains("\n") {
                        return (file, line, String(chars[(j + 2)...]))
                    }
                }
            }
            i += 1
        }
        return nil
    }

    /// The reported file, with Lua's shortening of long chunk names ("...end/of/path.lua")
    /// undone by matching the given full names.
    public func file(resolvingAgainst chunkNames: [String]) -> String? {
        guard let file, file.hasPrefix("...") else { return file }
        let tail = file.dropFirst(3)
        return chunkNames.first { $0.hasSuffix(tail) } ?? file
    }

    /// "file:line: message" as one line.
    public var description: String {
        if let file, let line { return "\(file):\(line): \(message)" }
        return message
    }
}
