import Foundation
import UptakeKernel
import UptakeReport

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
        RunCharts.charts(OutputTable(names: table.names, rows: table.rows, dates: table.dates))
            .map { ExplorerChart(id: $0.id, title: $0.title, svg: $0.svg) }
    }
}
