import Foundation

/// What a publisher signs: a plugin's name, version, publisher and content
/// hash (`ContentHash.directory` of the plugin folder, every file). Renaming
/// or re-versioning a signed plugin, or changing any byte of it, makes the
/// signature fail; so does claiming it for another publisher.
public struct PluginSignature: Sendable, Equatable {
    public var publisher: String
    /// The public key that signed, `ed25519:BASE64`.
    public var key: String
    /// The Ed25519 signature, base64.
    public var signature: String

    public init(publisher: String, key: String, signature: String) {
        self.publisher = publisher
        self.key = key
        self.signature = signature
    }

    /// The exact bytes signed.
    static func statement(name: String, version: String, publisher: String, contentHash: String) -> Data {
        Data(
            "uptake plugin signature 1\nname \(name)\nversion \(version)\npublisher \(publisher)\ncontent \(contentHash)\n"
                .utf8)
    }

    /// Signs a plugin whose folder has `contentHash` ("sha256:...").
    public static func sign(name: String, version: String, contentHash: String, with key: PublisherKey) throws
        -> PluginSignature
    {
        let message = statement(name: name, version: version, publisher: key.publisher, contentHash: contentHash)
        return PluginSignature(publisher: key.publisher, key: key.publicKeyText, signature: try key.sign(message))
    }

    /// Whether the signature is the key's, over this name, version and content.
    public func isValid(name: String, version: String, contentHash: String) -> Bool {
        guard let publicKey = PublisherKey.publicKey(key), let bytes = Data(base64Encoded: signature) else {
            return false
        }
        let message = PluginSignature.statement(
            name: name, version: version, publisher: publisher, contentHash: contentHash)
        return publicKey.isValidSignature(bytes, for: message)
    }
}
