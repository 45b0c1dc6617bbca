import ArgumentParser
import Foundation
import UptakeScripting

struct PluginCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check plugin folders: manifest, dependencies, defaults, hooks.")
    @Argument(help: "Plugin folders (default: every plugin under ./plugins).") var paths: [String] = []
    @OptionGroup var search: PluginSearchOptions

    func run() throws {
        var folders = paths.map { URL(fileURLWithPath: $0) }
        if folders.isEmpty {
            let root = URL(fileURLWithPath: "plugins")
            folders = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
                .map { root.appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("plugin.toml").path) }
        }
        var failed = 0
        for folder in folders {
            do {
                let report = try PluginChecker.check(folder, searchPath: search.searchPath)
                print(
                    "ok    \(report.manifest.name) \(report.manifest.version)"
                        + (report.warnings.isEmpty ? "" : " (\(report.warnings.count) warnings)"))
                for w in report.warnings { print("      warning: \(w)") }
            } catch {
                failed += 1
                print("FAIL  \(folder.relativePath): \(ErrorReport.sentence(error))")
            }
        }
        print("\(folders.count - failed) passed, \(failed) failed")
        if failed > 0 { throw SomeFailed.pluginChecks }
    }
}
