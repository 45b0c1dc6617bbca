import Foundation
import UptakeFiles

/// A registry that is a folder (on a shared drive, or a git registry's
/// checkout): `index.json` and `archives/NAME-VERSION.zip`.
///
/// Everything read from it is untrusted: the index is checked entry by entry
/// (`RegistryIndex.decode`), archive paths are made from checked names, and a
/// symbolic link where the index or an archive should be is refused, so a
/// registry cannot point uptake at a file outside it.
public struct FolderRegistry: Sendable {
    /// The registry's name in messages (its name in uptake.toml, or its path).
    public var name: String
    public var root: URL

    /// An archive larger than this is refused unread.
    public static let maximumArchiveBytes = 64 << 20

    public init(name: String, root: URL) {
        self.name = name
        self.root = root
    }

    /// The index; an empty one when the folder has none yet (a registry nobody has published to).
    public func index() throws -> RegistryIndex {
        let url = root.appendingPathComponent(RegistryIndex.fileName)
        guard FileManager.default.fileExists(atPath: url.path) || isSymbolicLink(url) else {
            guard FileManager.default.fileExists(atPath: root.path) else {
                throw Diagnostic(
                    file: root.path, problem: "registry '\(name)' is not there",
                    fix: "Check its url in uptake.toml, or that the shared drive is mounted")
            }
            return RegistryIndex()
        }
        return try RegistryIndex.decode(try readRegularFile(url, limit: RegistryIndex.maximumBytes), place: url.path)
    }

    /// The bytes of an entry's archive, checked against the index's checksum.
    public func archive(of entry: RegistryIndex.Entry) throws -> Data {
        let url = root.appendingPathComponent(entry.archivePath)
        let data = try readRegularFile(url, limit: FolderRegistry.maximumArchiveBytes)
        guard ContentHash.sha256(data) == entry.archiveSHA256 else {
            throw Diagnostic(
                file: url.path, plugin: entry.name,
                problem:
                    "the archive of '\(entry.name)' \(entry.version) in registry '\(name)' does not match the checksum in its index: it was altered or damaged",
                fix: "Tell the registry's maintainers; ask the publisher to publish a new version")
        }
        return data
    }

    /// Reads a file that must be a regular file (not a link) no larger than `limit`.
    func readRegularFile(_ url: URL, limit: Int) throws -> Data {
        let fix = "Only `uptake plugin publish` should write into a registry; tell its maintainers"
        if isSymbolicLink(url) || isSymbolicLink(url.deletingLastPathComponent()) {
            throw Diagnostic(
                file: url.path,
                problem: "registry '\(name)' has a symbolic link where a file belongs; it is not followed",
                fix: fix)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
            throw Diagnostic(file: url.path, problem: "registry '\(name)' has no file here", fix: fix)
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limit else {
            throw Diagnostic(
                file: url.path, problem: "the file is \(size) bytes, over the limit of \(limit)", fix: fix)
        }
        do { return try Data(contentsOf: url) } catch {
            throw FileSystemError(error, action: "cannot read", path: url.path) ?? error
        }
    }

    func isSymbolicLink(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType)
            == .typeSymbolicLink
    }

    public enum PublishResult: Equatable {
        case published(RegistryIndex.Entry)
        case alreadyPublished(RegistryIndex.Entry)
    }

    /// Adds an archive made by `uptake plugin pack` to the registry, signed
    /// with `key` (unsigned when nil). A published version is never replaced.
    public func publish(_ archiveURL: URL, signedWith key: PublisherKey?) throws -> PublishResult {
        let entry = try FolderRegistry.entry(for: archiveURL, signedWith: key)
        // The first publish makes the registry.
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lock = try PublishLock(registry: self)
        defer { lock.release() }
        var index = try self.index()
        if let existing = index.plugins.first(where: { $0.name == entry.name && $0.version == entry.version }) {
            guard existing.content == entry.content else {
                throw Diagnostic(
                    file: archiveURL.path, plugin: entry.name,
                    problem:
                        "registry '\(name)' already has '\(entry.name)' \(entry.version) with other content; a published version is never replaced",
                    fix: "Raise the version in plugin.toml (a patch version for a fix), pack it again and publish that")
            }
            return .alreadyPublished(existing)
        }
        index.plugins.append(entry)
        let archiveData = try Data(contentsOf: archiveURL)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("archives"), withIntermediateDirectories: true)
        // The archive first, then the index that names it: a reader never sees an entry without its archive.
        try OutputFile.write(archiveData, to: root.appendingPathComponent(entry.archivePath))
        try OutputFile.write(try index.encoded(), to: root.appendingPathComponent(RegistryIndex.fileName))
        return .published(entry)
    }

    /// The index entry of an archive: its manifest, hashes and signature.
    static func entry(for archiveURL: URL, signedWith key: PublisherKey?) throws -> RegistryIndex.Entry {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-publish-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        let folder = try PluginArchive.unpack(archiveURL, into: temp)
        let manifest = try PluginManifest.load(directory: folder)
        // What `plugin check` refuses is refused here too: a shared plugin's users rely on these words.
        do { try PluginChecker.refusePlaceholders(manifest) } catch var d as Diagnostic {
            d.file = archiveURL.path
            d.line = nil
            d.fix = (d.fix ?? "") + ", then pack it again (`uptake plugin check` finds the rest)"
            throw d
        }
        guard folder.lastPathComponent == manifest.name else {
            throw Diagnostic(
                file: archiveURL.path, plugin: manifest.name,
                problem: "the archive's folder is '\(folder.lastPathComponent)' but its plugin is '\(manifest.name)'",
                fix: "Pack it again with `uptake plugin pack`")
        }
        let content = "sha256:" + (try ContentHash.directory(folder).total)
        let version = manifest.version.description
        let signature = try key.map {
            try PluginSignature.sign(name: manifest.name, version: version, contentHash: content, with: $0)
        }
        return RegistryIndex.Entry(
            name: manifest.name, version: version, api: manifest.api.text,
            // One line, as search prints it and as the index allows.
            description: String(
                manifest.description.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(2_000)),
            dependencies: manifest.dependencies.map {
                .init(name: $0.name, version: $0.constraint.text, optional: $0.optional)
            },
            archiveSHA256: ContentHash.sha256(try Data(contentsOf: archiveURL)), content: content,
            publisher: signature?.publisher, key: signature?.key, signature: signature?.signature)
    }
}
