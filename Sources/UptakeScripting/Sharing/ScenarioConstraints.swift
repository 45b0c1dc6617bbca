import Foundation

/// The versions a project's scenarios ask for (`{ "my-subsidy", version = "^1.2" }`),
/// which `plugin install` and `plugin update` keep to as well as the
/// constraints in `uptake.lock`. Files that are not runnable scenarios
/// (experiments, drafts that do not load) ask for nothing.
public enum ScenarioConstraints {
    /// The scenarios' version constraints, each naming the file that asks.
    public static func collect(_ files: [String]) -> [RegistryResolver.Requirement] {
        var requirements: [RegistryResolver.Requirement] = []
        for file in files {
            guard let lua = try? LuaState(), let sandbox = try? LuaSandbox(lua: lua),
                let scenario = try? ScenarioLoader.load(file: file, sandbox: sandbox)
            else { continue }
            for use in scenario.plugins {
                guard let text = use.version, let constraint = try? VersionConstraint(text) else { continue }
                let name = URL(fileURLWithPath: file).lastPathComponent
                requirements.append(.init(name: use.name, constraint: constraint, by: "scenario \(name)"))
            }
        }
        return requirements
    }

    /// The project's scenarios: `scenarios/*.lua` and `*.lua` at its top.
    public static func files(in project: URL) -> [String] {
        [project, project.appendingPathComponent("scenarios")].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
                .filter { $0.hasSuffix(".lua") }.map { folder.appendingPathComponent($0).path }
        }
    }
}
