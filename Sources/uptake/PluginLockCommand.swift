import ArgumentParser
import Foundation
import UptakeScripting

struct PluginLockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Pin the plugins that scenarios use (versions and content hashes) in uptake.lock.",
        discussion:
            "Resolves the plugins of each scenario given (default: scenarios/*.lua) and writes uptake.lock in the project folder."
    )
    @Argument(help: "Scenario files.") var scenarios: [String] = []

    func run() throws {
        var files = scenarios
        if files.isEmpty {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: "scenarios")) ?? []).sorted()
                .filter { $0.hasSuffix(".lua") }.map { "scenarios/" + $0 }
        }
        guard let first = files.first else { throw UserFacingError("no scenarios to lock; give scenario files") }
        var pinned: [String: PluginManifest] = [:]
        var locked = 0
        for file in files {
            // An experiment file is passed over quietly (its scenario is locked as a scenario);
            // a file that is not a runnable scenario (a broken draft) is skipped, loudly.
            let session: RunSession
            do { session = try RunSession(file: file, options: .init(ignoreLock: true)) } catch let d as Diagnostic
                where d.wrongKind != nil
            {
                continue
            } catch {
                FileHandle.standardError.write(Data("skipped \(file): \(ErrorReport.sentence(error))\n".utf8))
                continue
            }
            locked += 1
            for m in session.plugins {
                if let other = pinned[m.name], other.directory != m.directory {
                    throw Diagnostic(
                        file: file, plugin: m.name,
                        problem: "scenarios use two copies of '\(m.name)' (\(other.version) and \(m.version))",
                        fix: "Use one version in every scenario of the project")
                }
                pinned[m.name] = m
            }
        }
        guard locked > 0 else {
            throw UserFacingError("none of the given files is a runnable scenario; nothing was locked")
        }
        let project =
            PluginSearchPath.projectDirectory(from: URL(fileURLWithPath: first).deletingLastPathComponent())
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let url = project.appendingPathComponent(Lockfile.fileName)
        // An unreadable lock is made again from scratch, as its own error message tells users to do.
        let previous = try? Lockfile.load(url)
        // Plugins installed from a registry on request stay pinned even when no scenario uses them yet.
        let catalog = PluginCatalog(searchPath: .standard(scenarioFile: first))
        for e in previous?.entries ?? [] where e.constraint != nil && pinned[e.name] == nil {
            if let m = catalog.manifests.first(where: { $0.name == e.name }) { pinned[e.name] = m }
        }
        let lock = try Lockfile.pinning(
            pinned.values.sorted { $0.name < $1.name }, project: project, previous: previous)
        try lock.write(to: url)
        print("Wrote \(url.path): " + lock.entries.map { "\($0.name) \($0.version)" }.joined(separator: ", "))
    }
}
