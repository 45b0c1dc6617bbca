import Foundation

/// How series are told apart: by colour, and also without it.
///
/// Colours are Okabe and Ito's palette, which readers with any common
/// colour-vision deficiency can tell apart; its yellow comes last because
/// it is faint on white paper. Each series also has its own dash pattern
/// and marker shape (lines) or hatching (areas), so a series can be found
/// on a grey-scale print or by a reader who sees no colour at all. Colours
/// are dark enough on the white background the charts always have.
public enum ChartStyle {
    /// Okabe-Ito: blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow.
    public static let colours = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
    ]
    /// `stroke-dasharray` values; "" is a solid line.
    static let dashes = ["", "7 4", "2 3", "9 3 2 3", "12 5", "4 2 1 2", "1 4", "14 3 3 3 3 3"]
    /// Marker shapes, drawn by `marker(_:x:y:)`.
    enum Marker: CaseIterable { case circle, square, triangle, diamond, cross, triangleDown, plus, star }

    /// What tells series `index` apart: colour, dash, marker (cycling past eight).
    struct Look {
        let colour: String
        let dash: String
        let marker: Marker
        let hatch: Int
    }

    static func look(_ index: Int) -> Look {
        let i = ((index % 8) + 8) % 8
        return Look(colour: colours[i], dash: dashes[i], marker: Marker.allCases[i], hatch: i)
    }

    /// Text, axes and grid: dark grey and light grey on white, never colours.
    static let ink = "#222222"
    static let muted = "#555555"
    static let grid = "#DDDDDD"
    static let reference = "#444444"
    static let font = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
    static let fontSize = 12.0
    static let titleSize = 15.0

    /// A marker centred at (x, y) as a `<circle>` or `<path>`; `extra`
    /// attributes (data-series, a title) are added to it.
    static func marker(
        _ shape: Marker, x: Double, y: Double, colour: String, size: Double = 4.5, extra: [(String, String)] = [],
        tooltip: String? = nil
    ) -> String {
        let c = SVGMarkup.coordinate
        let s = size
        let tip = tooltip.map { "<title>\(SVGMarkup.escape($0))</title>" }
        let filled: [(String, String)] = [("fill", colour), ("stroke", "#FFFFFF"), ("stroke-width", "1")]
        let stroked: [(String, String)] = [("fill", "none"), ("stroke", colour), ("stroke-width", "2")]
        func path(_ d: String, _ paint: [(String, String)]) -> String {
            SVGMarkup.element("path", [("d", d)] + paint + extra, content: tip)
        }
        switch shape {
        case .circle:
            return SVGMarkup.element(
                "circle", [("cx", c(x)), ("cy", c(y)), ("r", c(s))] + filled + extra, content: tip)
        case .square:
            return path("M\(c(x - s)) \(c(y - s))h\(c(2 * s))v\(c(2 * s))h\(c(-2 * s))Z", filled)
        case .triangle:
            return path(
                "M\(c(x)) \(c(y - s * 1.2))L\(c(x + s * 1.2)) \(c(y + s))L\(c(x - s * 1.2)) \(c(y + s))Z", filled)
        case .triangleDown:
            return path(
                "M\(c(x)) \(c(y + s * 1.2))L\(c(x + s * 1.2)) \(c(y - s))L\(c(x - s * 1.2)) \(c(y - s))Z", filled)
        case .diamond:
            let r = s * 1.3
            return path("M\(c(x)) \(c(y - r))L\(c(x + r)) \(c(y))L\(c(x)) \(c(y + r))L\(c(x - r)) \(c(y))Z", filled)
        case .cross:
            return path(
                "M\(c(x - s)) \(c(y - s))L\(c(x + s)) \(c(y + s))M\(c(x + s)) \(c(y - s))L\(c(x - s)) \(c(y + s))",
                stroked)
        case .plus:
            return path("M\(c(x - s)) \(c(y))h\(c(2 * s))M\(c(x)) \(c(y - s))v\(c(2 * s))", stroked)
        case .star:
            var d = ""
            for k in 0..<10 {
                let angle = Double(k) * Double.pi / 5 - Double.pi / 2
                let r = k % 2 == 0 ? s * 1.4 : s * 0.6
                d += (k == 0 ? "M" : "L") + "\(c(x + r * cos(angle))) \(c(y + r * sin(angle)))"
            }
            return path(d + "Z", filled)
        }
    }

    /// A hatching pattern for area `index`, so stacked areas differ in print:
    /// none, diagonal, horizontal, dots, cross-hatch, vertical, other diagonal, grid.
    static func hatch(_ index: Int, id: String) -> String {
        let lines: String
        switch index % 8 {
        case 0: return ""
        case 1: lines = "<path d=\"M0 8L8 0\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>"
        case 2: lines = "<path d=\"M0 4H8\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>"
        case 3: lines = "<circle cx=\"4\" cy=\"4\" r=\"1.4\" fill=\"#FFFFFF\"/>"
        case 4: lines = "<path d=\"M0 8L8 0M0 0L8 8\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        case 5: lines = "<path d=\"M4 0V8\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>"
        case 6: lines = "<path d=\"M0 0L8 8\" stroke=\"#FFFFFF\" stroke-width=\"1.5\"/>"
        default: lines = "<path d=\"M0 4H8M4 0V8\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
        }
        return "<pattern id=\"\(SVGMarkup.escape(id))\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
            + lines + "</pattern>"
    }
}
