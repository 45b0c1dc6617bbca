/// All firms of a run as a struct of arrays: one contiguous array per
/// attribute, indexed by firm number 0..<count. The tick loop streams through
/// these arrays; objects per firm would scatter them over the heap.
public struct FirmTable: Sendable {
    public var ids: [String]
    public var sector: [UInt8]
    public var size: [UInt8]
    public var region: [UInt16]
    public var regionNames: [String]
    public var innovativeness: FirmInnovativeness
    public var category: [UInt8]
    /// Personal adoption threshold (utility units for `rogers`, neighbour share for `threshold`).
    public var threshold: [Double]
    /// Investment capacity, yuan (drawn when read until the rogers rule or a change needs them all).
    public var budget: FirmBudget
    public var stage: [UInt8]
    /// Tick at which the firm last adopted, -1 if never.
    public var adoptedTick: [Int32]
    /// Tick at which the firm entered its current stage.
    public var stageSince: [Int32]
    /// Accumulated training (decays each tick).
    public var training: [Double]
    /// Utility when the firm rejected or discontinued; re-entry needs a material rise over it.
    public var rejectedUtility: [Double]

    public var count: Int { sector.count }

    public init(count: Int) {
        ids = []
        sector = Array(repeating: 0, count: count)
        size = Array(repeating: 0, count: count)
        region = Array(repeating: 0, count: count)
        regionNames = ["all"]
        innovativeness = FirmInnovativeness(values: Array(repeating: 0, count: count), drawnFrom: nil)
        category = Array(repeating: 0, count: count)
        threshold = Array(repeating: 0, count: count)
        budget = FirmBudget(values: Array(repeating: 0, count: count))
        stage = Array(repeating: Stage.unaware.rawValue, count: count)
        adoptedTick = Array(repeating: -1, count: count)
        stageSince = Array(repeating: 0, count: count)
        training = Array(repeating: 0, count: count)
        rejectedUtility = Array(repeating: 0, count: count)
    }

    /// The printable id of a firm (its CSV id, or its number).
    public func id(_ firm: Int) -> String { ids.isEmpty ? String(firm) : ids[firm] }
}

/// Every firm's innovativeness (eta ~ N(0, 1)), by firm number.
///
/// Why it may hold no values: a generated firm's innovativeness is a draw of
/// the run's counter RNG, a pure function of the seed and the firm number,
/// and once the population is built no step reads it (the thresholds,
/// categories and initial adopters made from it are kept). After
/// `forgetDrawnValues()` a value is drawn again when read (by plugins and the
/// firms file, a few times a run) instead of 8 bytes a firm held for the
/// whole run; the same function draws it, so it is the same number. Values
/// a firms file gave are always kept.
public struct FirmInnovativeness: RandomAccessCollection, Sendable {
    /// The values, or empty once forgotten.
    var values: [Double]
    /// The RNG every value was drawn from, nil when a firms file gave some.
    let drawnFrom: CounterRNG?
    public let endIndex: Int
    public var startIndex: Int { 0 }

    init(values: [Double], drawnFrom rng: CounterRNG?) {
        self.values = values
        drawnFrom = rng
        endIndex = values.count
    }

    public subscript(firm: Int) -> Double {
        guard values.isEmpty, let rng = drawnFrom else { return values[firm] }
        precondition(firm >= 0 && firm < endIndex, "firm \(firm) out of 0..<\(endIndex)")
        return FirmInnovativeness.draw(rng, firm: firm)
    }

    /// The innovativeness of generated firm `firm`.
    @inline(__always)
    static func draw(_ rng: CounterRNG, firm: Int) -> Double {
        draws(rng).normal(firm: firm)
    }

    /// The draws of generated firms' innovativeness, for loops over firms (`PopulationBuilder`).
    static func draws(_ rng: CounterRNG) -> CounterRNG.Keyed {
        rng.keyed(tick: -1, stream: .innovativeness)
    }

    /// Every value as an array: the one held, or the values drawn again.
    var array: [Double] { values.count == endIndex ? values : Array(self) }

    /// Lets the values go when every one can be drawn again.
    mutating func forgetDrawnValues() {
        if drawnFrom != nil { values = [] }
    }
}
