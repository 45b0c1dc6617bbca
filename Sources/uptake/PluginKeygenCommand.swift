import ArgumentParser
import Foundation
import UptakeScripting

struct PluginKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Make a signing key for publishing plugins (Ed25519).",
        discussion:
            "Writes the private key to ~/.uptake/keys/PUBLISHER.key (readable by you only) and prints the public key, which other projects list under [publishers] in their uptake.toml."
    )
    @Argument(help: "Who publishes: your team, as other teams will know it (e.g. policy-lab).") var publisher: String
    @Option(help: "Where to write the key (default: ~/.uptake/keys/PUBLISHER.key).") var out: String?

    func run() throws {
        guard RegistryIndex.isValidName(publisher) else {
            throw UserFacingError(
                "publisher '\(publisher)' must be lowercase letters, digits and dashes, e.g. policy-lab")
        }
        let url =
            out.map { URL(fileURLWithPath: $0) }
            ?? PublisherKey.defaultFolder().appendingPathComponent("\(publisher).key")
        let key = PublisherKey(publisher: publisher)
        try key.write(to: url)
        print("Wrote \(url.path) (keep it secret; back it up).")
        print("Projects that trust you add to their uptake.toml, under [publishers]:")
        print("\(publisher) = [\"\(key.publicKeyText)\"]")
    }
}
