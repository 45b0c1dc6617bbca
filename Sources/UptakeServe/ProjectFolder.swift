import Foundation
import UptakeScripting

#if canImport(Glibc)
    import Glibc
#endif

/// The project folder the explorer serves, and the one gate every path a
/// request names goes through. The explorer reads nothing else: scenario
/// files (`scenarios/*.lua`) and the outputs of its own runs
/// (`out/explorer/`); a plugin is read only by the child `uptake` that
/// runs or describes a scenario.
///
///     let project = try ProjectFolder("/home/ana/policy-study")
///     try project.scenario("scenarios/baseline.lua")  // the file, inside the project
///     try project.scenario("../secrets.lua")           // PathRefusal.outside
public struct ProjectFolder: Sendable {
    /// The project's real path: every symbolic link resolved.
    public let root: URL

    /// Where scenario files are, relative to the root.
    public static let scenariosFolder = "scenarios"
    /// Where the explorer keeps its runs' outputs, relative to the root.
    public static let outputsFolder = "out/explorer"

    public init(_ path: String) throws {
        guard let real = ProjectFolder.realPath(path), ProjectFolder.isFolder(real) else {
            throw Diagnostic(
                file: path, problem: "there is no project folder here",
                fix: "Give the folder that holds scenarios/ (and plugins/), e.g. uptake serve . in a project")
        }
        root = URL(fileURLWithPath: real)
    }

    /// Why a path a request named was refused.
    public enum PathRefusal: Error, Equatable, CustomStringConvertible {
        /// `..`, an absolute path, or a symbolic link that leads out of the project.
        case outside(String)
        /// A path inside the project where there is no such file.
        case missing(String)
        /// A file inside the project, but not of the kind asked for (not a scenario file).
        case notAllowed(String)

        public var description: String {
            switch self {
            case .outside(let path): return "\(path) is outside the project folder"
            case .missing(let path): return "there is no file \(path) in the project"
            case .notAllowed(let path): return "\(path) is not a scenario file of the project (scenarios/*.lua)"
            }
        }
    }

    /// The regular file at `relative` (a path inside the project, with `/`
    /// between names). Refused: an empty or absolute path, `.` and `..`
    /// anywhere, and any path whose real location (symbolic links resolved)
    /// is not inside the project.
    public func file(_ relative: String) throws(PathRefusal) -> URL {
        guard !relative.isEmpty, relative.utf8.count <= 1024, !relative.hasPrefix("/"), !relative.contains("\0") else {
            throw .outside(relative)
        }
        let names = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !names.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else { throw .outside(relative) }
        guard let real = ProjectFolder.realPath(root.appendingPathComponent(relative).path) else {
            throw .missing(relative)
        }
        guard contains(real) else { throw .outside(relative) }
        guard !ProjectFolder.isFolder(real) else { throw .notAllowed(relative) }
        return URL(fileURLWithPath: real)
    }

    /// A scenario file: `scenarios/NAME.lua`, through the same gate as `file`.
    public func scenario(_ relative: String) throws(PathRefusal) -> URL {
        let url = try file(relative)
        let names = relative.split(separator: "/")
        guard names.count == 2, names[0] == Substring(ProjectFolder.scenariosFolder), relative.hasSuffix(".lua") else {
            throw .notAllowed(relative)
        }
        return url
    }

    /// The candidate scenario files, `scenarios/*.lua` that pass the gate,
    /// sorted. Experiment files are among them: only running a file's Lua
    /// tells the two kinds apart, which `ScenarioDescription` does in a child.
    public func scenarioFiles() -> [String] {
        let folder = root.appendingPathComponent(ProjectFolder.scenariosFolder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted()
            .map { ProjectFolder.scenariosFolder + "/" + $0 }
            .filter { (try? scenario($0)) != nil }
    }

    /// The folder for the explorer's runs (made if missing); refused if it
    /// leads out of the project, since the explorer serves files from it.
    public func outputs() throws -> URL {
        let url = root.appendingPathComponent(ProjectFolder.outputsFolder)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        guard let real = ProjectFolder.realPath(url.path), contains(real) else {
            throw Diagnostic(
                file: url.path, problem: "the explorer's output folder leads outside the project (a symbolic link)",
                fix: "Remove the link, or make \(ProjectFolder.outputsFolder) an ordinary folder of the project")
        }
        return URL(fileURLWithPath: real)
    }

    /// A path of the project as the project sees it: `scenarios/x.lua`, not
    /// `/home/ana/study/scenarios/x.lua` (for messages shown in the page).
    public func relative(_ text: String) -> String {
        text.replacingOccurrences(of: root.path + "/", with: "")
    }

    func contains(_ realPath: String) -> Bool { realPath.hasPrefix(root.path + "/") }

    /// realpath(3): absolute, with `.`, `..` and every symbolic link resolved; nil if nothing is there.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}
