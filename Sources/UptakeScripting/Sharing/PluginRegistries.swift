import Foundation

/// The registries a project names in `uptake.toml`, opened: folders read in
/// place, git registries cloned afresh into `.uptake/cache/` under the project.
public struct PluginRegistries {
    public struct Opened {
        public var registry: FolderRegistry
        public var index: RegistryIndex

        public init(registry: FolderRegistry, index: RegistryIndex) {
            self.registry = registry
            self.index = index
        }
    }

    public var opened: [Opened]

    public init(opened: [Opened]) { self.opened = opened }

    /// Opens every registry of `config`, in its order.
    public static func open(_ config: SharingConfig, project: URL) throws -> PluginRegistries {
        PluginRegistries(
            opened: try config.registries.map { r in
                let folder = try folderRegistry(r.name, url: r.url, project: project)
                return Opened(registry: folder, index: try folder.index())
            })
    }

    /// A registry given by its name in uptake.toml, or directly as a folder or a git+ address.
    public static func locate(_ nameOrURL: String, config: SharingConfig, project: URL) throws -> Registry {
        if let r = config.registry(named: nameOrURL) { return try registry(r.name, url: r.url, project: project) }
        if GitURL.isGitAddress(nameOrURL) || nameOrURL.contains("/") {
            return try registry(nameOrURL, url: nameOrURL, project: project)
        }
        throw Diagnostic(
            file: config.displayFile, problem: "no registry named '\(nameOrURL)'",
            fix: config.registries.isEmpty
                ? "Name it in uptake.toml ([[registry]] with name and url), or give a folder path or a git+ address"
                : Suggestion.hint(for: nameOrURL, in: config.registries.map(\.name)).capitalizedFirst)
    }

    /// A registry of either kind.
    public enum Registry {
        case folder(FolderRegistry)
        case git(GitRegistry)

        public func publish(_ archive: URL, signedWith key: PublisherKey?) throws -> FolderRegistry.PublishResult {
            switch self {
            case .folder(let f): return try f.publish(archive, signedWith: key)
            case .git(let g): return try g.publish(archive, signedWith: key)
            }
        }
    }

    static func registry(_ name: String, url: String, project: URL) throws -> Registry {
        if GitURL.isGitAddress(url) { return .git(GitRegistry(name: name, url: try GitURL(url))) }
        let root = url.hasPrefix("/") ? URL(fileURLWithPath: url) : project.appendingPathComponent(url)
        return .folder(FolderRegistry(name: name, root: root.standardizedFileURL))
    }

    static func folderRegistry(_ name: String, url: String, project: URL) throws -> FolderRegistry {
        switch try registry(name, url: url, project: project) {
        case .folder(let f): return f
        case .git(let g): return try g.checkout(cache: project.appendingPathComponent(".uptake/cache"))
        }
    }

    /// Every published version, as the resolver takes them.
    public var candidates: [RegistryResolver.Candidate] {
        opened.flatMap { o in
            o.index.plugins.compactMap { e -> RegistryResolver.Candidate? in
                guard let v = SemanticVersion(e.version) else { return nil }
                let deps = e.dependencies.filter { !$0.optional }.compactMap { d in
                    (try? VersionConstraint(d.version)).map { (name: d.name, constraint: $0) }
                }
                return RegistryResolver.Candidate(
                    name: e.name, version: v, dependencies: deps, place: "registry '\(o.registry.name)'",
                    entry: e, registry: o.registry.name)
            }
        }
    }

    /// Published plugins whose name or description contains `text` (any case), newest version of each.
    public func search(_ text: String) -> [(registry: String, entry: RegistryIndex.Entry, versions: [String])] {
        var found: [(registry: String, entry: RegistryIndex.Entry, versions: [String])] = []
        for o in opened {
            let matching = o.index.plugins.filter {
                text.isEmpty || $0.name.localizedCaseInsensitiveContains(text)
                    || $0.description.localizedCaseInsensitiveContains(text)
            }
            for name in Set(matching.map(\.name)).sorted() {
                let versions = matching.filter { $0.name == name }.sorted { $0.semanticVersion > $1.semanticVersion }
                found.append((o.registry.name, versions[0], versions.map(\.version)))
            }
        }
        return found
    }

    /// The registry called `name`, opened.
    func registry(named name: String) -> FolderRegistry? { opened.first { $0.registry.name == name }?.registry }
}
