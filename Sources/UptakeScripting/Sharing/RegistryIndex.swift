import Foundation

/// A registry's `index.json`: every published version of every plugin, with
/// what resolving and checking it needs without opening its archive.
///
///     { "format": 1, "plugins": [ { "name": "my-subsidy", "version": "1.0.0", "api": "^1",
///       "description": "...", "dependencies": [ { "name": "tax-relief", "version": "^1", "optional": false } ],
///       "archive_sha256": "9f2c...", "content": "sha256:41ab...",
///       "publisher": "policy-lab", "key": "ed25519:...", "signature": "..." } ] }
///
/// The archive of an entry is always `archives/NAME-VERSION.zip`, made from
/// its checked name and version, never a path read from the index: an index
/// is untrusted input (anyone with write access to a shared drive can edit it).
public struct RegistryIndex: Codable, Sendable, Equatable {
    public static let fileName = "index.json"
    /// An index larger than this is refused unread (a real one is a few hundred bytes a version).
    public static let maximumBytes = 16 << 20

    public struct Dependency: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var optional: Bool
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var api: String
        public var description: String
        public var dependencies: [Dependency]
        /// SHA-256 of the archive file, hex.
        public var archiveSHA256: String
        /// `ContentHash.directory` of the plugin folder, "sha256:HEX": what the signature covers.
        public var content: String
        public var publisher: String?
        public var key: String?
        public var signature: String?

        enum CodingKeys: String, CodingKey {
            case name, version, api, description, dependencies, content, publisher, key, signature
            case archiveSHA256 = "archive_sha256"
        }

        /// `archives/NAME-VERSION.zip`.
        public var archivePath: String { "archives/\(name)-\(version).zip" }

        public var semanticVersion: SemanticVersion { SemanticVersion(version) ?? SemanticVersion(0, 0, 0) }

        public var pluginSignature: PluginSignature? {
            guard let publisher, let key, let signature else { return nil }
            return PluginSignature(publisher: publisher, key: key, signature: signature)
        }
    }

    public var format: Int
    public var plugins: [Entry]

    public init(plugins: [Entry] = []) {
        format = 1
        self.plugins = plugins
    }

    /// Whether `name` can be a plugin or registry name: lowercase letters, digits and dashes, from a letter.
    public static func isValidName(_ name: String) -> Bool {
        name.count <= 100 && name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil
    }

    /// Reads and checks an index; `place` names the registry in messages.
    public static func decode(_ data: Data, place: String) throws -> RegistryIndex {
        guard data.count <= maximumBytes else {
            throw Diagnostic(
                file: place,
                problem: "the registry's index.json is \(data.count) bytes, over the limit of \(maximumBytes)",
                fix: "Check the registry: a real index is a few hundred bytes per published version")
        }
        let index: RegistryIndex
        do { index = try JSONDecoder().decode(RegistryIndex.self, from: data) } catch {
            throw Diagnostic(
                file: place, problem: "the registry's index.json cannot be read (\(error))",
                fix: "Restore index.json from the registry's history; only `uptake plugin publish` should write it")
        }
        guard index.format == 1 else {
            throw Diagnostic(
                file: place,
                problem: "the registry's index.json has format \(index.format), this uptake reads format 1",
                fix: "Update uptake")
        }
        var seen = Set<String>()
        for e in index.plugins {
            guard isValidName(e.name), let v = SemanticVersion(e.version), v.description == e.version,
                e.archiveSHA256.range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil,
                e.content.range(of: "^sha256:[0-9a-f]{64}$", options: .regularExpression) != nil,
                (try? VersionConstraint(e.api)) != nil,
                e.dependencies.allSatisfy({ isValidName($0.name) && (try? VersionConstraint($0.version)) != nil }),
                e.publisher.map(isValidName) ?? true, e.key.map(PublisherKey.isPublicKeyText) ?? true,
                e.description.count <= 2_000, !e.description.contains(where: { $0.isNewline })
            else {
                throw Diagnostic(
                    file: place,
                    problem:
                        "the registry's index.json has an invalid entry for '\(e.name.prefix(80))' \(e.version.prefix(40))",
                    fix: "Restore index.json from the registry's history; only `uptake plugin publish` should write it")
            }
            guard seen.insert("\(e.name)@\(e.version)").inserted else {
                throw Diagnostic(
                    file: place, problem: "the registry's index.json lists '\(e.name)' \(e.version) twice",
                    fix: "Restore index.json from the registry's history")
            }
        }
        return index
    }

    /// The index as written: sorted, pretty, stable from one publish to the next.
    public func encoded() throws -> Data {
        var sorted = self
        sorted.plugins.sort { ($0.name, $0.semanticVersion) < ($1.name, $1.semanticVersion) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(sorted)
    }
}
