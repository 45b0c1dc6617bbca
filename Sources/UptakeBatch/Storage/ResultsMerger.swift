import Foundation
import GRDB
import UptakeFiles
import UptakeScripting
#if canImport(Glibc)
    import Glibc
#endif

/// `uptake merge`: combines shard databases of one experiment into one.
/// Refuses shards of different experiments (design, seed, files, plugins),
/// shards made by different builds of uptake (unless `allowOtherBuild`) and
/// a shard given twice; says which runs are still missing.
public enum ResultsMerger {
    /// Keys of the `experiment` table that may differ between shards of one experiment
    /// (paths differ between machines; the provenance hashes say whether the files are the same).
    static let perShardKeys: Set<String> = ["shard", "created_at", "file", "scenario"]
    /// Keys that say which build made a shard: compared as builds (`ProgramBuild`), with their own message.
    static let buildKeys: Set<String> = ["program_version", "program_commit", "other_builds"]

    public struct Report: Sendable {
        public var shards: [String]
        public var runs: Int
        public var expectedRuns: Int
        public var missing: Int { expectedRuns - runs }
    }

    /// `allowOtherBuild`: merge shards made by different builds of uptake; the
    /// merged database lists the builds besides the first shard's in `other_builds`.
    public static func merge(_ inputs: [String], into output: String, allowOtherBuild: Bool = false) throws -> Report {
        guard let first = inputs.first else {
            throw Diagnostic(
                problem: "no shard databases to merge", fix: "Write e.g. uptake merge results-*.db --out results.db")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder) {
            if isFolder.boolValue {
                throw Diagnostic(
                    file: output, problem: "this is a folder, not a database file",
                    fix: "Give a file name for --out, e.g. \(output)/merged.db")
            }
            throw Diagnostic(
                file: output, problem: "the merged database already exists",
                fix: "Choose another --out or delete the file")
        }
        let stores = try inputs.map { try ResultStore.open($0, readOnly: true) }
        let ignored = perShardKeys.union(buildKeys)
        let reference = try stores[0].metadata().filter { !ignored.contains($0.key) }
        let referenceProvenance = try stores[0].provenance()
        let referenceBuild = try build(of: stores[0])
        var otherBuilds: [String] = []
        var shardNames: [String] = []
        for (path, store) in zip(inputs, stores) {
            let meta = try store.metadata()
            let shard = meta["shard"] ?? "?"
            if shardNames.contains(shard) {
                throw Diagnostic(
                    file: path, problem: "shard \(shard) is given twice", fix: "Pass each shard's database once")
            }
            shardNames.append(shard)
            let same = meta.filter { !ignored.contains($0.key) }
            if let key = Set(same.keys).union(reference.keys).sorted().first(where: { same[$0] != reference[$0] }) {
                throw Diagnostic(
                    file: path,
                    problem:
                        "this shard belongs to another experiment than \(first) (\(key): '\(same[key] ?? "")' versus '\(reference[key] ?? "")')",
                    fix: "Merge only shards made by uptake batch with the same experiment file, inputs and program")
            }
            if let difference = try store.provenance().difference(from: referenceProvenance) {
                throw Diagnostic(
                    file: path, problem: "this shard was made from different inputs than \(first) (\(difference))",
                    fix: "Re-run the shard with the same files and plugins, then merge again")
            }
            let shardBuild = try build(of: store)
            if shardBuild != referenceBuild {
                guard allowOtherBuild else {
                    let (mine, theirs) = shardBuild.contrast(with: referenceBuild)
                    throw Diagnostic(
                        file: path,
                        problem:
                            "this shard was made by another build of uptake than \(first) (\(mine) versus \(theirs))",
                        fix:
                            "Re-run the shard with the build that made the others (uptake --version says which build runs), "
                            + "or add --allow-other-build to merge them anyway (the merged database then lists every build)"
                    )
                }
                otherBuilds.append(shardBuild.detailedDescription)
            }
            otherBuilds += ResultStore.otherBuilds(in: meta)
        }
        // The merged database is made under a temporary name and renamed at
        // the end: a failed or interrupted merge leaves no half database.
        let target = URL(fileURLWithPath: output)
        let madeFolders: [URL]
        do { madeFolders = try OutputFolder.create(target.deletingLastPathComponent()) } catch let e as FileSystemError
        {
            throw Diagnostic(
                file: output, problem: "cannot create the merged database: \(e.action) \(e.path): \(e.reason)",
                fix: e.fix.replacingOccurrences(of: "choose another output", with: "choose another --out"))
        }
        let partial = target.deletingLastPathComponent().appendingPathComponent(
            ".\(target.lastPathComponent).partial-\(getpid())"
        ).path
        let partialFiles = ResultStore.databaseFiles(partial)
        partialFiles.forEach(TemporaryFiles.register)
        func removePartial() {
            for file in partialFiles {
                try? FileManager.default.removeItem(atPath: file)
                TemporaryFiles.unregister(file)
            }
        }
        let runs: Int
        do {
            runs = try mergeRuns(
                stores: stores, inputs: inputs, shardNames: shardNames, otherBuilds: otherBuilds, into: partial)
            if rename(partial, output) != 0 {
                throw FileSystemError(
                    action: "cannot write", path: output, errno: errno, folder: target.deletingLastPathComponent().path)
            }
            removePartial()  // the emptied -wal and -shm beside it
        } catch {
            removePartial()
            OutputFolder.remove(madeFolders)
            if let e = error as? FileSystemError {
                throw Diagnostic(file: output, problem: "cannot write the merged database: \(e.reason)", fix: e.fix)
            }
            if let e = error as? DatabaseError {
                throw Diagnostic(
                    file: output,
                    problem:
                        "cannot write the merged database: SQLite says \"\(e.message ?? "error \(e.resultCode.rawValue)")\"",
                    fix: "Check free disk space and that the folder is writable, or choose another --out")
            }
            throw error
        }
        return Report(shards: shardNames, runs: runs, expectedRuns: Int(reference["runs"] ?? "") ?? runs)
    }

    /// Copies the first shard to `path`, adds the other shards' runs and lists `otherBuilds`; returns the number of runs.
    static func mergeRuns(
        stores: [ResultStore], inputs: [String], shardNames: [String], otherBuilds: [String],
        into output: String
    ) throws -> Int {
        // A clean copy of the first shard (schema, design, first runs), then the others' runs.
        try stores[0].db.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [output]) }
        let merged = try ResultStore.open(output)
        try merged.db.writeWithoutTransaction { db in
            for path in inputs.dropFirst() {
                try db.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [path])
                do {
                    try db.inTransaction {
                        for table in ["runs", "outputs", "series"] {
                            try db.execute(sql: "INSERT INTO \(table) SELECT * FROM shard.\(table)")
                        }
                        return .commit
                    }
                } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                    try db.execute(sql: "DETACH DATABASE shard")
                    throw Diagnostic(
                        file: path, problem: "this shard repeats runs already merged",
                        fix: "Pass each shard's database once")
                }
                try db.execute(sql: "DETACH DATABASE shard")
            }
            let counts = shardNames.compactMap { Int($0.split(separator: "/").last ?? "") }
            let complete = counts.first.map { n in counts.allSatisfy { $0 == n } && Set(shardNames).count == n } ?? true
            let shard = complete ? "all" : "merged " + shardNames.sorted().joined(separator: ",")
            try db.execute(sql: "UPDATE experiment SET value = ? WHERE key = 'shard'", arguments: [shard])
        }
        if !otherBuilds.isEmpty { try merged.recordOtherBuilds(otherBuilds) }
        let runs = try merged.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runs") ?? 0 }
        // Fold the write-ahead log into the file and close it, so that the file alone is the database.
        try merged.db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try merged.db.close()
        return runs
    }

    /// The build that made a database (databases of uptake 0.1 record a version only).
    static func build(of store: ResultStore) throws -> ProgramBuild {
        try store.provenance().program
            ?? ProgramBuild(version: try store.metadata()["program_version"] ?? "unknown", commit: "unknown")
    }
}
