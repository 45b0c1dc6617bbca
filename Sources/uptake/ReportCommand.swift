import ArgumentParser
import Foundation
import UptakeBatch
import UptakeFiles
import UptakeReport
import UptakeScripting

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Write a self-contained HTML report of a run (its --out folder) or of a batch (its results database).",
        discussion: """
            One HTML file with its charts drawn in, nothing fetched from anywhere: it opens offline, can be \
            mailed, and prints as it looks. A run's report shows adoption (overall, by adopter category, \
            sector and size, with Rogers' critical-mass levels), the stages of the decision, productivity, \
            energy, emissions, trust and public spending by account, with the run's provenance from run.json. \
            A batch's report ranks the policies against the baseline as uptake results does, with every \
            run, the 95% CIs, the cost per extra adopter, recorded series over time, and the Sobol or Morris \
            indices of a sobol or morris design. The same input gives the same file, byte for byte. \
            docs/pictures.md explains each chart.

            Examples:
              uptake report out/baseline                       # out/baseline/report.html
              uptake report out/sweep.db -o out/sweep.html
              uptake run scenarios/baseline.lua --report       # a run writes out/report.html itself
            """
    )

    @Argument(help: "A run's output folder (with series.csv, from uptake run --out) or a results database.")
    var input: String

    @Option(
        name: [.customShort("o"), .customLong("out")],
        help: "The HTML file to write (default: report.html in the run folder, or the database's name with .html).",
        transform: ArgumentValues.filePath("--out", example: "out/report.html"))
    var out: String?

    @Option(help: "For a batch: the recorded final value policies are compared on (default: as uptake results).")
    var outcome: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let source = try Source(input)
        let destination = out ?? source.defaultOutput
        let url = URL(fileURLWithPath: destination)
        if source.files.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL == url.standardizedFileURL }) {
            throw UserFacingError(
                "-o \(destination) is the report's own input; write the report to another file, e.g. report.html")
        }
        let html: String
        switch source {
        case .run(let folder, let series):
            if outcome != nil {
                throw UserFacingError("--outcome is for the report of a batch; \(input) is a run")
            }
            let table = try SeriesCSVReader.read(path: series)
            let record = try RunRecord.read(path: (folder as NSString).appendingPathComponent(RunRecord.fileName))
            html = RunReport.html(
                table: table, record: record, source: series, program: UptakeVersion.build.description)
        case .batch(let database):
            let store = try ResultStore.open(database, readOnly: true)
            html = try BatchReport.html(
                store: store, source: database, program: UptakeVersion.build.description, outcome: outcome)
        }
        try OutputFile.write(Data(html.utf8), to: url, display: destination)
        if !quiet {
            let charts = html.components(separatedBy: "<svg ").count - 1
            print("report: wrote \(destination) (\(charts) chart\(charts == 1 ? "" : "s"))")
        }
    }

    /// What the input is: a run's folder (or its series.csv), or a results database.
    enum Source {
        case run(folder: String, series: String)
        case batch(String)

        init(_ path: String) throws {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw Diagnostic(
                    file: path, problem: "there is no run folder or results database here",
                    fix:
                        "Give the --out folder of uptake run (it holds series.csv) or the --out database of "
                        + "uptake batch"
                )
            }
            if isFolder.boolValue {
                let series = (path as NSString).appendingPathComponent("series.csv")
                guard FileManager.default.fileExists(atPath: series) else {
                    throw Diagnostic(
                        file: path, problem: "this folder has no series.csv",
                        fix: "Give the --out folder of a run (make one with: uptake run SCENARIO --out \(path))")
                }
                self = .run(folder: path, series: series)
                return
            }
            if Source.isSQLite(path) {
                self = .batch(path)
            } else if path.hasSuffix(".csv") {
                self = .run(folder: (path as NSString).deletingLastPathComponent, series: path)
            } else {
                throw Diagnostic(
                    file: path, problem: "this is neither a run folder nor a results database",
                    fix:
                        "Give the --out folder of uptake run (it holds series.csv) or the --out database of "
                        + "uptake batch"
                )
            }
        }

        /// The files the report is made from (none may be overwritten by it).
        var files: [String] {
            switch self {
            case .run(let folder, let series): return [series, (folder as NSString).appendingPathComponent("run.json")]
            case .batch(let database): return [database]
            }
        }

        var defaultOutput: String {
            switch self {
            case .run(let folder, _): return (folder as NSString).appendingPathComponent("report.html")
            case .batch(let database):
                let stem = (database as NSString).deletingPathExtension
                return (stem.isEmpty ? database : stem) + ".html"
            }
        }

        /// Whether the file starts as every SQLite database does.
        static func isSQLite(_ path: String) -> Bool {
            guard let handle = FileHandle(forReadingAtPath: path) else { return false }
            defer { try? handle.close() }
            let header = (try? handle.read(upToCount: 16)) ?? Data()
            return header == Data("SQLite format 3\0".utf8)
        }
    }
}
