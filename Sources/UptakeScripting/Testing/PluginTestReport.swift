/// The text `uptake test` prints: one line per test, failures followed by
/// where and why, then `N passed, M failed`.
///
///     ok    the relief reaches manufacturing only  plugins/tax-relief/test/tax_relief_test.lua:4
///     FAIL  the budget is never overspent  plugins/budget-tracker/test/budget_test.lua:20
///           plugins/budget-tracker/test/budget_test.lua:27: expected a value of at most 1000000, got 1200000
///     1 passed, 1 failed
public struct PluginTestReport: Sendable {
    public var outcomes: [PluginTestOutcome] = []
    /// Plugin folders that have no test files.
    public var untested: [String] = []

    public init(outcomes: [PluginTestOutcome] = [], untested: [String] = []) {
        self.outcomes = outcomes
        self.untested = untested
    }

    public var passed: Int { outcomes.filter(\.passed).count }
    public var failed: Int { outcomes.count - passed }

    /// The line printed for one test (and, if it failed, the indented reason).
    public static func lines(for o: PluginTestOutcome) -> String {
        let place = o.file + (o.line.map { ":\($0)" } ?? "")
        var text = (o.passed ? "ok    " : "FAIL  ") + o.name + "  " + place
        if let failure = o.failure { text += "\n      " + failure }
        return text
    }

    public var summary: String {
        var text = "\(passed) passed, \(failed) failed"
        if !untested.isEmpty {
            text += "\nno tests in: " + untested.joined(separator: ", ") + " (add test/*.lua; see docs/plugins.md)"
        }
        return text
    }

    public var text: String { (outcomes.map(Self.lines(for:)) + [summary]).joined(separator: "\n") + "\n" }
}
