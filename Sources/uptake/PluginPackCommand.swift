import ArgumentParser
import Foundation
import UptakeScripting

struct PluginPackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack", abstract: "Pack a plugin folder into NAME-VERSION.zip with checksums.")
    @Argument(help: "The plugin folder.") var path: String
    @Option(help: "Folder for the archive (default: dist).", transform: ArgumentValues.path("--out", example: "dist"))
    var out: String = "dist"

    func run() throws {
        let url = try PluginArchive.pack(URL(fileURLWithPath: path), into: URL(fileURLWithPath: out))
        print("Packed \(url.relativePath)")
    }
}
