import Foundation
import UptakeFiles
import ZIPFoundation

/// Packing and installing plugins, to share them between teams.
///
/// An archive is `NAME-VERSION.zip` holding `NAME/` with every file of the
/// plugin plus `NAME/CHECKSUMS.sha256` (sha256sum format). Installing checks
/// every checksum and the manifest before anything is copied, and refuses to
/// replace a different installed copy unless asked to.
public enum PluginArchive {
    public static let checksumsFile = "CHECKSUMS.sha256"
    /// Limits on what an archive may unpack into (a plugin with data tables is a few megabytes).
    public static let maximumFiles = 10_000
    public static let maximumUnpackedBytes: UInt64 = 256 << 20

    /// Packs a plugin folder into `directory/NAME-VERSION.zip`; returns the archive's URL.
    public static func pack(_ pluginDirectory: URL, into directory: URL) throws -> URL {
        let manifest = try PluginManifest.load(directory: pluginDirectory)
        let archiveURL = directory.appendingPathComponent("\(manifest.name)-\(manifest.version).zip")
        let files = ContentHash.files(in: pluginDirectory).filter { $0 != checksumsFile }
        var sums = ""
        for f in files { sums += "\(try ContentHash.file(pluginDirectory.appendingPathComponent(f)))  \(f)\n" }
        // Packed under a temporary name and renamed: an earlier archive stays whole until the new one is.
        let outputs = StagedOutputs()
        try outputs.stage(at: archiveURL) { temporary in
            let archive: Archive
            do { archive = try Archive(url: temporary, accessMode: .create) } catch {
                throw Diagnostic(
                    file: archiveURL.path, problem: "cannot create the archive: \(error)",
                    fix: "Check that the folder is writable")
            }
            do {
                for f in files {
                    try archive.addEntry(
                        with: "\(manifest.name)/\(f)", fileURL: pluginDirectory.appendingPathComponent(f))
                }
                let data = Data(sums.utf8)
                try archive.addEntry(
                    with: "\(manifest.name)/\(checksumsFile)", type: .file, uncompressedSize: Int64(data.count)
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            } catch {
                throw FileSystemError(error, action: "cannot write", path: archiveURL.path) ?? error
            }
        }
        try outputs.commit()
        return archiveURL
    }

    public enum InstallResult: Equatable { case installed(URL), alreadyInstalled(URL) }

    /// Installs a plugin from a folder or an archive into `destination/NAME`.
    public static func install(_ source: URL, into destination: URL, force: Bool = false) throws -> InstallResult {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
            throw Diagnostic(
                file: source.path, problem: "no such plugin folder or archive",
                fix: "Give the path of a plugin folder or of a .zip made by `uptake plugin pack`")
        }
        var staged = source
        var cleanup: URL? = nil
        defer { if let c = cleanup { try? fm.removeItem(at: c) } }
        if !isDirectory.boolValue {
            let temp = fm.temporaryDirectory.appendingPathComponent("uptake-install-\(UUID().uuidString)")
            cleanup = temp
            staged = try unpack(source, into: temp)
        }
        let manifest = try PluginManifest.load(directory: staged)
        let target = destination.appendingPathComponent(manifest.name)
        let incoming = try ContentHash.directory(staged).total
        if fm.fileExists(atPath: target.path) {
            let existing = try? PluginManifest.load(directory: target)
            if (try? ContentHash.directory(target).total) == incoming { return .alreadyInstalled(target) }
            guard force else {
                throw Diagnostic(
                    file: target.path, plugin: manifest.name,
                    problem:
                        "a different copy of plugin '\(manifest.name)' (\(existing.map { $0.version.description } ?? "unreadable")) is already installed here; installing \(manifest.version) would replace it",
                    fix: "Add --force to replace it, or install into another folder with --to")
            }
        }
        // Copied under a temporary name beside the target, then renamed: no half-copied plugin.
        let outputs = StagedOutputs()
        try outputs.stage(at: target, kind: .folder) { temporary in
            do { try fm.copyItem(at: staged, to: temporary) } catch {
                throw FileSystemError(error, action: "cannot install into", path: destination.path) ?? error
            }
        }
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }  // --force: the different copy goes
        try outputs.commit()
        return .installed(target)
    }

    /// The manifest of a plugin folder or archive (the archive checked as `install` checks it).
    public static func manifest(of source: URL) throws -> PluginManifest {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try PluginManifest.load(directory: source)
        }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-peek-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        return try PluginManifest.load(directory: try unpack(source, into: temp))
    }

    /// Extracts an archive, refusing unsafe paths, and checks every checksum. Returns the plugin folder.
    static func unpack(
        _ archiveURL: URL, into temp: URL, maximumFiles: Int = maximumFiles,
        maximumUnpackedBytes: UInt64 = maximumUnpackedBytes
    ) throws -> URL {
        let archive: Archive
        do { archive = try Archive(url: archiveURL, accessMode: .read) } catch {
            throw Diagnostic(
                file: archiveURL.path, problem: "not a readable plugin archive (\(error))",
                fix: "Make it again with `uptake plugin pack`")
        }
        let fm = FileManager.default
        var roots = Set<String>()
        // An archive from a registry is untrusted: a few megabytes of zip must not unpack into gigabytes.
        let files = archive.filter { $0.type == .file }
        let unpacked = files.reduce(UInt64(0)) { $0 &+ $1.uncompressedSize }
        guard files.count <= maximumFiles, unpacked <= maximumUnpackedBytes else {
            throw Diagnostic(
                file: archiveURL.path,
                problem: "the archive would unpack into \(files.count) files and \(unpacked) bytes, "
                    + "over the limits of \(maximumFiles) files and \(maximumUnpackedBytes) bytes",
                fix:
                    "A plugin is a manifest and some Lua: get the archive from its author, made by `uptake plugin pack`"
            )
        }
        for entry in files {
            let path = entry.path
            // No absolute paths, no way up, and no hidden files (content hashes skip them, so they would go unchecked).
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                path.contains("/")
            else {
                throw Diagnostic(
                    file: archiveURL.path, problem: "the archive holds an unsafe path '\(path)'",
                    fix: "Only install archives made by `uptake plugin pack`")
            }
            roots.insert(String(path.split(separator: "/")[0]))
            _ = try archive.extract(entry, to: temp.appendingPathComponent(path))
        }
        guard roots.count == 1, let root = roots.first else {
            throw Diagnostic(
                file: archiveURL.path,
                problem: "the archive should hold exactly one plugin folder, found \(roots.sorted())",
                fix: "Make it again with `uptake plugin pack`")
        }
        let folder = temp.appendingPathComponent(root)
        let sumsURL = folder.appendingPathComponent(checksumsFile)
        guard let sums = try? String(contentsOf: sumsURL, encoding: .utf8) else {
            throw Diagnostic(
                file: archiveURL.path, problem: "the archive has no \(checksumsFile)",
                fix: "Make it again with `uptake plugin pack`")
        }
        var listed = Set<String>()
        for line in sums.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let file = parts[1].trimmingCharacters(in: .whitespaces)
            listed.insert(file)
            let actual = try? ContentHash.file(folder.appendingPathComponent(file))
            guard actual == String(parts[0]) else {
                throw Diagnostic(
                    file: archiveURL.path,
                    problem: "checksum mismatch for \(root)/\(file): the archive is damaged or was altered",
                    fix: "Get a fresh copy of the archive from its author")
            }
        }
        try fm.removeItem(at: sumsURL)
        let present = Set(ContentHash.files(in: folder))
        if let extra = present.subtracting(listed).sorted().first {
            throw Diagnostic(
                file: archiveURL.path, problem: "\(root)/\(extra) is in the archive but not in its checksums",
                fix: "Get a fresh copy of the archive from its author")
        }
        return folder
    }
}
