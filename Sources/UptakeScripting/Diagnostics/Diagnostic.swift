/// A problem a user caused, said once, in one line: where (file and line;
/// plugin, hook and tick when a run was under way), what went wrong, and how
/// to fix it.
///
///     scenarios/x.lua:12: unknown key 'plugns' in the scenario; did you mean 'plugins'?
public struct Diagnostic: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String?
    public var line: Int?
    public var plugin: String?
    public var hook: String?
    public var tick: Int?
    public var date: String?
    /// What went wrong.
    public var problem: String
    /// How to fix it.
    public var fix: String?
    /// Set when a scenario or experiment file was given where the other
    /// kind was expected: the kind it is ("experiment"), so a caller that
    /// looks for files of one kind can pass over the others quietly.
    public var wrongKind: String?
    /// The copy of `plugin` the run resolved, "1.0.0 in plugins/tax-relief",
    /// so that a shadowed plugin is visible in every error about it.
    public var pluginCopy: String?

    public init(
        file: String? = nil, line: Int? = nil, plugin: String? = nil, hook: String? = nil, tick: Int? = nil,
        date: String? = nil, problem: String, fix: String? = nil
    ) {
        self.file = file
        self.line = line
        self.plugin = plugin
        self.hook = hook
        self.tick = tick
        self.date = date
        self.problem = problem
        self.fix = fix
    }

    public var location: String {
        switch (file, line) {
        case let (f?, l?): return "\(f):\(l)"
        case let (f?, nil): return f
        default: return "uptake"
        }
    }

    public var description: String {
        var where_: [String] = []
        if let plugin { where_.append("plugin '\(plugin)'" + (pluginCopy.map { " \($0)" } ?? "")) }
        if let hook { where_.append("hook \(hook)") }
        if let tick { where_.append("tick \(tick)" + (date.map { " (\($0))" } ?? "")) }
        var text = "\(location): "
        if !where_.isEmpty { text += "in " + where_.joined(separator: ", ") + ": " }
        text += problem
        if let fix { text += ". " + fix }
        return text
    }
}

/// Suggests the closest known name for a misspelt one ("did you mean").
public enum Suggestion {
    public static func closest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }) else { return nil }
        return best.1 <= max(2, name.count / 3) ? best.0 : nil
    }

    public static func hint(for name: String, in candidates: [String]) -> String {
        if let c = closest(to: name, in: candidates) { return "did you mean '\(c)'?" }
        return "known names are: " + candidates.sorted().joined(separator: ", ")
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
