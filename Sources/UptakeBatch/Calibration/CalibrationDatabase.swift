import Foundation
import GRDB
import UptakeFiles
import UptakeScripting

/// `OUT/calibration.db`: the whole calibration in one SQLite database.
///
/// A generation runs as an ordinary batch into its working file `OUT/gen-N.db`
/// (so it resumes, shards and goes to Slurm like any batch). Once all its runs
/// are in, the generation is recorded here in one transaction: its batch
/// (runs, outputs, series, design points and provenance, each row with its
/// `generation`), its particles (parameter values, distance, kept or not,
/// weight) and the simulated value of every data point; then the working file
/// is removed. A calibration killed at any moment loses nothing recorded: the
/// database holds whole generations only, and running the command again reads
/// them back instead of running them again.
///
/// Tables (docs/decisions.md documents the columns): `calibration` (key/value
/// settings), `calibration_parameters` (each fitted parameter and its prior),
/// `data_points` (the observed data and the tick each point is compared at),
/// `generations`, `particles`, `particle_values`, `simulated`, and the batch
/// tables of a results database with a leading `generation` column:
/// `experiment`, `provenance`, `parameters`, `points`, `point_values`, `runs`,
/// `outputs`, `series`.
public final class CalibrationDatabase {
    public static let fileName = "calibration.db"
    /// The tables of a generation's batch database copied into this one.
    static let batchTables = [
        "experiment", "provenance", "parameters", "points", "point_values", "runs", "outputs", "series",
    ]

    public let path: String
    let queue: DatabaseQueue

    /// A generation read back from the database.
    public struct Recorded: Sendable, Equatable {
        /// Particles in the unit cube, in the order they were proposed.
        public var particles: [[Double]]
        public var distances: [Double]
        /// Simulated value of each fitted data point, per particle (NaN for a failed run).
        public var simulated: [[Double]]
        public var failedRuns: Int
    }

    init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Opens `folder/calibration.db`, creating it for `calibration` if it is not there; refuses one made by another
    /// calibration (other name, seed, parameters or priors) or against other data.
    public static func open(folder: String, calibration: Calibration, data: ObservedData) throws -> CalibrationDatabase
    {
        let path = (folder as NSString).appendingPathComponent(fileName)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path)
            try queue.write { db in try create(db, calibration: calibration, data: data) }
        } catch let e as DatabaseError {
            throw Diagnostic(
                file: path, problem: "cannot use the calibration database: SQLite says \"\(e.message ?? "\(e)")\"",
                fix:
                    "Check that the folder is writable and the file is one uptake calibrate wrote, or give another --out"
            )
        }
        let database = CalibrationDatabase(path: path, queue: queue)
        try database.check(calibration: calibration, data: data)
        return database
    }

    /// The settings that make two calibrations the same one. Particles, proposals and generations may
    /// change between runs of the command (more generations go on from the last); the proposals of a
    /// generation are checked against the recorded ones when it is read back.
    static func settings(_ c: Calibration) -> [(String, String)] {
        [
            ("name", c.name), ("scenario", c.scenarioFile), ("data", c.dataFile), ("seed", String(c.seed)),
            ("fixed", c.fixed.map(\.text).joined(separator: ", ")),
            ("segments", c.segments.keys.sorted().map { "\($0)=\(c.segments[$0]!)" }.joined(separator: ", ")),
        ]
    }

    static func create(_ db: Database, calibration c: Calibration, data: ObservedData) throws {
        guard try !db.tableExists("calibration") else { return }
        if try db.tableExists("runs") {
            throw Diagnostic(
                problem: "\(fileName) here is a results database, not a calibration's",
                fix: "Give another --out for the calibration")
        }
        try db.execute(
            sql: """
                CREATE TABLE calibration (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE calibration_parameters (position INTEGER PRIMARY KEY, path TEXT NOT NULL,
                                                     prior_min REAL NOT NULL, prior_max REAL NOT NULL);
                CREATE TABLE data_points (point INTEGER PRIMARY KEY, date TEXT NOT NULL, segment TEXT NOT NULL,
                                          value REAL NOT NULL, se REAL, line INTEGER NOT NULL, tick INTEGER);
                CREATE TABLE generations (generation INTEGER PRIMARY KEY, tolerance REAL NOT NULL,
                                          proposed INTEGER NOT NULL, kept INTEGER NOT NULL,
                                          effective_sample_size REAL NOT NULL, failed_runs INTEGER NOT NULL,
                                          recorded_at TEXT NOT NULL);
                CREATE TABLE particles (generation INTEGER NOT NULL, particle INTEGER NOT NULL, distance REAL,
                                        kept INTEGER NOT NULL, weight REAL,
                                        PRIMARY KEY (generation, particle)) WITHOUT ROWID;
                CREATE TABLE particle_values (generation INTEGER NOT NULL, particle INTEGER NOT NULL,
                                              parameter TEXT NOT NULL, unit REAL NOT NULL, value REAL NOT NULL,
                                              PRIMARY KEY (generation, particle, parameter)) WITHOUT ROWID;
                CREATE TABLE simulated (generation INTEGER NOT NULL, particle INTEGER NOT NULL,
                                        point INTEGER NOT NULL, value REAL,
                                        PRIMARY KEY (generation, particle, point)) WITHOUT ROWID;
                """)
        for (key, value) in settings(c) + [
            ("file", c.file), ("created_at", ISO8601DateFormatter().string(from: Date())),
        ] {
            try db.execute(sql: "INSERT INTO calibration VALUES (?, ?)", arguments: [key, value])
        }
        for (i, p) in c.parameters.enumerated() {
            guard case .interval(let lo, let hi) = p.domain else { continue }
            try db.execute(
                sql: "INSERT INTO calibration_parameters VALUES (?, ?, ?, ?)", arguments: [i, p.path, lo, hi])
        }
        for (i, point) in data.points.enumerated() {
            try db.execute(
                sql: "INSERT INTO data_points VALUES (?, ?, ?, ?, ?, ?, NULL)",
                arguments: [i, point.date, point.segment, point.value, point.standardError, point.line])
        }
    }

    func check(calibration c: Calibration, data: ObservedData) throws {
        let (stored, parameters, points) = try queue.read { db in
            (
                Dictionary(
                    try Row.fetchAll(db, sql: "SELECT key, value FROM calibration").map {
                        (try $0.decode(String.self, forColumn: "key"), try $0.decode(String.self, forColumn: "value"))
                    }, uniquingKeysWith: { a, _ in a }),
                try Row.fetchAll(
                    db, sql: "SELECT path, prior_min, prior_max FROM calibration_parameters ORDER BY position"
                )
                .map {
                    "\(try $0.decode(String.self, forColumn: "path")) \(try $0.decode(Double.self, forColumn: "prior_min")) \(try $0.decode(Double.self, forColumn: "prior_max"))"
                },
                try Row.fetchAll(db, sql: "SELECT date, segment, value, se FROM data_points ORDER BY point").map {
                    "\(try $0.decode(String.self, forColumn: "date")) \(try $0.decode(String.self, forColumn: "segment")) \(try $0.decode(Double.self, forColumn: "value")) \(String(describing: try $0.decode(Double?.self, forColumn: "se")))"
                }
            )
        }
        for (key, value) in Self.settings(c) where stored[key] != value {
            throw Diagnostic(
                file: path,
                problem:
                    "this folder holds a different calibration: its \(key) is '\(stored[key] ?? "")', not '\(value)'",
                fix: "Give another --out, or delete the folder to start again")
        }
        let expected = c.parameters.compactMap { p -> String? in
            guard case .interval(let lo, let hi) = p.domain else { return nil }
            return "\(p.path) \(lo) \(hi)"
        }
        guard parameters == expected else {
            throw Diagnostic(
                file: path, problem: "this folder holds a calibration of other parameters or priors",
                fix: "Give another --out, or delete the folder to start again")
        }
        let current = data.points.map { "\($0.date) \($0.segment) \($0.value) \(String(describing: $0.standardError))" }
        // The first row that differs, or the first row one file has and the other has not.
        let differing = points.indices.first { $0 >= current.count || points[$0] != current[$0] }
        if let i = differing ?? (current.count > points.count ? points.count : nil) {
            throw Diagnostic(
                file: data.file, line: i < data.points.count ? data.points[i].line : nil,
                problem: "the observed data changed since \(path) was begun (first difference at data row \(i + 1))",
                fix: "Give another --out to calibrate against the new data, or restore the old file")
        }
    }

    /// The tick each data point is compared at (nil outside the run), once the first generation has recorded them.
    public func pointTicks() throws -> [Int?]? {
        try queue.read { db in
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM generations")! > 0 else { return nil }
            return try Row.fetchAll(db, sql: "SELECT tick FROM data_points ORDER BY point").map { $0["tick"] as Int? }
        }
    }

    /// Generation `generation` (1-based) as recorded, or nil if it is not in the database yet.
    /// `fitted`: the indices (in the data) of the fitted points, in order.
    public func generation(_ generation: Int, fitted: [Int]) throws -> Recorded? {
        try queue.read { db in
            guard
                let failed = try Int.fetchOne(
                    db, sql: "SELECT failed_runs FROM generations WHERE generation = ?", arguments: [generation])
            else { return nil }
            let dimensions = try Int.fetchOne(db, sql: "SELECT count(*) FROM calibration_parameters")!
            var particles: [[Double]] = [], distances: [Double] = []
            let rows = try Row.fetchAll(
                db, sql: "SELECT particle, distance FROM particles WHERE generation = ? ORDER BY particle",
                arguments: [generation])
            for row in rows {
                distances.append((row["distance"] as Double?) ?? .infinity)
                particles.append(
                    try Double.fetchAll(
                        db,
                        sql: """
                            SELECT v.unit FROM particle_values v JOIN calibration_parameters p ON p.path = v.parameter
                            WHERE v.generation = ? AND v.particle = ? ORDER BY p.position
                            """, arguments: [generation, row["particle"] as Int]))
            }
            guard particles.allSatisfy({ $0.count == dimensions }) else {
                throw Diagnostic(
                    file: path, problem: "generation \(generation) is recorded incompletely",
                    fix: "Delete the folder and run the calibration again")
            }
            var simulated = [[Double]](repeating: [Double](repeating: .nan, count: fitted.count), count: rows.count)
            let column = Dictionary(uniqueKeysWithValues: fitted.enumerated().map { ($1, $0) })
            for row in try Row.fetchAll(
                db, sql: "SELECT particle, point, value FROM simulated WHERE generation = ?", arguments: [generation])
            {
                guard let j = column[row["point"] as Int], let i = row["particle"] as Int?, i < rows.count else {
                    continue
                }
                simulated[i][j] = (row["value"] as Double?) ?? .nan
            }
            return Recorded(particles: particles, distances: distances, simulated: simulated, failedRuns: failed)
        }
    }

    /// Records a finished generation and its batch (the database at `batch`) in one transaction.
    /// `ticks`: each data point's tick (nil outside the run), stored with the first generation.
    public func record(
        generation: Int, batch: String, calibration c: Calibration, particles: [[Double]], distances: [Double],
        simulated: [[Double]], population: ABCSMC.Population, failedRuns: Int, ticks: [Int?]
    ) throws {
        let fitted = CalibrationRunner.fitted(ticks)
        do {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS batch", arguments: [batch])
                defer { try? db.execute(sql: "DETACH DATABASE batch") }
                try db.inTransaction {
                    try copyBatch(db, generation: generation)
                    for (point, tick) in ticks.enumerated() {
                        try db.execute(
                            sql: "UPDATE data_points SET tick = ? WHERE point = ?", arguments: [tick, point])
                    }
                    try db.execute(
                        sql: "INSERT INTO generations VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [
                            generation, population.tolerance, particles.count, population.particles.count,
                            population.effectiveSampleSize, failedRuns, ISO8601DateFormatter().string(from: Date()),
                        ])
                    // The kept particles are those within the tolerance, in proposal order (ABCSMC.accept).
                    let weights = population.normalisedWeights
                    var keptIndex = 0
                    for (i, particle) in particles.enumerated() {
                        let kept = distances[i].isFinite && distances[i] <= population.tolerance
                        let weight: Double? = kept ? weights[keptIndex] : nil
                        if kept { keptIndex += 1 }
                        try db.execute(
                            sql: "INSERT INTO particles VALUES (?, ?, ?, ?, ?)",
                            arguments: [generation, i, distances[i].isFinite ? distances[i] : nil, kept, weight])
                        for (d, p) in c.parameters.enumerated() {
                            try db.execute(
                                sql: "INSERT INTO particle_values VALUES (?, ?, ?, ?, ?)",
                                arguments: [generation, i, p.path, particle[d], p.scaled(particle[d])])
                        }
                        for (j, point) in fitted.enumerated() {
                            let v = simulated[i][j]
                            try db.execute(
                                sql: "INSERT INTO simulated VALUES (?, ?, ?, ?)",
                                arguments: [generation, i, point, v.isFinite ? v : nil])
                        }
                    }
                    return .commit
                }
            }
        } catch let e as DatabaseError {
            throw Diagnostic(
                file: path, problem: "cannot record generation \(generation): SQLite says \"\(e.message ?? "\(e)")\"",
                fix: "Check free disk space, then run the command again: the generation's batch \(batch) is kept")
        }
    }

    /// Copies the attached batch database's tables, each row with its generation, creating the tables from the
    /// batch's own columns the first time (so they follow the results database's schema).
    func copyBatch(_ db: Database, generation: Int) throws {
        for table in Self.batchTables {
            let columns = try Row.fetchAll(db, sql: "PRAGMA batch.table_info(\(table))")
            guard !columns.isEmpty else {
                throw Diagnostic(
                    file: path, problem: "the generation's batch has no table \(table)",
                    fix: "Delete its gen-\(generation).db and run the command again")
            }
            if try !db.tableExists(table, in: "main") {
                let definitions = columns.map { c -> String in
                    let name: String = c["name"], type: String = c["type"], notNull: Bool = c["notnull"]
                    return "\(name) \(type)\(notNull ? " NOT NULL" : "")"
                }
                let key = columns.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                    .map { $0["name"] as String }
                try db.execute(
                    sql: "CREATE TABLE \(table) (generation INTEGER NOT NULL, "
                        + definitions.joined(separator: ", ")
                        + ", PRIMARY KEY (" + (["generation"] + key).joined(separator: ", ") + "))")
            }
            let names = columns.map { $0["name"] as String }.joined(separator: ", ")
            try db.execute(
                sql: "INSERT INTO main.\(table) (generation, \(names)) SELECT ?, \(names) FROM batch.\(table)",
                arguments: [generation])
        }
    }
}
