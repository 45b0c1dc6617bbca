import Foundation

/// A plugin kept in its own git repository, installed with
/// `uptake plugin install git+https://host/team/my-subsidy.git#v1.2.0`:
/// the repository's top folder is the plugin (its `plugin.toml`). Tags are
/// read as versions (`v1.2.0` or `1.2.0`); without `#TAG` the highest
/// version tag is taken. The tag must agree with the manifest's version.
/// Git sources carry no signature: with `require_signatures = true` they are
/// refused, and the plugin should be published to a registry instead.
public struct GitSource {
    public var url: GitURL

    public init(_ url: GitURL) { self.url = url }

    /// The version a tag names, if it names one.
    public static func version(ofTag tag: String) -> SemanticVersion? {
        let text = tag.hasPrefix("v") ? String(tag.dropFirst()) : tag
        guard text.split(separator: ".").count == 3 else { return nil }
        return SemanticVersion(text)
    }

    /// The tag to install: the one given after `#`, else the highest version tag.
    func tag() throws -> String {
        if let ref = url.ref { return ref }
        let listing = try GitRunner().run(
            ["ls-remote", "--tags", "--refs", "--", url.repository], what: "list the tags of \(url)")
        let tags = listing.split(separator: "\n").compactMap { line -> String? in
            guard let ref = line.split(separator: "\t").last, ref.hasPrefix("refs/tags/") else { return nil }
            return String(ref.dropFirst("refs/tags/".count))
        }
        guard
            let best = tags.filter({ GitSource.version(ofTag: $0) != nil }).max(by: {
                GitSource.version(ofTag: $0)! < GitSource.version(ofTag: $1)!
            })
        else {
            throw Diagnostic(
                problem: "\(url) has no tag that names a version (v1.2.0 or 1.2.0)",
                fix: "Tag a release in that repository (git tag v1.0.0 && git push --tags), or give #TAG")
        }
        return best
    }

    /// Clones the tag into `temp` and returns the checked plugin folder (without .git) and the tag.
    public func fetch(into temp: URL) throws -> (folder: URL, tag: String) {
        let tag = try tag()
        let folder = temp.appendingPathComponent("checkout")
        try GitRunner().run(
            ["clone", "--quiet", "--depth", "1", "--branch", tag, "--", url.repository, folder.path],
            what: "fetch \(url.repository) at \(tag)")
        try FileManager.default.removeItem(at: folder.appendingPathComponent(".git"))
        // A link in the checkout could point anywhere on the machine: refused, not copied.
        let walker = FileManager.default.enumerator(atPath: folder.path)
        while let relative = walker?.nextObject() as? String {
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: folder.appendingPathComponent(relative).path)
            if attributes?[.type] as? FileAttributeType == .typeSymbolicLink {
                throw Diagnostic(
                    file: "\(url)", problem: "the repository holds a symbolic link, \(relative); it is not installed",
                    fix: "Ask its maintainers to replace the link by the file")
            }
        }
        let manifest = try PluginManifest.load(directory: folder)
        if let v = GitSource.version(ofTag: tag), v != manifest.version {
            throw Diagnostic(
                file: "\(url)", plugin: manifest.name,
                problem: "tag \(tag) says version \(v), but its plugin.toml says \(manifest.version)",
                fix: "Ask its maintainers to tag the version plugin.toml names, or give the right #TAG")
        }
        // Installed under its own name, as an archive would be.
        let named = temp.appendingPathComponent("plugin").appendingPathComponent(manifest.name)
        try FileManager.default.createDirectory(
            at: named.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: folder, to: named)
        return (named, tag)
    }
}
