/// The per-tick outputs of a run as numbers: one row per tick, the schema's
/// columns first (`OutputSchema.columns`, fixed order), then every open
/// spending account (0 in a tick with nothing booked) and every metric
/// plugins recorded (NaN in a tick that did not record it), each sorted by
/// name. The accounts are the kernel's (always all of them) and those
/// plugins booked to, so runs of one scenario and plugin set have the same
/// columns whatever they spent. `tick` and `date` are not in `names`: they
/// are the row's index and `dates`.
///
/// Writing it as text is UptakeReport's `SeriesCSV`; a batch stores the numbers.
public struct OutputTable: Sendable, Equatable {
    /// Column names, in order.
    public var names: [String]
    /// `rows[t][c]` is column `names[c]` at tick `t`.
    public var rows: [[Double]]
    /// The calendar label of each tick ("2023Q1", ...).
    public var dates: [String]

    /// A table read back from a file or assembled by a test: `rows[t]` has
    /// one value per name, and `dates` one label per row.
    public init(names: [String], rows: [[Double]], dates: [String]) {
        self.names = names
        self.rows = rows
        self.dates = dates
    }

    public init(_ sim: Simulation) { self.init(sim, keeping: nil) }

    /// The table with only the columns named in `wanted` (in the table's
    /// order; names it does not have are left out), or all of them when
    /// `wanted` is nil. A batch records a few columns of each run: computing
    /// every breakdown column of every tick cost a small run as much as its
    /// Lua state. Without `dated`, `dates` is empty (a batch stores ticks, and
    /// the labels were a fifth of making its table).
    public init(_ sim: Simulation, keeping wanted: Set<String>?, dated: Bool = true) {
        func kept(_ name: String) -> Bool { wanted?.contains(name) ?? true }
        let columns = OutputSchema.columns(sectors: sim.sectors.map(\.name)).filter { kept($0.name) }
        let wantsAccounts = wanted?.contains { $0.hasPrefix(OutputSchema.accountPrefix) } ?? true
        let accounts =
            wantsAccounts
            ? sim.ledger.accounts.union(sim.history.flatMap { $0.spendTotal.keys }).sorted().filter {
                kept(OutputSchema.accountPrefix + $0)
            } : []
        let metricNames = Set(sim.metrics.flatMap { $0.keys }).sorted().filter(kept)
        names = columns.map(\.name) + accounts.map { OutputSchema.accountPrefix + $0 } + metricNames
        rows = sim.history.indices.map { i in
            let s = sim.history[i]
            return columns.map { $0.value(s) } + accounts.map { s.spendThisTick[$0] ?? 0 }
                + metricNames.map { sim.metrics[i][$0] ?? .nan }
        }
        dates = dated ? sim.history.map { sim.calendar.label($0.tick) } : []
    }

    /// The column of `name`, if the table has it.
    public func column(_ name: String) -> Int? { names.firstIndex(of: name) }

    /// Identical tables: the same names, dates and bits in every cell (so a
    /// NaN equals a NaN: two runs that left the same cells empty are the same).
    public static func == (a: OutputTable, b: OutputTable) -> Bool {
        a.names == b.names && a.dates == b.dates && a.rows.count == b.rows.count
            && zip(a.rows, b.rows).allSatisfy { x, y in
                x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }
            }
    }
}
