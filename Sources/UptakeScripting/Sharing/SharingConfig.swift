import Foundation
import TOMLKit

/// `uptake.toml`, beside `uptake.lock`: where a project gets shared plugins
/// and whose signatures it trusts. Written by hand and committed; uptake
/// only reads it.
///
///     require_signatures = true
///     revoked_keys = ["ed25519:Q2hhbmdlZC4uLg=="]
///
///     [[registry]]
///     name = "shared-drive"
///     url = "/mnt/shared/uptake-registry"          # a folder
///
///     [[registry]]
///     name = "lab-git"
///     url = "git+file:///srv/git/plugins.git"      # or git+https://host/plugins.git
///
///     [publishers]
///     policy-lab = ["ed25519:3q2+7w..."]            # the keys trusted for each publisher
///
/// Registries are searched in the order written; a relative folder is
/// relative to the project.
public struct SharingConfig: Sendable, Equatable {
    public static let fileName = "uptake.toml"

    /// A registry the project names.
    public struct Registry: Sendable, Equatable {
        public var name: String
        /// A folder path (absolute, or relative to the project) or a `git+` URL.
        public var url: String
    }

    public var registries: [Registry] = []
    /// Publisher name -> the public keys (`ed25519:BASE64`) trusted for it.
    public var publishers: [String: [String]] = [:]
    /// Keys refused whoever they are listed for: lost or retired keys.
    public var revokedKeys: [String] = []
    /// Refuse, at install and at run, a plugin without a valid signature of a trusted publisher.
    public var requireSignatures = false
    /// The file it was read from (nil when the project has none).
    public var file: URL?

    public init(
        registries: [Registry] = [], publishers: [String: [String]] = [:], revokedKeys: [String] = [],
        requireSignatures: Bool = false, file: URL? = nil
    ) {
        self.registries = registries
        self.publishers = publishers
        self.revokedKeys = revokedKeys
        self.requireSignatures = requireSignatures
        self.file = file
    }

    /// The project's `uptake.toml`, or an empty configuration when there is none.
    public static func load(project: URL) throws -> SharingConfig {
        let url = project.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return SharingConfig() }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw Diagnostic(file: url.path, problem: "cannot read the project's sharing settings", fix: nil)
        }
        return try parse(text, file: url)
    }

    static func parse(_ text: String, file: URL) throws -> SharingConfig {
        let path = file.path
        if let line = TOMLHeaderGuard.firstBadHeader(in: text) {
            throw Diagnostic(
                file: path, line: line, problem: "not valid TOML: a table header must begin with a name",
                fix: "Fix the header at that line, e.g. [[registry]] or [publishers]")
        }
        let toml: TOMLTable
        do { toml = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Diagnostic(
                file: path, line: e.source.begin.line, problem: "not valid TOML: \(e.description)",
                fix: "Fix the syntax at that line")
        }
        let lines = text.components(separatedBy: "\n")
        // The line where the last part of `key` is set (or its table begins), for the message.
        func line(of key: [String]) -> Int {
            guard let last = key.last else { return 1 }
            let found = lines.firstIndex { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return t.hasPrefix("[\(last)]") || t.hasPrefix("[[\(last)]]") || t.hasPrefix("\"\(last)\"")
                    || (t.hasPrefix(last)
                        && t.dropFirst(last.count).trimmingCharacters(in: .whitespaces).hasPrefix("="))
            }
            return found.map { $0 + 1 } ?? 1
        }
        func fail(_ key: [String], _ problem: String, _ fix: String) -> Diagnostic {
            Diagnostic(file: path, line: line(of: key), problem: problem, fix: fix)
        }
        let known = ["require_signatures", "revoked_keys", "registry", "publishers"]
        for key in toml.keys where !known.contains(key) {
            throw fail(
                [key], "unknown setting '\(key)'", Suggestion.hint(for: key, in: known).capitalizedFirst)
        }
        var config = SharingConfig(file: file)
        if let v = toml["require_signatures"] {
            guard let b = v.bool else {
                throw fail(["require_signatures"], "'require_signatures' must be true or false", "Write true or false")
            }
            config.requireSignatures = b
        }
        if let v = toml["revoked_keys"] {
            guard let list = v.array?.compactMap({ $0.string }), list.count == v.array?.count else {
                throw fail(
                    ["revoked_keys"], "'revoked_keys' must be a list of keys",
                    "Write revoked_keys = [\"ed25519:...\"]")
            }
            config.revokedKeys = list
        }
        for item in toml["registry"]?.array ?? [] {
            guard let t = item.table, let name = t["name"]?.string, let url = t["url"]?.string else {
                throw fail(
                    ["registry"], "each [[registry]] needs a name and a url",
                    "Write name = \"shared-drive\" and url = \"/path/to/folder\" (or a git+ URL)")
            }
            guard RegistryIndex.isValidName(name) else {
                throw fail(
                    ["registry"], "registry name '\(name)' must be lowercase letters, digits and dashes",
                    "Rename it, e.g. \"shared-drive\"")
            }
            if config.registries.contains(where: { $0.name == name }) {
                throw fail(["registry"], "two registries are named '\(name)'", "Give each [[registry]] its own name")
            }
            config.registries.append(Registry(name: name, url: url))
        }
        if let v = toml["publishers"] {
            guard let table = v.table else {
                throw fail(
                    ["publishers"], "'publishers' must be a table", "Write [publishers] then NAME = [\"ed25519:...\"]")
            }
            for name in table.keys {
                let value = table[name]!
                let keys = value.string.map { [$0] } ?? value.array?.compactMap { $0.string } ?? []
                guard !keys.isEmpty, keys.allSatisfy({ PublisherKey.isPublicKeyText($0) }) else {
                    throw fail(
                        ["publishers", name], "publisher '\(name)' must list keys written as \"ed25519:BASE64\"",
                        "Copy the line `uptake plugin keygen` printed for that publisher")
                }
                config.publishers[name] = keys
            }
        }
        return config
    }

    /// The registry called `name`.
    public func registry(named name: String) -> Registry? { registries.first { $0.name == name } }

    /// Where the settings file is, to name it in messages.
    public var displayFile: String { file?.path ?? SharingConfig.fileName }
}
