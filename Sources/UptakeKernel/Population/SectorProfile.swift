/// What a sector brings to adoption: its share of firms, its size mix and the
/// innovation's perceived attributes there. All values are *assumed* unless
/// docs/model.md gives a source; scenarios may replace any of them.
public struct SectorProfile: Sendable, Equatable {
    public var name: String
    /// Share of firms in this sector (the table is renormalised to sum to 1).
    public var share: Double
    /// Shares of small, medium and large firms.
    public var sizeMix: [Double]
    /// One-off adoption cost of a small firm, yuan; medium and large scale by `FirmSize` multipliers.
    public var adoptionCost: Double
    /// Expected yearly benefit of a small firm, yuan.
    public var expectedBenefit: Double
    /// Relative advantage at technology readiness 1.
    public var relativeAdvantage: Double
    public var compatibility: Double
    public var complexity: Double
    public var trialability: Double
    /// Compute a small adopting firm uses per tick, in compute units.
    public var computeIntensity: Double
    /// Productivity gain of a fully ramped-up adopter (share of output).
    public var productivityGain: Double

    public init(
        name: String, share: Double, sizeMix: [Double], adoptionCost: Double, expectedBenefit: Double,
        relativeAdvantage: Double, compatibility: Double, complexity: Double, trialability: Double,
        computeIntensity: Double, productivityGain: Double
    ) {
        self.name = name
        self.share = share
        self.sizeMix = sizeMix
        self.adoptionCost = adoptionCost
        self.expectedBenefit = expectedBenefit
        self.relativeAdvantage = relativeAdvantage
        self.compatibility = compatibility
        self.complexity = complexity
        self.trialability = trialability
        self.computeIntensity = computeIntensity
        self.productivityGain = productivityGain
    }

    /// The default table of eight sectors (*assumed*; see docs/model.md).
    public static let defaults: [SectorProfile] = [
        .init(
            name: "manufacturing", share: 0.30, sizeMix: [0.80, 0.16, 0.04], adoptionCost: 60_000,
            expectedBenefit: 45_000,
            relativeAdvantage: 0.9, compatibility: 0.45, complexity: 0.65, trialability: 0.4, computeIntensity: 1.0,
            productivityGain: 0.08),
        .init(
            name: "finance", share: 0.05, sizeMix: [0.70, 0.20, 0.10], adoptionCost: 80_000, expectedBenefit: 75_000,
            relativeAdvantage: 1.2, compatibility: 0.70, complexity: 0.50, trialability: 0.6, computeIntensity: 1.5,
            productivityGain: 0.12),
        .init(
            name: "healthcare", share: 0.07, sizeMix: [0.75, 0.20, 0.05], adoptionCost: 70_000, expectedBenefit: 50_000,
            relativeAdvantage: 1.0, compatibility: 0.40, complexity: 0.75, trialability: 0.35, computeIntensity: 1.2,
            productivityGain: 0.07),
        .init(
            name: "education", share: 0.08, sizeMix: [0.85, 0.12, 0.03], adoptionCost: 30_000, expectedBenefit: 25_000,
            relativeAdvantage: 1.0, compatibility: 0.60, complexity: 0.45, trialability: 0.7, computeIntensity: 0.8,
            productivityGain: 0.06),
        .init(
            name: "retail", share: 0.25, sizeMix: [0.90, 0.08, 0.02], adoptionCost: 35_000, expectedBenefit: 30_000,
            relativeAdvantage: 1.0, compatibility: 0.60, complexity: 0.45, trialability: 0.7, computeIntensity: 0.9,
            productivityGain: 0.07),
        .init(
            name: "media", share: 0.06, sizeMix: [0.85, 0.12, 0.03], adoptionCost: 40_000, expectedBenefit: 45_000,
            relativeAdvantage: 1.3, compatibility: 0.75, complexity: 0.40, trialability: 0.8, computeIntensity: 1.1,
            productivityGain: 0.12),
        .init(
            name: "logistics", share: 0.12, sizeMix: [0.85, 0.12, 0.03], adoptionCost: 50_000, expectedBenefit: 35_000,
            relativeAdvantage: 0.8, compatibility: 0.50, complexity: 0.55, trialability: 0.5, computeIntensity: 0.8,
            productivityGain: 0.06),
        .init(
            name: "agriculture", share: 0.07, sizeMix: [0.92, 0.07, 0.01], adoptionCost: 40_000,
            expectedBenefit: 20_000,
            relativeAdvantage: 0.6, compatibility: 0.30, complexity: 0.70, trialability: 0.4, computeIntensity: 0.5,
            productivityGain: 0.04),
    ]
}

/// How firm size scales cost, budget, compute and output (*assumed*).
public enum SizeScale {
    /// Adoption cost and benefit multiplier relative to a small firm.
    public static let cost: [Double] = [1, 4, 20]
    /// Investment budget of a firm, multiples of a small firm's adoption cost.
    public static let budget: [Double] = [0.9, 6, 60]
    /// Compute use multiplier.
    public static let compute: [Double] = [1, 5, 30]
    /// Output weight in the productivity index.
    public static let output: [Double] = [1, 8, 60]
    /// Exposure to mass media and trade press (awareness hazard multiplier).
    public static let exposure: [Double] = [1, 1.6, 3]
    /// Absorptive capacity: multiplier on perceived complexity (Cohen and Levinthal 1990: larger firms absorb more easily).
    public static let complexity: [Double] = [1, 0.75, 0.45]
}
