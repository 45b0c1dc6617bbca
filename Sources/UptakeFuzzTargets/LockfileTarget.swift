import Foundation
import UptakeScripting

/// An uptake.lock: parsed, written back and parsed again, and checked
/// against two real plugins (the repository's tax-relief and a small one).
enum LockfileTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.fixture("lock/plugins/small/plugin.toml", "name = \"small\"\nversion = \"1.2.3\"\n")
        w.fixture("lock/plugins/small/init.lua", "return {}\n")
        let file = w.write(data, to: "lock/uptake.lock")
        guard let lock = expected(try Lockfile.load(URL(fileURLWithPath: file))) else { return }
        _ = lock.text
        for folder in [
            FuzzWorkspace.repositoryPlugins.appendingPathComponent("tax-relief"), w.url("lock/plugins/small"),
        ] {
            guard let m = expected(try PluginManifest.load(directory: folder)) else { continue }
            expected(try lock.verify([m], lockPath: file))
        }
    }
}
