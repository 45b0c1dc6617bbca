import Foundation
import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// What the scripting tests do in a throw-away project: write a small
/// scenario and run it with the project's own plugins.
extension TemporaryProject {
    /// A small scenario using the given plugin entries (Lua source of the list).
    func scenario(_ plugins: String = "", extra: String = "", name: String = "scenario.lua") throws -> String {
        try write(
            name,
            """
            return scenario {
              name = "test",
              ticks = 12,
              seed = 5,
              firms = 400,
              \(extra)
              plugins = {
                \(plugins)
              },
            }
            """)
    }

    /// Only the project's own plugins: no standard library, no user folders.
    var searchPath: PluginSearchPath { PluginSearchPath(directories: [plugins]) }

    func session(_ file: String, overrides: [String] = [], seed: UInt64? = nil, limits: (Int?, Int?) = (nil, nil))
        throws -> RunSession
    {
        try RunSession(
            file: file,
            options: .init(
                seed: seed, overrides: overrides.map { try ParameterOverride(parsing: $0) },
                maxInstructions: limits.0, maxMemoryMB: limits.1, searchPath: searchPath))
    }

    /// Runs and returns the diagnostic the run failed with (fails the test if it did not fail).
    func failure(
        _ file: String, overrides: [String] = [], limits: (Int?, Int?) = (nil, nil),
        line: UInt = #line
    ) -> Diagnostic? {
        do {
            let s = try session(file, overrides: overrides, limits: limits)
            try s.run()
            XCTFail("the run should have failed", line: line)
            return nil
        } catch let d as Diagnostic {
            return d
        } catch {
            XCTFail("expected a Diagnostic, got \(error)", line: line)
            return nil
        }
    }
}

/// A plugin parameter `rate`, a number in 0...1, as a manifest's TOML.
let numberParam = """
    [params.rate]
    type = "number"
    default = 0.1
    min = 0
    max = 1
    """
