import Foundation
import UptakeKernel
import XCTest

@testable import UptakeReport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The charts: what each draws, that no input (empty, constant, NaN, one
/// row, huge) puts a non-finite number into the SVG, and that names from
/// plugins and scenarios cannot break out of the markup.
final class ChartTests: XCTestCase {
    func simulation(ticks: Int = 12) throws -> Simulation {
        let config = SimulationConfig(
            ticks: ticks, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 3,
            population: PopulationSpec(count: 500, initialAdoption: 0.05))
        let sim = try Simulation(config)
        try sim.run()
        return sim
    }

    /// The elements with data-series="name".
    func marks(_ svg: String, series name: String) -> Int {
        svg.components(separatedBy: "data-series=\"\(SVGMarkup.escape(name))\"").count - 1
    }

    func testARunHasEveryChartAndEachSeriesIsDrawn() throws {
        let charts = RunCharts.charts(OutputTable(try simulation()))
        XCTAssertEqual(
            charts.map(\.id),
            [
                "adoption", "adoption-by-category", "stages", "adoption-by-sector", "adoption-by-size",
                "productivity", "energy", "emissions", "trust", "spending",
            ])
        let byID = Dictionary(uniqueKeysWithValues: charts.map { ($0.id, $0.svg) })
        for category in ["innovators", "early adopters", "early majority", "late majority", "laggards"] {
            XCTAssertGreaterThan(marks(byID["adoption-by-category"]!, series: category), 1, category)
        }
        for stage in ["unaware", "aware", "persuaded", "trial", "adopted", "confirmed", "rejected", "discontinued"] {
            XCTAssertEqual(marks(byID["stages"]!, series: stage), 1, stage)
        }
        for size in ["small", "medium", "large"] {
            XCTAssertGreaterThan(marks(byID["adoption-by-size"]!, series: size), 1, size)
        }
        XCTAssertGreaterThan(marks(byID["spending"]!, series: "all accounts"), 0)
        for chart in charts {
            XCTAssertTrue(chart.svg.hasPrefix("<svg id=\"chart-\(chart.id)\""), chart.id)
            XCTAssertTrue(chart.svg.contains("<title id=\"\(chart.id)-title\">"), chart.id)
            XCTAssertTrue(chart.svg.contains("aria-label=\""), chart.id)
            XCTAssertFalse(chart.summary.isEmpty, chart.id)
        }
    }

    func testAdoptionChartsMarkTheCriticalMassLevelsWithTheDateEachWasReached() throws {
        let sim = try simulation(ticks: 40)
        let svg = RunCharts.charts(OutputTable(sim))[0].svg
        let reached = try XCTUnwrap(sim.criticalMassTicks[0.16])
        XCTAssertTrue(svg.contains(">16% \(sim.calendar.label(reached))</text>"), svg)
        XCTAssertGreaterThanOrEqual(svg.components(separatedBy: "class=\"reference\"").count - 1, 2)
        XCTAssertTrue(svg.contains(">2025Q1</text>"), "a quarterly axis is labelled on the first quarters")
        XCTAssertFalse(svg.contains(">2023Q3</text>"))
    }

    /// Every number in a coordinate attribute or a path is finite.
    func assertFiniteCoordinates(_ svg: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        // As a word: a sector may well be called "finance".
        let nonFinite = try! NSRegularExpression(pattern: #"\b(nan|inf|infinity)\b"#, options: [.caseInsensitive])
        let numbers = svg.replacingOccurrences(of: #">[^<]*<"#, with: "><", options: .regularExpression)
        let found = nonFinite.firstMatch(in: numbers, range: NSRange(numbers.startIndex..., in: numbers))
        XCTAssertNil(found, "\(context): not a finite number in the SVG", file: file, line: line)
        let attribute = try! NSRegularExpression(
            pattern: #" (x|y|x1|x2|y1|y2|cx|cy|r|width|height|d|viewBox)="([^"]*)""#)
        let number = try! NSRegularExpression(pattern: #"-?[0-9]+(\.[0-9]+)?"#)
        for match in attribute.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)) {
            let value = String(svg[Range(match.range(at: 2), in: svg)!])
            let letters = value.filter { $0.isLetter }
            XCTAssertTrue(
                letters.allSatisfy { "MLHVZhvZ".contains($0) }, "\(context): \(value)", file: file, line: line)
            for n in number.matches(in: value, range: NSRange(value.startIndex..., in: value)) {
                let text = String(value[Range(n.range, in: value)!])
                XCTAssertNotNil(
                    Double(text).flatMap { $0.isFinite ? $0 : nil }, "\(context): \(text)", file: file, line: line)
            }
        }
    }

    func testNoInputPutsANonFiniteNumberIntoAChart() throws {
        let full = OutputTable(try simulation())
        var tables: [(String, OutputTable)] = [
            ("no rows", OutputTable(names: full.names, rows: [], dates: [])),
            ("one row", OutputTable(names: full.names, rows: [full.rows[0]], dates: [full.dates[0]])),
        ]
        for (name, value) in [("constant", 7.0), ("zero", 0), ("NaN", .nan), ("infinite", .infinity), ("huge", 1e300)] {
            tables.append(
                (
                    "every column \(name)",
                    OutputTable(
                        names: full.names, rows: full.rows.map { $0.map { _ in value } }, dates: full.dates)
                ))
        }
        var mixed = full
        for t in mixed.rows.indices where t % 3 == 1 { mixed.rows[t] = mixed.rows[t].map { _ in .nan } }
        mixed.rows[0][0] = -1e308
        tables.append(("gaps and a wild value", mixed))
        for (name, table) in tables {
            for chart in RunCharts.charts(table) { assertFiniteCoordinates(chart.svg, "\(name), \(chart.id)") }
        }
        let degenerate = [
            LineChart(
                id: "l", title: "t", dates: ["2023Q1"], valueTitle: "v",
                series: [.init("s", [.nan], low: [.nan], high: [1])]
            ).chart(),
            BarChart(id: "b", title: "t", categories: ["a", "b"], valueTitle: "v", series: [.init("s", [.nan, 0])])
                .chart(),
            BarChart(id: "e", title: "t", categories: [], valueTitle: "v", series: []).chart(),
            IntervalChart(
                id: "i", title: "t", rows: [.init(label: "a", values: [], mean: .nan, low: .nan, high: .nan)],
                valueTitle: "v"
            ).chart(),
            StackedAreaChart(id: "s", title: "t", dates: [], valueTitle: "v", series: [("a", [])]).chart(),
        ]
        for chart in degenerate { assertFiniteCoordinates(chart.svg, chart.id) }
    }

    func testOneRowStillDrawsAMarkPerSeries() throws {
        let full = OutputTable(try simulation())
        let table = OutputTable(names: full.names, rows: [full.rows[0]], dates: [full.dates[0]])
        for chart in RunCharts.charts(table) {
            XCTAssertGreaterThan(chart.svg.components(separatedBy: "data-series=").count - 1, 0, chart.id)
        }
    }

    func testNamesFromPluginsAndScenariosAreEscapedEverywhere() throws {
        let hostile = "</svg><script>alert(1)</script>\"' onload=\"alert(2)"
        let full = OutputTable(try simulation())
        // A sector and an account of that name, as a scenario and a plugin could make them.
        var names = full.names
        let sector = try XCTUnwrap(
            names.firstIndex {
                $0.hasPrefix("adoption_") && !$0.hasSuffix("laggards") && $0 != "adoption_innovators"
                    && ![
                        "adoption_early_adopters", "adoption_early_majority", "adoption_late_majority",
                        "adoption_small", "adoption_medium", "adoption_large",
                    ].contains($0)
            })
        names[sector] = "adoption_" + hostile
        names.append("spend_" + hostile)
        let rows = full.rows.enumerated().map { t, row in row + [Double(t) * 1000] }
        let table = OutputTable(names: names, rows: rows, dates: full.dates)
        let charts = RunCharts.charts(table)
        let bars = BarChart(
            id: hostile, title: hostile, summary: hostile, categories: [hostile], valueTitle: hostile,
            series: [.init(hostile, [1], low: [0], high: [2])]
        ).chart()
        let intervals = IntervalChart(
            id: "i", title: hostile, rows: [.init(label: hostile, values: [1], mean: 1, low: 0, high: 2)],
            valueTitle: hostile
        ).chart()
        for chart in charts + [bars, intervals] {
            XCTAssertFalse(chart.svg.contains("<script"), chart.id)
            XCTAssertFalse(chart.svg.contains("\" onload"), chart.id)
            XCTAssertFalse(chart.svg.dropFirst().dropLast(6).contains("</svg>"), chart.id)
            XCTAssertTrue(chart.svg.hasSuffix("</svg>"), chart.id)
            assertWellFormed(chart.svg, chart.id)
        }
        let sectorChart = try XCTUnwrap(charts.first { $0.id == "adoption-by-sector" })
        XCTAssertGreaterThan(marks(sectorChart.svg, series: hostile), 0, "the hostile sector is drawn, escaped")
        let spending = try XCTUnwrap(charts.first { $0.id == "spending" })
        XCTAssertGreaterThan(marks(spending.svg, series: hostile), 0)
        XCTAssertEqual(
            bars.id, "--svg--script-alert-1---script----onload--alert-2-", "ids keep to letters, digits and -")

        var page = ReportPage(title: hostile, subtitle: hostile, footer: hostile)
        page.section(hostile, id: hostile)
        page.paragraph(hostile)
        page.facts([(hostile, hostile)])
        page.table(header: [hostile], rows: [[hostile]], caption: hostile)
        page.figure(bars)
        XCTAssertFalse(page.html.contains("<script"))
        XCTAssertFalse(page.html.contains("\" onload"))
    }

    func assertWellFormed(_ svg: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "\(context): \(parser.parserError.map { "\($0)" } ?? "")", file: file, line: line)
    }

    func testEveryRunChartIsWellFormedXML() throws {
        for chart in RunCharts.charts(OutputTable(try simulation())) { assertWellFormed(chart.svg, chart.id) }
    }

    func testBandsErrorBarsAndObservationsAreDrawnForEachSeries() {
        let line = LineChart(
            id: "l", title: "t", dates: ["2023Q1", "2023Q2", "2023Q3"], valueTitle: "v",
            series: [.init("a", [1, 2, 3], low: [0, 1, 2], high: [2, 3, 4]), .init("b", [3, 2, 1])]
        ).chart().svg
        XCTAssertEqual(line.components(separatedBy: "class=\"band\"").count - 1, 1)
        XCTAssertTrue(line.contains("data-series=\"a\" class=\"band\""))
        let bars = BarChart(
            id: "b", title: "t", categories: ["x1", "x2", "x3"], valueTitle: "v",
            series: [
                .init("S1", [0.5, 0.2, -0.01], low: [0.4, 0.1, -0.1], high: [0.6, 0.3, 0.08]),
                .init("ST", [0.6, 0.3, 0.05], low: [0.5, 0.2, 0], high: [0.7, 0.4, 0.1]),
            ]
        ).chart().svg
        XCTAssertEqual(bars.components(separatedBy: "class=\"bar\"").count - 1, 6)
        XCTAssertEqual(bars.components(separatedBy: "class=\"interval\"").count - 1, 6)
        XCTAssertEqual(marks(bars, series: "S1"), 6, "three bars and three error bars")
        let intervals = IntervalChart(
            id: "i", title: "t",
            rows: [
                .init(label: "p1", values: [1, 2, 3, 2], mean: 2, low: 1.2, high: 2.8),
                .init(label: "p2", values: [5, 5], mean: 5, low: 5, high: 5),
            ], valueTitle: "v", reference: .init(value: 0, label: "no difference")
        ).chart().svg
        XCTAssertEqual(intervals.components(separatedBy: "class=\"observation\"").count - 1, 6)
        XCTAssertEqual(intervals.components(separatedBy: "class=\"interval\"").count - 1, 2)
        XCTAssertEqual(marks(intervals, series: "p1"), 4 + 1 + 1)
        XCTAssertTrue(intervals.contains(">no difference</text>"))
    }

    func testSeriesDifferWithoutColourByDashAndMarker() {
        let looks = (0..<8).map(ChartStyle.look)
        XCTAssertEqual(Set(looks.map(\.dash)).count, 8)
        XCTAssertEqual(Set(looks.map { "\($0.marker)" }).count, 8)
        XCTAssertEqual(Set(looks.map(\.colour)).count, 8)
        XCTAssertEqual(looks[0].colour, "#0072B2", "Okabe-Ito blue first")
    }

    func testTimeAxesAreLabelledWithTheRunsDates() {
        let quarters = (0..<40).map { try! TickCalendar(start: "2023Q3", unit: .quarter).label($0) }
        XCTAssertEqual(DateAxis(dates: quarters, maximumLabels: 9).ticks.map(\.label).first, "2024Q1")
        XCTAssertEqual(
            DateAxis(dates: quarters, maximumLabels: 9).ticks.map(\.label),
            ["2024Q1", "2025Q1", "2026Q1", "2027Q1", "2028Q1", "2029Q1", "2030Q1", "2031Q1", "2032Q1", "2033Q1"]
                .filter { quarters.contains($0) }.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        let months = (0..<24).map { try! TickCalendar(start: "2023-01", unit: .month).label($0) }
        XCTAssertEqual(
            DateAxis(dates: months, maximumLabels: 8).ticks.map(\.label),
            ["2023-01", "2023-04", "2023-07", "2023-10", "2024-01", "2024-04", "2024-07", "2024-10"])
        XCTAssertEqual(DateAxis(dates: ["2023Q1"], maximumLabels: 8).ticks.map(\.label), ["2023Q1"])
        XCTAssertEqual(DateAxis(dates: ["a", "b", "c"], maximumLabels: 8).unit, "tick")
    }

    func testAxisNumbersUseReadableAndNeverRepeat() {
        XCTAssertEqual(ValueFormat.number.tickLabels([100, 100.002, 100.004]), ["100", "100.002", "100.004"])
        XCTAssertEqual(ValueFormat.number.tickLabels([0, 5000, 10000]), ["0", "5,000", "10,000"])
        XCTAssertEqual(ValueFormat.percent.tickLabels([0, 0.05, 0.1]), ["0%", "5%", "10%"])
        XCTAssertEqual(ValueFormat.yuan.tickLabels([0, 5e8, 1e9, 1.5e9]), ["0", "0.5 bn", "1 bn", "1.5 bn"])
        XCTAssertEqual(Readable.axisNumber(0.25, step: 0.05), "0.25")
        XCTAssertEqual(Readable.axisNumber(27_506_219, step: 1e6), "27,506,219")
    }

    func testScalesCoverTheirValuesWithNiceTicks() {
        let s = LinearScale(values: [0.3, 7.2], includeZero: true, start: 0, end: 100)
        XCTAssertEqual(s.ticks, [0, 2, 4, 6, 8])
        XCTAssertEqual(s(0), 0)
        XCTAssertEqual(s(8), 100)
        let constant = LinearScale(values: [5, 5, 5], start: 0, end: 100)
        XCTAssertLessThan(constant.lower, 5)
        XCTAssertGreaterThan(constant.upper, 5)
        let shares = LinearScale(values: [0.2], fixed: 0...1, start: 0, end: 100)
        XCTAssertEqual(shares.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1])
    }
}
