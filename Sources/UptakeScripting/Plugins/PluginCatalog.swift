import Foundation

/// Where plugins are looked for, in order: the scenario's own `plugins/`,
/// the project's `plugins/`, the user's `~/.uptake/plugins`, each folder of
/// `UPTAKE_PLUGIN_PATH` (colon-separated), then the standard library shipped
/// with uptake (`StandardLibrary`). The first folder holding a version that
/// fits every constraint wins.
public struct PluginSearchPath: Sendable {
    public var directories: [URL]
    /// The standard library this search path ends with, found or not
    /// (nil for a search path made of given folders only).
    public var standardLibrary: StandardLibrary?

    public init(directories: [URL], standardLibrary: StandardLibrary? = nil) {
        self.directories = directories
        self.standardLibrary = standardLibrary
    }

    /// The project is the nearest folder at or above the scenario's that has
    /// an `uptake.lock` or a `plugins/` folder (else the working directory).
    public static func standard(
        scenarioFile: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        standardLibrary: StandardLibrary = .current
    ) -> PluginSearchPath {
        let scenarioDir = URL(fileURLWithPath: scenarioFile).deletingLastPathComponent().standardizedFileURL
        var dirs = [scenarioDir.appendingPathComponent("plugins")]
        if let project = projectDirectory(from: scenarioDir) { dirs.append(project.appendingPathComponent("plugins")) }
        if let home = environment["HOME"] {
            dirs.append(URL(fileURLWithPath: home).appendingPathComponent(".uptake/plugins"))
        }
        for part in (environment["UPTAKE_PLUGIN_PATH"] ?? "").split(separator: ":") where !part.isEmpty {
            dirs.append(URL(fileURLWithPath: String(part)))
        }
        if standardLibrary.exists { dirs.append(standardLibrary.directory) }
        var seen = Set<String>()
        return PluginSearchPath(
            directories: dirs.filter { seen.insert($0.standardizedFileURL.path).inserted },
            standardLibrary: standardLibrary)
    }

    /// What to add to a list of the folders searched: a note when the standard library is missing.
    public var missingLibraryNote: String? {
        guard let standardLibrary, !standardLibrary.exists else { return nil }
        return standardLibrary.missingNote
    }

    public static func projectDirectory(from start: URL) -> URL? {
        var dir = start.standardizedFileURL
        let fm = FileManager.default
        while true {
            if fm.fileExists(atPath: dir.appendingPathComponent("uptake.lock").path)
                || fm.fileExists(atPath: dir.appendingPathComponent("plugins").path)
            {
                return dir
            }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return URL(fileURLWithPath: fm.currentDirectoryPath)
    }
}

/// All plugins found on a search path, and dependency resolution.
public struct PluginCatalog {
    public let searchPath: PluginSearchPath
    /// Every readable manifest, in search-path order.
    public private(set) var manifests: [PluginManifest] = []
    /// Folders whose manifest could not be read, by folder name.
    public private(set) var broken: [String: Diagnostic] = [:]

    public init(searchPath: PluginSearchPath) {
        self.searchPath = searchPath
        let fm = FileManager.default
        for dir in searchPath.directories {
            guard let entries = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
            for entry in entries.sorted() {
                let folder = dir.appendingPathComponent(entry)
                guard fm.fileExists(atPath: folder.appendingPathComponent("plugin.toml").path) else { continue }
                do { manifests.append(try PluginManifest.load(directory: folder)) } catch let d as Diagnostic {
                    if broken[entry] == nil { broken[entry] = d }
                } catch {}
            }
        }
    }

    /// A request for a plugin: from the scenario (with where it was written) or from another plugin.
    public struct Request {
        public var name: String
        public var constraint: VersionConstraint?
        public var origin: Diagnostic  // file/line to blame
        public var requiredBy: String  // "the scenario" or "plugin 'x'"
        public init(name: String, constraint: VersionConstraint?, origin: Diagnostic, requiredBy: String) {
            self.name = name
            self.constraint = constraint
            self.origin = origin
            self.requiredBy = requiredBy
        }
    }

    /// Picks one version of every requested plugin and its dependencies, and
    /// orders them: dependencies first, then by name.
    public func resolve(_ requests: [Request]) throws -> [PluginManifest] {
        var constraints: [String: [Request]] = [:]
        var chosen: [String: PluginManifest] = [:]
        var queue = requests
        for r in requests { constraints[r.name, default: []].append(r) }
        var optional: [String: [Request]] = [:]  // optional deps: checked only if the plugin is loaded anyway
        while let request = queue.first {
            queue.removeFirst()
            let name = request.name
            let all = constraints[name] ?? []
            let candidates = manifests.filter { $0.name == name }
            guard !candidates.isEmpty else {
                var d = request.origin
                if let b = broken[name] { throw b }
                d.problem = "plugin '\(name)' (required by \(request.requiredBy)) was not found"
                let known = Array(Set(manifests.map(\.name)))
                d.fix =
                    (Suggestion.closest(to: name, in: known).map { "Did you mean '\($0)'? " } ?? "")
                    + "Searched: " + searchPath.directories.map(\.path).joined(separator: ", ")
                    + (searchPath.missingLibraryNote.map { " (\($0))" } ?? "")
                    + "; install it with `uptake plugin install PATH` or add its folder to UPTAKE_PLUGIN_PATH"
                throw d
            }
            let fitting = candidates.first { m in all.allSatisfy { $0.constraint?.admits(m.version) ?? true } }
            guard let pick = fitting else {
                let conflicting = all.filter { $0.constraint != nil }
                var d = conflicting.last?.origin ?? request.origin
                d.problem =
                    "no version of plugin '\(name)' fits "
                    + conflicting.map { "'\($0.constraint!.text)' (required by \($0.requiredBy))" }.joined(
                        separator: " and ")
                    + "; found " + candidates.map { "\($0.version) in \($0.directory.path)" }.joined(separator: ", ")
                d.fix = "Install a fitting version or relax the constraint"
                throw d
            }
            if let previous = chosen[name], previous.version == pick.version, previous.directory == pick.directory {
                continue
            }
            guard pick.api.admits(PluginManifest.hostAPI) else {
                throw Diagnostic(
                    file: pick.manifestPath, line: 1, plugin: name,
                    problem:
                        "plugin '\(name)' \(pick.version) needs Lua API '\(pick.api.text)', but this Uptake provides API \(PluginManifest.hostAPI)",
                    fix: "Use a version of the plugin written for API \(PluginManifest.hostAPI.major), or update Uptake"
                )
            }
            chosen[name] = pick
            for dep in pick.dependencies {
                let origin = Diagnostic(
                    file: pick.manifestPath,
                    line: SourceLocator(
                        file: pick.manifestPath,
                        source: (try? String(contentsOfFile: pick.manifestPath, encoding: .utf8)) ?? ""
                    ).line(of: ["dependencies", dep.name]), problem: "")
                let r = Request(
                    name: dep.name, constraint: dep.constraint, origin: origin,
                    requiredBy: "plugin '\(name)' \(pick.version)")
                if dep.optional {
                    optional[dep.name, default: []].append(r)
                    if chosen[dep.name] != nil || queue.contains(where: { $0.name == dep.name }) {
                        constraints[dep.name, default: []].append(r)
                        queue.append(r)
                    }
                } else {
                    constraints[dep.name, default: []].append(r)
                    queue.append(r)
                }
            }
            // An optional dependency of an earlier plugin now present must fit too.
            if let waiting = optional[name] {
                for r in waiting where !(constraints[name] ?? []).contains(where: { $0.requiredBy == r.requiredBy }) {
                    constraints[name, default: []].append(r)
                    queue.append(r)
                }
            }
        }
        return try order(Array(chosen.values))
    }

    /// Dependencies first, then by name (Kahn's algorithm with a sorted ready list).
    func order(_ plugins: [PluginManifest]) throws -> [PluginManifest] {
        let byName = Dictionary(uniqueKeysWithValues: plugins.map { ($0.name, $0) })
        var remaining = Set(byName.keys)
        var result: [PluginManifest] = []
        func deps(_ m: PluginManifest) -> [String] { m.dependencies.map(\.name).filter { byName[$0] != nil } }
        while !remaining.isEmpty {
            let ready = remaining.filter { n in deps(byName[n]!).allSatisfy { !remaining.contains($0) } }.sorted()
            guard let next = ready.first else {
                // Walk the cycle from the alphabetically first stuck plugin to name it.
                var path: [String] = [], at = remaining.sorted()[0]
                while !path.contains(at) {
                    path.append(at)
                    at = deps(byName[at]!).filter { remaining.contains($0) }.sorted()[0]
                }
                let cycle = path[path.firstIndex(of: at)!...] + [at]
                let m = byName[cycle.first!]!
                throw Diagnostic(
                    file: m.manifestPath, line: 1, plugin: m.name,
                    problem: "plugins depend on each other in a cycle: " + cycle.joined(separator: " -> "),
                    fix: "Remove one of these dependencies; plugins must form a tree")
            }
            result.append(byName[next]!)
            remaining.remove(next)
        }
        return result
    }
}
