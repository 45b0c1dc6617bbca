/// Every firm's investment capacity in yuan, by firm number: its sector's
/// adoption cost, times its size class's scale (`SizeScale.budget`), times a
/// lognormal spread exp(0.5 z - 0.125), z a normal draw of the run's counter
/// RNG (sigma 0.5, *assumed*; the -0.125 keeps the mean spread at 1).
///
/// Why it may hold no values: only the rogers rule reads budgets in its step,
/// and it has them all drawn once (`drawAll()`) before the first tick. Under
/// bass and threshold a budget is read by a plugin or the firms file, a few
/// times a run if at all, and drawing one for every firm cost a logarithm, a
/// cosine and an exponential a firm (about a tenth of building a million-firm
/// bass run). Read before then, a budget is drawn when read: the same
/// function of the seed, the firm's sector and size and its number, so the
/// same number. Changing a budget (a plugin's nudge) draws and holds them all.
public struct FirmBudget: RandomAccessCollection, Sendable {
    /// The budgets, or empty while they are drawn when read.
    private(set) var values: [Double]
    /// What a budget not held is made from: the firms' sectors and sizes (shared
    /// with the firm table, not copied), and the cost times the scale of each
    /// sector and size (sector * 3 + size).
    private let sector: [UInt8], size: [UInt8], base: [Double]
    private let draws: CounterRNG.Keyed?
    public let endIndex: Int
    public var startIndex: Int { 0 }

    /// Budgets given (zeros for an empty table).
    init(values: [Double]) {
        self.values = values
        sector = []
        size = []
        base = []
        draws = nil
        endIndex = values.count
    }

    /// Budgets of generated firms, drawn when read: `adoptionCost` by sector.
    init(sector: [UInt8], size: [UInt8], adoptionCost: [Double], rng: CounterRNG) {
        precondition(sector.count == size.count)
        values = []
        self.sector = sector
        self.size = size
        let scales = SizeScale.budget
        base = adoptionCost.flatMap { cost in scales.map { cost * $0 } }
        draws = rng.keyed(tick: -1, stream: .budget)
        endIndex = sector.count
    }

    /// Whether every budget is held rather than drawn when read.
    public var isHeld: Bool { values.count == endIndex }

    public subscript(firm: Int) -> Double {
        get { isHeld ? values[firm] : draw(firm) }
        set {
            drawAll()
            values[firm] = newValue
        }
    }

    /// The budget of generated firm `firm`, as the population was always drawn:
    /// (cost x scale) x spread.
    @inline(__always)
    private func draw(_ firm: Int) -> Double {
        precondition(firm >= 0 && firm < endIndex, "firm \(firm) out of 0..<\(endIndex)")
        let spread = exp(0.5 * draws.unsafelyUnwrapped.normal(firm: firm) - 0.125)
        return base[Int(sector[firm]) &* SizeScale.budget.count &+ Int(size[firm])] * spread
    }

    /// Draws and holds every budget (for the rogers step, and before one is changed).
    public mutating func drawAll() {
        guard !isHeld else { return }
        var drawn = [Double](repeating: 0, count: endIndex)
        for i in 0..<endIndex { drawn[i] = draw(i) }
        values = drawn
    }

    /// Every budget as an array: the one held, or the budgets drawn.
    var array: [Double] { isHeld ? values : Array(self) }
}

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
