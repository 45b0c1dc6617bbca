/// The distribution of an outcome per group (a policy), one row each: every
/// observation as a dot, the mean as a diamond and its 95% confidence
/// interval as a band, against a reference line (0 for differences). It
/// shows at once where the runs fall, how sure the mean is, and whether the
/// interval clears the reference.
///
/// The dots of a row are spread a little up and down (by their order, not
/// at random, so the chart is the same every time) so that equal values
/// stay visible.
public struct IntervalChart: Sendable {
    public struct Row: Sendable {
        public var label: String
        /// The observations (runs, pairs of runs); NaN ones are left out.
        public var values: [Double]
        public var mean: Double
        /// The 95% confidence interval of the mean.
        public var low: Double
        public var high: Double

        public init(label: String, values: [Double], mean: Double, low: Double, high: Double) {
            self.label = label
            self.values = values
            self.mean = mean
            self.low = low
            self.high = high
        }
    }

    public var id: String
    public var title: String
    public var summary: String
    public var rows: [Row]
    /// The value axis' title, with its unit.
    public var valueTitle: String
    public var format: ValueFormat
    /// A vertical line to read the intervals against (0 for a difference), with its name.
    public var reference: LineChart.Reference?
    /// What a dot is: "run", "pair of runs".
    public var observationName: String

    public init(
        id: String, title: String, summary: String = "", rows: [Row], valueTitle: String, format: ValueFormat = .number,
        reference: LineChart.Reference? = nil, observationName: String = "run"
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.rows = rows
        self.valueTitle = valueTitle
        self.format = format
        self.reference = reference
        self.observationName = observationName
    }

    static let dotColour = ChartStyle.colours[5]
    static let bandColour = ChartStyle.colours[0]

    public func chart() -> Chart {
        let labelWidth = min(
            260, rows.map { SVGMarkup.textWidth(SVGMarkup.shortened($0.label), fontSize: 12) }.max() ?? 0)
        let rowHeight = 40.0
        var canvas = ChartCanvas(id: id, title: title, plotHeight: rowHeight * Double(max(1, rows.count)))
        canvas.plotLeft = max(72, labelWidth + 20)
        let all = rows.flatMap { $0.values + [$0.mean, $0.low, $0.high] } + (reference.map { [$0.value] } ?? [])
        let scale = LinearScale(values: all, start: canvas.plotLeft, end: canvas.plotRight)
        canvas.bottomValueAxis(scale, format: format, title: valueTitle)
        let c = SVGMarkup.coordinate
        if let reference {
            let x = scale(reference.value)
            canvas.grid += ChartCanvas.line(
                x, canvas.plotTop, x, canvas.plotBottom, colour: ChartStyle.reference, width: 1.2, dash: "5 4",
                extra: [("class", "reference")])
            canvas.labels += ChartCanvas.text(
                reference.label, x: x + 4, y: canvas.plotTop - 6, size: 11, colour: ChartStyle.reference)
        }
        for (r, row) in rows.enumerated() {
            let middle = canvas.plotTop + (Double(r) + 0.5) * rowHeight
            let shown = SVGMarkup.shortened(row.label)
            let tip = shown == row.label ? "" : "<title>\(SVGMarkup.escape(row.label))</title>"
            canvas.labels += ChartCanvas.text(shown, x: canvas.plotLeft - 8, y: middle + 4, anchor: "end")
                .replacingOccurrences(of: "</text>", with: tip + "</text>")
            let tag: [(String, String)] = [("data-series", row.label)]
            if row.low.isFinite && row.high.isFinite {
                let a = scale(row.low), b = scale(row.high)
                let intervalText = "\(row.label): 95% CI \(format.text(row.low)) to \(format.text(row.high))"
                canvas.marks += SVGMarkup.element(
                    "rect",
                    [
                        ("x", c(min(a, b))), ("y", c(middle - 9)), ("width", c(max(abs(b - a), 2))), ("height", "18"),
                        ("fill", IntervalChart.bandColour), ("fill-opacity", "0.22"),
                        ("stroke", IntervalChart.bandColour),
                        ("stroke-width", "1.5"),
                    ] + tag + [("class", "interval")],
                    content:
                        "<title>\(SVGMarkup.escape(intervalText))</title>"
                )
            }
            for (i, value) in row.values.enumerated() where value.isFinite {
                // Spread over 5 lanes by order: equal values stay visible, and the picture never changes.
                let lane = Double(i % 5) - 2
                canvas.marks += SVGMarkup.element(
                    "circle",
                    [
                        ("cx", c(scale(value))), ("cy", c(middle + lane * 3)), ("r", "2.5"), ("fill", "none"),
                        ("stroke", IntervalChart.dotColour), ("stroke-width", "1.2"),
                    ] + tag + [("class", "observation")])
            }
            if row.mean.isFinite {
                canvas.marks += ChartStyle.marker(
                    .diamond, x: scale(row.mean), y: middle, colour: ChartStyle.ink, size: 5,
                    extra: tag + [("class", "mean")],
                    tooltip: "\(row.label): mean \(format.text(row.mean))")
            }
        }
        let entries = [
            ChartCanvas.LegendEntry(
                swatch: .marker(ChartStyle.Look(colour: ChartStyle.ink, dash: "", marker: .diamond, hatch: 0)),
                name: "mean"),
            ChartCanvas.LegendEntry(
                swatch: .area(
                    ChartStyle.Look(colour: IntervalChart.bandColour, dash: "", marker: .square, hatch: 0), pattern: nil
                ), name: "95% confidence interval of the mean"),
            ChartCanvas.LegendEntry(
                swatch: .marker(ChartStyle.Look(colour: IntervalChart.dotColour, dash: "", marker: .circle, hatch: 0)),
                name: "one \(observationName)"),
        ]
        let legendTop = canvas.plotBottom + 48
        let legendHeight = canvas.legend(entries, top: legendTop)
        return canvas.svg(height: legendTop + legendHeight + 8, summary: summary)
    }
}
