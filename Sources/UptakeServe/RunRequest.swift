import Foundation
import UptakeScripting

/// What the page asks for when it starts a run: a scenario of the project,
/// its knobs, and the plugin parameters the user changed (the first message
/// on the run's WebSocket):
///
///     {"scenario": "scenarios/baseline.lua", "ticks": 40, "seed": "42", "firms": 20000,
///      "set": {"tax-relief.rate": 0.3, "tax-relief.from": "2025Q1"}}
///
/// Only plugin parameters (`plugin.param`) and the three knobs can be
/// changed: not the scenario's limits, network or files. The child
/// `uptake run` checks every value against the manifest as for `--set`.
struct RunRequest: Decodable, Sendable {
    var scenario: String
    var ticks: Int?
    var seed: String?
    var firms: Int?
    var set: [String: ScenarioDescription.ControlValue]?

    /// A request the server refuses before starting anything, with the reason shown in the page.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    static let tickRange = 1...100_000
    static let firmRange = 1...10_000_000

    /// `uptake run`'s arguments after the scenario: the knobs and every changed
    /// parameter as `--set`, in a fixed order (so a run's label and its command agree).
    func runArguments() throws -> [String] {
        var arguments: [String] = []
        if let seed {
            guard SeedText.seed(seed) != nil else {
                throw Refusal(description: "the seed must be a whole number from 0 to \(UInt64.max), not \(seed)")
            }
            arguments += ["--seed", seed]
        }
        if let ticks {
            guard RunRequest.tickRange.contains(ticks) else {
                throw Refusal(description: "ticks must be from 1 to \(RunRequest.tickRange.upperBound), not \(ticks)")
            }
            arguments += ["--set", "ticks=\(ticks)"]
        }
        if let firms {
            guard RunRequest.firmRange.contains(firms) else {
                throw Refusal(description: "firms must be from 1 to \(RunRequest.firmRange.upperBound), not \(firms)")
            }
            arguments += ["--set", "firms.count=\(firms)"]
        }
        for (path, value) in (set ?? [:]).sorted(by: { $0.key < $1.key }) {
            arguments += ["--set", "\(try RunRequest.parameterPath(path))=\(try RunRequest.text(value, of: path))"]
        }
        return arguments
    }

    /// `plugin.param`, and nothing that names a scenario key (limits, files).
    static func parameterPath(_ path: String) throws -> String {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        let plugin = #/[a-z][a-z0-9-]*/#
        let parameter = #/[A-Za-z_][A-Za-z0-9_]*/#
        guard parts.count == 2, (try? plugin.wholeMatch(in: parts[0])) != nil,
            (try? parameter.wholeMatch(in: parts[1])) != nil,
            !ParameterOverride.scenarioKeys.contains(String(parts[0]))
        else {
            throw Refusal(description: "'\(path)' is not a plugin parameter (plugin.param)")
        }
        return path
    }

    /// A value as `--set` reads it.
    static func text(_ value: ScenarioDescription.ControlValue, of path: String) throws -> String {
        switch value {
        case .boolean(let b):
            return String(b)
        case .number(let d):
            guard d.isFinite else { throw Refusal(description: "\(path) must be a finite number") }
            return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
        case .string(let s):
            guard s.count <= 200, !s.contains(where: \.isNewline) else {
                throw Refusal(description: "\(path) must be one line of at most 200 characters")
            }
            return s
        }
    }
}
