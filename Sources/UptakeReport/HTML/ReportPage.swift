/// A report as one self-contained HTML file: the styles inline, the charts
/// as inline SVG, no scripts, fonts, images or anything else fetched from
/// anywhere, so it opens from an e-mail attachment or a USB stick, offline,
/// and prints as it looks. A Content-Security-Policy in the page forbids
/// scripts and every outside resource besides: should a name from a plugin
/// ever get past the escaping, the browser still runs nothing.
///
/// Text given to it is plain text and escaped here; `raw` takes markup.
///
///     var page = ReportPage(title: "Run report: baseline")
///     page.section("Adoption", id: "adoption")
///     page.paragraph("...")
///     page.figure(chart)
///     let html = page.html
public struct ReportPage: Sendable {
    public var title: String
    /// Sections for the table of contents: (id, heading).
    var contents: [(id: String, heading: String)] = []
    var body = ""
    /// Shown under the title: what the report is of.
    public var subtitle: String?
    /// The last line of the page: which program made it.
    public var footer: String?

    public init(title: String, subtitle: String? = nil, footer: String? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.footer = footer
    }

    static func escape(_ text: String) -> String { SVGMarkup.escape(text) }

    /// A section heading, listed in the contents.
    public mutating func section(_ heading: String, id: String) {
        let anchor = SVGMarkup.identifier(id)
        contents.append((anchor, heading))
        body += "<h2 id=\"\(anchor)\">\(ReportPage.escape(heading))</h2>\n"
    }

    /// A smaller heading inside a section (not in the contents).
    public mutating func subheading(_ text: String) {
        body += "<h3>\(ReportPage.escape(text))</h3>\n"
    }

    public mutating func paragraph(_ text: String, className: String? = nil) {
        let attribute = className.map { " class=\"\(ReportPage.escape($0))\"" } ?? ""
        body += "<p\(attribute)>\(ReportPage.escape(text))</p>\n"
    }

    /// Terms and their values (the provenance of a run or a batch).
    public mutating func facts(_ pairs: [(String, String)]) {
        body += "<dl class=\"facts\">\n"
        for (term, value) in pairs {
            body += "<dt>\(ReportPage.escape(term))</dt><dd>\(ReportPage.escape(value))</dd>\n"
        }
        body += "</dl>\n"
    }

    /// A table; columns in `numeric` are right-aligned with tabular figures.
    public mutating func table(header: [String], rows: [[String]], numeric: Set<Int> = [], caption: String? = nil) {
        func cell(_ tag: String, _ text: String, _ column: Int) -> String {
            let attribute = numeric.contains(column) ? " class=\"num\"" : ""
            return "<\(tag)\(attribute)>\(ReportPage.escape(text))</\(tag)>"
        }
        body += "<div class=\"table\"><table>\n"
        if let caption { body += "<caption>\(ReportPage.escape(caption))</caption>\n" }
        body += "<thead><tr>" + header.enumerated().map { cell("th", $1, $0) }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows { body += "<tr>" + row.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>\n" }
        body += "</tbody></table></div>\n"
    }

    /// A chart with its summary as the caption.
    public mutating func figure(_ chart: Chart) {
        body += "<figure id=\"figure-\(SVGMarkup.identifier(chart.id))\">\n\(chart.svg)\n"
        if !chart.summary.isEmpty { body += "<figcaption>\(ReportPage.escape(chart.summary))</figcaption>\n" }
        body += "</figure>\n"
    }

    /// Markup as it is (for the callers of this module that build their own).
    mutating func raw(_ markup: String) { body += markup }

    /// The whole page.
    public var html: String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(ReportPage.policy)\">\n"
        out += "<meta name=\"color-scheme\" content=\"light\">\n"
        out +=
            "<title>\(ReportPage.escape(title))</title>\n<style>\n\(ReportPage.css)</style>\n</head>\n<body>\n<main>\n"
        out += "<h1>\(ReportPage.escape(title))</h1>\n"
        if let subtitle { out += "<p class=\"subtitle\">\(ReportPage.escape(subtitle))</p>\n" }
        if contents.count > 1 {
            out += "<nav aria-label=\"Contents\"><ol>\n"
            for entry in contents {
                out += "<li><a href=\"#\(entry.id)\">\(ReportPage.escape(entry.heading))</a></li>\n"
            }
            out += "</ol></nav>\n"
        }
        out += body
        if let footer { out += "<footer>\(ReportPage.escape(footer))</footer>\n" }
        return out + "</main>\n</body>\n</html>\n"
    }

    /// Nothing may be loaded or run; only the page's own styles apply.
    static let policy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

    /// Dark text on white, on screen and on paper; the charts carry their own white backgrounds.
    static let css = """
        :root { color-scheme: light; }
        html { background: #FFFFFF; color: #222222; }
        body { margin: 0;
          font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
          font-size: 16px; line-height: 1.5; }
        main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
        h1 { font-size: 1.7rem; margin: 0 0 0.25rem; }
        h2 { font-size: 1.3rem; margin: 2.2rem 0 0.6rem; padding-top: 0.6rem; border-top: 1px solid #CCCCCC; }
        h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
        p.subtitle { color: #555555; margin-top: 0; }
        p.note { color: #555555; font-size: 0.92rem; }
        a { color: #0B5394; }
        nav ol { columns: 2; margin: 0.5rem 0 0; padding-left: 1.4rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 0.6rem 0; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        div.table { overflow-x: auto; }
        table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.92rem; }
        caption { text-align: left; color: #555555; padding-bottom: 0.3rem; }
        th, td { border-bottom: 1px solid #DDDDDD; padding: 0.3rem 0.7rem 0.3rem 0; text-align: left;
          vertical-align: top; overflow-wrap: anywhere; }
        th { border-bottom: 2px solid #999999; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        figure { margin: 1.2rem 0 2rem; }
        figure svg { display: block; border: 1px solid #E3E3E3; }
        figcaption { color: #444444; font-size: 0.92rem; margin-top: 0.4rem; max-width: 48rem; }
        footer { margin-top: 3rem; color: #666666; font-size: 0.85rem; border-top: 1px solid #CCCCCC;
          padding-top: 0.6rem; }
        @media print {
          @page { margin: 1.5cm; }
          html, body { background: #FFFFFF; color: #000000; font-size: 11pt; }
          main { max-width: none; padding: 0; }
          nav { display: none; }
          a { color: inherit; text-decoration: none; }
          h2 { break-after: avoid; }
          figure, table, dl.facts { break-inside: avoid; }
          figure svg { border: none; max-width: 100%; }
        }

        """
}
