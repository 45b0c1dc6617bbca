import ArgumentParser
import Foundation
import UptakeBatch
import UptakeFiles
import UptakeScripting

struct APICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Write the Lua API reference (Markdown) or lua-language-server definitions.",
        discussion: """
            uptake api --luals .luals       writes .luals/uptake.d.lua (the Lua API, scenario and experiment
                                            tables, the plugin test helper); point lua-language-server's
                                            workspace.library at that folder for completion and type checks.
            uptake api --markdown docs/api.md
            """)

    @Option(
        help: "Folder for lua-language-server definitions (uptake.d.lua).",
        transform: ArgumentValues.path("--luals", example: ".luals"))
    var luals: String?
    @Option(
        help: "File for the Markdown reference.",
        transform: ArgumentValues.filePath("--markdown", example: "docs/api.md"))
    var markdown: String?

    @Option(
        help: ArgumentHelp(
            "Rewrite the generated tables (scenario defaults, levers by rule) of a Markdown file in place.",
            visibility: .hidden),
        transform: ArgumentValues.filePath("--tables", example: "docs/model.md"))
    var tables: [String] = []

    func run() throws {
        for file in tables {
            let url = URL(fileURLWithPath: file)
            let text: String
            do { text = try String(contentsOf: url, encoding: .utf8) } catch {
                throw UnreadableFile(path: file, reason: error)
            }
            try OutputFile.write(Data(try ModelTables.update(text).utf8), to: url, display: file)
            print("Updated \(file)")
        }
        if !tables.isEmpty && luals == nil && markdown == nil { return }
        guard luals != nil || markdown != nil else {
            print(APIReference.markdown(), terminator: "")
            return
        }
        if let luals {
            let file = URL(fileURLWithPath: luals).appendingPathComponent("uptake.d.lua")
            let text =
                APIReference.luals() + "\n" + (try ScenarioDefinitions.luals()) + (try ExperimentDefinitions.luals())
                + (try Calibration.luals())
            try OutputFile.write(Data(text.utf8), to: file, display: file.relativePath)
            print("Wrote \(file.relativePath)")
        }
        if let markdown {
            try OutputFile.write(
                Data(APIReference.markdown().utf8), to: URL(fileURLWithPath: markdown), display: markdown)
            print("Wrote \(markdown)")
        }
    }
}
