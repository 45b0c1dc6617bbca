import Foundation
import UptakeKernel

/// `uptake plugin check`: everything that can be checked without running a
/// simulation. The manifest reads, its dependencies resolve, the defaults
/// fit their own schema, and init.lua compiles in the sandbox and returns
/// known hooks. Missing documentation gives warnings, not errors.
public enum PluginChecker {
    public struct Report {
        public var manifest: PluginManifest
        public var warnings: [String]
    }

    public static func check(_ directory: URL, searchPath: PluginSearchPath) throws -> Report {
        let manifest = try PluginManifest.load(directory: directory)
        var warnings: [String] = []
        let path = manifest.manifestPath
        try refusePlaceholders(manifest)
        if manifest.description.isEmpty { warnings.append("\(path): no description") }
        if manifest.license.isEmpty {
            warnings.append("\(path): no license (other teams need to know if they may reuse it)")
        }
        if manifest.authors.isEmpty { warnings.append("\(path): no authors") }
        for p in manifest.params {
            if p.doc.isEmpty { warnings.append("\(path): parameter '\(p.name)' has no doc") }
            if p.kind == .number && p.source.isEmpty {
                warnings.append(
                    "\(path): parameter '\(p.name)' does not say where its default comes from (source = ...)")
            }
        }
        if !FileManager.default.fileExists(atPath: directory.appendingPathComponent("test").path) {
            warnings.append("\(directory.path): no test/ folder; `uptake test` has nothing to run")
        }
        // Load it for real: a tiny scenario using only this plugin, its own folder searched first.
        var dirs = [directory.deletingLastPathComponent()]
        dirs += searchPath.directories
        let lua = try LuaState()
        let sandbox = try LuaSandbox(lua: lua)
        let table = LuaTable(fields: [
            ("firms", .integer(50)), ("plugins", .table(LuaTable(items: [.string(manifest.name)]))),
            ("ticks", .integer(1)),
        ])
        let context = ValidationContext(locator: SourceLocator(file: path, source: ""))
        let scenario = try ScenarioDecoder.decode(
            table, file: directory.appendingPathComponent("check.lua").path, context: context)
        let session = try RunSession(
            scenario: scenario, lua: lua, sandbox: sandbox,
            options: .init(searchPath: PluginSearchPath(directories: dirs), ignoreLock: true))
        guard
            session.plugins.contains(where: {
                $0.name == manifest.name && $0.directory.standardizedFileURL.path == directory.standardizedFileURL.path
            })
        else {
            throw Diagnostic(
                file: path, plugin: manifest.name,
                problem: "another copy of '\(manifest.name)' shadows this folder on the search path",
                fix: "Check the copy in the folder itself, or rename one of them")
        }
        if session.host.plugins.first(where: { $0.name == manifest.name })?.hooks.isEmpty ?? true {
            warnings.append(
                "\(directory.appendingPathComponent("init.lua").path): init.lua returns no hooks; the plugin does nothing"
            )
        }
        return Report(manifest: manifest, warnings: warnings)
    }

    /// A plugin shared with the scaffold's words in it ("What this policy
    /// does, in one sentence.") tells its users nothing: refused, naming each.
    static func refusePlaceholders(_ manifest: PluginManifest) throws {
        typealias Placeholder = PluginScaffold.Placeholder
        var left: [(field: String, text: String)] = []
        if manifest.description == Placeholder.description { left.append(("description", Placeholder.description)) }
        if manifest.authors.contains(Placeholder.author) { left.append(("authors", Placeholder.author)) }
        for p in manifest.params where p.source == Placeholder.source {
            left.append(("source of parameter '\(p.name)'", Placeholder.source))
        }
        guard let first = left.first else { return }
        let text = (try? String(contentsOfFile: manifest.manifestPath, encoding: .utf8)) ?? ""
        let line = text.components(separatedBy: "\n").firstIndex { $0.contains(first.text) }.map { $0 + 1 }
        throw Diagnostic(
            file: manifest.manifestPath, line: line, plugin: manifest.name,
            problem: "the manifest still has the placeholder text of `uptake plugin new` in: "
                + left.map(\.field).joined(separator: ", "),
            fix: "Write what the plugin does in one sentence, who maintains it, and where each default comes from")
    }
}
