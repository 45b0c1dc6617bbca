import Foundation
import UptakeScripting

/// A registry's index.json, as `uptake plugin search`, `install` and `update`
/// read it from a shared drive or a git repository: decoded and checked,
/// written back, searched, and every plugin it lists resolved with its
/// dependencies (hostile dependency graphs meet the resolver's budget).
enum RegistryIndexTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        let root = w.url("registry")
        w.write(data, to: "registry/index.json")
        let registry = FolderRegistry(name: "fuzz", root: root)
        guard let index = expected(try registry.index()) else { return }
        _ = expected(try RegistryIndex.decode(try index.encoded(), place: "re-encoded"))
        let registries = PluginRegistries(opened: [.init(registry: registry, index: index)])
        _ = registries.search("a")
        for name in Set(index.plugins.map(\.name)).sorted().prefix(20) {
            var resolver = RegistryResolver(
                candidates: registries.candidates, preferred: [:], registryNames: ["fuzz"])
            guard let any = expected(try VersionConstraint("*")) else { return }
            _ = expected(try resolver.resolve([.init(name: name, constraint: any, by: "the fuzzer")]))
        }
    }
}
