/// Quantities that add up to a whole, stacked over time: how many firms are
/// in each stage of the decision process at each date. The height of a band
/// at a date is its series' value; the top of the stack is the total.
///
/// Bands differ by colour and by hatching (none, diagonal, horizontal,
/// dots, ...), so they can be told apart in grey-scale print too. A missing
/// value counts as 0.
public struct StackedAreaChart: Sendable {
    public var id: String
    public var title: String
    public var summary: String
    public var dates: [String]
    public var valueTitle: String
    public var format: ValueFormat
    /// The bands from the bottom of the stack up: (name, one value per date).
    public var series: [(name: String, values: [Double])]

    public init(
        id: String, title: String, summary: String = "", dates: [String], valueTitle: String,
        format: ValueFormat = .number, series: [(name: String, values: [Double])]
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.dates = dates
        self.valueTitle = valueTitle
        self.format = format
        self.series = series
    }

    public func chart() -> Chart {
        var canvas = ChartCanvas(id: id, title: title)
        let count = dates.count
        let plotWidth = canvas.plotRight - canvas.plotLeft
        let left = canvas.plotLeft
        func x(_ i: Int) -> Double {
            count <= 1 ? left + plotWidth / 2 : left + Double(i) / Double(count - 1) * plotWidth
        }
        // Running totals: tops[k][i] is the top of band k at date i.
        var tops: [[Double]] = []
        var below = [Double](repeating: 0, count: count)
        for s in series {
            let top = (0..<count).map { i in below[i] + (i < s.values.count && s.values[i].isFinite ? s.values[i] : 0) }
            tops.append(top)
            below = top
        }
        let scale = LinearScale(
            values: below, includeZero: true, start: canvas.plotBottom, end: canvas.plotTop)
        canvas.leftAxis(scale, format: format, title: valueTitle)
        let axis = DateAxis(dates: dates, maximumLabels: Int(plotWidth / 70))
        canvas.bottomDateAxis(axis, x: x, title: axis.unit == "tick" ? "tick" : "date (\(axis.unit))")

        let c = SVGMarkup.coordinate
        // One date alone is drawn as a column 40 wide, so it can be seen.
        let columns: [(Int, Double)] = count == 1 ? [(0, x(0) - 20), (0, x(0) + 20)] : (0..<count).map { ($0, x($0)) }
        var entries: [ChartCanvas.LegendEntry] = []
        for (k, s) in series.enumerated() where count > 0 {
            let look = ChartStyle.look(k)
            let bottom = k == 0 ? [Double](repeating: 0, count: count) : tops[k - 1]
            var d = "M" + columns.map { "\(c($0.1)) \(c(scale(tops[k][$0.0])))" }.joined(separator: "L")
            d += "L" + columns.reversed().map { "\(c($0.1)) \(c(scale(bottom[$0.0])))" }.joined(separator: "L") + "Z"
            let last = s.values.last { $0.isFinite } ?? 0
            let tip = "<title>\(SVGMarkup.escape("\(s.name): \(format.text(last)) at \(dates[count - 1])"))</title>"
            canvas.marks += SVGMarkup.element(
                "path",
                [("d", d), ("fill", look.colour), ("stroke", "#FFFFFF"), ("stroke-width", "0.8")]
                    + [("data-series", s.name), ("class", "area")], content: tip)
            let pattern = "\(canvas.id)-hatch-\(k % 8)"
            let hatch = ChartStyle.hatch(k, id: pattern)
            if !hatch.isEmpty {
                if !canvas.defs.contains("id=\"\(SVGMarkup.escape(pattern))\"") { canvas.defs += hatch }
                canvas.marks += SVGMarkup.element("path", [("d", d), ("fill", "url(#\(pattern))"), ("stroke", "none")])
            }
            entries.append(
                ChartCanvas.LegendEntry(swatch: .area(look, pattern: hatch.isEmpty ? nil : pattern), name: s.name))
        }
        let legendTop = canvas.plotBottom + 48
        // The legend lists the bands from the top of the stack down, as they are seen.
        let legendHeight = canvas.legend(entries.reversed(), top: legendTop)
        return canvas.svg(height: legendTop + legendHeight + 8, summary: summary)
    }
}
