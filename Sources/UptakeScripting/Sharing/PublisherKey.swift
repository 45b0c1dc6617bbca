import Crypto
import Foundation
import UptakeFiles

/// A publisher's Ed25519 signing key, made by `uptake plugin keygen` and kept
/// in a file only its owner can read (`~/.uptake/keys/NAME.key`):
///
///     publisher = "policy-lab"
///     public = "ed25519:3q2+7w..."
///     private = "..."
///
/// The public half, written `ed25519:BASE64`, is what other projects list
/// under `[publishers]` in their `uptake.toml`.
public struct PublisherKey {
    public var publisher: String
    let privateKey: Curve25519.Signing.PrivateKey

    public static let prefix = "ed25519:"

    /// A new random key for `publisher`.
    public init(publisher: String) {
        self.publisher = publisher
        privateKey = Curve25519.Signing.PrivateKey()
    }

    /// The public key as projects list it: `ed25519:` and the 32 bytes in base64.
    public var publicKeyText: String {
        PublisherKey.prefix + privateKey.publicKey.rawRepresentation.base64EncodedString()
    }

    /// Whether `text` is a public key written as `ed25519:BASE64` (32 bytes).
    public static func isPublicKeyText(_ text: String) -> Bool { publicKey(text) != nil }

    /// The key that `text` (`ed25519:BASE64`) writes, or nil.
    static func publicKey(_ text: String) -> Curve25519.Signing.PublicKey? {
        guard text.hasPrefix(prefix), let data = Data(base64Encoded: String(text.dropFirst(prefix.count))) else {
            return nil
        }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: data)
    }

    /// Signs `message`; returns the signature in base64.
    func sign(_ message: Data) throws -> String { try privateKey.signature(for: message).base64EncodedString() }

    /// The key file's text.
    var fileText: String {
        "# A signing key made by `uptake plugin keygen`. Keep it secret: whoever has it can publish as "
            + "\(publisher).\npublisher = \"\(publisher)\"\npublic = \"\(publicKeyText)\"\nprivate = \""
            + privateKey.rawRepresentation.base64EncodedString() + "\"\n"
    }

    /// Writes the key file, readable by its owner only; refuses to overwrite one.
    public func write(to url: URL) throws {
        if FileManager.default.fileExists(atPath: url.path) {
            throw Diagnostic(
                file: url.path, problem: "a key file is already there",
                fix: "Keep it (it is the key your published plugins are signed with), or give another path with --out")
        }
        try OutputFile.write(Data(fileText.utf8), to: url, permissions: 0o600)
    }

    /// Reads a key file written by `write(to:)`.
    public static func load(_ url: URL) throws -> PublisherKey {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw Diagnostic(
                file: url.path, problem: "cannot read the signing key",
                fix: "Give the file `uptake plugin keygen` wrote (--key FILE), or make one with `uptake plugin keygen`")
        }
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[1].count >= 2, parts[1].hasPrefix("\""), parts[1].hasSuffix("\"") else {
                continue
            }
            fields[parts[0]] = String(parts[1].dropFirst().dropLast())
        }
        guard let publisher = fields["publisher"], let secret = fields["private"].flatMap({ Data(base64Encoded: $0) }),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret)
        else {
            throw Diagnostic(
                file: url.path, problem: "not a signing key made by `uptake plugin keygen`",
                fix: "Give the key file itself (NAME.key), not the public key")
        }
        return PublisherKey(publisher: publisher, privateKey: key)
    }

    private init(publisher: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.publisher = publisher
        self.privateKey = privateKey
    }

    /// `~/.uptake/keys`, where keygen puts keys and publish looks for one.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: environment["HOME"] ?? ".").appendingPathComponent(".uptake/keys")
    }
}
