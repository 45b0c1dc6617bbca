/// What the population of a run is made from.
public struct PopulationSpec: Sendable {
    /// Number of firms to generate (ignored when `records` is given).
    public var count: Int
    public var sectors: [SectorProfile]
    /// Share of firms that have already adopted at tick 0, drawn among the
    /// most innovative, weighted towards large firms.
    public var initialAdoption: Double
    /// Shares of initial adopters within each size class (small, medium, large), as a survey gives
    /// them; when set, it replaces `initialAdoption` and the size head start.
    public var initialAdoptionBySize: [Double]?
    /// Share of the firms that have not adopted at tick 0 which start `aware` (they know of the
    /// innovation and are forming an opinion) rather than `unaware`; each drawn on its own.
    public var initialAwareness: Double = 0
    /// Threshold = base - slope * innovativeness (falls with innovativeness, as the spec asks).
    public var thresholdBase: Double
    public var thresholdSlope: Double
    /// Firms read from a file; missing attributes are drawn as for generated firms.
    public var records: [FirmRecord]?
    public var regions: [String]

    /// The share of initial adopters a scenario gets when it does not say:
    /// none under `bass`, whose closed form (Bass 1969) starts at 0 adopters
    /// and which spreads from `p` alone; 3% otherwise, because `threshold`
    /// cannot start without adopters and `rogers` is calibrated from a seed.
    public static func defaultInitialAdoption(for model: ModelSpec) -> Double {
        if case .bass = model { return 0 }
        return 0.03
    }

    public init(
        count: Int, sectors: [SectorProfile] = SectorProfile.defaults, initialAdoption: Double = 0.03,
        thresholdBase: Double = 0.6, thresholdSlope: Double = 0.35, records: [FirmRecord]? = nil,
        regions: [String] = [], initialAdoptionBySize: [Double]? = nil
    ) {
        self.count = count
        self.sectors = sectors
        self.initialAdoption = initialAdoption
        self.initialAdoptionBySize = initialAdoptionBySize
        self.thresholdBase = thresholdBase
        self.thresholdSlope = thresholdSlope
        self.records = records
        self.regions = regions
    }
}

/// One firm as a data file gives it; nil fields are drawn from the defaults.
public struct FirmRecord: Sendable, Equatable {
    public var id: String
    public var sector: String?
    public var size: FirmSize?
    public var region: String?
    public var innovativeness: Double?
    public var threshold: Double?
    public var stage: Stage?
    public init(
        id: String, sector: String? = nil, size: FirmSize? = nil, region: String? = nil,
        innovativeness: Double? = nil, threshold: Double? = nil, stage: Stage? = nil
    ) {
        self.id = id
        self.sector = sector
        self.size = size
        self.region = region
        self.innovativeness = innovativeness
        self.threshold = threshold
        self.stage = stage
    }
}

public struct PopulationError: Error, CustomStringConvertible {
    public let description: String
}

/// Builds the firm table: draws attributes from the counter RNG (tick -1) and
/// assigns adopter categories by exact rank of innovativeness.
public enum PopulationBuilder {
    public static func build(_ spec: PopulationSpec, rng: CounterRNG) throws -> FirmTable {
        let count = spec.records?.count ?? spec.count
        guard count > 0 else { throw PopulationError(description: "a population needs at least one firm") }
        var firms = FirmTable(count: count)
        let sectorCumulative = cumulative(spec.sectors.map(\.share))
        let sectorIndex = Dictionary(uniqueKeysWithValues: spec.sectors.enumerated().map { ($1.name, $0) })
        // Regions: the scenario's list, then any new ones the records name, in order of appearance.
        var regionNames = spec.regions
        for name in spec.records?.compactMap(\.region) ?? [] where !regionNames.contains(name) {
            regionNames.append(name)
        }
        firms.regionNames = regionNames.isEmpty ? ["all"] : regionNames
        let regionIndex = Dictionary(uniqueKeysWithValues: firms.regionNames.enumerated().map { ($1, $0) })
        if let records = spec.records { firms.ids = records.map(\.id) }
        // Per sector, outside the loop: reading a `SectorProfile` (a String and
        // arrays) per firm cost reference counting, and its cumulative size
        // mix an array allocation, per firm.
        let sizeCumulative = spec.sectors.map { cumulative($0.sizeMix) }
        let adoptionCost = spec.sectors.map(\.adoptionCost)
        // The columns are written as local arrays, not through the inout table:
        // there every write checked that its array was not shared (a sixth of
        // the loop's instructions); a local array's check leaves the loop.
        var sector = firms.sector, size = firms.size, region = firms.region
        var innovativeness = firms.innovativeness.values, threshold = firms.threshold
        firms.sector = []
        firms.size = []
        firms.region = []
        firms.innovativeness.values = []
        firms.threshold = []
        firms.budget = FirmBudget(values: [])
        // One key per stream: the draws are the generator's own, without mixing the seed,
        // stream and tick again for every firm (two of a uniform draw's three rounds).
        let sectorDraws = rng.keyed(tick: -1, stream: .sector), sizeDraws = rng.keyed(tick: -1, stream: .size)
        let regionDraws = rng.keyed(tick: -1, stream: .region)
        // Innovativeness through FirmInnovativeness's own key: the run draws the same values again.
        let innovativenessDraws = FirmInnovativeness.draws(rng)

        for i in 0..<count {
            let record = spec.records?[i]
            // Sector
            if let name = record?.sector {
                guard let s = sectorIndex[name] else {
                    throw PopulationError(
                        description:
                            "firm '\(record!.id)' has sector '\(name)', which is not in the sector table (\(spec.sectors.map(\.name).joined(separator: ", ")))"
                    )
                }
                sector[i] = UInt8(s)
            } else {
                sector[i] = UInt8(pick(sectorCumulative, sectorDraws.uniform(firm: i)))
            }
            let sectorNumber = Int(sector[i])
            // Size
            if let given = record?.size {
                size[i] = given.rawValue
            } else {
                size[i] = UInt8(pick(sizeCumulative[sectorNumber], sizeDraws.uniform(firm: i)))
            }
            // Region
            if let name = record?.region {
                region[i] = UInt16(regionIndex[name]!)
            } else if !spec.regions.isEmpty {
                region[i] = UInt16(
                    Int(regionDraws.uniform(firm: i) * Double(spec.regions.count)))
            }
            innovativeness[i] = record?.innovativeness ?? innovativenessDraws.normal(firm: i)
            threshold[i] =
                record?.threshold ?? (spec.thresholdBase - spec.thresholdSlope * innovativeness[i])
        }
        firms.sector = sector
        firms.size = size
        firms.region = region
        // Drawn for every firm (none given by a file): values a run may forget and draw again.
        let allDrawn = spec.records?.allSatisfy { $0.innovativeness == nil } ?? true
        firms.innovativeness = FirmInnovativeness(values: innovativeness, drawnFrom: allDrawn ? rng : nil)
        firms.threshold = threshold
        // Budgets: size-scaled, with a lognormal spread, drawn when read (`FirmBudget`).
        firms.budget = FirmBudget(sector: sector, size: size, adoptionCost: adoptionCost, rng: rng)
        assignCategories(&firms)
        try seedInitialStages(&firms, spec: spec, rng: rng)
        return firms
    }

    /// Exact Rogers shares by rank: the top round(2.5% N) most innovative are
    /// innovators, and so on; ties broken by firm number so the result is
    /// deterministic.
    public static func assignCategories(_ firms: inout FirmTable) {
        firms.category = ScoreRanking.bands(firms.innovativeness.array, bounds: categoryBounds(firms.count))
    }

    /// Cumulative rank cut-offs of the five categories for n firms: round of
    /// the cumulative share, so the counts add up to n exactly.
    public static func categoryBounds(_ n: Int) -> [Int] {
        var total = 0.0
        return AdopterCategory.rogersShares.map { share in
            total += share
            return Int((total * Double(n)).rounded())
        }
    }

    /// Initial adopters: from records where given; otherwise the firms with the
    /// highest innovativeness plus a size bonus (large firms adopt first).
    static func seedInitialStages(_ firms: inout FirmTable, spec: PopulationSpec, rng: CounterRNG) throws {
        if spec.records != nil {
            for (i, r) in spec.records!.enumerated() {
                if let s = r.stage {
                    firms.stage[i] = s.rawValue
                    if s.isAdopter { firms.adoptedTick[i] = 0 }
                }
            }
            return
        }
        if let shares = spec.initialAdoptionBySize {
            seedBySize(&firms, shares: shares)
        } else {
            seedMostInnovative(&firms, share: spec.initialAdoption)
        }
        if spec.initialAwareness > 0 {
            let draws = rng.keyed(tick: -1, stream: .initialStage)
            for i in 0..<firms.count where firms.stage[i] == Stage.unaware.rawValue {
                if draws.uniform(firm: i) < spec.initialAwareness {
                    firms.stage[i] = Stage.aware.rawValue
                }
            }
        }
    }

    /// The round(share x N) firms with the highest innovativeness plus a size bonus start adopted.
    static func seedMostInnovative(_ firms: inout FirmTable, share: Double) {
        let k = Int((share * Double(firms.count)).rounded())
        guard k > 0 else { return }
        let sizeBonus: [Double] = [0, 1.2, 2.4]
        let score = (0..<firms.count).map { firms.innovativeness[$0] + sizeBonus[Int(firms.size[$0])] }
        // The k highest scores, ties by firm number, are band 0.
        for (firm, band) in ScoreRanking.bands(score, bounds: [k]).enumerated() where band == 0 {
            firms.stage[firm] = Stage.adopted.rawValue
            firms.adoptedTick[firm] = 0
        }
    }

    /// Within each size class, the round(share x class size) most innovative firms start adopted
    /// (ties by firm number), so the initial shares by size are the given ones up to rounding.
    static func seedBySize(_ firms: inout FirmTable, shares: [Double]) {
        var members = [[Int]](repeating: [], count: FirmSize.allCases.count)
        for i in 0..<firms.count { members[Int(firms.size[i])].append(i) }
        for (size, group) in members.enumerated() {
            let k = Int((shares[size] * Double(group.count)).rounded())
            guard k > 0 else { continue }
            // The group lists firm numbers in rising order, so ties stay by firm number.
            let order = ScoreRanking.descending(group.map { firms.innovativeness[$0] })
            for firm in order.prefix(k).map({ group[$0] }) {
                firms.stage[firm] = Stage.adopted.rawValue
                firms.adoptedTick[firm] = 0
            }
        }
    }

    static func cumulative(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        var running = 0.0
        return weights.map {
            running += $0 / total
            return running
        }
    }

    @inline(__always)
    static func pick(_ cumulative: [Double], _ u: Double) -> Int {
        for (i, c) in cumulative.enumerated() where u < c { return i }
        return cumulative.count - 1
    }
}

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
