import Foundation
import UptakeKernel

/// One chart as the page shows it: an id, a title and the SVG, the fields of UptakeReport's `Chart`.
struct ExplorerChart: Codable, Sendable, Equatable {
    var id: String
    var title: String
    var svg: String
}

/// The charts of a run from the rows received so far. Drawing charts is
/// UptakeReport's job (`RunCharts`, the same charts as the HTML report); the
/// explorer only hands it the table.
enum ExplorerCharts {
    static func charts(_ table: StreamedTable) -> [ExplorerChart] {
        // Placeholder until RunCharts lands (issue12-report). Then this body is:
        // RunCharts.charts(OutputTable(names: table.names, rows: table.rows, dates: table.dates))
        //     .map { ExplorerChart(id: $0.id, title: $0.title, svg: $0.svg) }
        [adoptionPolyline(table)]
    }

    // Placeholder until RunCharts lands (issue12-report): one plain polyline of `adoption`.
    static func adoptionPolyline(_ table: StreamedTable) -> ExplorerChart {
        let (width, height, margin) = (600.0, 220.0, 30.0)
        let values = table.column("adoption") ?? []
        let xScale = (width - 2 * margin) / Double(max(values.count - 1, 1))
        let points = values.enumerated().compactMap { tick, share -> String? in
            guard share.isFinite else { return nil }
            let x = margin + Double(tick) * xScale
            let y = height - margin - min(max(share, 0), 1) * (height - 2 * margin)
            return String(format: "%.1f,%.1f", x, y)
        }
        let first = table.dates.first ?? "", last = table.dates.last ?? ""
        let svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img">\
            <line x1="\(margin)" y1="\(height - margin)" x2="\(width - margin)" y2="\(height - margin)" stroke="#888"/>\
            <line x1="\(margin)" y1="\(margin)" x2="\(margin)" y2="\(height - margin)" stroke="#888"/>\
            <text x="\(margin)" y="\(height - 8)" font-size="11">\(first)</text>\
            <text x="\(width - margin)" y="\(height - 8)" font-size="11" text-anchor="end">\(last)</text>\
            <text x="\(margin - 4)" y="\(margin + 4)" font-size="11" text-anchor="end">1</text>\
            <polyline fill="none" stroke="#1f6feb" stroke-width="2" points="\(points.joined(separator: " "))"/>\
            </svg>
            """
        return ExplorerChart(id: "adoption", title: "Adoption (share of firms)", svg: svg)
    }
}
