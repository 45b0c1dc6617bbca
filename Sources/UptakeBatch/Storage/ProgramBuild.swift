/// Which build of uptake made something: its release version and the git
/// commit it was built from (`BuildStamp`, written at build time).
///
///     ProgramBuild(version: "0.2.0", commit: "3e6b581...", changes: "").description  // "uptake 0.2.0 (commit 3e6b581)"
public struct ProgramBuild: Sendable, Equatable, CustomStringConvertible {
    public var version: String
    /// The full hash of the commit, or "unknown" (built outside git).
    public var commit: String
    /// "" for a build of a clean tree; else a fingerprint of its uncommitted changes.
    public var changes: String

    public init(version: String, commit: String, changes: String = "") {
        self.version = version
        self.commit = commit.isEmpty ? "unknown" : commit
        self.changes = changes
    }

    /// What a user reads: "uptake 0.2.0 (commit 3e6b581)", "(commit 3e6b581+dirty)", "(commit unknown)".
    public var description: String { "uptake \(version) (commit \(shortCommit))" }

    /// As `description`, with the fingerprint of the changes: tells two dirty builds of one commit apart.
    public var detailedDescription: String {
        changes.isEmpty ? description : "uptake \(version) (commit \(commit.prefix(7)), changes \(changes))"
    }

    public var shortCommit: String {
        guard commit != "unknown" else { return "unknown" }
        return String(commit.prefix(7)) + (changes.isEmpty ? "" : "+dirty")
    }

    /// Stored in the database: the commit, then "+dirty." and the fingerprint when the tree had changes.
    public var identity: String { changes.isEmpty ? commit : "\(commit)+dirty.\(changes)" }

    /// Reads back `identity` ("" or a missing value, from databases of uptake 0.1, is "unknown").
    public init(version: String, identity: String) {
        let parts = identity.components(separatedBy: "+dirty.")
        self.init(version: version, commit: parts[0], changes: parts.count > 1 ? parts[1] : "")
    }

    /// The two builds in words, detailed only when the short forms look alike.
    public func contrast(with other: ProgramBuild) -> (mine: String, theirs: String) {
        description == other.description
            ? (detailedDescription, other.detailedDescription) : (description, other.description)
    }
}
