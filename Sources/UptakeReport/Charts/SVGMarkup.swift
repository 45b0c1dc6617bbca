import Foundation

/// The few pieces of SVG and HTML text every chart and report is made of.
///
/// Everything a chart shows comes from outside the program: sector names
/// from a scenario, account and metric names from plugins, parameter names
/// from an experiment. So every text and attribute value goes through
/// `escape`, and every coordinate through `coordinate`, which never writes
/// NaN or infinity (a browser would drop the whole shape, or the page).
public enum SVGMarkup {
    /// Text safe inside an element or a quoted attribute of XML or HTML:
    /// `<`, `>`, `&`, `"` and `'` become entities, and control characters
    /// other than tab and newline (invalid in XML) are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 allows no other C0 controls, nor the non-characters U+FFFE and U+FFFF.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate or length: at most two decimals, no exponent, no "-0";
    /// a value that is not finite (which a chart should never ask for) is 0.
    public static func coordinate(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        // Far outside any drawing: clamped, so the text never needs an exponent.
        let clamped = min(max(x, -1e7), 1e7)
        let rounded = (clamped * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(format: "%.2f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// An element with its attributes in the order given; `content` is
    /// markup already (escape text first), nil for an empty element.
    static func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) -> String {
        guard let content else { return String(openTag(name, attributes).dropLast()) + "/>" }
        return openTag(name, attributes) + content + "</\(name)>"
    }

    /// `<name key="value" ...>`, for an element whose content follows.
    static func openTag(_ name: String, _ attributes: [(String, String)]) -> String {
        var out = "<" + name
        for (key, value) in attributes { out += " \(key)=\"\(escape(value))\"" }
        return out + ">"
    }

    /// A name safe as (part of) an id or a CSS class: letters, digits and
    /// '-' kept, anything else '-'; never empty.
    public static func identifier(_ text: String) -> String {
        let kept = text.lowercased().unicodeScalars.map { scalar -> Character in
            let ascii = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-")
            return ascii ? Character(scalar) : "-"
        }
        let id = String(kept)
        return id.isEmpty ? "chart" : id
    }

    /// A label shortened to `limit` characters with an ellipsis (the full
    /// text goes into a `<title>` beside it): plugin names can be long.
    static func shortened(_ text: String, limit: Int = 36) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// About how wide `text` is at `fontSize` in a sans-serif font, for
    /// laying out legends and margins without measuring glyphs.
    static func textWidth(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.58
    }
}
