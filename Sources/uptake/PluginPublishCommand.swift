import ArgumentParser
import Foundation
import UptakeScripting

struct PluginPublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish", abstract: "Publish a packed plugin to a registry, signed.",
        discussion:
            "REGISTRY is a name from uptake.toml, a folder, or a git+ address. Signs with --key, else with the only key in ~/.uptake/keys."
    )
    @Argument(help: "An archive made by `uptake plugin pack`.") var archive: String
    @Option(help: "The registry: its name in uptake.toml, a folder or a git+ address.") var registry: String
    @Option(help: "The signing key made by `uptake plugin keygen`.") var key: String?
    @Flag(help: "Publish without a signature (projects that require signatures will refuse it).") var unsigned = false

    func run() throws {
        let project = try PluginProject.current()
        let target = try PluginRegistries.locate(registry, config: project.config, project: project.root)
        let signingKey = unsigned ? nil : try PublisherKey.load(try keyFile())
        let result = try target.publish(URL(fileURLWithPath: archive), signedWith: signingKey)
        switch result {
        case .published(let e):
            print(
                "Published \(e.name) \(e.version) to registry '\(registry)'"
                    + (e.publisher.map { ", signed by \($0)" } ?? ", unsigned"))
        case .alreadyPublished(let e):
            print("Already published, identical: \(e.name) \(e.version) in registry '\(registry)'")
        }
    }

    /// --key, or the only key in ~/.uptake/keys.
    func keyFile() throws -> URL {
        if let key { return URL(fileURLWithPath: key) }
        let folder = PublisherKey.defaultFolder()
        let keys = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            $0.hasSuffix(".key")
        }.sorted()
        guard keys.count == 1 else {
            throw UserFacingError(
                keys.isEmpty
                    ? "no signing key in \(folder.path); make one with `uptake plugin keygen PUBLISHER`, or add --unsigned"
                    : "several keys in \(folder.path) (\(keys.joined(separator: ", "))); say which with --key")
        }
        return folder.appendingPathComponent(keys[0])
    }
}
