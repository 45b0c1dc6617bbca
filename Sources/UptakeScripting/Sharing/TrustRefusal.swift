/// Why a project refused a plugin's signature: one case for each thing that
/// can be wrong, each said as one sentence with what to do about it.
public struct TrustRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No signature at all, and the project requires one.
        case unsigned
        /// Signed by a publisher the project does not list.
        case unknownPublisher(publisher: String, key: String)
        /// The publisher is listed, but not with this key (a foreign key, or a new key not yet trusted).
        case untrustedKey(publisher: String, key: String)
        /// The key is in the project's `revoked_keys`.
        case revokedKey(publisher: String, key: String)
        /// The signature does not match the content, name or version: the plugin was altered after signing.
        case tampered(publisher: String)
    }

    public var reason: Reason
    public var plugin: String
    public var version: String
    /// Where the plugin came from or is: an archive, a registry, a folder.
    public var place: String
    /// The project's uptake.toml, to name in the fix.
    public var config: String

    public init(_ reason: Reason, plugin: String, version: String, place: String, config: String) {
        self.reason = reason
        self.plugin = plugin
        self.version = version
        self.place = place
        self.config = config
    }

    public var description: String {
        let what = "plugin '\(plugin)' \(version) (\(place))"
        switch reason {
        case .unsigned:
            return
                "\(what) is not signed, and \(config) has require_signatures = true. "
                + "Install it from a registry its publisher signed it in (`uptake plugin publish` signs), "
                + "or set require_signatures = false"
        case .unknownPublisher(let publisher, let key):
            return
                "\(what) is signed by '\(publisher)' (key \(key)), a publisher \(config) does not trust. "
                + "If you trust them, add under [publishers]: \(publisher) = [\"\(key)\"] "
                + "(check the key with them first)"
        case .untrustedKey(let publisher, let key):
            return
                "\(what) is signed with key \(key), which \(config) does not list for publisher '\(publisher)': "
                + "someone else signed it, or '\(publisher)' has a new key. Ask '\(publisher)' which key they sign "
                + "with and, if it is theirs, add it to their list under [publishers]"
        case .revokedKey(let publisher, let key):
            return
                "\(what) is signed with key \(key) of '\(publisher)', which \(config) lists in revoked_keys. "
                + "Install a version '\(publisher)' signed with their current key"
        case .tampered(let publisher):
            return
                "\(what) does not match the signature of '\(publisher)': it was altered after it was signed. "
                + "Do not use this copy; reinstall it from its registry (`uptake plugin install \(plugin)@=\(version) --force`)"
        }
    }
}
