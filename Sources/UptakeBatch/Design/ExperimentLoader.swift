import Foundation
import UptakeScripting

/// Reads an experiment file: runs it in the sandbox (like a scenario: it may
/// compute values, but has no files, clock or randomness), then validates
/// every key with `TableReader`, so a typo is a one-line error with the line
/// and a "did you mean". The keys are documented in docs/batch.md.
public enum ExperimentLoader {
    /// `limits` bounds the file's Lua (the defaults of a run; the fuzzer gives smaller ones).
    public static func load(file: String, limits: LuaState.Limits = LuaState.Limits()) throws -> Experiment {
        let (table, source) = try evaluate(file: file, limits: limits)
        let context = ValidationContext(locator: SourceLocator(file: file, source: source))
        do {
            return try decode(table, file: file, context: context)
        } catch var d as Diagnostic {
            // TableReader names the top-level table "the scenario"; here it is the experiment.
            d.problem = d.problem.replacingOccurrences(of: "the scenario", with: "the experiment")
            throw d
        }
    }

    /// Runs the file in a fresh sandbox and returns the table it returns.
    static func evaluate(file: String, limits: LuaState.Limits = LuaState.Limits()) throws -> (LuaTable, String) {
        let lua = try LuaState(limits: limits)
        return try DeclarativeFile.experiment.evaluate(file: file, sandbox: try LuaSandbox(lua: lua))
    }

    /// `recorder`, when given, notes every key read (how `ExperimentDefinitions` makes the editor definitions).
    static func decode(_ table: LuaTable, file: String, context: ValidationContext, recorder: KeyRecorder? = nil) throws
        -> Experiment
    {
        var top = TableReader(table, path: [], context: context)
        top.recorder = recorder
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let name = try top.string(
            "name", default: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)!
        guard let scenario = try top.string("scenario") else {
            throw top.error(
                nil, "the experiment needs 'scenario'",
                fix: "Add scenario = \"baseline.lua\" (a path relative to the experiment file)")
        }
        let scenarioFile =
            scenario.hasPrefix("/")
            ? scenario : folder.appendingPathComponent(scenario).standardizedFileURL.relativePath(from: file)
        guard FileManager.default.fileExists(atPath: scenarioFile) else {
            throw top.error(
                "scenario", "scenario file '\(scenario)' not found (looked for \(scenarioFile))",
                fix: "Write the path relative to the experiment file's folder")
        }
        let seed = UInt64(try top.integer("seed", default: 1, in: 0...Int.max)!)
        let fixed = try decodeFixed(&top)
        var parameters = try decodeParameters(&top, key: "levers", role: .lever)
        parameters += try decodeParameters(&top, key: "uncertainties", role: .uncertainty)
        let paths = parameters.map(\.path)
        if let dup = paths.first(where: { p in paths.filter { $0 == p }.count > 1 }) {
            throw top.error(
                "uncertainties", "'\(dup)' is both a lever and an uncertainty", fix: "Keep it in one of the two tables")
        }
        if let clash = fixed.first(where: { paths.contains($0.path.joined(separator: ".")) }) {
            throw top.error(
                "set", "'\(clash.path.joined(separator: "."))' is fixed in 'set' and varied as a parameter",
                fix: "Remove it from one of them")
        }
        let design = try decodeDesign(&top, parameters: parameters)
        let replicates = try top.integer("replicates", default: 1, in: 1...1_000_000)!
        let crn = try top.bool("common_random_numbers", default: false)!
        let baseline = try decodeBaseline(&top, parameters: parameters)
        let record = try decodeRecord(&top)
        let stop = try decodeStop(&top)
        try top.rejectUnknownKeys()
        return Experiment(
            file: file, name: name, scenarioFile: scenarioFile, seed: seed, fixed: fixed, parameters: parameters,
            design: design, replicates: replicates, commonRandomNumbers: crn, baseline: baseline, record: record,
            stop: stop, context: context)
    }

    /// `set = { ["firms.count"] = 2000, ticks = 12 }`: the same for every run.
    static func decodeFixed(_ top: inout TableReader) throws -> [ParameterOverride] {
        guard let set = try top.subtable("set") else { return [] }
        return try set.table.fields.map { field in
            try override(path: field.key, value: field.value, reader: set, key: field.key)
        }
    }

    static func override(path: String, value: LuaValue, reader: TableReader, key: String) throws -> ParameterOverride {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else {
            throw reader.error(
                key, "'\(path)' is not a parameter path",
                fix: "Write plugin.param or a scenario path like model.word_of_mouth")
        }
        if parts == ["seed"] {
            throw reader.error(
                key,
                "runs cannot set 'seed': each run's seed comes from the experiment's seed, its design point and replicate",
                fix: "Set seed = N at the top of the experiment, and replicates = R for more seeds")
        }
        if case .table = value {
            throw reader.error(
                key, "'\(path)' must be a number, string or boolean here, not a table",
                fix: "Write e.g. [\"\(path)\"] = 0.3")
        }
        return ParameterOverride(path: parts, value: value, text: "\(path)=\(value.description)")
    }

    static func decodeParameters(_ top: inout TableReader, key: String, role: ExperimentParameter.Role) throws
        -> [ExperimentParameter]
    {
        guard let group = try top.subtable(key) else { return [] }
        if !group.table.items.isEmpty {
            throw group.error(
                nil, "'\(key)' must name each parameter",
                fix: "Write e.g. \(key) = { [\"tax-relief.rate\"] = { 0, 0.1, 0.2 } }")
        }
        var result: [ExperimentParameter] = []
        for field in group.table.fields {
            let path = field.key
            _ = try override(path: path, value: .nil, reader: group, key: path)
            guard let spec = field.value.table else {
                throw group.error(
                    path,
                    "'\(path)' must be a list { 0, 0.1, 0.2 }, a range { from = 0, step = 0.1, to = 0.3 } or an interval { min = 0, max = 1 }, not \(field.value.typeName) \(field.value)"
                )
            }
            var r = TableReader(spec, path: [key, path], context: group.context)
            let domain: ExperimentParameter.Domain
            if !spec.items.isEmpty {
                guard spec.fields.isEmpty else {
                    throw r.error(
                        nil, "'\(path)' mixes a list of values with named keys",
                        fix: "Write either { 0, 0.1 } or { min = 0, max = 1 }")
                }
                if let bad = spec.items.first(where: {
                    if case .table = $0 { return true }
                    return $0 == .nil
                }) {
                    throw r.error(
                        nil, "'\(path)' lists \(bad.typeName) \(bad); values must be numbers, strings or booleans")
                }
                domain = .values(spec.items)
            } else if spec["from"] != nil || spec["step"] != nil || spec["to"] != nil {
                let from = try r.requiredNumber("from"), step = try r.requiredNumber("step"),
                    to = try r.requiredNumber("to")
                guard step > 0, to >= from else {
                    throw r.error(
                        "step", "'\(path)' needs step > 0 and to >= from",
                        fix: "Write e.g. { from = 0, step = 0.1, to = 0.3 }")
                }
                let count = Int(((to - from) / step + 1e-9).rounded(.down)) + 1
                guard count <= 100_000 else {
                    throw r.error(
                        "step", "'\(path)' has \(count) values; that is too many for a grid", fix: "Use a larger step")
                }
                // Values from an integer count, not by repeated addition, so 0.1 steps do not drift.
                domain = .values(
                    (0..<count).map { i in
                        let x = from + Double(i) * step
                        let rounded = (x * 1e12).rounded() / 1e12
                        return rounded == rounded.rounded() && abs(rounded) < 1e15
                            ? .integer(Int64(rounded)) : .number(rounded)
                    })
            } else {
                let lo = try r.requiredNumber("min"), hi = try r.requiredNumber("max")
                guard hi > lo else {
                    throw r.error("max", "'\(path)' needs max > min", fix: "Write e.g. { min = 0.3, max = 0.7 }")
                }
                domain = .interval(min: lo, max: hi)
            }
            try r.rejectUnknownKeys(allowItems: true)
            result.append(ExperimentParameter(path: path, role: role, domain: domain))
        }
        return result
    }

    static func decodeDesign(_ top: inout TableReader, parameters: [ExperimentParameter]) throws -> DesignKind {
        let sampled = parameters.filter(\.isSampled)
        var reader: TableReader
        let kind: String
        if let raw = top.raw("design"), let name = raw.string {
            reader = TableReader(LuaTable(), path: ["design"], context: top.context)
            kind = name
            guard DesignKind.names.contains(kind) else {
                throw top.error(
                    "design", "unknown design '\(kind)'", fix: Suggestion.hint(for: kind, in: DesignKind.names))
            }
        } else if let t = try top.subtable("design") {
            reader = t
            kind = try reader.string("kind", oneOf: DesignKind.names) ?? "grid"
        } else {
            reader = TableReader(LuaTable(), path: ["design"], context: top.context)
            kind = "grid"
        }
        let design: DesignKind
        func samples(_ key: String) throws -> Int {
            guard let n = try reader.integer(key, in: 1...10_000_000) else {
                throw top.error(
                    "design", "the \(kind) design needs '\(key)'",
                    fix: "Write design = { kind = \"\(kind)\", \(key) = 100 }")
            }
            return n
        }
        switch kind {
        case "random": design = .random(samples: try samples("samples"))
        case "lhs": design = .latinHypercube(samples: try samples("samples"))
        case "sobol": design = .sobol(samples: try samples("samples"))
        case "morris":
            let levels = try reader.integer("levels", default: 4, in: 2...100)!
            guard levels % 2 == 0 else {
                throw reader.error(
                    "levels", "Morris 'levels' must be even (the step is levels / (2 (levels - 1)))",
                    fix: "Use 4, 6 or 8")
            }
            design = .morris(trajectories: try samples("trajectories"), levels: levels)
        case "points":
            _ = reader.raw("points")
            design = .points(rows: try givenPoints(reader, sampled: sampled))
        default: design = .grid
        }
        try reader.rejectUnknownKeys()
        if design == .grid, let p = sampled.first {
            throw top.context.diagnostic(
                path: [p.role == .lever ? "levers" : "uncertainties", p.path],
                problem:
                    "'\(p.path)' is an interval { min, max } but the design is a grid, which only crosses listed values",
                fix:
                    "List values ({ 0, 0.1, 0.2 } or { from = 0, step = 0.1, to = 0.2 }), or choose design = { kind = \"lhs\", samples = 50 }"
            )
        }
        if design != .grid && sampled.isEmpty {
            throw top.error(
                "design",
                "the \(kind) design samples intervals, but no lever or uncertainty is an interval { min, max }",
                fix: "Give at least one parameter as { min = ..., max = ... }, or use design = \"grid\"")
        }
        return design
    }

    /// `points = { { ["model.word_of_mouth"] = 0.41, ... }, ... }`: every
    /// interval parameter's value at each point, read as unit-cube coordinates.
    static func givenPoints(_ reader: TableReader, sampled: [ExperimentParameter]) throws -> [[Double]] {
        guard let list = reader.table["points"]?.table, list.fields.isEmpty, !list.items.isEmpty else {
            throw reader.error(
                "points", "the points design needs 'points', a list of points",
                fix: "Write design = { kind = \"points\", points = { { [\"x.y\"] = 0.5 }, ... } }")
        }
        return try list.items.enumerated().map { n, item in
            guard let point = item.table else {
                throw reader.error("points", "point \(n + 1) must be a table of parameter values")
            }
            return try sampled.map { p -> Double in
                guard case .interval(let lo, let hi) = p.domain, let x = point[p.path]?.double, x.isFinite else {
                    throw reader.error("points", "point \(n + 1) has no number for '\(p.path)'")
                }
                guard x >= lo && x <= hi else {
                    throw reader.error("points", "point \(n + 1) puts '\(p.path)' at \(x), outside \(lo) to \(hi)")
                }
                return (x - lo) / (hi - lo)
            }
        }
    }

    static func decodeBaseline(_ top: inout TableReader, parameters: [ExperimentParameter]) throws -> [String:
        LuaValue]?
    {
        guard let reader = try top.subtable("baseline") else { return nil }
        var values: [String: LuaValue] = [:]
        let discreteLevers = parameters.filter { $0.role == .lever && !$0.isSampled }
        for field in reader.table.fields {
            guard let lever = discreteLevers.first(where: { $0.path == field.key }) else {
                throw reader.error(
                    field.key, "'\(field.key)' is not a listed lever, so it cannot define the baseline",
                    fix: discreteLevers.isEmpty
                        ? "List lever values in levers = { ... } first"
                        : Suggestion.hint(for: field.key, in: discreteLevers.map(\.path)).capitalizedFirst)
            }
            guard case .values(let allowed) = lever.domain,
                allowed.contains(where: { ExperimentParameter.same($0, field.value) })
            else { continue }
            values[field.key] = field.value
        }
        for lever in discreteLevers where values[lever.path] == nil {
            throw reader.error(
                reader.table[lever.path] == nil ? nil : lever.path,
                reader.table[lever.path] == nil
                    ? "the baseline does not give lever '\(lever.path)'"
                    : "the baseline's '\(lever.path)' is not one of the lever's values \(lever.domainText)",
                fix: "Give every listed lever one of its listed values, e.g. [\"\(lever.path)\"] = 0")
        }
        return values
    }

    static func decodeRecord(_ top: inout TableReader) throws -> RecordSpec {
        var spec = RecordSpec()
        guard var r = try top.subtable("record") else { return spec }
        if let final = try r.strings("final") { spec.final = final }
        spec.series = try r.strings("series") ?? []
        spec.every = try r.integer("every", default: 1, in: 1...1_000_000)!
        try r.rejectUnknownKeys()
        return spec
    }

    static func decodeStop(_ top: inout TableReader) throws -> StopCondition? {
        guard var r = try top.subtable("stop") else { return nil }
        guard let metric = try r.string("metric") else {
            throw r.error(nil, "'stop' needs 'metric'", fix: "Write stop = { metric = \"adoption\", at_least = 0.5 }")
        }
        let stop = StopCondition(metric: metric, atLeast: try r.number("at_least"), atMost: try r.number("at_most"))
        if stop.atLeast == nil && stop.atMost == nil {
            throw r.error(
                nil, "'stop' needs 'at_least' or 'at_most'",
                fix: "Write stop = { metric = \"\(metric)\", at_least = 0.5 }")
        }
        try r.rejectUnknownKeys()
        return stop
    }
}

extension ExperimentParameter {
    /// Lua values compare equal across integer and float forms (0 == 0.0).
    static func same(_ a: LuaValue, _ b: LuaValue) -> Bool {
        if let x = a.double, let y = b.double { return x == y }
        return a == b
    }
}

extension URL {
    /// This path written relative to the current folder when `reference` was relative (keeps messages short).
    func relativePath(from reference: String) -> String {
        if reference.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
