/// What every chart shares: a white background, the title, axes with their
/// titles and units, light grid lines, the legend, and the `<svg>` element
/// around them with a `<title>` and `aria-label` for screen readers.
///
/// Charts draw their data into `marks` with a `data-series` attribute on
/// every drawn mark; nothing else carries it, so counting the elements with
/// `data-series` counts what was drawn (the browser test does).
struct ChartCanvas {
    let id: String
    let title: String
    let width: Double
    /// The plot area: data are drawn inside it.
    var plotLeft = 72.0
    var plotRight: Double
    var plotTop = 44.0
    var plotBottom: Double
    /// Grid and axes (under the data), data marks, then labels on top.
    var grid = ""
    var marks = ""
    var labels = ""
    var defs = ""

    init(id: String, title: String, width: Double = 760, plotHeight: Double = 260, rightMargin: Double = 24) {
        // Ids of the SVG's elements derive from it: kept to letters, digits and '-'.
        self.id = SVGMarkup.identifier(id)
        self.title = title
        self.width = width
        plotRight = width - rightMargin
        plotBottom = plotTop + plotHeight
    }

    typealias Attributes = [(String, String)]
    static let c = SVGMarkup.coordinate

    /// `<text>` at (x, y); `anchor` start, middle or end.
    static func text(
        _ content: String, x: Double, y: Double, anchor: String = "start", size: Double = ChartStyle.fontSize,
        colour: String = ChartStyle.ink, extra: Attributes = []
    ) -> String {
        SVGMarkup.element(
            "text",
            [("x", c(x)), ("y", c(y)), ("text-anchor", anchor), ("font-size", c(size)), ("fill", colour)] + extra,
            content: SVGMarkup.escape(content))
    }

    static func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, colour: String, width: Double = 1,
        dash: String = "", extra: Attributes = []
    ) -> String {
        var attributes: Attributes = [
            ("x1", c(x1)), ("y1", c(y1)), ("x2", c(x2)), ("y2", c(y2)), ("stroke", colour), ("stroke-width", c(width)),
        ]
        if !dash.isEmpty { attributes.append(("stroke-dasharray", dash)) }
        return SVGMarkup.element("line", attributes + extra)
    }

    /// A value axis on the left: grid lines at the ticks, their labels, and the axis title turned upright.
    mutating func leftAxis(_ scale: LinearScale, format: ValueFormat, title axisTitle: String) {
        let c = ChartCanvas.c
        for (tick, label) in zip(scale.ticks, format.tickLabels(scale.ticks)) {
            let y = scale(tick)
            grid += ChartCanvas.line(plotLeft, y, plotRight, y, colour: tick == 0 ? "#999999" : ChartStyle.grid)
            labels += ChartCanvas.text(label, x: plotLeft - 6, y: y + 4, anchor: "end", colour: ChartStyle.muted)
        }
        let middle = (plotTop + plotBottom) / 2
        labels += ChartCanvas.text(
            axisTitle, x: 16, y: middle, anchor: "middle", colour: ChartStyle.ink,
            extra: [("transform", "rotate(-90 16 \(c(middle)))")])
    }

    /// A value axis at the bottom (horizontal bar charts): vertical grid lines, labels, title.
    mutating func bottomValueAxis(_ scale: LinearScale, format: ValueFormat, title axisTitle: String) {
        for (tick, label) in zip(scale.ticks, format.tickLabels(scale.ticks)) {
            let x = scale(tick)
            grid += ChartCanvas.line(x, plotTop, x, plotBottom, colour: tick == 0 ? "#999999" : ChartStyle.grid)
            labels += ChartCanvas.text(label, x: x, y: plotBottom + 16, anchor: "middle", colour: ChartStyle.muted)
        }
        labels += ChartCanvas.text(axisTitle, x: (plotLeft + plotRight) / 2, y: plotBottom + 36, anchor: "middle")
    }

    /// A time axis at the bottom: a tick and the date at each of `axis.ticks`.
    mutating func bottomDateAxis(_ axis: DateAxis, x: (Int) -> Double, title axisTitle: String) {
        grid += ChartCanvas.line(plotLeft, plotBottom, plotRight, plotBottom, colour: "#999999")
        for tick in axis.ticks {
            let position = x(tick.index)
            grid += ChartCanvas.line(position, plotBottom, position, plotBottom + 5, colour: "#999999")
            labels += ChartCanvas.text(
                tick.label, x: position, y: plotBottom + 18, anchor: "middle", colour: ChartStyle.muted)
        }
        labels += ChartCanvas.text(axisTitle, x: (plotLeft + plotRight) / 2, y: plotBottom + 38, anchor: "middle")
    }

    /// One entry of a legend: how its series is drawn and its name.
    struct LegendEntry {
        enum Swatch {
            case line(ChartStyle.Look)
            case area(ChartStyle.Look, pattern: String?)
            case marker(ChartStyle.Look)
            case reference(String)
        }
        let swatch: Swatch
        let name: String
    }

    /// Draws the legend in rows from `top`; returns the height it took.
    mutating func legend(_ entries: [LegendEntry], top: Double) -> Double {
        guard !entries.isEmpty else { return 0 }
        let c = ChartCanvas.c
        let rowHeight = 20.0
        var x = plotLeft, y = top + 10
        for entry in entries {
            let shown = SVGMarkup.shortened(entry.name)
            let entryWidth = 34 + SVGMarkup.textWidth(shown, fontSize: ChartStyle.fontSize) + 18
            if x > plotLeft && x + entryWidth > plotRight {
                x = plotLeft
                y += rowHeight
            }
            var swatch: String
            switch entry.swatch {
            case .line(let look):
                swatch = ChartCanvas.line(x, y, x + 28, y, colour: look.colour, width: 2.5, dash: look.dash)
                swatch += ChartStyle.marker(look.marker, x: x + 14, y: y, colour: look.colour)
            case .marker(let look):
                swatch = ChartStyle.marker(look.marker, x: x + 14, y: y, colour: look.colour)
            case .area(let look, let pattern):
                let box = [("x", c(x + 4)), ("y", c(y - 7)), ("width", "20"), ("height", "14")]
                swatch = SVGMarkup.element("rect", box + [("fill", look.colour), ("stroke", ChartStyle.ink)])
                if let pattern { swatch += SVGMarkup.element("rect", box + [("fill", "url(#\(pattern))")]) }
            case .reference(let dash):
                swatch = ChartCanvas.line(x, y, x + 28, y, colour: ChartStyle.reference, width: 1.2, dash: dash)
            }
            let tip = shown == entry.name ? "" : "<title>\(SVGMarkup.escape(entry.name))</title>"
            labels += "<g class=\"legend-entry\">" + swatch
            labels += ChartCanvas.text(shown, x: x + 34, y: y + 4).replacingOccurrences(
                of: "</text>", with: tip + "</text>")
            labels += "</g>"
            x += entryWidth
        }
        return y - top + rowHeight
    }

    /// The `<svg>` element: `height` tall, with the title drawn at the top
    /// and given to screen readers with `summary` (what the chart shows).
    func svg(height: Double, summary: String) -> Chart {
        let c = ChartCanvas.c
        let titleID = "\(id)-title", descID = "\(id)-desc"
        var out = SVGMarkup.openTag(
            "svg",
            [
                ("id", "chart-\(id)"), ("class", "chart"), ("viewBox", "0 0 \(c(width)) \(c(height))"),
                ("width", c(width)), ("height", c(height)), ("role", "img"), ("aria-label", title),
                ("aria-describedby", descID), ("font-family", ChartStyle.font), ("style", "max-width:100%;height:auto"),
            ])
        out += "<title id=\"\(SVGMarkup.escape(titleID))\">\(SVGMarkup.escape(title))</title>"
        out += "<desc id=\"\(SVGMarkup.escape(descID))\">\(SVGMarkup.escape(summary))</desc>"
        if !defs.isEmpty { out += "<defs>\(defs)</defs>" }
        // A white background of its own, so the chart reads the same on a dark page and on paper.
        out += "<rect x=\"0\" y=\"0\" width=\"\(c(width))\" height=\"\(c(height))\" fill=\"#FFFFFF\"/>"
        out += ChartCanvas.text(title, x: 16, y: 24, size: ChartStyle.titleSize, extra: [("font-weight", "600")])
        out += "<g class=\"grid\">\(grid)</g><g class=\"marks\">\(marks)</g><g class=\"labels\">\(labels)</g></svg>"
        return Chart(id: id, title: title, svg: out, summary: summary)
    }
}
