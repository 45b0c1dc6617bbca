import Foundation
import GRDB
import UptakeLocks
import UptakeFiles
import UptakeKernel
import UptakeScripting

/// The results database (SQLite in WAL mode, through GRDB). Each run's rows
/// are written in one transaction by a single writer, so a crash loses at most
/// the runs in flight and the database always holds whole runs only.
///
/// Tables: `experiment` (key/value description), `provenance`, `parameters`,
/// `points`, `point_values`, `runs` (status, seed, ticks, error, timing),
/// `outputs` (final values, one row per run and metric), `series` (one row
/// per run, tick and metric). docs/batch.md documents the columns.
public final class ResultStore {
    public let path: String
    let db: DatabasePool
    /// One formatter for the store's lifetime: Foundation on Linux leaks a little per formatter made.
    /// Only the writer uses it.
    private let timestamps = ISO8601DateFormatter()
    /// The last timestamp written and its second: the text has whole seconds, and formatting
    /// it for every run cost more than the rest of the run's row (a thousand runs a second).
    private var lastStamp: (second: Int, text: String) = (Int.min, "")

    /// Now, as the text of the `finished_at` and `created_at` columns.
    private func now() -> String {
        let date = Date()
        let second = Int(date.timeIntervalSince1970.rounded(.down))
        if second != lastStamp.second { lastStamp = (second, timestamps.string(from: date)) }
        return lastStamp.text
    }

    init(path: String, db: DatabasePool) {
        self.path = path
        self.db = db
    }

    static func configuration(readOnly: Bool = false) -> Configuration {
        var c = Configuration()
        c.readonly = readOnly
        c.prepareDatabase { db in
            // WAL commits survive a killed process; a power cut may lose the last runs, which --resume redoes.
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            // The log is copied into the database (a checkpoint, two fdatasyncs) when the last
            // connection closes and each time it passes this many pages: 8,192 (32 MB at 4 KB a
            // page) rather than SQLite's 1,000, so that a batch of small runs, whose one writer
            // waits for a checkpoint while its workers run out of runs, stops for one every few
            // thousand runs instead of every couple of hundred.
            if !readOnly { try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192") }
        }
        return c
    }

    /// Opens an existing results database (for resume, analysis and merge).
    public static func open(_ path: String, readOnly: Bool = false) throws -> ResultStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Diagnostic(
                file: path, problem: "no results database here",
                fix: "Check the path, or make one with: uptake batch EXPERIMENT --out \(path)")
        }
        do {
            let store = ResultStore(
                path: path, db: try DatabasePool(path: path, configuration: configuration(readOnly: readOnly)))
            if try store.db.read({ try $0.tableExists("calibration") }) {
                throw Diagnostic(
                    file: path,
                    problem: "this is a calibration's database (every generation of uptake calibrate), not one batch's",
                    fix: "Read it with SQL (its tables are in docs/decisions.md), or open the calibration's report.html"
                )
            }
            guard try store.db.read({ try $0.tableExists("experiment") && $0.tableExists("runs") }) else {
                throw Diagnostic(
                    file: path, problem: "this is not an uptake results database",
                    fix: "Pass a file written by uptake batch --out")
            }
            return store
        } catch let e as DatabaseError {
            throw Diagnostic(
                file: path, problem: "cannot open the results database: \(e.message ?? "\(e)")",
                fix: "Check that it is a file written by uptake batch --out")
        }
    }

    /// True for an SQLite file with no tables at all (what a batch killed
    /// while creating its database leaves); false for anything else,
    /// including files that are not databases.
    static func isEmptyDatabase(_ path: String) -> Bool {
        guard FileManager.default.fileExists(atPath: path),
            let queue = try? DatabaseQueue(path: path, configuration: configuration(readOnly: true)),
            let count = try? queue.read({ try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") })
        else { return false }
        return count == 0
    }

    /// Creates a new database describing the experiment, its design points and provenance,
    /// and the runs' calendar when all runs share one (it dates the exported series).
    public static func create(
        _ path: String, plan: DesignPlan, provenance: Provenance, shard: Shard, program: ProgramBuild,
        calendar: TickCalendar? = nil
    ) throws -> ResultStore {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue {
                throw Diagnostic(
                    file: path, problem: "this is a folder, not a results database",
                    fix: "Give a file name for --out, e.g. \(path)/results.db")
            }
            throw Diagnostic(
                file: path, problem: "a results database already exists here",
                fix: "Add --resume to finish it, or choose another --out (or delete the file to start over)")
        }
        // Make the folder, and the file, here: SQLite's own error for a folder
        // that is missing or refuses files is "unable to open database file".
        let madeFolders: [URL]
        do {
            madeFolders = try OutputFile.reserve(URL(fileURLWithPath: path), display: path)
        } catch let e as FileSystemError {
            throw Diagnostic(
                file: path,
                problem:
                    "cannot create the results database: \(e.action == "cannot write" ? "" : "\(e.action) \(e.path): ")\(e.reason)",
                fix: e.fix.replacingOccurrences(of: "choose another output", with: "choose another --out"))
        }
        func removeHalfMade() {
            removeDatabase(at: path)
            OutputFolder.remove(madeFolders)
        }
        let store: ResultStore
        do {
            store = ResultStore(path: path, db: try DatabasePool(path: path, configuration: configuration()))
            try store.describe(plan: plan, provenance: provenance, shard: shard, program: program, calendar: calendar)
        } catch {
            // Leave no half-made database behind: it would look like a batch to resume.
            removeHalfMade()
            if let e = error as? DatabaseError {
                throw Diagnostic(
                    file: path,
                    problem:
                        "cannot create the results database: SQLite says \"\(e.message ?? "error \(e.resultCode.rawValue)")\"",
                    fix: "Check free disk space and that the folder exists and is writable, or choose another --out")
            }
            throw error
        }
        return store
    }

    func describe(
        plan: DesignPlan, provenance: Provenance, shard: Shard, program: ProgramBuild, calendar: TickCalendar?
    ) throws {
        try db.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE experiment (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE provenance (kind TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL, hash TEXT NOT NULL,
                                             PRIMARY KEY (kind, name));
                    CREATE TABLE parameters (position INTEGER PRIMARY KEY, path TEXT NOT NULL, role TEXT NOT NULL,
                                             domain TEXT NOT NULL, sampled INTEGER NOT NULL);
                    CREATE TABLE points (point INTEGER PRIMARY KEY, cell INTEGER NOT NULL, sample INTEGER NOT NULL, baseline_point INTEGER);
                    CREATE TABLE point_values (point INTEGER NOT NULL, parameter TEXT NOT NULL, value TEXT NOT NULL, number REAL, unit REAL,
                                               PRIMARY KEY (point, parameter)) WITHOUT ROWID;
                    CREATE TABLE runs (run INTEGER PRIMARY KEY, point INTEGER NOT NULL, replicate INTEGER NOT NULL, seed TEXT NOT NULL,
                                       status TEXT NOT NULL, error TEXT, ticks INTEGER NOT NULL, duration_s REAL, finished_at TEXT);
                    CREATE TABLE outputs (run INTEGER NOT NULL, metric TEXT NOT NULL, value REAL, PRIMARY KEY (run, metric)) WITHOUT ROWID;
                    CREATE TABLE series (run INTEGER NOT NULL, tick INTEGER NOT NULL, metric TEXT NOT NULL, value REAL,
                                         PRIMARY KEY (run, tick, metric)) WITHOUT ROWID;
                    """)
            let e = plan.experiment
            let description: [(String, String)] = [
                ("name", e.name), ("file", e.file), ("scenario", e.scenarioFile), ("seed", String(e.seed)),
                ("design", e.design.name), ("design_detail", "\(e.design)"),
                ("morris_levels", { if case .morris(_, let p) = e.design { return String(p) } else { return "" } }()),
                ("replicates", String(e.replicates)),
                ("common_random_numbers", String(e.commonRandomNumbers)),
                (
                    "baseline",
                    e.baseline.map { b in b.keys.sorted().map { "\($0)=\(b[$0]!)" }.joined(separator: ", ") } ?? ""
                ),
                ("fixed", e.fixed.map(\.text).joined(separator: ", ")),
                ("record_final", e.record.final.joined(separator: ",")),
                ("record_series", e.record.series.joined(separator: ",")),
                ("record_every", String(e.record.every)),
                (
                    "stop",
                    e.stop.map {
                        "\($0.metric) at_least=\($0.atLeast.map { "\($0)" } ?? "") at_most=\($0.atMost.map { "\($0)" } ?? "")"
                    } ?? ""
                ),
                ("cells", String(plan.cellCount)), ("samples_per_cell", String(plan.samplesPerCell)),
                ("points", String(plan.pointCount)), ("runs", String(plan.runCount)),
                ("shard", shard.description), ("program_version", program.version),
                ("program_commit", program.identity),
                // Tick 0's date and the tick's length ("2023Q1", "quarter"); empty when runs differ in them.
                ("calendar_start", calendar?.label(0) ?? ""), ("calendar_unit", calendar?.unit.rawValue ?? ""),
                ("created_at", now()),
            ]
            for (k, v) in description {
                try db.execute(sql: "INSERT INTO experiment VALUES (?, ?)", arguments: [k, v])
            }
            for p in provenance.entries {
                try db.execute(
                    sql: "INSERT INTO provenance VALUES (?, ?, ?, ?)", arguments: [p.kind, p.name, p.version, p.hash])
            }
            for (i, p) in e.parameters.enumerated() {
                try db.execute(
                    sql: "INSERT INTO parameters VALUES (?, ?, ?, ?, ?)",
                    arguments: [i, p.path, p.role.rawValue, p.domainText, p.isSampled])
            }
            for index in 0..<plan.pointCount {
                let point = plan.point(index)
                try db.execute(
                    sql: "INSERT INTO points VALUES (?, ?, ?, ?)",
                    arguments: [index, point.cell, point.sample, point.baselinePoint])
                for (k, p) in e.parameters.enumerated() {
                    let v = point.values[k]
                    try db.execute(
                        sql: "INSERT INTO point_values VALUES (?, ?, ?, ?, ?)",
                        arguments: [index, p.path, v.string ?? v.description, v.double, point.units[k]])
                }
            }
        }
    }

    public func metadata() throws -> [String: String] {
        try readChecked { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT key, value FROM experiment").map {
                    (try $0.decode(String.self, forColumn: "key"), try $0.decode(String.self, forColumn: "value"))
                }, uniquingKeysWith: { a, _ in a })
        }
    }

    public func provenance() throws -> Provenance {
        try readChecked { db in
            Provenance(
                entries: try Row.fetchAll(db, sql: "SELECT * FROM provenance").map {
                    .init(
                        kind: try $0.decode(forColumn: "kind"), name: try $0.decode(forColumn: "name"),
                        version: try $0.decode(forColumn: "version"), hash: try $0.decode(forColumn: "hash"))
                })
        }
    }

    /// Adds builds of uptake other than the one that made the database
    /// (`--allow-other-build`) to its `other_builds` description, once each.
    /// `builds` are `ProgramBuild.detailedDescription`s.
    public func recordOtherBuilds(_ builds: [String]) throws {
        let own = try provenance().program?.detailedDescription
        try db.write { db in
            let recorded = try String.fetchOne(db, sql: "SELECT value FROM experiment WHERE key = 'other_builds'") ?? ""
            var all = ResultStore.otherBuilds(in: ["other_builds": recorded])
            for build in builds where !all.contains(build) && build != own { all.append(build) }
            try db.execute(
                sql: "INSERT OR REPLACE INTO experiment VALUES ('other_builds', ?)",
                arguments: [all.joined(separator: "; ")])
        }
    }

    /// The builds listed in a database's `other_builds` description.
    public static func otherBuilds(in metadata: [String: String]) -> [String] {
        (metadata["other_builds"] ?? "").components(separatedBy: "; ").filter { !$0.isEmpty }
    }

    /// Runs already recorded (done or failed), which a resumed batch skips.
    /// The runs in the database; without the failed ones when `includingFailed` is false (to run them again).
    public func recordedRuns(includingFailed: Bool = true) throws -> Set<Int> {
        try readChecked {
            Set(
                try Int.fetchAll(
                    $0, sql: includingFailed ? "SELECT run FROM runs" : "SELECT run FROM runs WHERE status = 'ok'"))
        }
    }

    /// Writes one run's rows in one transaction. `replacing`: the run may
    /// have rows already (a failed run tried again with --retry-failed),
    /// which it replaces; a batch that runs only runs not yet recorded
    /// skips looking for them.
    ///
    /// Through statements SQLite compiled once per database connection
    /// (`cachedStatement`), not once per row: a run of a sweep writes a row per
    /// tick, and compiling the same INSERT for each cost more than storing it.
    public func write(_ r: RunResult, replacing: Bool = true) throws { try write([r], replacing: replacing) }

    /// Writes several runs' rows in one transaction (see `ResultWriter`).
    public func write(_ results: [RunResult], replacing: Bool = true) throws {
        try db.write { db in
            for r in results { try insert(r, replacing: replacing, in: db) }
        }
    }

    private func insert(_ r: RunResult, replacing: Bool, in db: Database) throws {
        if replacing {
            for table in ["runs", "outputs", "series"] {
                try db.cachedStatement(sql: "DELETE FROM \(table) WHERE run = ?").execute(arguments: [r.run])
            }
        }
        // Values bound straight to SQLite (`DirectInsert`), in the columns' order.
        var run = DirectInsert(try db.cachedStatement(sql: "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"))
        run.bind(r.run)
        run.bind(r.point)
        run.bind(r.replicate)
        run.bind(String(r.seed))
        run.bind(r.status.rawValue)
        run.bind(r.error)
        run.bind(r.ticks)
        run.bind(r.durationSeconds)
        run.bind(now())
        try run.execute(in: db)
        let outputInsert = try db.cachedStatement(sql: "INSERT INTO outputs VALUES (?, ?, ?)")
        for o in r.outputs {
            var output = DirectInsert(outputInsert)
            output.bind(r.run)
            output.bind(o.metric)
            output.bind(o.value)
            try output.execute(in: db)
        }
        // Many rows an INSERT: executing a statement costs more than binding its values,
        // and a run's series has a row per recorded tick and metric.
        var start = r.series.startIndex
        while start < r.series.endIndex {
            let rows = r.series[start..<min(start + ResultStore.seriesRowsPerInsert, r.series.endIndex)]
            var series = DirectInsert(try db.cachedStatement(sql: ResultStore.seriesInsert(rows: rows.count)))
            for s in rows {
                series.bind(r.run)
                series.bind(s.tick)
                series.bind(s.metric)
                series.bind(s.value)
            }
            try series.execute(in: db)
            start = rows.endIndex
        }
    }

    /// The files of the SQLite database at `path`: the database, its write-ahead log and its shared-memory index.
    static func databaseFiles(_ path: String) -> [String] { ["", "-wal", "-shm"].map { path + $0 } }

    /// Removes the database at `path` and the files beside it (those missing are no error).
    static func removeDatabase(at path: String) {
        for file in databaseFiles(path) { try? FileManager.default.removeItem(atPath: file) }
    }

    /// Series rows written by one INSERT (4 values a row; SQLite takes up to 32,766 a statement).
    static let seriesRowsPerInsert = 256
    private static let seriesInserts = Locked<[Int: String]>([:])

    /// The INSERT of `rows` series rows, its text made once (it is as long as the rows).
    static func seriesInsert(rows: Int) -> String {
        seriesInserts.withLock { known in
            if let sql = known[rows] { return sql }
            let sql = "INSERT INTO series VALUES " + repeatElement("(?, ?, ?, ?)", count: rows).joined(separator: ", ")
            known[rows] = sql
            return sql
        }
    }

    /// Runs a read-only query block (for analysis and export).
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try readChecked(body) }

    /// Reads, turning SQLite's errors (a damaged file, a copy cut short) and values of the
    /// wrong type (decoded with `Row.decode`, which throws) into one line naming the file.
    func readChecked<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try db.read(body)
        } catch let e as DatabaseError {
            throw damaged("SQLite says \"\(e.message ?? "error \(e.resultCode.rawValue)")\"")
        } catch let e as RowDecodingError {
            // "could not decode Int from database value NULL - column: ..., row: [...]": the first part says enough.
            throw damaged(
                "a value has the wrong type (\(String(describing: e).components(separatedBy: " - ").first ?? ""))")
        }
    }

    /// The error for a database that cannot be read as a results database.
    func damaged(_ what: String) -> Diagnostic {
        Diagnostic(
            file: path, problem: "the results database cannot be read: \(what)",
            fix:
                "It may be damaged (a full disk, a copy cut short): restore it from a copy, or run the batch again into a new --out"
        )
    }

    /// Lets other code in this module write (merge).
    func write<T>(_ body: (Database) throws -> T) throws -> T { try db.write(body) }
}
