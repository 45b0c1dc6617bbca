import Foundation

/// What a worker process sends back for one run: a `RunResult` as one
/// line of tab-separated fields. Numbers travel as the hexadecimal digits of
/// their IEEE bit patterns, so every value (NaN included) arrives exactly as
/// computed: a run's outputs are the same whether it ran in a worker or in
/// this process. (A hand-made line, not JSON: at a thousand small runs a
/// second, Foundation's JSON coders cost more than the runs' own exchange.)
///
///     run point replicate seed ok|failed error|- ticks duration
///         n_outputs (metric value)*  n_series (tick metric value)*  n_warnings warning*
enum WorkerMessage {
    struct DecodingError: Error, CustomStringConvertible {
        let description: String
    }

    /// One line, newline included.
    static func encode(_ r: RunResult) -> Data {
        var fields: [String] = [
            String(r.run), String(r.point), String(r.replicate), String(r.seed),
            r.status == .ok ? "ok" : "failed", r.error.map(escape) ?? "-", String(r.ticks),
            hex(r.durationSeconds), String(r.outputs.count),
        ]
        fields.reserveCapacity(fields.count + 2 * r.outputs.count + 1 + 3 * r.series.count)
        for o in r.outputs {
            fields.append(escape(o.metric))
            fields.append(hex(o.value))
        }
        fields.append(String(r.series.count))
        for s in r.series {
            fields.append(String(s.tick))
            fields.append(escape(s.metric))
            fields.append(hex(s.value))
        }
        fields.append(String(r.warnings.count))
        fields += r.warnings.map(escape)
        return Data((fields.joined(separator: "\t") + "\n").utf8)
    }

    static func decode(_ line: Data) throws -> RunResult {
        let fields = String(decoding: line, as: UTF8.self).split(separator: "\t", omittingEmptySubsequences: false)
        var i = 0
        func next() throws -> Substring {
            guard i < fields.count else { throw DecodingError(description: "a worker's result line ends early") }
            defer { i += 1 }
            return fields[i]
        }
        func int() throws -> Int {
            let f = try next()
            guard let n = Int(f) else {
                throw DecodingError(description: "a worker's result has '\(f.prefix(20))' for a number")
            }
            return n
        }
        func double() throws -> Double {
            let f = try next()
            guard let bits = UInt64(f, radix: 16) else {
                throw DecodingError(description: "a worker's result has '\(f.prefix(20))' for a value")
            }
            return Double(bitPattern: bits)
        }
        let run = try int(), point = try int(), replicate = try int()
        let seedField = try next()
        guard let seed = UInt64(seedField) else { throw DecodingError(description: "a worker's result has a bad seed") }
        let ok = try next() == "ok"
        let errorField = try next()
        let error = errorField == "-" ? nil : unescape(errorField)
        let ticks = try int()
        let duration = try double()
        var outputs: [(metric: String, value: Double)] = []
        for _ in 0..<max(0, try int()) { outputs.append((unescape(try next()), try double())) }
        var series: [(tick: Int, metric: String, value: Double)] = []
        for _ in 0..<max(0, try int()) { series.append((try int(), unescape(try next()), try double())) }
        var warnings: [String] = []
        for _ in 0..<max(0, try int()) { warnings.append(unescape(try next())) }
        return RunResult(
            run: run, point: point, replicate: replicate, seed: seed, status: ok ? .ok : .failed, error: error,
            ticks: ticks, durationSeconds: duration, outputs: outputs, series: series, warnings: warnings)
    }

    static func hex(_ d: Double) -> String { String(d.bitPattern, radix: 16) }

    /// Tabs, newlines and backslashes would break the line: they travel as \t, \n and \\.
    static func escape(_ s: String) -> String {
        if s == "-" { return "\\-" }  // "-" alone stands for no message
        guard s.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\\" || $0 == "\r" }) else {
            return s.isEmpty ? "\\e" : s
        }
        var out = ""
        for c in s {
            switch c {
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default: out.append(c)
            }
        }
        return out
    }

    static func unescape<S: StringProtocol>(_ s: S) -> String {
        if s == "\\e" { return "" }
        guard s.contains("\\") else { return String(s) }
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                switch c {
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
