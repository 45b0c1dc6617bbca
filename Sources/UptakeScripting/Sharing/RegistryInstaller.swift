import Foundation

/// `plugin install NAME[@CONSTRAINT]` and `plugin update [NAME]`: chooses
/// versions from the project's registries (`RegistryResolver`), checks each
/// archive (checksum of the index, the archive's own checksums, content
/// hash, name and version, signature under the project's `TrustPolicy`)
/// before anything is copied, installs into `plugins/`, and records the
/// result in `uptake.lock`.
public struct RegistryInstaller {
    public var project: URL
    public var config: SharingConfig
    public var registries: PluginRegistries
    /// Plugins already on the search path, for dependencies no registry has (the standard library).
    public var searchPath: PluginSearchPath

    /// What the project's scenarios ask for (`ScenarioConstraints`), kept to as well.
    public var scenarioRequirements: [RegistryResolver.Requirement]

    public init(
        project: URL, config: SharingConfig, registries: PluginRegistries, searchPath: PluginSearchPath,
        scenarioRequirements: [RegistryResolver.Requirement] = []
    ) {
        self.project = project
        self.config = config
        self.registries = registries
        self.searchPath = searchPath
        self.scenarioRequirements = scenarioRequirements
    }

    /// What changed in the project.
    public struct Change: Equatable, Sendable {
        public var name: String
        public var from: String?
        public var to: String
        public var registry: String
    }

    public var lockURL: URL { project.appendingPathComponent(Lockfile.fileName) }
    public var pluginsFolder: URL { project.appendingPathComponent("plugins") }

    /// Installs `name` (within `constraint`, else its newest version) and what it needs.
    public func install(_ name: String, constraint: VersionConstraint?, force: Bool = false) throws -> [Change] {
        let lock = try currentLock()
        var requirements = roots(of: lock).filter { $0.name != name }
        requirements.append(
            .init(name: name, constraint: try constraint ?? VersionConstraint("*"), by: "your request"))
        var preferred = pins(of: lock)
        preferred[name] = nil
        return try apply(requirements, preferred: preferred, lock: lock, newRoot: (name, constraint), force: force)
    }

    /// Moves plugins installed from registries (all, or `name`) to the newest
    /// versions within their constraints; the others stay as pinned.
    public func update(_ name: String?) throws -> [Change] {
        let lock = try currentLock()
        if let name, !lock.entries.contains(where: { $0.name == name && $0.source.hasPrefix("registry:") }) {
            throw Diagnostic(
                file: lockURL.path, plugin: name, problem: "'\(name)' was not installed from a registry",
                fix: "Install it with `uptake plugin install \(name)` first")
        }
        var preferred = pins(of: lock)
        if let name { preferred[name] = nil } else { preferred = [:] }
        return try apply(roots(of: lock), preferred: preferred, lock: lock, newRoot: nil, force: false)
    }

    /// A plugin from a registry as `plugin outdated` lists it.
    public struct Outdated: Equatable, Sendable {
        public var name: String
        /// The version uptake.lock pins.
        public var locked: String
        /// The newest within the lock's constraint and the scenarios' (what `update` installs).
        public var wanted: String?
        /// The newest in any registry.
        public var latest: String?
        /// The lock's constraint.
        public var constraint: String
    }

    /// For `plugin outdated`: each plugin from a registry, its locked version,
    /// the newest within its constraints and the newest of all.
    public func outdated() throws -> [Outdated] {
        let lock = try currentLock()
        let all = registries.candidates
        return lock.entries.filter { $0.source.hasPrefix("registry:") }.map { e in
            let versions = all.filter { $0.name == e.name }.map(\.version).sorted(by: >)
            let c = (try? VersionConstraint(e.constraint ?? "*")) ?? (try! VersionConstraint("*"))
            let scenarios = scenarioRequirements.filter { $0.name == e.name }.map(\.constraint)
            let wanted = versions.first { v in c.admits(v) && scenarios.allSatisfy { $0.admits(v) } }
            return Outdated(
                name: e.name, locked: e.version, wanted: wanted.map(\.description),
                latest: versions.first.map(\.description), constraint: e.constraint ?? "*")
        }
    }

    func currentLock() throws -> Lockfile {
        FileManager.default.fileExists(atPath: lockURL.path) ? try Lockfile.load(lockURL) : Lockfile(entries: [])
    }

    /// What the project asked for: lock entries with a constraint.
    func roots(of lock: Lockfile) -> [RegistryResolver.Requirement] {
        lock.entries.compactMap { e in
            guard let text = e.constraint, let c = try? VersionConstraint(text) else { return nil }
            return .init(name: e.name, constraint: c, by: "uptake.lock")
        }
    }

    func pins(of lock: Lockfile) -> [String: SemanticVersion] {
        var pins: [String: SemanticVersion] = [:]
        for e in lock.entries { pins[e.name] = SemanticVersion(e.version) }
        return pins
    }

    private func apply(
        _ requirements: [RegistryResolver.Requirement], preferred: [String: SemanticVersion], lock: Lockfile,
        newRoot: (name: String, constraint: VersionConstraint?)?, force: Bool
    ) throws -> [Change] {
        var candidates = registries.candidates
        let published = Set(candidates.map(\.name))
        // A scenario's constraint on a published plugin counts; one on a plugin no registry has is the run's business.
        let requirements = requirements + scenarioRequirements.filter { published.contains($0.name) }
        for m in PluginCatalog(searchPath: searchPath).manifests where !published.contains(m.name) {
            candidates.append(
                .init(
                    name: m.name, version: m.version,
                    dependencies: m.dependencies.filter { !$0.optional }.map { ($0.name, $0.constraint) },
                    place: PluginHost.displayPath(m.directory), entry: nil, registry: nil))
        }
        var resolver = RegistryResolver(
            candidates: candidates, preferred: preferred, registryNames: registries.opened.map(\.registry.name))
        let chosen = try resolver.resolve(requirements)
        // Every archive is fetched and checked before any is installed.
        var staged: [(candidate: RegistryResolver.Candidate, folder: URL)] = []
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        for name in chosen.keys.sorted() {
            let c = chosen[name]!
            guard let entry = c.entry, let registryName = c.registry else { continue }
            let installed = pluginsFolder.appendingPathComponent(name)
            if !force, lock.entries.contains(where: { $0.name == name && $0.version == entry.version }),
                (try? ContentHash.directory(installed).total).map({ "sha256:" + $0 }) == entry.content
            {
                continue
            }
            // A plugin made or copied by hand is the team's own work: replaced only when asked to.
            if !force, FileManager.default.fileExists(atPath: installed.path), PluginOrigin.read(from: installed) == nil
            {
                throw Diagnostic(
                    file: installed.path, plugin: name,
                    problem:
                        "plugins/\(name) was not installed from a registry; installing '\(name)' \(entry.version) from registry '\(registryName)' would replace it",
                    fix: "Add --force to replace it, or rename your own plugin")
            }
            staged.append((c, try fetch(entry, from: registryName, into: temp.appendingPathComponent(name))))
        }
        var newLock = lock
        var changes: [Change] = []
        for (c, folder) in staged {
            let entry = c.entry!
            let previous = (try? PluginManifest.load(directory: pluginsFolder.appendingPathComponent(c.name)))
            _ = try PluginArchive.install(folder, into: pluginsFolder, force: true)
            let target = pluginsFolder.appendingPathComponent(c.name)
            try PluginOrigin(source: "registry:\(c.registry!)", signature: entry.pluginSignature).write(into: target)
            changes.append(
                Change(
                    name: c.name, from: previous?.version.description, to: entry.version, registry: c.registry!))
        }
        // The lock: every plugin chosen from a registry, the root's constraint recorded.
        for name in chosen.keys.sorted() {
            let c = chosen[name]!
            guard let entry = c.entry, let registryName = c.registry else { continue }
            let (total, files) = try ContentHash.directory(pluginsFolder.appendingPathComponent(name))
            var constraint = lock.entries.first { $0.name == name }?.constraint
            if let root = newRoot, root.name == name {
                constraint = root.constraint?.text ?? "^" + entry.version
            }
            newLock = newLock.replacing(
                .init(
                    name: name, version: entry.version, source: "registry:\(registryName)", hash: "sha256:" + total,
                    files: files, constraint: constraint, signature: entry.pluginSignature))
        }
        if newLock != lock { try newLock.write(to: lockURL) }
        return changes
    }

    /// Fetches an entry's archive and checks it all; returns the unpacked plugin folder.
    func fetch(_ entry: RegistryIndex.Entry, from registryName: String, into temp: URL) throws -> URL {
        guard let registry = registries.registry(named: registryName) else {
            throw Diagnostic(problem: "registry '\(registryName)' is not open", fix: nil)
        }
        let data = try registry.archive(of: entry)
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        let zip = temp.appendingPathComponent("\(entry.name)-\(entry.version).zip")
        try data.write(to: zip)
        let folder = try PluginArchive.unpack(zip, into: temp.appendingPathComponent("unpacked"))
        let place = "registry '\(registryName)'"
        let manifest = try PluginManifest.load(directory: folder)
        let content = "sha256:" + (try ContentHash.directory(folder).total)
        // Signature first: a foreign or altered archive is refused as such, whatever else differs.
        try TrustPolicy(config: config).check(
            entry.pluginSignature, name: manifest.name, version: manifest.version.description, contentHash: content,
            place: place)
        // The index's dependencies chose the other versions: they must be the manifest's own (the signature covers only the latter).
        let dependencies = manifest.dependencies.map {
            RegistryIndex.Dependency(name: $0.name, version: $0.constraint.text, optional: $0.optional)
        }
        guard manifest.name == entry.name, manifest.version.description == entry.version, content == entry.content,
            folder.lastPathComponent == entry.name, dependencies == entry.dependencies
        else {
            throw Diagnostic(
                file: registry.root.appendingPathComponent(entry.archivePath).path, plugin: entry.name,
                problem:
                    "the archive of '\(entry.name)' \(entry.version) in \(place) holds '\(manifest.name)' \(manifest.version), which does not match its index entry (name, version, content or dependencies)",
                fix: "Tell the registry's maintainers; do not install it")
        }
        return folder
    }
}
