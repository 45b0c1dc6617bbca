import Foundation
import UptakeScripting

/// Where results came from: the experiment and scenario files' hashes, every
/// plugin's version and content hash, and the build of uptake (version and
/// commit). Stored with the results; `--resume` and `uptake merge` refuse
/// results whose inputs differ (`difference(from:)`) and, unless told
/// `--allow-other-build`, results of another build (`program`).
public struct Provenance: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var kind: String
        public var name: String
        public var version: String
        public var hash: String
    }
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries.sorted { ($0.kind, $0.name) < ($1.kind, $1.name) } }

    /// Hashes the files of an experiment and the plugins a prepared session resolved.
    public static func of(experiment: Experiment, plugins: [PluginManifest], program: ProgramBuild) throws -> Provenance
    {
        // Files by name, not path: shards run from other folders or machines must still match.
        let experimentURL = URL(fileURLWithPath: experiment.file),
            scenarioURL = URL(fileURLWithPath: experiment.scenarioFile)
        var entries = [
            Entry(
                kind: "experiment", name: experimentURL.lastPathComponent, version: "",
                hash: try ContentHash.file(experimentURL)),
            Entry(
                kind: "scenario", name: scenarioURL.lastPathComponent, version: "",
                hash: try ContentHash.file(scenarioURL)),
            Entry(kind: "program", name: "uptake", version: program.version, hash: program.identity),
        ]
        for p in plugins {
            entries.append(
                Entry(kind: "plugin", name: p.name, version: p.version.description, hash: try p.contentHash()))
        }
        return Provenance(entries: entries)
    }

    /// The build of uptake that made the results (nil when none is recorded).
    public var program: ProgramBuild? {
        entries.first { $0.kind == "program" }.map { ProgramBuild(version: $0.version, identity: $0.hash) }
    }

    /// The first difference of inputs (files and plugins; the build is `program`'s
    /// business), said for a user ("plugin tax-relief: 1.0.0 (hash 3fa2...) here, 1.1.0 there").
    public func difference(from other: Provenance) -> String? {
        let inputs = { (p: Provenance) in
            p.entries.filter { $0.kind != "program" }.map { ("\($0.kind) \($0.name)", $0) }
        }
        let mine = Dictionary(inputs(self), uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(inputs(other), uniquingKeysWith: { a, _ in a })
        for key in Set(mine.keys).union(theirs.keys).sorted() where mine[key] != theirs[key] {
            func show(_ e: Entry?) -> String {
                guard let e else { return "absent" }
                return [e.version, e.hash.isEmpty ? "" : "hash \(e.hash.prefix(12))"].filter { !$0.isEmpty }.joined(
                    separator: ", ")
            }
            return "\(key): \(show(mine[key])) versus \(show(theirs[key]))"
        }
        return nil
    }
}
