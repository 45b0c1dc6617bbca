import Foundation
import UptakeLocks
#if canImport(Glibc)
    import Glibc
#endif

/// Writes an output file whole or not at all: into a temporary file beside
/// it, then renamed over it, so an existing file is never left half
/// written (a full disk, a kill). Missing folders are made. A failure is one
/// readable sentence (`FileSystemError`).
public enum OutputFile {
    /// `permissions` are filtered by the umask as usual (0o777 for a script).
    public static func write(_ data: Data, to url: URL, display: String? = nil, permissions: mode_t = 0o666) throws {
        let outputs = StagedOutputs()
        try outputs.stage(data, at: url, display: display, permissions: permissions)
        try outputs.commit()
    }

    /// Makes the missing folders and a new, empty file at `url`, for a
    /// program that writes the file itself (SQLite), whose own error for a
    /// missing folder or a refusing one is only "unable to open database
    /// file". Returns the folders made, for `OutputFolder.remove`.
    public static func reserve(_ url: URL, display: String? = nil) throws -> [URL] {
        let folder = url.deletingLastPathComponent()
        let made = try OutputFolder.create(folder)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            let code = errno
            OutputFolder.remove(made)
            throw FileSystemError(action: "cannot write", path: display ?? url.path, errno: code, folder: folder.path)
        }
        close(fd)
        return made
    }
}

/// Outputs that appear together or not at all: each is written in full to a
/// hidden temporary file beside its destination (`.NAME.partial-PID-N`),
/// and only `commit` renames them into place. Until then nothing the user
/// can see has changed; `discard` (or dropping the object) removes the
/// temporary files and the folders made for them.
///
///     let outputs = StagedOutputs()
///     try outputs.stage(series, at: folder.appendingPathComponent("series.csv"))
///     try outputs.stage(firms, at: firmsURL)
///     try outputs.commit()
///
/// Every method holds one lock, so a signal handler on another thread can
/// call `discardUnlessCommitted` and exit knowing that no output is half
/// renamed: either all were committed or none will be.
public final class StagedOutputs: Sendable {
    struct Entry {
        let temporary: URL
        let destination: URL
        let display: String
    }
    struct State {
        var entries: [Entry] = []
        var madeFolders: [URL] = []
        var committed = false
        var counter = 0
    }
    private let state = Locked(State())

    public init() {}

    deinit { discard() }

    /// Writes `data` to a temporary file beside `url`. On failure, everything
    /// staged so far is discarded too.
    public func stage(_ data: Data, at url: URL, display: String? = nil, permissions: mode_t = 0o666) throws {
        try stage(at: url, display: display) { temporary in
            try StagedOutputs.writeFile(data, to: temporary, display: display ?? url.path, permissions: permissions)
        }
    }

    /// What a staged output is: a file (refused where a folder is in the
    /// way) or a folder (refused by the rename if one is already there).
    public enum Kind: Sendable { case file, folder }

    /// Stages an output that `make` writes itself at the temporary URL it is
    /// given (a file, an archive, or with `.folder` a whole folder).
    public func stage(at url: URL, display: String? = nil, kind: Kind = .file, make: (URL) throws -> Void) throws {
        let shown = display ?? url.path
        try state.withLock { s in
            precondition(!s.committed, "staging after commit")
            do {
                let folder = url.deletingLastPathComponent()
                s.madeFolders += try OutputFolder.create(folder, display: folder.path)
                var info = stat()
                if kind == .file, stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                    // Say so now rather than at the rename, after all the work.
                    throw FileSystemError(action: "cannot write", path: shown, errno: EISDIR)
                }
                s.counter += 1
                let temporary = folder.appendingPathComponent(
                    ".\(url.lastPathComponent).partial-\(getpid())-\(s.counter)")
                s.entries.append(Entry(temporary: temporary, destination: url, display: shown))
                TemporaryFiles.register(temporary.path)
                try make(temporary)
            } catch {
                StagedOutputs.removeAll(&s)
                throw error
            }
        }
    }

    /// Renames every staged output into place, in the order staged.
    public func commit() throws {
        try state.withLock { s in
            guard !s.committed else { return }
            defer {
                s.entries.forEach { TemporaryFiles.unregister($0.temporary.path) }
                s.entries.removeAll()
            }
            for (i, e) in s.entries.enumerated() where rename(e.temporary.path, e.destination.path) != 0 {
                let code = errno
                let error = FileSystemError(
                    action: "cannot write", path: e.display, errno: code,
                    folder: e.destination.deletingLastPathComponent().path)
                for rest in s.entries[i...] { StagedOutputs.removeItem(rest.temporary) }
                s.committed = true
                throw error
            }
            s.committed = true
        }
    }

    /// Removes the temporary files and the folders made for them, unless committed.
    public func discard() {
        state.withLock { s in
            if !s.committed { StagedOutputs.removeAll(&s) }
        }
    }

    /// For a signal handler: if nothing was committed, removes what was
    /// staged and calls `then` (which should end the process) while still
    /// holding the lock, so no commit can start; returns false, without
    /// calling `then`, when the outputs were already committed.
    public func discardUnlessCommitted(then: () -> Void) -> Bool {
        state.withLock { s in
            if s.committed { return false }
            StagedOutputs.removeAll(&s)
            then()
            return true
        }
    }

    private static func removeAll(_ s: inout State) {
        for e in s.entries {
            removeItem(e.temporary)
            TemporaryFiles.unregister(e.temporary.path)
        }
        s.entries.removeAll()
        OutputFolder.remove(s.madeFolders)
        s.madeFolders.removeAll()
    }

    static func removeItem(_ url: URL) {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR { try? FileManager.default.removeItem(at: url) } else { unlink(url.path) }
    }

    /// Writes `data` to a new file at `url` and flushes it to the disk, so a
    /// rename after a crash never exposes a file of zeros.
    static func writeFile(_ data: Data, to url: URL, display: String, permissions: mode_t) throws {
        let folder = url.deletingLastPathComponent().path
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard fd >= 0 else {
            throw FileSystemError(action: "cannot write", path: display, errno: errno, folder: folder)
        }
        var failure: Int32 = 0
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += n
            }
        }
        if failure == 0 && fsync(fd) != 0 && errno != EINVAL { failure = errno }
        if close(fd) != 0 && failure == 0 && errno != EINTR { failure = errno }
        if failure != 0 {
            unlink(url.path)
            throw FileSystemError(action: "cannot write", path: display, errno: failure, folder: folder)
        }
    }
}
