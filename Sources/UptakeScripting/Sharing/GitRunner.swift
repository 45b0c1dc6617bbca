import Foundation

/// Runs the `git` program for git registries and `git+` sources: always with
/// explicit arguments (no shell), a URL only ever after `--` and checked by
/// `GitURL` first, no terminal prompts, and only the file, https, http and
/// ssh transports (so no `ext::` command transport, whatever a URL says).
struct GitRunner {
    /// The folder git runs in.
    var directory: URL?

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `git ARGUMENTS`; a failure is an error that quotes git's own last line.
    @discardableResult
    func run(_ arguments: [String], what: String) throws -> String {
        let output = try runAllowingFailure(arguments)
        guard output.status == 0 else {
            let reason = output.stderr.split(separator: "\n").last.map(String.init) ?? "exit \(output.status)"
            throw Diagnostic(
                problem: "git failed to \(what): \(reason)",
                fix: "Check the URL in uptake.toml (or the one given) and that you can reach it with git yourself")
        }
        return output.stdout
    }

    func runAllowingFailure(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = try GitRunner.executable()
        // protocol.allow=user would let a config widen it: pin the list here.
        process.arguments =
            ["-c", "protocol.allow=never"]
            + GitRunner.allowedProtocols.flatMap {
                ["-c", "protocol.\($0).allow=always"]
            } + arguments
        if let directory { process.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_ALLOW_PROTOCOL"] = GitRunner.allowedProtocols.joined(separator: ":")
        environment["GCM_INTERACTIVE"] = "never"
        environment["GIT_ASKPASS"] = "/bin/false"
        environment["SSH_ASKPASS"] = "/bin/false"
        // A commit needs an author; a machine without one still publishes, as "uptake".
        for (key, value) in [
            ("GIT_AUTHOR_NAME", "uptake"), ("GIT_AUTHOR_EMAIL", "uptake@localhost"),
            ("GIT_COMMITTER_NAME", "uptake"), ("GIT_COMMITTER_EMAIL", "uptake@localhost"),
        ] where environment[key] == nil {
            environment[key] = value
        }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // Files, not pipes: git can write more than a pipe holds before it ends.
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        guard FileManager.default.createFile(atPath: outURL.path, contents: nil),
            FileManager.default.createFile(atPath: errURL.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: scratch.path]) }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    static let allowedProtocols = ["file", "https", "http", "ssh"]

    /// The git program on PATH.
    static func executable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("git")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Diagnostic(
            problem: "git registries and git+ sources need the git program, which is not on PATH",
            fix: "Install git (Debian: sudo apt install git)")
    }
}
