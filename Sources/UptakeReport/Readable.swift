import Foundation

/// How every number meant for a person is written: `uptake results`,
/// `uptake sensitivity` and the summary of `uptake run` all print through
/// here, so one value always reads the same.
///
/// The rule: three significant digits, but whole digits are never rounded
/// away (27,506,219 stays 27,506,219); thousands grouped with commas;
/// trailing zeros dropped; exponent notation only outside 0.0001 ..< 1e15,
/// where plain digits stop being readable. Money is scaled to yuan, million
/// yuan ("m yuan") or billion yuan ("bn yuan") and then follows the same rule.
///
///     Readable.number(27_506_219.4)  // "27,506,219"
///     Readable.number(11.25)         // "11.2"
///     Readable.number(0.0032)        // "0.0032"
///     Readable.signed(11.25)         // "+11.2"
///     Readable.yuan(1.378e7)         // "13.8 m yuan"
///     Readable.percent(0.7083)       // "70.8%"
///
/// Files for programs (CSV, JSON, the results database) keep every digit
/// instead (`SeriesCSV.format`).
public enum Readable {
    /// Significant digits kept after the decimal point (whole digits are always kept).
    public static let significantDigits = 3
    /// What a missing value (NaN: no runs, a failed metric) prints as.
    public static let missing = "n/a"
    /// Below this magnitude (and not 0) a number is written with an exponent.
    static let smallest = 1e-4
    /// From this magnitude on a number is written with an exponent.
    static let largest = 1e15

    /// A number by the rule above: "1,234", "0.512", "-2.7", "1e-9", "n/a".
    public static func number(_ x: Double) -> String {
        if x.isNaN { return missing }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        let magnitude = abs(x)
        let digits = magnitude < smallest || magnitude >= largest ? exponential(magnitude) : plain(magnitude)
        return (x < 0 ? "-" : "") + digits
    }

    /// A value on an axis whose ticks are `step` apart: as `number`, with
    /// the decimals the step needs besides, so that neighbouring ticks never
    /// read the same ("100", "100.002", "100.004", not "100" three times).
    ///
    ///     Readable.axisNumber(100.002, step: 0.002)  // "100.002"
    ///     Readable.axisNumber(0.25, step: 0.05)      // "0.25"
    public static func axisNumber(_ x: Double, step: Double) -> String {
        let text = number(x)
        let magnitude = abs(x)
        guard x != 0, x.isFinite, step.isFinite, step > 0, magnitude >= smallest, magnitude < largest else {
            return text
        }
        // Ticks are 1, 2 or 5 times a power of ten apart: -log10 rounded up is the decimals a step needs.
        let stepDecimals = min(15, max(0, Int((-log10(step) - 1e-9).rounded(.up))))
        let leading = Int(log10(magnitude).rounded(.down))
        guard stepDecimals > max(0, significantDigits - 1 - leading) else { return text }
        let parts = String(format: "%.\(stepDecimals)f", magnitude).split(separator: ".", maxSplits: 1)
        var digits = grouped(String(parts[0]))
        if parts.count == 2 {
            let fraction = parts[1].reversed().drop { $0 == "0" }.reversed()
            if !fraction.isEmpty { digits += "." + String(fraction) }
        }
        return (x < 0 ? "-" : "") + digits
    }

    /// A difference: with "+" before a positive value ("+11.2", "-2.7", "0").
    public static func signed(_ x: Double) -> String {
        let text = number(x)
        return x > 0 && x.isFinite ? "+" + text : text
    }

    /// A share (0.708) as a percentage ("70.8%").
    public static func percent(_ share: Double) -> String {
        share.isNaN ? missing : number(share * 100) + "%"
    }

    /// Yuan, in yuan, million yuan or billion yuan by size: "900 yuan",
    /// "13.8 m yuan", "2.75 bn yuan". `unit: false` leaves out the word
    /// "yuan" (for a table whose header names the unit).
    public static func yuan(_ x: Double, unit: Bool = true) -> String {
        let suffix = unit ? " yuan" : ""
        if !x.isFinite { return number(x) + (x.isNaN ? "" : suffix) }
        let magnitude = abs(x)
        if magnitude >= 1e9 { return number(x / 1e9) + " bn" + suffix }
        if magnitude >= 1e6 { return number(x / 1e6) + " m" + suffix }
        return number(x) + suffix
    }

    /// A confidence interval: "[-2.7, 25.2]".
    public static func interval(_ low: Double, _ high: Double) -> String {
        "[\(number(low)), \(number(high))]"
    }

    /// Digits for 1e-4 <= magnitude < 1e15: enough decimals for three
    /// significant digits, grouped, trailing zeros dropped.
    static func plain(_ magnitude: Double) -> String {
        // The position of the leading digit: 2 for 123.4, -3 for 0.0032.
        let leading = Int(log10(magnitude).rounded(.down))
        let decimals = max(0, significantDigits - 1 - leading)
        let fixed = String(format: "%.\(decimals)f", magnitude)
        let parts = fixed.split(separator: ".", maxSplits: 1)
        let whole = grouped(String(parts[0]))
        guard parts.count == 2 else { return whole }
        let fraction = parts[1].reversed().drop { $0 == "0" }.reversed()
        return fraction.isEmpty ? whole : whole + "." + String(fraction)
    }

    /// "1e-9", "2.5e15": three significant digits, no padding in the exponent.
    static func exponential(_ magnitude: Double) -> String {
        let text = String(format: "%.\(significantDigits - 1)e", magnitude)
        let parts = text.split(separator: "e", maxSplits: 1)
        guard parts.count == 2, let exponent = Int(parts[1]) else { return text }
        var mantissa = String(parts[0])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        return "\(mantissa)e\(exponent)"
    }

    /// "27506219" -> "27,506,219".
    static func grouped(_ digits: String) -> String {
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}

/// Columns aligned for a terminal: the `left` columns padded on the right
/// (names), the others on the left (numbers), two spaces apart.
public enum TextTable {
    public static func lines(_ rows: [[String]], left: Set<Int> = [0]) -> [String] {
        guard let width = rows.map(\.count).max(), width > 0 else { return [] }
        let widths = (0..<width).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = (0..<width).map { c -> String in
                let cell = c < row.count ? row[c] : ""
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return left.contains(c) ? cell + pad : pad + cell
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
