import Foundation

/// A throw-away project for a test: a temporary folder with a `plugins/`
/// folder, into which a test writes scenarios, experiments and plugins.
///
///     let project = try TemporaryProject()
///     try project.plugin("probe", initLua: "return {}")
///     let scenario = try project.write("scenario.lua", "return scenario { plugins = { \"probe\" } }")
///
/// Each test target adds what only it needs (a scenario with its usual
/// sizes, a run session, a batch) in an extension of its own.
public struct TemporaryProject: Sendable {
    /// The project's folder (see `TemporaryFolder` for when it is removed).
    public let root: URL

    public init() throws {
        root = try TemporaryFolder.make(prefix: "project-")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
    }

    /// The project's own plugin folder, `root/plugins`.
    public var plugins: URL { root.appendingPathComponent("plugins") }

    /// The absolute path of `relative` in the project.
    public func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Writes `text` to `relative` (its folders made as needed) and returns the file's absolute path.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, data: Data(text.utf8))
    }

    /// Writes `data` to `relative` (its folders made as needed) and returns the file's absolute path.
    @discardableResult
    public func write(_ relative: String, data: Data) throws -> String {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
        return url.path
    }

    /// A plugin in `plugins/name/`: a manifest and an init.lua. `params` is the
    /// manifest's `[params.x]` sections as TOML; `dependencies` the lines of
    /// its `[dependencies]` section (`other = "^1"`), none when empty.
    public func plugin(
        _ name: String, version: String = "1.0.0", description: String = "test plugin",
        params: String = "", dependencies: String = "", initLua: String
    ) throws {
        try write(
            "plugins/\(name)/plugin.toml",
            """
            name = "\(name)"
            version = "\(version)"
            api = "^1"
            description = "\(description)"
            \(dependencies.isEmpty ? "" : "[dependencies]\n" + dependencies)
            \(params)
            """)
        try write("plugins/\(name)/init.lua", initLua)
    }
}
