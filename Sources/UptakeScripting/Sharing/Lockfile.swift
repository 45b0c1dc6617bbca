import Foundation
import UptakeFiles
import TOMLKit

/// `uptake.lock`: the exact version and content hash of every plugin a
/// project's scenarios use. Made by `uptake plugin lock` (and updated by
/// `plugin install NAME` and `plugin update`), committed with the project; a
/// run refuses any plugin that differs from it, naming the file that changed,
/// so two teams running the same scenario run the same code.
///
/// Entries are portable: no absolute paths, only where a plugin comes from
/// (`source`): `registry:NAME` (a registry of uptake.toml), a `git+` address
/// with its tag, `standard` (the library shipped with uptake),
/// `project:plugins/NAME` (a folder of the project) or `local` (a folder
/// outside it, such as ~/.uptake/plugins). Lock version 1 recorded a `path`
/// instead; it is still read, and the next `plugin lock` writes version 2.
public struct Lockfile: Sendable, Equatable {
    public static let fileName = "uptake.lock"

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var version: String
        /// Where the plugin comes from (see above).
        public var source: String
        public var hash: String
        /// Hash per file (relative path), to say which file changed.
        public var files: [String: String]
        /// What the project asked for with `plugin install NAME@CONSTRAINT`: `plugin update` stays within it.
        public var constraint: String?
        /// Who signed it, when it came signed from a registry.
        public var signature: PluginSignature?

        public init(
            name: String, version: String, source: String, hash: String, files: [String: String],
            constraint: String? = nil, signature: PluginSignature? = nil
        ) {
            self.name = name
            self.version = version
            self.source = source
            self.hash = hash
            self.files = files
            self.constraint = constraint
            self.signature = signature
        }

        /// The plugin's folder in the project (`plugins/NAME`) when its source is a project folder.
        public var path: String? { source.hasPrefix("project:") ? String(source.dropFirst("project:".count)) : nil }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries.sorted { $0.name < $1.name } }

    /// Pins the given plugins as they are now; an entry of `previous` for the
    /// same plugin keeps its constraint.
    public static func pinning(_ manifests: [PluginManifest], project: URL, previous: Lockfile? = nil) throws
        -> Lockfile
    {
        Lockfile(
            entries: try manifests.map { m in
                let (total, files) = try ContentHash.directory(m.directory)
                let origin = PluginOrigin.read(from: m.directory)
                return Entry(
                    name: m.name, version: m.version.description,
                    source: origin?.source ?? source(of: m.directory, project: project),
                    hash: "sha256:" + total, files: files,
                    constraint: previous?.entries.first { $0.name == m.name }?.constraint,
                    signature: origin?.signature)
            })
    }

    /// A portable name for where a plugin folder is (no absolute path).
    static func source(of directory: URL, project: URL) -> String {
        let full = directory.standardizedFileURL.path
        let library = StandardLibrary.current
        if library.exists
            && directory.deletingLastPathComponent().standardizedFileURL.path
                == library.directory.standardizedFileURL.path
        {
            return "standard"
        }
        let base = project.standardizedFileURL.path + "/"
        return full.hasPrefix(base) ? "project:" + String(full.dropFirst(base.count)) : "local"
    }

    /// This lock with `entry` added, or replacing the entry of the same name.
    public func replacing(_ entry: Entry) -> Lockfile {
        Lockfile(entries: entries.filter { $0.name != entry.name } + [entry])
    }

    public var text: String {
        var out = "# uptake.lock: the plugin versions and content hashes this project's runs use.\n"
        out += "# Made by `uptake plugin lock`; commit it. A run refuses a plugin that differs from it.\n"
        out += "lock-version = 2\n"
        for e in entries {
            out += "\n[[plugin]]\nname = \(Lockfile.quote(e.name))\nversion = \(Lockfile.quote(e.version))\n"
            out += "source = \(Lockfile.quote(e.source))\nhash = \(Lockfile.quote(e.hash))\n"
            if let c = e.constraint { out += "constraint = \(Lockfile.quote(c))\n" }
            if let s = e.signature {
                out += "publisher = \(Lockfile.quote(s.publisher))\nkey = \(Lockfile.quote(s.key))\n"
                out += "signature = \(Lockfile.quote(s.signature))\n"
            }
            out += "[plugin.files]\n"
            for f in e.files.keys.sorted() { out += "\(Lockfile.quote(f)) = \(Lockfile.quote(e.files[f]!))\n" }
        }
        return out
    }

    /// A TOML basic string.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public func write(to url: URL) throws { try OutputFile.write(Data(text.utf8), to: url) }

    public static func load(_ url: URL) throws -> Lockfile {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw Diagnostic(
                file: url.path, problem: "cannot read the lockfile", fix: "Run `uptake plugin lock` to make it again")
        }
        let toml: TOMLTable
        if let line = TOMLHeaderGuard.firstBadHeader(in: text) {
            throw Diagnostic(
                file: url.path, line: line,
                problem: "the lockfile is not valid TOML: a table header must begin with a name",
                fix: "Do not edit uptake.lock by hand; run `uptake plugin lock` to make it again")
        }
        do { toml = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Diagnostic(
                file: url.path, line: e.source.begin.line, problem: "the lockfile is not valid TOML: \(e.description)",
                fix: "Do not edit uptake.lock by hand; run `uptake plugin lock` to make it again")
        }
        var entries: [Entry] = []
        for item in toml["plugin"]?.array ?? [] {
            // Version 1 wrote `path` (absolute outside the project); version 2 writes `source`.
            let source = item.table?["source"]?.string ?? item.table?["path"]?.string.map(legacySource)
            guard let t = item.table, let name = t["name"]?.string, let version = t["version"]?.string,
                let source, let hash = t["hash"]?.string
            else {
                throw Diagnostic(
                    file: url.path, problem: "a [[plugin]] entry of the lockfile lacks name, version, source or hash",
                    fix: "Run `uptake plugin lock` to make it again")
            }
            var files: [String: String] = [:]
            if let f = t["files"]?.table { for k in f.keys { files[k] = f[k]?.string ?? "" } }
            var signature: PluginSignature? = nil
            if let p = t["publisher"]?.string, let k = t["key"]?.string, let s = t["signature"]?.string {
                signature = PluginSignature(publisher: p, key: k, signature: s)
            }
            entries.append(
                Entry(
                    name: name, version: version, source: source, hash: hash, files: files,
                    constraint: t["constraint"]?.string, signature: signature))
        }
        return Lockfile(entries: entries)
    }

    /// The source of a version-1 entry's `path`.
    static func legacySource(_ path: String) -> String { path.hasPrefix("/") ? "local" : "project:" + path }

    /// Checks resolved plugins against the lock; the first difference is an error.
    public func verify(_ manifests: [PluginManifest], lockPath: String) throws {
        for m in manifests {
            guard let e = entries.first(where: { $0.name == m.name }) else {
                throw Diagnostic(
                    file: lockPath, plugin: m.name, problem: "plugin '\(m.name)' is not pinned in uptake.lock",
                    fix: "Run `uptake plugin lock` to pin it, and commit the lockfile")
            }
            guard e.version == m.version.description else {
                throw Diagnostic(
                    file: lockPath, plugin: m.name,
                    problem:
                        "uptake.lock pins '\(m.name)' \(e.version), but \(m.version) was found in \(m.directory.path)",
                    fix: "Install version \(e.version) of the plugin, or run `uptake plugin lock` to pin \(m.version)")
            }
            let (total, files) = try ContentHash.directory(m.directory)
            guard "sha256:" + total == e.hash else {
                let changed = files.keys.filter { e.files[$0] != nil && e.files[$0] != files[$0] }.sorted()
                let added = files.keys.filter { e.files[$0] == nil }.sorted()
                let removed = e.files.keys.filter { files[$0] == nil }.sorted()
                var what: [String] = []
                if !changed.isEmpty { what.append(changed.joined(separator: ", ") + " changed") }
                if !added.isEmpty { what.append(added.joined(separator: ", ") + " added") }
                if !removed.isEmpty { what.append(removed.joined(separator: ", ") + " removed") }
                throw Diagnostic(
                    file: m.directory.appendingPathComponent(changed.first ?? added.first ?? "plugin.toml").path,
                    plugin: m.name,
                    problem: "plugin '\(m.name)' \(m.version) differs from uptake.lock: "
                        + what.joined(separator: "; "),
                    fix:
                        "Restore the plugin (reinstall it) or, if the change is intended, run `uptake plugin lock` again"
                )
            }
        }
    }
}
