import Foundation
import UptakeFiles
import TOMLKit

/// `uptake.lock`: the exact version and content hash of every plugin a
/// project's scenarios use. Made by `uptake plugin lock`, committed with the
/// project; a run refuses any plugin that differs from it, naming the file
/// that changed, so two teams running the same scenario run the same code.
public struct Lockfile: Sendable, Equatable {
    public static let fileName = "uptake.lock"

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var version: String
        /// Folder, relative to the project when inside it.
        public var path: String
        public var hash: String
        /// Hash per file (relative path), to say which file changed.
        public var files: [String: String]
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries.sorted { $0.name < $1.name } }

    /// Pins the given plugins as they are now.
    public static func pinning(_ manifests: [PluginManifest], project: URL) throws -> Lockfile {
        let base = project.standardizedFileURL.path + "/"
        return Lockfile(
            entries: try manifests.map { m in
                let (total, files) = try ContentHash.directory(m.directory)
                let full = m.directory.standardizedFileURL.path
                return Entry(
                    name: m.name, version: m.version.description,
                    path: full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full,
                    hash: "sha256:" + total, files: files)
            })
    }

    public var text: String {
        var out = "# uptake.lock: the plugin versions and content hashes this project's runs use.\n"
        out += "# Made by `uptake plugin lock`; commit it. A run refuses a plugin that differs from it.\n"
        out += "lock-version = 1\n"
        for e in entries {
            out +=
                "\n[[plugin]]\nname = \(quote(e.name))\nversion = \(quote(e.version))\npath = \(quote(e.path))\nhash = \(quote(e.hash))\n"
            out += "[plugin.files]\n"
            for f in e.files.keys.sorted() { out += "\(quote(f)) = \(quote(e.files[f]!))\n" }
        }
        return out
    }

    private func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
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
            guard let t = item.table, let name = t["name"]?.string, let version = t["version"]?.string,
                let path = t["path"]?.string, let hash = t["hash"]?.string
            else {
                throw Diagnostic(
                    file: url.path, problem: "a [[plugin]] entry of the lockfile lacks name, version, path or hash",
                    fix: "Run `uptake plugin lock` to make it again")
            }
            var files: [String: String] = [:]
            if let f = t["files"]?.table { for k in f.keys { files[k] = f[k]?.string ?? "" } }
            entries.append(Entry(name: name, version: version, path: path, hash: hash, files: files))
        }
        return Lockfile(entries: entries)
    }

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
