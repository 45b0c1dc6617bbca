/// One chart, drawn: an inline `<svg>` element to put into an HTML page.
///
/// The SVG is complete in itself (its own white background, fonts named by
/// family, no external references, no scripts) and is meant for embedding in
/// HTML, which needs no namespace attribute; to save it as an .svg file add
/// `xmlns="http://www.w3.org/2000/svg"` to the root element.
///
///     for chart in RunCharts.charts(table) {
///         html += "<figure>" + chart.svg + "<figcaption>" + chart.summary + "</figcaption></figure>"
///     }
public struct Chart: Sendable, Equatable {
    /// A short name, unique among the charts of one page ("adoption", "stages");
    /// the `<svg>` element's id is "chart-" and this.
    public let id: String
    /// The title drawn at the top of the chart (plain text, not escaped).
    public let title: String
    /// The `<svg>` element.
    public let svg: String
    /// What the chart shows and how to read it, in a sentence or two
    /// (plain text, not escaped); also the SVG's `<desc>`.
    public let summary: String

    public init(id: String, title: String, svg: String, summary: String = "") {
        self.id = id
        self.title = title
        self.svg = svg
        self.summary = summary
    }
}
