/// Several series over time, on one value axis, against the run's dates.
///
/// Each series is a line with its own colour, dash pattern and marker
/// (`ChartStyle`), optionally with a band around it (a 95% confidence
/// interval). Horizontal reference lines mark levels worth reading the
/// series against, such as Rogers' critical-mass shares. A missing value
/// (NaN: a metric not recorded in a tick) leaves a gap in its line.
///
///     let chart = LineChart(
///         id: "adoption", title: "Adoption", dates: table.dates,
///         valueTitle: "share of firms (%)", format: .percent,
///         series: [.init("all firms", adoption)],
///         references: [.init(value: 0.16, label: "16%")]
///     ).chart()
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        /// One value per date; NaN for none.
        public var values: [Double]
        /// A band from `low` to `high` around the line (one value per date each), when given.
        public var low: [Double]?
        public var high: [Double]?

        public init(_ name: String, _ values: [Double], low: [Double]? = nil, high: [Double]? = nil) {
            self.name = name
            self.values = values
            self.low = low
            self.high = high
        }
    }

    /// A horizontal line at `value`, labelled at the right of the plot.
    public struct Reference: Sendable {
        public var value: Double
        public var label: String

        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    public var id: String
    public var title: String
    /// What the chart shows and how to read it (the figure's caption and the SVG's description).
    public var summary: String
    /// The date of each tick (the x axis).
    public var dates: [String]
    /// The value axis' title, with its unit: "share of firms using the innovation (%)".
    public var valueTitle: String
    public var format: ValueFormat
    public var series: [Series]
    public var references: [Reference]
    /// The legend's name for the reference lines ("Rogers' critical mass"), nil for none.
    public var referenceName: String?
    /// Fixed ends of the value axis (widened if a value falls outside); nil to fit the values.
    public var valueRange: ClosedRange<Double>?
    /// Whether the value axis starts at 0 (counts, money); else it fits the values.
    public var includeZero: Bool

    public init(
        id: String, title: String, summary: String = "", dates: [String], valueTitle: String,
        format: ValueFormat = .number, series: [Series], references: [Reference] = [], referenceName: String? = nil,
        valueRange: ClosedRange<Double>? = nil, includeZero: Bool = true
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.dates = dates
        self.valueTitle = valueTitle
        self.format = format
        self.series = series
        self.references = references
        self.referenceName = referenceName
        self.valueRange = valueRange
        self.includeZero = includeZero
    }

    /// The references drawn: those within the data's range and the first above it,
    /// so that a curve far below 50% is not squashed flat to show the 50% line.
    var shownReferences: [Reference] {
        let finite = series.flatMap { $0.values + ($0.high ?? []) }.filter(\.isFinite)
        guard let top = finite.max() else { return references }
        let sorted = references.filter { $0.value.isFinite }.sorted { $0.value < $1.value }
        let above = sorted.first { $0.value > top }
        return sorted.filter { $0.value <= top || $0.value == above?.value }
    }

    public func chart() -> Chart {
        let references = shownReferences
        let rightMargin = 24 + (references.map { SVGMarkup.textWidth($0.label, fontSize: 11) }.max() ?? 0)
        var canvas = ChartCanvas(id: id, title: title, rightMargin: max(24, rightMargin + 8))
        let count = dates.count
        let plotWidth = canvas.plotRight - canvas.plotLeft
        let left = canvas.plotLeft
        func x(_ i: Int) -> Double {
            count <= 1 ? left + plotWidth / 2 : left + Double(i) / Double(count - 1) * plotWidth
        }
        let values = series.flatMap { $0.values + ($0.low ?? []) + ($0.high ?? []) } + references.map(\.value)
        let scale = LinearScale(
            values: values, includeZero: includeZero, fixed: valueRange, start: canvas.plotBottom, end: canvas.plotTop)
        canvas.leftAxis(scale, format: format, title: valueTitle)
        let axis = DateAxis(dates: dates, maximumLabels: Int(plotWidth / 70))
        canvas.bottomDateAxis(axis, x: x, title: axis.unit == "tick" ? "tick" : "date (\(axis.unit))")

        // Labels at least a line apart, pushed up from the lowest, so 16% and 20% do not overprint.
        var labelY = Double.infinity
        for reference in references.sorted(by: { $0.value < $1.value }) {
            let y = scale(reference.value)
            canvas.grid += ChartCanvas.line(
                canvas.plotLeft, y, canvas.plotRight, y, colour: ChartStyle.reference, width: 1.2, dash: "5 4",
                extra: [("class", "reference")])
            labelY = min(y + 4, labelY - 12)
            canvas.labels += ChartCanvas.text(
                reference.label, x: canvas.plotRight + 6, y: labelY, size: 11, colour: ChartStyle.reference)
        }
        for (k, s) in series.enumerated() {
            let look = ChartStyle.look(k)
            let tag: [(String, String)] = [("data-series", s.name)]
            if let low = s.low, let high = s.high {
                let band = LineChart.bandPath(low: low, high: high, count: count, x: x, y: { scale($0) })
                if !band.isEmpty {
                    canvas.marks += SVGMarkup.element(
                        "path",
                        [("d", band), ("fill", look.colour), ("fill-opacity", "0.18"), ("stroke", "none")]
                            + tag + [("class", "band")])
                }
            }
            let line = LineChart.linePath(s.values, count: count, x: x, y: { scale($0) })
            if !line.isEmpty {
                var attributes: [(String, String)] = [
                    ("d", line), ("fill", "none"), ("stroke", look.colour), ("stroke-width", "2.5"),
                    ("stroke-linejoin", "round"),
                ]
                if !look.dash.isEmpty { attributes.append(("stroke-dasharray", look.dash)) }
                canvas.marks += SVGMarkup.element("path", attributes + tag + [("class", "line")])
            }
            // Markers at every few points (offset per series, so they do not hide each other) and
            // at every point that has no neighbour to draw a line to.
            let every = max(1, count / 8)
            for i in 0..<min(count, s.values.count) where s.values[i].isFinite {
                let alone =
                    !(i > 0 && s.values[i - 1].isFinite) && !(i + 1 < s.values.count && s.values[i + 1].isFinite)
                guard alone || (i + k * max(1, every / 3)) % every == 0 || i == count - 1 else { continue }
                canvas.marks += ChartStyle.marker(
                    look.marker, x: x(i), y: scale(s.values[i]), colour: look.colour, extra: tag,
                    tooltip: "\(s.name), \(dates[i]): \(format.text(s.values[i]))")
            }
        }
        var entries = series.enumerated().map {
            ChartCanvas.LegendEntry(swatch: .line(ChartStyle.look($0)), name: $1.name)
        }
        if let referenceName, !references.isEmpty {
            entries.append(ChartCanvas.LegendEntry(swatch: .reference("5 4"), name: referenceName))
        }
        let legendTop = canvas.plotBottom + 48
        let legendHeight = canvas.legend(entries, top: legendTop)
        return canvas.svg(height: legendTop + legendHeight + 8, summary: summary)
    }

    /// "M x y L x y ..." through the finite values, starting anew after each gap.
    static func linePath(_ values: [Double], count: Int, x: (Int) -> Double, y: (Double) -> Double) -> String {
        let c = SVGMarkup.coordinate
        var d = ""
        var drawing = false
        for i in 0..<min(count, values.count) {
            guard values[i].isFinite else {
                drawing = false
                continue
            }
            d += (drawing ? "L" : "M") + "\(c(x(i))) \(c(y(values[i])))"
            drawing = true
        }
        return d
    }

    /// The band between `low` and `high`: one closed shape per stretch where both are finite.
    static func bandPath(low: [Double], high: [Double], count: Int, x: (Int) -> Double, y: (Double) -> Double)
        -> String
    {
        let c = SVGMarkup.coordinate
        let n = min(count, low.count, high.count)
        var d = ""
        var i = 0
        while i < n {
            guard low[i].isFinite && high[i].isFinite else {
                i += 1
                continue
            }
            var j = i
            while j + 1 < n && low[j + 1].isFinite && high[j + 1].isFinite { j += 1 }
            d += "M" + (i...j).map { "\(c(x($0))) \(c(y(high[$0])))" }.joined(separator: "L")
            d += "L" + (i...j).reversed().map { "\(c(x($0))) \(c(y(low[$0])))" }.joined(separator: "L") + "Z"
            i = j + 1
        }
        return d
    }
}
