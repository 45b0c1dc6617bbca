import ArgumentParser
import Foundation
import UptakeScripting

struct PluginInstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install a plugin from a registry, a git repository, a folder or a packed archive.",
        discussion: """
            NAME[@CONSTRAINT] installs from the registries of uptake.toml (e.g. my-subsidy@^1.2) with its \
            dependencies and records it in uptake.lock; git+URL[#TAG] from a git repository; a path, from a \
            folder or a .zip. A folder or archive goes by default into ./plugins; --user installs it into \
            ~/.uptake/plugins.
            """)
    @Argument(help: "NAME[@CONSTRAINT], git+URL[#TAG], a plugin folder or a .zip made by `uptake plugin pack`.")
    var source: String
    @Option(help: "Folder to install into.", transform: ArgumentValues.path("--to", example: "plugins")) var to: String?
    @Flag(help: "Install into ~/.uptake/plugins.") var user = false
    @Flag(help: "Replace a different installed copy.") var force = false
    @OptionGroup var search: PluginSearchOptions

    func run() throws {
        if GitURL.isGitAddress(source) { return try installFromGit(try GitURL(source)) }
        if let request = try registryRequest() {
            guard to == nil, !user else {
                throw UserFacingError(
                    "--to and --user are for a folder or an archive; a plugin from a registry goes into the project's "
                        + "plugins/ and uptake.lock (leave them out)")
            }
            let project = try PluginProject.current()
            let changes = try project.installer(search).install(
                request.name, constraint: request.constraint, force: force)
            PluginProject.report(changes)
            if changes.isEmpty { print("Already installed: \(request.name) (as uptake.lock pins it)") }
            print("Pinned in \(project.root.appendingPathComponent(Lockfile.fileName).path).")
            return
        }
        let project = try PluginProject.current()
        let destination = destinationFolder()
        let url = URL(fileURLWithPath: source)
        if project.config.requireSignatures {
            // Only a registry carries signatures: a folder or an archive given by hand has none.
            let manifest = try PluginArchive.manifest(of: url)
            throw TrustRefusal(
                .unsigned, plugin: manifest.name, version: manifest.version.description, place: source,
                config: project.config.displayFile)
        }
        report(try PluginArchive.install(url, into: destination, force: force))
    }

    /// NAME or NAME@CONSTRAINT, when `source` is not a file or folder.
    func registryRequest() throws -> (name: String, constraint: VersionConstraint?)? {
        guard !FileManager.default.fileExists(atPath: source), !source.contains("/"), !source.hasSuffix(".zip") else {
            return nil
        }
        let parts = source.split(separator: "@", maxSplits: 1).map(String.init)
        guard let name = parts.first, RegistryIndex.isValidName(name) else { return nil }
        guard parts.count == 2 else { return (name, nil) }
        do { return (name, try VersionConstraint(parts[1])) } catch let invalid as VersionConstraint.Invalid {
            throw UserFacingError("in \(source), \(invalid.description)")
        }
    }

    func destinationFolder() -> URL {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "."
        return URL(fileURLWithPath: to ?? (user ? home + "/.uptake/plugins" : "plugins"))
    }

    func installFromGit(_ url: GitURL) throws {
        let project = try PluginProject.current()
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-git-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        let (folder, tag) = try GitSource(url).fetch(into: temp)
        let manifest = try PluginManifest.load(directory: folder)
        try TrustPolicy(config: project.config).check(
            nil, name: manifest.name, version: manifest.version.description,
            contentHash: "sha256:" + (try ContentHash.directory(folder).total), place: url.description)
        let result = try PluginArchive.install(folder, into: destinationFolder(), force: force)
        var pinned = url
        pinned.ref = tag
        if case .installed(let target) = result {
            try PluginOrigin(source: pinned.description, signature: nil).write(into: target)
        }
        report(result)
    }

    func report(_ result: PluginArchive.InstallResult) {
        switch result {
        case .installed(let url): print("Installed \(url.relativePath)")
        case .alreadyInstalled(let url): print("Already installed, identical: \(url.relativePath)")
        }
        if RunSession.lockfile(for: destinationFolder().path + "/x.lua") != nil {
            print("This project has an uptake.lock: run `uptake plugin lock` to pin the new plugin.")
        }
    }
}
