import Foundation
import XCTest

/// Runs the built `uptake` binary as a user would, for the command-line tests.
///
///     let r = try UptakeCLI.run(["run", "scenarios/baseline.lua", "--quiet"], in: Repository.root)
///     XCTAssertEqual(r.status, 0, r.stderr)
public enum UptakeCLI {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// The folder with the built products (next to the test bundle).
    public static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    /// Runs `uptake` (or `executable`: a copy or link of it, or /usr/bin/env to find it on PATH) in `directory`.
    public static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], executable: URL? = nil
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? productsDirectory.appendingPathComponent("uptake")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    /// The first line of standard error that is not a plugin's log line ("[tick 3 2023Q4] ...").
    public static func errorLine(_ stderr: String) -> String {
        stderr.split(separator: "\n").filter { !$0.hasPrefix("[") }.map(String.init).first ?? ""
    }
}

#if canImport(Glibc)
    import Glibc
#endif

extension UptakeCLI {
    /// What a run on a terminal showed: everything written to the terminal
    /// (standard error, a pseudo-terminal here) and standard output (a pipe).
    public struct TerminalResult: Sendable {
        public let status: Int32
        public let terminal: String
        public let stdout: String
    }

    /// Runs `uptake` with its standard error on a pseudo-terminal, as when
    /// a user types the command, and its standard output into a pipe.
    public static func runOnTerminal(_ arguments: [String], in directory: URL, environment: [String: String] = [:])
        throws -> TerminalResult
    {
        // glibc's pseudo-terminal functions are not in Swift's Glibc module (they need _XOPEN_SOURCE): look them up.
        typealias Open = @convention(c) (Int32) -> Int32
        typealias Prepare = @convention(c) (Int32) -> Int32
        typealias Name = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?
        guard let open = dlsym(nil, "posix_openpt"), let grant = dlsym(nil, "grantpt"),
            let unlock = dlsym(nil, "unlockpt"),
            let name = dlsym(nil, "ptsname")
        else { throw XCTSkip("no pseudo-terminals here") }
        let master = unsafeBitCast(open, to: Open.self)(O_RDWR | O_NOCTTY)
        guard master >= 0, unsafeBitCast(grant, to: Prepare.self)(master) == 0,
            unsafeBitCast(unlock, to: Prepare.self)(master) == 0,
            let path = unsafeBitCast(name, to: Name.self)(master),
            let terminal = FileHandle(forUpdatingAtPath: String(cString: path))
        else {
            throw XCTSkip("cannot open a pseudo-terminal here")
        }
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("uptake")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = terminal
        try process.run()
        try terminal.close()  // the child holds the terminal now: reading ends when it exits
        defer { close(master) }
        var shown = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            // Plain read(2): past the end a pseudo-terminal's master fails with EIO instead of
            // returning 0, and FileHandle would drop what it had read with the error.
            let n = read(master, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            shown.append(contentsOf: buffer[0..<n])
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return TerminalResult(
            status: process.terminationStatus, terminal: String(decoding: shown, as: UTF8.self),
            stdout: String(decoding: o, as: UTF8.self))
    }

    /// `uptake` running in the background, to be signalled; its standard
    /// output and error go to one file, read while it runs.
    public final class Background {
        public let process = Process()
        public let errorFile: URL

        public init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
            errorFile = try TemporaryFolder.make(prefix: "uptake-output-").appendingPathComponent("stderr")
            _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            process.executableURL = UptakeCLI.productsDirectory.appendingPathComponent("uptake")
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let output = try FileHandle(forWritingTo: errorFile)
            process.standardOutput = output
            process.standardError = output
            try process.run()
        }

        /// Standard output and error so far.
        public var output: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

        /// Waits until the output contains `text` (a condition, not a duration); false if the process ended first.
        public func waitFor(_ text: String, timeout: TimeInterval = 120) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while !output.contains(text) {
                guard process.isRunning, Date() < deadline else { return output.contains(text) }
                usleep(10_000)
            }
            return true
        }

        /// Waits for the end; the exit status, or -1 if it was still running
        /// after `timeout` seconds and had to be killed (a test that would hang fails instead).
        public func finish(timeout: TimeInterval = 60) -> Int32 {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return -1
            }
            return process.terminationStatus
        }
    }
}
