import Crypto
import Foundation

/// SHA-256 content hashes of files and plugin folders, for lockfiles and
/// provenance. A folder's hash covers every file's relative path and bytes,
/// in sorted path order, so it is the same on every machine.
public enum ContentHash {
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public static func file(_ url: URL) throws -> String {
        sha256(try Data(contentsOf: url))
    }

    /// Relative paths of the regular files under a folder, sorted; hidden files and folders are skipped.
    public static func files(in directory: URL) -> [String] {
        let fm = FileManager.default
        guard
            let walker = fm.enumerator(
                at: directory, includingPropertiesForKeys: [.isRegularFileKey],
                options: [.skipsHiddenFiles])
        else { return [] }
        let base = directory.standardizedFileURL.path + "/"
        var paths: [String] = []
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let full = url.standardizedFileURL.path
            paths.append(full.hasPrefix(base) ? String(full.dropFirst(base.count)) : url.lastPathComponent)
        }
        return paths.sorted()
    }

    /// Hash of a folder, plus the hash of each file (to say which file changed).
    public static func directory(_ directory: URL) throws -> (total: String, files: [String: String]) {
        var perFile: [String: String] = [:]
        var combined = Data()
        for path in files(in: directory) {
            let h = try file(directory.appendingPathComponent(path))
            perFile[path] = h
            combined.append(Data("\(path)\0\(h)\n".utf8))
        }
        return (sha256(combined), perFile)
    }
}

extension PluginManifest {
    /// The plugin folder's content hash (every file, including the manifest).
    public func contentHash() throws -> String { try ContentHash.directory(directory).total }
}
