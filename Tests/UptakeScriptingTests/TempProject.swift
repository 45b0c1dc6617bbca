import Foundation
import XCTest
@testable import UptakeScripting

/// A throw-away project folder with a scenario and plugins, for tests.
struct TempProject {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("plugins"), withIntermediateDirectories: true)
    }

    /// The repository's own folder (for its plugins/ and scenarios/).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// A plugin with a manifest (params given as TOML sections) and an init.lua.
    func plugin(_ name: String, version: String = "1.0.0", params: String = "", dependencies: String = "", initLua: String) throws {
        try write("plugins/\(name)/plugin.toml", """
        name = "\(name)"
        version = "\(version)"
        api = "^1"
        description = "test plugin"
        \(dependencies.isEmpty ? "" : "[dependencies]\n" + dependencies)
        \(params)
        """)
        try write("plugins/\(name)/init.lua", initLua)
    }

    /// A small scenario using the given plugin entries (Lua source of the list).
    func scenario(_ plugins: String = "", extra: String = "", name: String = "scenario.lua") throws -> String {
        try write(name, """
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

    var searchPath: PluginSearchPath { PluginSearchPath(directories: [root.appendingPathComponent("plugins")]) }

    func session(_ file: String, overrides: [String] = [], seed: UInt64? = nil, limits: (Int?, Int?) = (nil, nil)) throws -> RunSession {
        try RunSession(file: file, options: .init(seed: seed, overrides: overrides.map { try ParameterOverride(parsing: $0) },
                                                  maxInstructions: limits.0, maxMemoryMB: limits.1, searchPath: searchPath))
    }

    /// Runs and returns the diagnostic the run failed with (fails the test if it did not fail).
    func failure(_ file: String, overrides: [String] = [], limits: (Int?, Int?) = (nil, nil),
                 line: UInt = #line) -> Diagnostic? {
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

let numberParam = """
[params.rate]
type = "number"
default = 0.1
min = 0
max = 1
"""
