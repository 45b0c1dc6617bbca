import Foundation
import PackagePlugin

/// Stamps the `uptake` target with the git commit it is built from
/// (`BuildStamp.commit`, `BuildStamp.changes`), for `uptake --version` and
/// the provenance of results databases.
///
/// A prebuild command, so it runs before every build, `swift build` and
/// `make` alike, and the stamp is never stale. `scripts/build-stamp.sh` does
/// the work; it rewrites the generated file only when the stamp changed, so
/// an unchanged tree rebuilds nothing.
@main
struct BuildStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("Stamp")
        let script = context.package.directoryURL.appendingPathComponent("scripts/build-stamp.sh")
        return [
            .prebuildCommand(
                displayName: "Stamping \(target.name) with its git commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [script.path, context.package.directoryURL.path, output.path],
                outputFilesDirectory: output
            )
        ]
    }
}
