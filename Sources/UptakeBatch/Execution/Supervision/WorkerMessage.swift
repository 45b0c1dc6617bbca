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

    /// One line, newline included. Written as bytes: as Strings joined with
    /// tabs, the line of a 40-tick run cost a worker 0.27 M instructions, a
    /// thirtieth of the run.
    static func encode(_ r: RunResult) -> Data {
        var line = Line(capacity: 96 + 40 * r.outputs.count + 32 * r.series.count)
        line.decimal(r.run)
        line.decimal(r.point)
        line.decimal(r.replicate)
        line.decimal(r.seed)
        line.text(r.status == .ok ? "ok" : "failed")
        if let error = r.error { line.escaped(error) } else { line.text("-") }
        line.decimal(r.ticks)
        line.hex(r.durationSeconds)
        line.decimal(r.outputs.count)
        for o in r.outputs {
            line.escaped(o.metric)
            line.hex(o.value)
        }
        line.decimal(r.series.count)
        for s in r.series {
            line.decimal(s.tick)
            line.escaped(s.metric)
            line.hex(s.value)
        }
        line.decimal(r.warnings.count)
        for w in r.warnings { line.escaped(w) }
        return line.finished()
    }

    /// The bytes of a line being written: fields, each followed by a tab (the last tab becomes the newline).
    private struct Line {
        private var bytes: [UInt8] = []
        /// A run's series repeat a few metric names: each is escaped once.
        private var names: [(name: String, bytes: [UInt8])] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func text(_ s: String) {
            bytes.append(contentsOf: s.utf8)
            bytes.append(tab)
        }

        mutating func decimal(_ n: Int) {
            if n < 0 { bytes.append(UInt8(ascii: "-")) }
            digits(UInt64(n.magnitude), radix: 10)
        }

        mutating func decimal(_ n: UInt64) { digits(n, radix: 10) }

        /// A number as the lowercase hexadecimal digits of its bit pattern, without leading zeros.
        mutating func hex(_ d: Double) { digits(d.bitPattern, radix: 16) }

        private mutating func digits(_ n: UInt64, radix: UInt64) {
            let start = bytes.count
            var rest = n
            repeat {
                let d = UInt8(truncatingIfNeeded: rest % radix)
                bytes.append(d < 10 ? 48 + d : 87 + d)
                rest /= radix
            } while rest > 0
            bytes[start...].reverse()
            bytes.append(tab)
        }

        mutating func escaped(_ s: String) {
            if let known = names.first(where: { $0.name == s }) {
                bytes.append(contentsOf: known.bytes)
            } else {
                let escaped = WorkerMessage.escape(s)
                if names.count < 16 { names.append((s, escaped)) }
                bytes.append(contentsOf: escaped)
            }
            bytes.append(tab)
        }

        mutating func finished() -> Data {
            bytes[bytes.count - 1] = UInt8(ascii: "\n")
            return Data(bytes)
        }
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
            field.contains(backslash) ? unescape(field) : text(field)
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

    /// Tabs, newlines, carriage returns and backslashes would break the line: they travel as
    /// \t, \n, \r and \\; "-" alone (which stands for no message) as \-, the empty text as \e.
    /// Byte by byte, not by Character: "\r\n" is one Character, and so is a tab followed by
    /// a combining mark, and neither may travel as it is.
    static func escape(_ s: String) -> [UInt8] {
        if s == "-" { return Array("\\-".utf8) }
        if s.isEmpty { return Array("\\e".utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case tab: out += [backslash, UInt8(ascii: "t")]
            case UInt8(ascii: "\n"): out += [backslash, UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [backslash, UInt8(ascii: "r")]
            case backslash: out += [backslash, backslash]
            default: out.append(b)
            }
        }
        return out
    }

    /// The text `escape` wrote as `field`.
    static func unescape(_ field: UnsafeBufferPointer<UInt8>) -> String {
        if field.elementsEqual("\\e".utf8) { return "" }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var escaped = false
        for b in field {
            if escaped {
                switch b {
                case UInt8(ascii: "t"): out.append(tab)
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                default: out.append(b)
                }
                escaped = false
            } else if b == backslash {
                escaped = true
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
