import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A file or folder the user asked for that could not be made: one line with
/// the path, the operating system's reason in words and what to do.
///
///     cannot write out/series.csv: no space left on device; nothing there was changed. Free some space or choose another output
public struct FileSystemError: Error, CustomStringConvertible, Sendable, Equatable {
    /// "cannot write", "cannot create the folder".
    public var action: String
    /// The path as the user gave it (or as the command built it).
    public var path: String
    /// The reason in words: "permission denied", "/data is a file, not a folder".
    public var reason: String
    /// How to fix it, one sentence.
    public var fix: String

    public init(action: String, path: String, reason: String, fix: String) {
        self.action = action
        self.path = path
        self.reason = reason
        self.fix = fix
    }

    public var description: String { "\(action) \(path): \(reason); nothing there was changed. \(fix)" }

    /// The error for `code` (an errno) met while making `path`; `folder` is
    /// the existing folder the new entry was to go in, when known.
    public init(action: String, path: String, errno code: Int32, folder: String? = nil) {
        self.action = action
        self.path = path
        (reason, fix) = FileSystemError.explain(code, path: path, folder: folder)
    }

    /// Words for an errno, and the fix that goes with it.
    static func explain(_ code: Int32, path: String, folder: String?) -> (String, String) {
        let elsewhere = "or choose another output"
        switch code {
        case ENOSPC: return ("no space left on device", "Free some space \(elsewhere)")
        case EDQUOT: return ("disk quota exceeded", "Free some space within your quota \(elsewhere)")
        case EACCES, EPERM:
            let place = folder.map { " in \($0)" } ?? ""
            return (
                "permission denied\(place)", "Choose a folder you may write to, or ask its owner for write permission"
            )
        case EROFS: return ("read-only file system", "Choose an output on a writable disk")
        case EISDIR:
            return (
                "it is a folder", "Give a file name instead, e.g. \(path.hasSuffix("/") ? path : path + "/")results"
            )
        case ENOTDIR: return ("a part of the path is a file, not a folder", "Remove or rename that file, \(elsewhere)")
        case ENAMETOOLONG: return ("the name is too long", "Choose a shorter path")
        case ELOOP: return ("the path goes round in a loop of symbolic links", "Fix the links \(elsewhere)")
        case EFBIG: return ("the file is too large for this file system", "Choose an output on another disk")
        case EIO:
            return (
                "input/output error (a failing disk, or a network drive that went away)", "Check the disk \(elsewhere)"
            )
        case ENOENT where folder != nil:
            // mkdir or open(O_CREAT) in a folder that exists: a special file system such as /proc or /sys.
            return (
                "the file system of \(folder!) does not allow new files or folders there",
                "Choose an ordinary folder, e.g. out/"
            )
        default: return (String(cString: strerror(code)).lowercased(), "Choose another output")
        }
    }

    /// Turns an error from Foundation (FileManager, Data.write) into one line,
    /// or returns nil for an error that is not about the file system.
    public init?(_ error: Error, action: String, path: String) {
        let ns = error as NSError
        var code: Int32?
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            code = Int32(underlying.code)
        } else if ns.domain == NSPOSIXErrorDomain {
            code = Int32(ns.code)
        } else if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileWriteOutOfSpaceError: code = ENOSPC
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: code = EACCES
            case NSFileWriteVolumeReadOnlyError: code = EROFS
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: code = ENOENT
            case NSFileWriteFileExistsError: code = EEXIST
            default: code = nil
            }
            if code == nil {
                self.init(action: action, path: path, reason: ns.localizedDescription, fix: "Choose another output")
                return
            }
        }
        guard let code else { return nil }
        self.init(action: action, path: path, errno: code)
    }
}
