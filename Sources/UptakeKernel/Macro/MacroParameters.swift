/// Parameters of the macro state (technology, compute, energy, trust).
/// Defaults are *assumed* unless docs/model.md gives a source.
public struct MacroParameters: Sendable, Equatable {
    // Technology readiness triad, each in [0, cap].
    public var dataQuality = 0.8
    public var computeCapacity = 0.8
    public var algorithms = 0.9
    public var readinessCap = 2.0
    /// Exogenous growth per tick.
    public var dataGrowth = 0.008
    public var computeGrowth = 0.02
    public var algorithmGrowth = 0.025
    /// Effects of levers per tick: full data sharing / labelling coverage; per billion yuan invested.
    public var dataSharingEffect = 0.02
    public var labellingDataEffect = 0.01
    public var computeInvestmentEffect = 0.01
    public var rdFundingEffect = 0.01
    /// Compute supply at capacity 1, as a share of what all firms would use if all adopted.
    public var supplyShareAtUnitCapacity = 0.35
    /// GWh per compute unit per tick.
    public var energyPerComputeUnit = 0.0005
    /// tCO2 per MWh (China national grid average emission factor 2022, MEE: 0.5703).
    public var gridEmissionFactor = 0.5703
    // Ethics and trust.
    public var incidentRate = 0.004
    public var labellingIncidentCut = 0.6
    public var regulationIncidentCut = 0.5
    public var trust = 0.6
    public var trustCeiling = 0.8
    public var trustRecovery = 0.05
    public var trustErosion = 2.0

    public init() {}
}

/// The economy-wide state at the end of a tick.
public struct MacroState: Sendable, Equatable {
    public var dataQuality: Double
    public var computeCapacity: Double
    public var algorithms: Double
    public var computeDemand = 0.0
    public var computeSupply = 0.0
    public var computeServed = 0.0
    /// Served / demanded compute (1 when nothing is rationed).
    public var rationing = 1.0
    public var energy = 0.0
    public var emissions = 0.0
    public var incidents = 0.0
    public var trust: Double
    public var productivityIndex = 100.0

    public init(_ p: MacroParameters) {
        dataQuality = p.dataQuality
        computeCapacity = p.computeCapacity
        algorithms = p.algorithms
        trust = p.trust
    }

    /// Geometric mean of data, compute and algorithms: data the foundation,
    /// compute the driver, algorithms the core; a weak leg drags the whole.
    public var readiness: Double {
        let product = dataQuality * computeCapacity * algorithms
        return product <= 0 ? 0 : pow(product, 1.0 / 3.0)
    }
}

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
