import Foundation
import UptakeScripting

/// A plugin archive, installed as `uptake plugin install FILE --force` does
/// (unpack, check paths and checksums, read the manifest, copy).
enum ArchiveTarget {
    static func run(_ data: Data) {
        let w = FuzzWorkspace.shared
        let file = w.write(data, to: "archive/plugin.zip")
        w.remove("archive/installed")
        _ = expected(
            try PluginArchive.install(URL(fileURLWithPath: file), into: w.url("archive/installed"), force: true))
        w.remove("archive/installed")
    }
}
