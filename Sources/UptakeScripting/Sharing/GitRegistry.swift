import Foundation

/// A registry kept in a git repository (a bare repository on a file server,
/// or any git host): the same `index.json` and `archives/` as a folder
/// registry, on the repository's default branch (or the branch after `#`).
///
/// Reading clones it afresh into the project's cache (`.uptake/cache/git/`)
/// and reads that checkout as a `FolderRegistry`; publishing clones it into
/// a temporary folder, adds the archive and the new index in one commit, and
/// pushes. Two publishers at once: the second push is refused by git, and
/// publishing again succeeds.
public struct GitRegistry: Sendable {
    public var name: String
    public var url: GitURL

    public init(name: String, url: GitURL) {
        self.name = name
        self.url = url
    }

    /// A fresh checkout of the registry under `cache`, read as a folder registry.
    public func checkout(cache: URL) throws -> FolderRegistry {
        let folder = cache.appendingPathComponent("git").appendingPathComponent(url.cacheName)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(
            at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try GitRunner().run(
            ["clone", "--quiet", "--depth", "1"] + branch + ["--", url.repository, folder.path],
            what: "read registry '\(name)' (\(url))")
        return FolderRegistry(name: name, root: folder)
    }

    /// Publishes an archive: clone, add, commit, push.
    public func publish(_ archive: URL, signedWith key: PublisherKey?) throws -> FolderRegistry.PublishResult {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-publish-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        try GitRunner().run(
            ["clone", "--quiet"] + branch + ["--", url.repository, work.path], what: "clone registry '\(name)' (\(url))"
        )
        let result = try FolderRegistry(name: name, root: work).publish(archive, signedWith: key)
        guard case .published(let entry) = result else { return result }
        let git = GitRunner(directory: work)
        try git.run(["add", "--", RegistryIndex.fileName, entry.archivePath], what: "add the archive")
        try git.run(
            [
                "commit", "--quiet", "-m",
                "Publish \(entry.name) \(entry.version)"
                    + (entry.publisher.map { " (signed by \($0))" } ?? ""),
            ], what: "commit the new version")
        try git.run(["push", "--quiet", "origin", "HEAD"], what: "push to registry '\(name)' (\(url))")
        return result
    }

    private var branch: [String] { url.ref.map { ["--branch", $0] } ?? [] }
}
