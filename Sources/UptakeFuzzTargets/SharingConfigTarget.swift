import Foundation
import UptakeScripting

/// A project's uptake.toml (registries, trusted publishers, revoked keys),
/// as every sharing command and every run of a project with one read it.
enum SharingConfigTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        w.write(data, to: "sharing/uptake.toml")
        guard let config = expected(try SharingConfig.load(project: w.url("sharing"))) else { return }
        for r in config.registries where GitURL.isGitAddress(r.url) { _ = expected(try GitURL(r.url)) }
        _ = TrustPolicy(config: config)
    }
}
