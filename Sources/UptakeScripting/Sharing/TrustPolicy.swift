/// A project's rules for signatures (`uptake.toml`), applied the same way
/// when a plugin is installed and when a run loads it.
///
/// - A signature that does not match the plugin is always refused (tampering),
///   and so is one made with a revoked key.
/// - With `require_signatures = true`, an unsigned plugin, a publisher not
///   under `[publishers]` and a key not listed for its publisher are refused too.
///   Rotation: list the old and the new key while plugins signed with either
///   are in use; then move the old one to `revoked_keys` if it was lost.
public struct TrustPolicy: Sendable {
    public var config: SharingConfig

    public init(config: SharingConfig) { self.config = config }

    /// Checks a plugin's signature (nil: unsigned) against the project's rules.
    /// `contentHash` is the hash of what is being installed or loaded now.
    public func check(
        _ signature: PluginSignature?, name: String, version: String, contentHash: String, place: String
    ) throws {
        func refuse(_ reason: TrustRefusal.Reason) -> TrustRefusal {
            TrustRefusal(reason, plugin: name, version: version, place: place, config: config.displayFile)
        }
        guard let signature else {
            if config.requireSignatures { throw refuse(.unsigned) }
            return
        }
        guard signature.isValid(name: name, version: version, contentHash: contentHash) else {
            throw refuse(.tampered(publisher: signature.publisher))
        }
        if config.revokedKeys.contains(signature.key) {
            throw refuse(.revokedKey(publisher: signature.publisher, key: signature.key))
        }
        guard config.requireSignatures else { return }
        guard let keys = config.publishers[signature.publisher] else {
            throw refuse(.unknownPublisher(publisher: signature.publisher, key: signature.key))
        }
        guard keys.contains(signature.key) else {
            throw refuse(.untrustedKey(publisher: signature.publisher, key: signature.key))
        }
    }
}

extension TrustPolicy {
    /// Checks plugins about to be loaded: each against the signature its
    /// folder's `.uptake-origin.toml` records. The standard library that
    /// ships with uptake is exempt (it comes with the program itself); a copy
    /// of a standard plugin in the project is not.
    public func checkLoaded(_ manifests: [PluginManifest], standardLibrary: StandardLibrary = .current) throws {
        let library = standardLibrary.directory.standardizedFileURL.path
        for m in manifests {
            let parent = m.directory.deletingLastPathComponent().standardizedFileURL.path
            if standardLibrary.exists && parent == library { continue }
            let origin = PluginOrigin.read(from: m.directory)
            guard config.requireSignatures || origin?.signature != nil else { continue }
            try check(
                origin?.signature, name: m.name, version: m.version.description,
                contentHash: "sha256:" + (try ContentHash.directory(m.directory).total),
                place: PluginHost.displayPath(m.directory))
        }
    }
}
