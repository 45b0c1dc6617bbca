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

    /// Reads a line `encode` wrote. Works on the bytes: fields are cut at tab bytes
    /// and numbers read from their digits, and only a name or message becomes a
    /// String (as Strings, cutting and searching the line cost 0.8 M instructions a
    /// run of 40 ticks in the supervisor, about a tenth of the run itself).
    static func decode(_ line: Data) throws -> RunResult {
        try line.withUnsafeBytes { try decode($0.bindMemory(to: UInt8.self)) }
    }

    /// `decode` of a line's bytes (without its newline).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws -> RunResult {
        var start = 0
        func next() throws -> UnsafeBufferPointer<UInt8> {
            guard start <= bytes.count else {
                throw DecodingError(description: "a worker's result line ends early")
            }
            var end = start
            while end < bytes.count && bytes[end] != tab { end += 1 }
            defer { start = end + 1 }
            return UnsafeBufferPointer(rebasing: bytes[start..<end])
        }
        func text(_ field: UnsafeBufferPointer<UInt8>) -> String { String(decoding: field, as: UTF8.self) }
        func int() throws -> Int {
            let f = try next()
            guard let n = decimal(f) else {
                throw DecodingError(description: "a worker's result has '\(text(f).prefix(20))' for a number")
            }
            return n
        }
        func double() throws -> Double {
            let f = try next()
            guard let bits = hexadecimal(f) else {
                throw DecodingError(description: "a worker's result has '\(text(f).prefix(20))' for a value")
            }
            return Double(bitPattern: bits)
        }
        /// A name or message as `escape` wrote it (a field without a backslash needs no unescaping).
        func unescaped(_ field: UnsafeBufferPointer<UInt8>) -> String {
            field.contains(backslash) ? unescape(text(field)) : text(field)
        }
        func string() throws -> String { unescaped(try next()) }
        let run = try int(), point = try int(), replicate = try int()
        guard let seed = UInt64(text(try next())) else {
            throw DecodingError(description: "a worker's result has a bad seed")
        }
        let ok = text(try next()) == "ok"
        // "-" alone stands for no message (a message "-" travels as "\\-").
        let errorField = try next()
        let error =
            errorField.elementsEqual("-".utf8)
            ? nil : unescaped(errorField)
        let ticks = try int()
        let duration = try double()
        var outputs: [(metric: String, value: Double)] = []
        for _ in 0..<max(0, try int()) { outputs.append((try string(), try double())) }
        var series: [(tick: Int, metric: String, value: Double)] = []
        let seriesCount = max(0, try int())
        series.reserveCapacity(min(seriesCount, bytes.count))
        // A run's series repeat a few metric names: each is made into a String once.
        var names: [(bytes: [UInt8], name: String)] = []
        for _ in 0..<seriesCount {
            let tick = try int()
            let field = try next()
            let metric: String
            if let known = names.first(where: { $0.bytes.elementsEqual(field) }) {
                metric = known.name
            } else {
                metric = unescaped(field)
                names.append((Array(field), metric))
            }
            series.append((tick, metric, try double()))
        }
        var warnings: [String] = []
        for _ in 0..<max(0, try int()) { warnings.append(try string()) }
        return RunResult(
            run: run, point: point, replicate: replicate, seed: seed, status: ok ? .ok : .failed, error: error,
            ticks: ticks, durationSeconds: duration, outputs: outputs, series: series, warnings: warnings)
    }

    private static let tab = UInt8(ascii: "\t"), backslash = UInt8(ascii: "\\")

    /// A decimal integer (an optional sign, then digits), nil if it is not one or does not fit.
    static func decimal(_ digits: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0, negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            i = 1
        }
        guard i < digits.count else { return nil }
        var value = 0
        while i < digits.count {
            let d = Int(digits[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(d) : times.addingReportingOverflow(d)
            guard !o1 && !o2 else { return nil }
            value = sum
            i += 1
        }
        return value
    }

    /// 1 to 16 hexadecimal digits as 64 bits, nil otherwise.
    static func hexadecimal(_ digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard !digits.isEmpty && digits.count <= 16 else { return nil }
        var value: UInt64 = 0
        for c in digits {
            let d: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt64(c) - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt64(c) - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt64(c) - 55
            default: return nil
            }
            value = value << 4 | d
        }
        return value
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
