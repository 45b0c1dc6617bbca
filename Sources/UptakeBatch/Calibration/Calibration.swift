import Foundation
import UptakeScripting

/// A calibration file: which scenario, which uncertain parameters (uniform
/// priors on intervals), which observed series, and how hard to search.
/// docs/decisions.md explains every key.
///
///     return calibration {
///       scenario = "baseline.lua",
///       data = "../data/eurostat-enterprise-ai.csv",
///       parameters = { ["model.word_of_mouth"] = { min = 0.2, max = 0.8 } },
///       particles = 100, generations = 5,
///     }
public struct Calibration: Sendable {
    public var file: String
    public var name: String
    public var scenarioFile: String
    public var dataFile: String
    /// The uncertain parameters, each an interval (its uniform prior).
    public var parameters: [ExperimentParameter]
    /// Values every run uses.
    public var fixed: [ParameterOverride]
    /// The series.csv column each data segment is compared with.
    public var segments: [String: String]
    /// Particles kept per generation, and simulated per generation.
    public var particles: Int
    public var proposals: Int
    public var generations: Int
    public var seed: UInt64
    public var context: ValidationContext

    /// A data segment's column unless the file says otherwise.
    public static let defaultSegments = [
        "all": "adoption", "small": "adoption_small", "medium": "adoption_medium", "large": "adoption_large",
    ]

    /// What a calibration file (or `uptake calibrate --particles/--proposals/--generations`) may ask for.
    public static let particleRange = 2...100_000
    public static let maximumProposals = 10_000_000
    public static let generationRange = 1...100

    /// The standard error of a data point that gives none (one percentage point).
    public static let defaultStandardError = 0.01

    public static func load(file: String) throws -> Calibration {
        let lua = try LuaState()
        let (table, source) = try DeclarativeFile.calibration.evaluate(file: file, sandbox: try LuaSandbox(lua: lua))
        let context = ValidationContext(locator: SourceLocator(file: file, source: source))
        do {
            return try decode(table, file: file, context: context)
        } catch var d as Diagnostic {
            d.problem = d.problem.replacingOccurrences(of: "the scenario", with: "the calibration")
            throw d
        }
    }

    static func decode(_ table: LuaTable, file: String, context: ValidationContext, recorder: KeyRecorder? = nil) throws
        -> Calibration
    {
        var top = TableReader(table, path: [], context: context)
        top.recorder = recorder
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func path(_ key: String, _ example: String) throws -> String {
            guard let given = try top.string(key) else {
                throw top.error(
                    nil, "the calibration needs '\(key)'", fix: "Add \(key) = \"\(example)\" (relative to this file)")
            }
            let resolved = given.hasPrefix("/") ? given : folder.appendingPathComponent(given).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: resolved) else {
                throw top.error(
                    key, "'\(given)' not found (looked for \(resolved))",
                    fix: "Write the path relative to the calibration file's folder")
            }
            return resolved
        }
        let name = try top.string(
            "name", default: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)!
        let scenario = try path("scenario", "baseline.lua")
        let data = try path("data", "../data/eurostat-enterprise-ai.csv")
        let fixed = try ExperimentLoader.decodeFixed(&top)
        let parameters = try ExperimentLoader.decodeParameters(&top, key: "parameters", role: .uncertainty)
        guard !parameters.isEmpty else {
            throw top.error(
                nil, "the calibration needs 'parameters' to fit",
                fix: "Add parameters = { [\"model.word_of_mouth\"] = { min = 0.2, max = 0.8 } }")
        }
        if let listed = parameters.first(where: { !$0.isSampled }) {
            throw top.context.diagnostic(
                path: ["parameters", listed.path],
                problem: "'\(listed.path)' must be an interval { min, max }: its prior is uniform on it",
                fix: "Write [\"\(listed.path)\"] = { min = 0.2, max = 0.8 }")
        }
        var segments = defaultSegments
        if let s = try top.subtable("segments") {
            for field in s.table.fields {
                guard let column = field.value.string else {
                    throw s.error(field.key, "segment '\(field.key)' must name a series.csv column")
                }
                segments[field.key] = column
            }
        }
        let particles = try top.integer("particles", default: 100, in: Calibration.particleRange)!
        let proposals = try top.integer(
            "proposals", default: particles * 5, in: particles...Calibration.maximumProposals)!
        let generations = try top.integer("generations", default: 5, in: Calibration.generationRange)!
        let seed = UInt64(try top.integer("seed", default: 1, in: 0...Int.max)!)
        try top.rejectUnknownKeys()
        return Calibration(
            file: file, name: name, scenarioFile: scenario, dataFile: data, parameters: parameters, fixed: fixed,
            segments: segments, particles: particles, proposals: proposals, generations: generations, seed: seed,
            context: context)
    }

    /// lua-language-server definitions of a calibration file, from the keys `decode` reads.
    public static func luals() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "uptake-calibration-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["s.lua", "d.csv"] { try Data().write(to: folder.appendingPathComponent(name)) }
        let file = folder.appendingPathComponent("calibration.lua").path
        let table = LuaTable(fields: [
            ("scenario", .string("s.lua")), ("data", .string("d.csv")), ("set", .table(LuaTable())),
            (
                "parameters",
                .table(
                    LuaTable(fields: [("x.y", .table(LuaTable(fields: [("min", .number(0)), ("max", .number(1))])))]))
            ),
            ("segments", .table(LuaTable())),
        ])
        let recorder = KeyRecorder()
        _ = try decode(
            table, file: file, context: ValidationContext(locator: SourceLocator(file: file, source: "")),
            recorder: recorder)
        var entries = recorder.entries.filter {
            !["set", "parameters", "segments"].contains($0.key.split(separator: ".").first.map(String.init) ?? "")
        }
        for i in entries.indices where entries[i].key == "name" {
            entries[i].defaultText = "the file's name without .lua"
        }
        var out = ConfigDefinitions.classes(
            root: "uptake.Calibration", doc: "A calibration file's table (docs/decisions.md for every key).",
            keys: ConfigDefinitions.keys(entries),
            types: [
                "set": "table<string, number|string|boolean>", "parameters": "table<string, uptake.ParameterInterval>",
                "segments": "table<string, uptake.Output>",
            ],
            docs: [
                "set": "Values every run uses, by parameter path.",
                "parameters": "The parameters to fit, by parameter path: each prior is uniform on its interval.",
                "segments":
                    "The series.csv column each data segment is compared with (all, small, medium, large by default).",
            ],
            required: ["scenario", "data", "parameters"])
        out += """
            ---Marks a calibration table (calibration files only).
            ---@param t uptake.Calibration
            ---@return uptake.Calibration
            function calibration(t) end

            """
        return out
    }
}
