import Foundation

/// A Lua test file and the plugin it tests (`plugins/NAME/test/*.lua`).
public struct PluginTestFile: Sendable, Equatable {
    public var url: URL
    /// The plugin folder (with plugin.toml) the file belongs to, if any.
    public var pluginDirectory: URL?

    public init(url: URL, pluginDirectory: URL?) {
        self.url = url
        self.pluginDirectory = pluginDirectory
    }

    /// The path as the user should see it: relative to the working directory when inside it.
    public var displayPath: String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// The folder holding the plugin under test first (so `t.run` finds this
    /// very copy of it), then the usual search path as seen from the file.
    public func standardSearchPath(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> PluginSearchPath
    {
        let standard = PluginSearchPath.standard(scenarioFile: url.path, environment: environment)
        var dirs = standard.directories
        if let plugin = pluginDirectory { dirs.insert(plugin.deletingLastPathComponent(), at: 0) }
        var seen = Set<String>()
        return PluginSearchPath(
            directories: dirs.filter { seen.insert($0.standardizedFileURL.path).inserted },
            standardLibrary: standard.standardLibrary)
    }

    /// Finds the test files of the given paths: a test file itself, a plugin
    /// folder (its `test/*.lua`) or a folder of plugins (each plugin's tests).
    /// No path means `./plugins`. Plugins without tests are listed apart.
    public static func discover(_ paths: [String]) throws -> (files: [PluginTestFile], untested: [URL]) {
        let fm = FileManager.default
        var files: [PluginTestFile] = [], untested: [URL] = []
        func isPlugin(_ dir: URL) -> Bool { fm.fileExists(atPath: dir.appendingPathComponent("plugin.toml").path) }
        func testsOf(plugin dir: URL) {
            let testDir = dir.appendingPathComponent("test")
            let names = ((try? fm.contentsOfDirectory(atPath: testDir.path)) ?? []).filter { $0.hasSuffix(".lua") }
                .sorted()
            if names.isEmpty { untested.append(dir) }
            files += names.map { PluginTestFile(url: testDir.appendingPathComponent($0), pluginDirectory: dir) }
        }
        for path in paths.isEmpty ? ["plugins"] : paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw Diagnostic(
                    file: path, problem: "no such file or folder",
                    fix: paths.isEmpty
                        ? "Run uptake test in the project's folder (the one with plugins/), or name a plugin folder"
                        : "Name a plugin folder, a folder of plugins, or a test file like plugins/tax-relief/test/tax_relief_test.lua"
                )
            }
            if !isDirectory.boolValue {
                guard url.pathExtension == "lua" else {
                    throw Diagnostic(
                        file: path, problem: "not a Lua test file",
                        fix: "Test files are Lua files in a plugin's test/ folder")
                }
                // The plugin is the nearest folder above with a plugin.toml.
                var dir = url.deletingLastPathComponent()
                while !isPlugin(dir) && dir.path != "/" { dir = dir.deletingLastPathComponent() }
                files.append(PluginTestFile(url: url, pluginDirectory: isPlugin(dir) ? dir : nil))
            } else if isPlugin(url) {
                testsOf(plugin: url)
            } else {
                let entries = ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
                let plugins = entries.map { url.appendingPathComponent($0) }.filter(isPlugin)
                guard !plugins.isEmpty else {
                    throw Diagnostic(
                        file: path, problem: "this folder is neither a plugin (no plugin.toml) nor a folder of plugins",
                        fix: "Name a plugin folder like plugins/tax-relief, or the plugins/ folder")
                }
                plugins.forEach(testsOf(plugin:))
            }
        }
        return (files, untested)
    }
}
