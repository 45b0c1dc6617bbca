/// How a run's seed is written in exported files (CSV and JSON lines): the
/// letter "s" before its decimal digits, `s9451341060835768564`.
///
/// Seeds are 64-bit. Excel, R (`read.csv`, readr) and pandas read a field
/// of digits as a floating-point number, which keeps 15 to 17 digits, and
/// they do so even when the field is quoted; the letter keeps the column
/// text in all of them, so a seed is copied exactly. `uptake run --seed`
/// takes a seed written either way.
///
///     SeedText.text(9451341060835768564)    // "s9451341060835768564"
///     SeedText.seed("s9451341060835768564") // 9451341060835768564
public enum SeedText {
    public static let prefix = "s"

    public static func text(_ seed: UInt64) -> String { prefix + String(seed) }

    /// The exported form of a seed kept as decimal text (the results database's `runs.seed`).
    public static func text(decimal: String) -> String { prefix + decimal }

    /// The seed of "s9451341060835768564" or "9451341060835768564"; nil for anything else.
    public static func seed(_ text: String) -> UInt64? {
        let digits = text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }
}
