import Foundation

/// Where a run came from, as `uptake run` records it in run.json beside
/// series.csv (the object `uptake run --json` prints, `RunSummaryJSON`):
/// the scenario, seed, firms, rule, dates, plugins with their versions and
/// the build of uptake that ran it. A report shows it as the run's provenance.
///
/// Fields are read leniently (a field missing, or of another type, is
/// nil: run.json of an older uptake lacks some); a file that is not a JSON
/// object is an error naming it.
public struct RunRecord: Sendable, Equatable {
    public struct Plugin: Sendable, Equatable {
        public var name: String
        public var version: String
    }

    public var scenarioName: String?
    public var scenarioFile: String?
    public var seed: String?
    public var firms: Int?
    public var rule: String?
    /// "quarter", "month" or "year".
    public var unit: String?
    public var ticks: Int?
    public var start: String?
    public var end: String?
    public var plugins: [Plugin]?
    /// `uptake --version` of the build that ran it ("uptake 0.2.0 (commit 3e6b581)").
    public var program: String?

    /// The file name `uptake run` writes beside series.csv.
    public static let fileName = "run.json"
    /// The key of `program` in the object.
    public static let programKey = "uptake_version"

    public init(json: Data, file: String) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json)
        } catch {
            throw InputFileError(
                file: file, problem: "this is not valid JSON", fix: RunRecord.fix)
        }
        guard let o = object as? [String: Any] else {
            throw InputFileError(file: file, problem: "this is not a JSON object", fix: RunRecord.fix)
        }
        let scenario = o["scenario"] as? [String: Any]
        scenarioName = scenario?["name"] as? String
        scenarioFile = scenario?["file"] as? String
        seed = o["seed"] as? String
        firms = (o["firms"] as? NSNumber)?.intValue
        rule = o["rule"] as? String
        unit = o["unit"] as? String
        ticks = (o["ticks"] as? NSNumber)?.intValue
        start = o["start"] as? String
        end = o["end"] as? String
        plugins = (o["plugins"] as? [[String: Any]])?.compactMap { p in
            guard let name = p["name"] as? String else { return nil }
            return Plugin(name: name, version: p["version"] as? String ?? "")
        }
        program = o[RunRecord.programKey] as? String
    }

    /// The record in `path`, nil when there is no such file.
    public static func read(path: String, display: String? = nil) throws -> RunRecord? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let shown = display ?? path
        do {
            return try RunRecord(json: try Data(contentsOf: URL(fileURLWithPath: path)), file: shown)
        } catch let error as InputFileError {
            throw error
        } catch {
            throw InputFileError(file: shown, problem: "cannot read it (\(error.localizedDescription))", fix: fix)
        }
    }

    static let fix =
        "uptake run writes it beside series.csv; run the scenario again, or remove the file to report without it"
}
