import Foundation
import TOMLKit
import UptakeFiles

/// Where an installed plugin came from and who signed it:
/// `plugins/NAME/.uptake-origin.toml`, written by `uptake plugin install`
/// from a registry or a git source. Hidden, so not part of the plugin's
/// content hash; it travels with the folder (commit it with the plugin), and
/// a run checks the plugin against the signature it records.
///
///     source = "registry:shared-drive"
///     publisher = "policy-lab"
///     key = "ed25519:..."
///     signature = "..."
public struct PluginOrigin: Sendable, Equatable {
    public static let fileName = ".uptake-origin.toml"

    /// `registry:NAME`, or a `git+` address with its tag.
    public var source: String
    public var signature: PluginSignature?

    public init(source: String, signature: PluginSignature?) {
        self.source = source
        self.signature = signature
    }

    public func write(into folder: URL) throws {
        var text = "# Written by `uptake plugin install`: where this plugin came from and who signed it.\n"
        text += "source = \(Lockfile.quote(source))\n"
        if let s = signature {
            text += "publisher = \(Lockfile.quote(s.publisher))\nkey = \(Lockfile.quote(s.key))\n"
            text += "signature = \(Lockfile.quote(s.signature))\n"
        }
        try OutputFile.write(Data(text.utf8), to: folder.appendingPathComponent(PluginOrigin.fileName))
    }

    /// The origin recorded in a plugin folder, or nil when there is none (a plugin made or copied by hand).
    public static func read(from folder: URL) -> PluginOrigin? {
        let url = folder.appendingPathComponent(fileName)
        guard let text = try? String(contentsOf: url, encoding: .utf8), let toml = try? TOMLTable(string: text),
            let source = toml["source"]?.string
        else { return nil }
        var signature: PluginSignature? = nil
        if let p = toml["publisher"]?.string, let k = toml["key"]?.string, let s = toml["signature"]?.string {
            signature = PluginSignature(publisher: p, key: k, signature: s)
        }
        return PluginOrigin(source: source, signature: signature)
    }
}
