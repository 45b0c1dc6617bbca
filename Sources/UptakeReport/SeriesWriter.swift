import Foundation
import UptakeFiles
import UptakeKernel

/// Writes the series table of a run as CSV (header row, one row per tick).
public enum SeriesWriter {
    public static func write(_ table: OutputTable, to url: URL) throws {
        try OutputFile.write(Data(SeriesCSV.text(table).utf8), to: url)
    }

    /// One row per firm: id, stage, adopted_tick (empty if never), and its attributes.
    public static func firmsCSV(_ sim: Simulation) -> String {
        var out = "id,stage,adopted_tick,sector,size,region,category,innovativeness,threshold,budget,training\n"
        let f = sim.firms
        for i in 0..<f.count {
            let cells = [
                f.id(i), Stage(rawValue: f.stage[i])!.name, f.adoptedTick[i] >= 0 ? String(f.adoptedTick[i]) : "",
                sim.sectors[Int(f.sector[i])].name, FirmSize(rawValue: f.size[i])!.name,
                f.regionNames[Int(f.region[i])],
                AdopterCategory(rawValue: f.category[i])!.name, SeriesCSV.format(f.innovativeness[i]),
                SeriesCSV.format(f.threshold[i]), SeriesCSV.format(f.budget[i]), SeriesCSV.format(f.training[i]),
            ]
            out += cells.map(csvEscape).joined(separator: ",") + "\n"
        }
        return out
    }

    static func csvEscape(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
