import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// Makes the folder an output goes in, with every missing folder above it,
/// and says exactly why it cannot: which part of the path is a file, which
/// folder refuses new entries and why. (FileManager's own error for a file
/// in the way, or for /proc, is "The file doesn't exist.")
public enum OutputFolder {
    /// Creates `url` and any missing parents; returns the folders it made,
    /// outermost first, so that a failed output can remove them again.
    /// `display` is the path to name in messages (default: `url.path`).
    @discardableResult
    public static func create(_ url: URL, display: String? = nil) throws -> [URL] {
        let shown = display ?? url.path
        let action = "cannot create the folder"
        var missing: [URL] = []
        var dir = url.standardizedFileURL
        // Walk up to the first thing that exists.
        while true {
            var info = stat()
            if stat(dir.path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw FileSystemError(
                        action: action, path: shown, reason: "\(dir.path) is a file, not a folder",
                        fix: "Remove or rename that file, or choose another output")
                }
                break
            }
            let code = errno
            guard code == ENOENT || code == ENOTDIR else {
                throw FileSystemError(action: action, path: shown, errno: code)
            }
            missing.insert(dir, at: 0)
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        var made: [URL] = []
        for folder in missing {
            if mkdir(folder.path, 0o777) == 0 {
                made.append(folder)
                continue
            }
            let code = errno
            var info = stat()
            // Made meanwhile by someone else: fine.
            if code == EEXIST, stat(folder.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { continue }
            remove(made)
            if code == EEXIST {
                throw FileSystemError(
                    action: action, path: shown, reason: "\(folder.path) is a file, not a folder",
                    fix: "Remove or rename that file, or choose another output")
            }
            throw FileSystemError(
                action: action, path: shown, errno: code, folder: folder.deletingLastPathComponent().path)
        }
        return made
    }

    /// Removes folders made by `create` (innermost first), each only if empty.
    public static func remove(_ made: [URL]) {
        for folder in made.reversed() { rmdir(folder.path) }
    }
}
