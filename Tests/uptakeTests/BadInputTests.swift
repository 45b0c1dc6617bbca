import Foundation
import XCTest
import UptakeTestSupport

/// The catalogue of wrong inputs: for each, the exact one-line message and
/// exit status a user gets, and that nothing already there is lost or
/// changed (an earlier series.csv, a results database).
final class BadInputTests: XCTestCase {
    struct Case {
        let name: String
        /// Files to write first (path -> bytes).
        var files: [String: Data]
        let arguments: [String]
        let status: Int32
        /// The whole error line, with the case's folder written as $DIR.
        let message: String
    }

    static func text(_ s: String) -> Data { Data(s.utf8) }
    static func scenario(_ body: String) -> Data { text("return scenario { ticks = 2, \(body) }\n") }
    static let experiment = text(
        "return experiment { scenario = \"s.lua\", levers = { [\"firms.count\"] = { 50, 60 } } }\n")
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    static let cases: [Case] = [
        Case(
            name: "duplicate firm ids",
            files: [
                "f.csv": text("id,sector\na,retail\na,retail\n"), "s.lua": scenario("firms = { file = \"f.csv\" }"),
            ],
            arguments: ["run", "s.lua"], status: 1,
            message: "Error: $DIR/f.csv:3: firm id 'a' appears twice. Make ids unique"),
        Case(
            name: "a short CSV row",
            files: ["f.csv": text("id,sector\na,retail\nb\n"), "s.lua": scenario("firms = { file = \"f.csv\" }")],
            arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: $DIR/f.csv:3: the row has 1 cell where the header has 2 (id,sector). Give every row one cell per column (leave a cell empty, with its comma, to use the default)"
        ),
        Case(
            name: "an empty CSV file", files: ["f.csv": text(""), "s.lua": scenario("firms = { file = \"f.csv\" }")],
            arguments: ["run", "s.lua"], status: 1,
            message: "Error: $DIR/f.csv:1: the file is empty. Write a header row (column names) and one row per record"),
        Case(
            name: "NaN in a CSV cell",
            files: ["f.csv": text("id,innovativeness\na,nan\n"), "s.lua": scenario("firms = { file = \"f.csv\" }")],
            arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: $DIR/f.csv:2: column 'innovativeness' has 'nan', which is not a finite number. Correct the cell or leave it empty to use the default"
        ),
        Case(
            name: "a huge value in a CSV cell",
            files: ["f.csv": text("id,threshold\na,1e400\n"), "s.lua": scenario("firms = { file = \"f.csv\" }")],
            arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: $DIR/f.csv:2: column 'threshold' has '1e400', which is not a finite number. Correct the cell or leave it empty to use the default"
        ),
        Case(
            name: "a CSV file in Latin-1",
            files: [
                "f.csv": Data("id,sector\n".utf8) + Data([0xE9, 0x2C, 0x72, 0x0A]),
                "s.lua": scenario("firms = { file = \"f.csv\" }"),
            ],
            arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: $DIR/f.csv:2: the file is not UTF-8 text (byte 0xE9 on this line). Save it as UTF-8 (in Excel: Save As, \"CSV UTF-8\")"
        ),
        Case(
            name: "an edge to an unknown firm",
            files: [
                "e.csv": text("source,target\n0,1\n0,99\n"),
                "s.lua": scenario("firms = 10, network = { kind = \"edges\", file = \"e.csv\" }"),
            ],
            arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: $DIR/e.csv:3: '99' is not a firm number from 0 to 9. Use firm numbers, or load firms from a file and use its ids"
        ),
        Case(
            name: "a negative parameter", files: ["s.lua": scenario("firms = { count = -5 }")],
            arguments: ["run", "s.lua"], status: 1,
            message: "Error: s.lua:1: 'count' = -5 is out of range. Use a whole number from 1 to 50000000"),
        Case(
            name: "a NaN parameter", files: ["s.lua": scenario("firms = 0/0")], arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: s.lua:1: 'firms' = nan is not a number of firms. Write a whole number from 1 to 50000000, or a table { count = ..., file = ... }"
        ),
        Case(
            name: "a huge parameter", files: ["s.lua": text("return scenario { ticks = 1e300 }\n")],
            arguments: ["run", "s.lua"], status: 1,
            message: "Error: s.lua:1: 'ticks' must be a whole number, not 1e+300. Write e.g. ticks = 40"),
        Case(
            name: "NaN given with --set", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--set", "model.word_of_mouth=nan"], status: 1,
            message:
                "Error: --set model.word_of_mouth=nan: 'nan' is not a finite number. Write an ordinary number, e.g. --set model.word_of_mouth=0.5"
        ),
        Case(
            name: "NaN given as the seed with --set", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--set", "seed=nan"], status: 1,
            message: "Error: --set seed=nan: 'nan' is not a finite number. Write an ordinary number, e.g. --set seed=7"),
        Case(
            name: "infinity given with --set", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--set", "model.word_of_mouth=-inf"], status: 1,
            message:
                "Error: --set model.word_of_mouth=-inf: '-inf' is not a finite number. Write an ordinary number, e.g. --set model.word_of_mouth=0.5"
        ),
        Case(
            name: "a misspelt command", files: ["s.lua": scenario("firms = 50")], arguments: ["rn", "s.lua"],
            status: 64,
            message:
                "Error: 'rn' is not a command of uptake; did you mean 'uptake run'? ('uptake --help' lists the commands)"
        ),
        Case(
            name: "a misspelt plugin command", files: [:], arguments: ["plugin", "lst"], status: 64,
            message:
                "Error: 'lst' is not a command of uptake plugin; did you mean 'uptake plugin list'? ('uptake plugin --help' lists the commands)"
        ),
        Case(
            name: "a scenario without a command", files: ["s.lua": scenario("firms = 50")], arguments: ["s.lua"],
            status: 64,
            message:
                "Error: 's.lua' is a file, not a command. Run a scenario with: uptake run s.lua; an experiment with: uptake batch s.lua --out results.db"
        ),
        Case(
            name: "a misspelt option", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--seeed", "3"], status: 64,
            message: "Error: Unknown option '--seeed'. Did you mean '--seed'?"),
        Case(
            name: "an experiment file given to run", files: ["s.lua": scenario("firms = 50"), "e.lua": experiment],
            arguments: ["run", "e.lua"], status: 1,
            message:
                "Error: e.lua:1: this is an experiment file, not a scenario. Run it with: uptake batch e.lua --out results.db"
        ),
        Case(
            name: "a scenario file given to batch", files: ["s.lua": scenario("firms = 50")],
            arguments: ["batch", "s.lua", "--out", "r.db"], status: 1,
            message: "Error: s.lua:1: this is a scenario file, not an experiment. Run it with: uptake run s.lua"),
        Case(
            name: "no threads", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--threads", "0"], status: 64,
            message:
                "Error: The value '0' is invalid for '--threads <threads>': use a whole number from 1 to 1024 (this machine has \(cores) cores), e.g. --threads \(cores)"
        ),
        Case(
            name: "negative jobs", files: ["s.lua": scenario("firms = 50"), "e.lua": experiment],
            arguments: ["batch", "e.lua", "--out", "r.db", "--jobs", "-2"], status: 64,
            message:
                "Error: The value '-2' is invalid for '--jobs <jobs>': use a whole number from 1 to 1024 (this machine has \(cores) cores), e.g. --jobs \(cores)"
        ),
        Case(
            name: "a negative seed", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--seed", "-3"], status: 64,
            message:
                "Error: The value '-3' is invalid for '--seed <seed>': a seed cannot be negative; use a whole number from 0 to 18446744073709551615, e.g. --seed 7"
        ),
        Case(
            name: "a seed over 2^64-1", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--seed", "18446744073709551616"], status: 64,
            message:
                "Error: The value '18446744073709551616' is invalid for '--seed <seed>': that is more than the largest seed; use a whole number from 0 to 18446744073709551615, e.g. --seed 7"
        ),
        Case(
            name: "a seed over 2^64-1 with --set", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--set", "seed=18446744073709551616"], status: 1,
            message:
                "Error: --set seed=18446744073709551616: the seed must be a whole number from 0 to 18446744073709551615. Write e.g. --set seed=7"
        ),
        Case(
            name: "an empty output path", files: ["s.lua": scenario("firms = 50"), "e.lua": experiment],
            arguments: ["batch", "e.lua", "--out", ""], status: 64,
            message:
                "Error: The value '' is invalid for '--out <out>': the path is empty; give one, e.g. --out out/results.db"
        ),
        Case(
            name: "a folder given for a file output", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--firms-out", "firms/"], status: 64,
            message:
                "Error: The value 'firms/' is invalid for '--firms-out <firms-out>': this names a folder (it ends with /); give a file name, e.g. --firms-out firms/firms.csv"
        ),
        Case(
            name: "the firms written over the series", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--firms-out", "out/series.csv"],
            status: 1,
            message:
                "Error: --firms-out out/series.csv is the series file of --out out; give the firms another file name, e.g. out/firms.csv"
        ),
        Case(
            name: "a scenario that is not there", files: [:], arguments: ["run", "missing.lua"], status: 1,
            message:
                "Error: missing.lua: there is no scenario file here. Check the path; scenarios are Lua files like scenarios/baseline.lua"
        ),
        Case(
            name: "a zero memory cap", files: ["s.lua": scenario("firms = 50")],
            arguments: ["run", "s.lua", "--max-memory", "0"], status: 64,
            message:
                "Error: The value '0' is invalid for '--max-memory <max-memory>': use a whole number of MiB from 1 to 1048576, e.g. --max-memory 512"
        ),
        Case(
            name: "an empty scenario file", files: ["s.lua": text("")], arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: s.lua:1: the scenario returned nil instead of a table. End the file with: return scenario { name = \"...\", ... }"
        ),
        Case(
            name: "a binary file given as a scenario", files: ["s.lua": Data([0x1B, 0x4C, 0x75, 0x61, 0x54, 0x00])],
            arguments: ["run", "s.lua"], status: 1,
            message:
                "Error: s.lua:1: the file is compiled Lua (a binary chunk), not Lua source text. Give the scenario's .lua source file; compiled chunks are refused because they can crash the interpreter"
        ),
        Case(
            name: "a file that is not a database", files: ["r.db": text("garbage\n")], arguments: ["results", "r.db"],
            status: 1,
            message:
                "Error: r.db: cannot open the results database: file is not a database. Check that it is a file written by uptake batch --out"
        ),
        Case(
            name: "calibrate keeping fewer than two particles", files: calibrationFiles,
            arguments: ["calibrate", "c.lua", "--out", "cal", "--particles", "1"], status: 1,
            message: "Error: --particles 1 is not from 2 to 100000"
        ),
        Case(
            name: "calibrate running fewer proposals than it keeps", files: calibrationFiles,
            arguments: ["calibrate", "c.lua", "--out", "cal", "--particles", "10", "--proposals", "5"], status: 1,
            message: "Error: --proposals 5 is fewer than the 10 particles kept, or more than 10000000"
        ),
        Case(
            name: "calibrate without generations", files: calibrationFiles,
            arguments: ["calibrate", "c.lua", "--out", "cal", "--generations", "0"], status: 1,
            message: "Error: --generations 0 is not from 1 to 100"
        ),
    ]

    /// A calibration file, its scenario and its data, all valid.
    static let calibrationFiles: [String: Data] = [
        "s.lua": scenario("firms = 50,"), "d.csv": text("date,segment,value\n2023,all,0.1\n"),
        "c.lua": text(
            "return calibration { scenario = \"s.lua\", data = \"d.csv\", "
                + "parameters = { [\"model.word_of_mouth\"] = { min = 0.1, max = 0.9 } } }\n"),
    ]

    func errorLine(_ stderr: String) -> String { UptakeCLI.errorLine(stderr) }

    func testEachWrongInputGetsItsMessageAndExitStatusAndChangesNothing() throws {
        for c in Self.cases {
            let dir = try TemporaryFolder.make()
            for (path, data) in c.files { try data.write(to: dir.appendingPathComponent(path)) }
            // Results of an earlier run in the output folder must survive the failed one.
            let out = dir.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try "earlier results\n".write(
                to: out.appendingPathComponent("series.csv"), atomically: true, encoding: .utf8)
            let before = try c.files.mapValues { _ in () }.keys.map {
                try Data(contentsOf: dir.appendingPathComponent($0))
            }
            let arguments = c.arguments + (c.arguments.first == "run" ? ["--out", "out"] : [])
            let r = try UptakeCLI.run(arguments, in: dir)
            XCTAssertEqual(r.status, c.status, "\(c.name): \(r.stderr)")
            XCTAssertEqual(errorLine(r.stderr), c.message.replacingOccurrences(of: "$DIR", with: dir.path), c.name)
            XCTAssertEqual(
                try String(contentsOf: out.appendingPathComponent("series.csv"), encoding: .utf8), "earlier results\n",
                c.name)
            let after = try c.files.mapValues { _ in () }.keys.map {
                try Data(contentsOf: dir.appendingPathComponent($0))
            }
            XCTAssertEqual(before, after, "\(c.name): an input file was changed")
        }
    }

    func testADamagedResultsDatabaseIsReportedAndNotChanged() throws {
        let dir = try BatchCommandTests.project()
        XCTAssertEqual(try UptakeCLI.run(["batch", "experiment.lua", "--out", "r.db", "--quiet"], in: dir).status, 0)
        let db = dir.appendingPathComponent("r.db")
        var bytes = try Data(contentsOf: db)
        // Overwrite a page in the middle with noise.
        for i in 4096..<min(8192, bytes.count) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try bytes.write(to: db)
        let r = try UptakeCLI.run(["results", "r.db"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(
            errorLine(r.stderr).hasPrefix("Error: r.db: the results database cannot be read: SQLite says")
                || errorLine(r.stderr).hasPrefix("Error: r.db: cannot open the results database"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: db), bytes, "reading must not change the damaged file")
    }

    func testResumingIntoTheDatabaseOfAnotherExperimentIsRefusedAndChangesNothing() throws {
        let a = try BatchCommandTests.project(values: 2)
        let b = try BatchCommandTests.project(values: 3)
        XCTAssertEqual(try UptakeCLI.run(["batch", "experiment.lua", "--out", "r.db", "--quiet"], in: a).status, 0)
        let foreign = b.appendingPathComponent("r.db")
        try FileManager.default.copyItem(at: a.appendingPathComponent("r.db"), to: foreign)
        let before = try Data(contentsOf: foreign)
        let r = try UptakeCLI.run(["batch", "experiment.lua", "--out", "r.db", "--resume", "--quiet"], in: b)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(
            errorLine(r.stderr).hasPrefix(
                "Error: r.db: cannot resume: these results came from different inputs (experiment experiment.lua: hash"),
            r.stderr)
        XCTAssertEqual(try Data(contentsOf: foreign), before)
    }

    /// A full disk: a 64 KiB tmpfs (needs root to mount; skipped where it cannot be made).
    func testAFullDiskLosesNothingAndSaysSo() throws {
        let mountPoint = try TemporaryFolder.make()
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.path]
        mount.standardError = FileHandle.nullDevice
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a small tmpfs here (not root?)") }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        try "earlier results\n".write(
            to: mountPoint.appendingPathComponent("series.csv"), atomically: false, encoding: .utf8)
        let dir = try BatchCommandTests.project(firms: 300, ticks: 600)
        let r = try UptakeCLI.run(["run", "scenario.lua", "--out", mountPoint.path, "--quiet"], in: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(
            errorLine(r.stderr),
            "Error: cannot write \(mountPoint.path)/series.csv: no space left on device; nothing there was changed. Free some space or choose another output"
        )
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: mountPoint.path), ["series.csv"],
            "no temporary file is left")
        XCTAssertEqual(
            try String(contentsOf: mountPoint.appendingPathComponent("series.csv"), encoding: .utf8),
            "earlier results\n")
        let b = try UptakeCLI.run(
            ["batch", "experiment.lua", "--out", mountPoint.appendingPathComponent("r.db").path, "--quiet"], in: dir)
        XCTAssertEqual(b.status, 1, b.stderr)
        XCTAssertEqual(
            errorLine(b.stderr),
            "Error: \(mountPoint.path)/r.db: cannot create the results database: SQLite says \"database or disk is full\". Check free disk space and that the folder exists and is writable, or choose another --out"
        )
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: mountPoint.appendingPathComponent("r.db").path),
            "no half-made database is left")
    }
}
