/// Values per category as horizontal bars, several series side by side in
/// each category, each bar with an error bar when its interval is given:
/// Sobol S1 and ST per parameter, Morris mu* per parameter, the cost of an
/// extra adopter per policy. Categories are rows, so long names (policy
/// labels, parameter paths) read left to right.
///
/// Series differ by colour and by hatching. The value axis includes 0, so
/// a bar's length is its value; negative values go left of 0.
public struct BarChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// One value per category; NaN draws no bar.
        public var values: [Double]
        /// Error bars from `low` to `high` (one value per category each), when given.
        public var low: [Double]?
        public var high: [Double]?

        public init(_ name: String, _ values: [Double], low: [Double]? = nil, high: [Double]? = nil) {
            self.name = name
            self.values = values
            self.low = low
            self.high = high
        }
    }

    public var id: String
    public var title: String
    public var summary: String
    /// The rows, top to bottom.
    public var categories: [String]
    /// The value axis' title, with its unit.
    public var valueTitle: String
    public var format: ValueFormat
    public var series: [Series]
    /// The legend's name for the error bars ("95% bootstrap interval"), nil for no legend entry.
    public var intervalName: String?

    public init(
        id: String, title: String, summary: String = "", categories: [String], valueTitle: String,
        format: ValueFormat = .number, series: [Series], intervalName: String? = nil
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.categories = categories
        self.valueTitle = valueTitle
        self.format = format
        self.series = series
        self.intervalName = intervalName
    }

    public func chart() -> Chart {
        let labelWidth = min(
            260, categories.map { SVGMarkup.textWidth(SVGMarkup.shortened($0), fontSize: 12) }.max() ?? 0)
        let rowHeight = max(30, 16 * Double(max(1, series.count)) + 12)
        var canvas = ChartCanvas(
            id: id, title: title, plotHeight: rowHeight * Double(max(1, categories.count)))
        canvas.plotLeft = max(72, labelWidth + 20)
        let values = series.flatMap { $0.values + ($0.low ?? []) + ($0.high ?? []) }
        let scale = LinearScale(
            values: values, includeZero: true, start: canvas.plotLeft, end: canvas.plotRight)
        canvas.bottomValueAxis(scale, format: format, title: valueTitle)
        let c = SVGMarkup.coordinate
        let barHeight = (rowHeight - 12) / Double(max(1, series.count))
        for (row, category) in categories.enumerated() {
            let top = canvas.plotTop + Double(row) * rowHeight
            let shown = SVGMarkup.shortened(category)
            let tip = shown == category ? "" : "<title>\(SVGMarkup.escape(category))</title>"
            canvas.labels += ChartCanvas.text(shown, x: canvas.plotLeft - 8, y: top + rowHeight / 2 + 4, anchor: "end")
                .replacingOccurrences(of: "</text>", with: tip + "</text>")
            for (k, s) in series.enumerated() where row < s.values.count && s.values[row].isFinite {
                let look = ChartStyle.look(k)
                let value = s.values[row]
                let y = top + 6 + Double(k) * barHeight
                let x0 = scale(0), x1 = scale(value)
                let tag: [(String, String)] = [("data-series", s.name)]
                var tipText = "\(category), \(s.name): \(format.text(value))"
                if let low = s.low, let high = s.high, row < low.count, row < high.count {
                    tipText += " [\(format.text(low[row])), \(format.text(high[row]))]"
                }
                let box = [
                    ("x", c(min(x0, x1))), ("y", c(y)), ("width", c(max(abs(x1 - x0), 1))),
                    ("height", c(barHeight - 2)),
                ]
                canvas.marks += SVGMarkup.element(
                    "rect", box + [("fill", look.colour)] + tag + [("class", "bar")],
                    content: "<title>\(SVGMarkup.escape(tipText))</title>")
                let pattern = "\(canvas.id)-hatch-\(k % 8)"
                let hatch = ChartStyle.hatch(k, id: pattern)
                if !hatch.isEmpty {
                    if !canvas.defs.contains("id=\"\(pattern)\"") { canvas.defs += hatch }
                    canvas.marks += SVGMarkup.element("rect", box + [("fill", "url(#\(pattern))")])
                }
                if let low = s.low, let high = s.high, row < low.count, row < high.count, low[row].isFinite,
                    high[row].isFinite
                {
                    let middle = y + (barHeight - 2) / 2
                    let a = scale(low[row]), b = scale(high[row])
                    let whisker = "M\(c(a)) \(c(middle))H\(c(b))M\(c(a)) \(c(middle - 4))v8M\(c(b)) \(c(middle - 4))v8"
                    canvas.marks += SVGMarkup.element(
                        "path",
                        [("d", whisker), ("stroke", ChartStyle.ink), ("stroke-width", "1.5"), ("fill", "none")]
                            + tag + [("class", "interval")])
                }
            }
        }
        var entries = series.enumerated().map { k, s -> ChartCanvas.LegendEntry in
            let hatch = ChartStyle.hatch(k, id: "\(canvas.id)-hatch-\(k % 8)")
            return ChartCanvas.LegendEntry(
                swatch: .area(ChartStyle.look(k), pattern: hatch.isEmpty ? nil : "\(canvas.id)-hatch-\(k % 8)"),
                name: s.name)
        }
        if let intervalName { entries.append(ChartCanvas.LegendEntry(swatch: .reference(""), name: intervalName)) }
        let legendTop = canvas.plotBottom + 48
        let legendHeight = canvas.legend(series.count > 1 || intervalName != nil ? entries : [], top: legendTop)
        return canvas.svg(height: legendTop + legendHeight + 8, summary: summary)
    }
}
