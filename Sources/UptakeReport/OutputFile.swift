import Foundation

/// Writes an output file whole or not at all: into a temporary file beside
/// it, then renamed over it, so an existing file is never left half
/// written (a full disk, a kill). A failure is one readable sentence.
public enum OutputFile {
    /// Why an output could not be written, in words, with the path.
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String {
            "cannot write \(path): \(reason); nothing there was changed. Free some space, fix the folder's permissions or choose another output"
        }
    }

    public static func write(_ data: Data, to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw WriteError(path: url.path, reason: reason(error))
        }
    }

    /// The operating system's words for an error ("No space left on device").
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code))).lowercased()
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))).lowercased() }
        switch ns.code {
        case NSFileWriteOutOfSpaceError: return "no space left on device"
        case NSFileWriteNoPermissionError: return "permission denied"
        case NSFileWriteVolumeReadOnlyError: return "read-only file system"
        default: return ns.localizedDescription
        }
    }
}
