import Foundation
import UptakeLocks
import TOMLKit

/// A plugin's declarative manifest, `plugin.toml`, readable without running
/// any of the plugin's code:
///
///     name = "tax-relief"
///     version = "1.0.0"
///     api = "^1"
///     description = "Super-deduction of AIGC spending"
///     authors = ["Policy Lab"]
///     license = "MIT"
///
///     [dependencies]
///     budget-tracker = { version = "^1", optional = true }
///
///     [params.rate]
///     type = "number"
///     default = 0.15
///     min = 0
///     max = 2
///     unit = "share of AIGC spending"
///     doc = "Extra deduction of AIGC spending from taxable income"
public struct PluginManifest: Sendable {
    public var name: String
    public var version: SemanticVersion
    public var api: VersionConstraint
    public var description: String
    public var authors: [String]
    public var license: String
    public var dependencies: [PluginDependency]
    public var params: [ParameterSpec]
    /// The plugin's folder and manifest file.
    public var directory: URL
    public var manifestPath: String { directory.appendingPathComponent("plugin.toml").path }

    /// The Lua API version this build of Uptake provides.
    public static let hostAPI = SemanticVersion(1, 1, 0)

    public static func load(directory: URL) throws -> PluginManifest {
        let path = directory.appendingPathComponent("plugin.toml").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Diagnostic(
                file: path, problem: "cannot read the plugin manifest",
                fix: "Every plugin folder needs a plugin.toml; `uptake plugin new NAME` makes one")
        }
        // TOMLKit leaks about 20 KB per parse (LebJe/TOMLKit#26), and a batch prepares every
        // run from scratch: parse each distinct manifest text once per process.
        if let cached = parsedManifests.value(path: path, text: text) { return cached }
        let manifest = try parse(text: text, path: path, directory: directory)
        parsedManifests.store(manifest, path: path, text: text)
        return manifest
    }

    private static let parsedManifests = ManifestCache()

    private static func parse(text: String, path: String, directory: URL) throws -> PluginManifest {
        let toml: TOMLTable
        if let line = TOMLHeaderGuard.firstBadHeader(in: text) {
            throw Diagnostic(
                file: path, line: line,
                problem: "not valid TOML: a table header must begin with a name, like [params.rate]",
                fix: "Fix the manifest's syntax at that line")
        }
        do { toml = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Diagnostic(
                file: path, line: e.source.begin.line, problem: "not valid TOML: \(e.description)",
                fix: "Fix the manifest's syntax at that line")
        }
        let locator = SourceLocator(file: path, source: text)
        func fail(_ key: String, _ problem: String, _ fix: String? = nil) -> Diagnostic {
            Diagnostic(file: path, line: locator.line(of: [key]) ?? 1, problem: problem, fix: fix)
        }
        func string(_ key: String, required: Bool = true) throws -> String? {
            guard let v = toml[key] else {
                if required {
                    throw Diagnostic(
                        file: path, line: 1, problem: "the manifest has no '\(key)'", fix: "Add \(key) = \"...\"")
                }
                return nil
            }
            guard let s = v.string else { throw fail(key, "'\(key)' must be a string") }
            return s
        }
        let known = ["name", "version", "api", "description", "authors", "license", "dependencies", "params"]
        for key in toml.keys where !known.contains(key) {
            throw fail(
                key, "unknown key '\(key)' in the manifest", Suggestion.hint(for: key, in: known).capitalizedFirst)
        }
        let name = try string("name")!
        guard name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
            throw fail(
                "name", "plugin name '\(name)' must be lowercase letters, digits and dashes, starting with a letter")
        }
        let versionText = try string("version")!
        guard let version = SemanticVersion(versionText), versionText.split(separator: ".").count == 3 else {
            throw fail(
                "version", "'\(versionText)' is not a semantic version", "Write it as MAJOR.MINOR.PATCH, e.g. \"1.0.0\""
            )
        }
        let apiText = try string("api", required: false) ?? "^1"
        let api: VersionConstraint
        do { api = try VersionConstraint(apiText) } catch { throw fail("api", "\(error)") }
        var authors: [String] = []
        if let a = toml["authors"] {
            guard let arr = a.array, arr.allSatisfy({ $0.string != nil }) else {
                throw fail("authors", "'authors' must be a list of strings")
            }
            authors = arr.compactMap { $0.string }
        }
        var dependencies: [PluginDependency] = []
        if let d = toml["dependencies"] {
            guard let deps = d.table else {
                throw fail("dependencies", "'dependencies' must be a table: [dependencies]")
            }
            for key in deps.keys.sorted() {
                var constraintText = "*", optional = false
                if let s = deps[key]!.string {
                    constraintText = s
                } else if let t = deps[key]!.table {
                    constraintText = t["version"]?.string ?? "*"
                    optional = t["optional"]?.bool ?? false
                } else {
                    throw fail(
                        key, "dependency '\(key)' must be a version string or { version = \"...\", optional = true }")
                }
                do {
                    dependencies.append(
                        PluginDependency(
                            name: key, constraint: try VersionConstraint(constraintText), optional: optional))
                } catch { throw fail(key, "dependency '\(key)': \(error)") }
            }
        }
        var params: [ParameterSpec] = []
        if let p = toml["params"] {
            guard let table = p.table else {
                throw fail("params", "'params' must be a table of [params.NAME] sections")
            }
            for key in table.keys.sorted() {
                guard let spec = table[key]!.table else {
                    throw fail(key, "parameter '\(key)' must be a [params.\(key)] section")
                }
                params.append(try ParameterSpec(name: key, toml: spec, fail: { fail(key, $0, $1) }))
            }
        }
        return PluginManifest(
            name: name, version: version, api: api, description: try string("description", required: false) ?? "",
            authors: authors, license: try string("license", required: false) ?? "", dependencies: dependencies,
            params: params, directory: directory)
    }
}

public struct PluginDependency: Sendable {
    public var name: String
    public var constraint: VersionConstraint
    public var optional: Bool
}

/// Manifests already parsed in this process, by path and exact text (an edited file is parsed again).
private final class ManifestCache: Sendable {
    private let entries = Locked<[String: (text: String, manifest: PluginManifest)]>([:])

    func value(path: String, text: String) -> PluginManifest? {
        entries.withLock { entries in
            guard let e = entries[path], e.text == text else { return nil }
            return e.manifest
        }
    }

    func store(_ manifest: PluginManifest, path: String, text: String) {
        entries.withLock { $0[path] = (text, manifest) }
    }
}
