import ArgumentParser
import Foundation
import UptakeFiles
import UptakeScripting

struct APICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Write the Lua API reference (Markdown) or lua-language-server definitions.",
        discussion: """
        uptake api --luals .luals       writes .luals/uptake.d.lua; point lua-language-server's
                                        workspace.library at that folder for completion and type checks.
        uptake api --markdown docs/api.md
        """)

    @Option(help: "Folder for lua-language-server definitions (uptake.d.lua).", transform: ArgumentValues.path("--luals", example: ".luals"))
    var luals: String?
    @Option(help: "File for the Markdown reference.", transform: ArgumentValues.filePath("--markdown", example: "docs/api.md"))
    var markdown: String?

    func run() throws {
        guard luals != nil || markdown != nil else { print(APIReference.markdown(), terminator: ""); return }
        if let luals {
            let file = URL(fileURLWithPath: luals).appendingPathComponent("uptake.d.lua")
            try OutputFile.write(Data(APIReference.luals().utf8), to: file, display: file.relativePath)
            print("Wrote \(file.relativePath)")
        }
        if let markdown {
            try OutputFile.write(Data(APIReference.markdown().utf8), to: URL(fileURLWithPath: markdown), display: markdown)
            print("Wrote \(markdown)")
        }
    }
}
