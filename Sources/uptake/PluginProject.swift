import Foundation
import UptakeScripting

/// The project the sharing commands work on: the nearest folder at or above
/// the working folder with `uptake.lock` or `plugins/`, and its `uptake.toml`.
struct PluginProject {
    let root: URL
    let config: SharingConfig

    static func current() throws -> PluginProject {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let root = PluginSearchPath.projectDirectory(from: here) ?? here
        return PluginProject(root: root, config: try SharingConfig.load(project: root))
    }

    /// The project's registries, opened (git registries cloned into .uptake/cache).
    func registries() throws -> PluginRegistries {
        guard !config.registries.isEmpty else {
            throw UserFacingError(
                "\(root.appendingPathComponent(SharingConfig.fileName).path) names no registry; add one: "
                    + "[[registry]] with name = \"shared-drive\" and url = \"/path/to/registry\" (or a git+ address)")
        }
        return try PluginRegistries.open(config, project: root)
    }

    func installer(_ search: PluginSearchOptions) throws -> RegistryInstaller {
        RegistryInstaller(
            project: root, config: config, registries: try registries(), searchPath: search.searchPath,
            scenarioRequirements: ScenarioConstraints.collect(ScenarioConstraints.files(in: root)))
    }

    /// Prints what an install or update changed.
    static func report(_ changes: [RegistryInstaller.Change]) {
        for c in changes {
            let from = c.from.map { "\($0) -> " } ?? ""
            print("Installed \(c.name) \(from)\(c.to) from registry '\(c.registry)' into plugins/\(c.name)")
        }
    }
}
