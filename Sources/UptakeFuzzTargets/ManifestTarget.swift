import Foundation
import UptakeScripting

/// A plugin's plugin.toml, read as `uptake plugin check`, a run and the
/// catalog read it.
enum ManifestTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.write(data, to: "manifest/plugin/plugin.toml")
        guard let m = expected(try PluginManifest.load(directory: w.url("manifest/plugin"))) else { return }
        _ = m.dependencies.map { $0.constraint.description }
        _ = m.params.map { "\($0)" }
        _ = m.api.admits(PluginManifest.hostAPI)
    }
}
