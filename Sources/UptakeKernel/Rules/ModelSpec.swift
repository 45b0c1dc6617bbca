/// Which adoption rule a run uses, with its parameters.
public enum ModelSpec: Sendable {
    /// Bass (1969): hazard p + q * A per unit time, A the adopted share of
    /// neighbours (of the population on mean-field); `dt` is the length of a tick.
    case bass(p: Double, q: Double, dt: Double)
    /// Granovetter (1978) / Watts (2002) linear threshold, synchronous.
    case threshold
    /// Rogers' staged innovation-decision process (the default).
    case rogers(RogersParameters)

    public var name: String {
        switch self {
        case .bass: return "bass"
        case .threshold: return "threshold"
        case .rogers: return "rogers"
        }
    }
}

/// The innovation's perceived attributes (Rogers ch. 6), as multipliers of the
/// sector values (1 = as the sector table says). Observability and
/// trialability are also absolute weights in [0, 1].
public struct Innovation: Sendable, Equatable {
    public var relativeAdvantage = 1.0
    public var compatibility = 1.0
    public var complexity = 1.0
    public var trialability = 0.7
    public var observability = 0.6
    public init() {}
}

/// Parameters of the `rogers` rule. Every default is *assumed* and tuned to
/// the calibration targets in docs/model.md unless a source is given there.
public struct RogersParameters: Sendable, Equatable {
    public var innovation = Innovation()
    // Awareness (knowledge stage): mass media p, word of mouth q, per quarter.
    public var mediaInfluence = 0.035
    public var wordOfMouth = 0.45
    /// Awareness hazard added per unit of training intensity.
    public var trainingAwareness = 0.3
    // Utility weights.
    public var weightAdvantage = 1.0
    public var weightCompatibility = 0.6
    public var weightComplexity = 0.9
    public var weightTrialability = 0.3
    public var weightObservability = 1.2
    public var weightNPV = 0.5
    public var weightRisk = 0.8
    /// Logit scale: utility difference that moves the choice odds by a factor e.
    public var choiceScale = 0.15
    // Stage timing, per tick.
    public var persuasionRate = 0.5
    public var decisionRate = 0.5
    public var trialTicks = 1
    public var trialNoise = 0.25
    /// Share of the perceived risk a trial removes.
    public var trialRiskRelief = 0.5
    public var confirmTicks = 4
    public var discontinueProbability = 0.5
    public var reentryMargin = 0.15
    public var reentryRate = 0.3
    // Economics.
    public var horizonYears = 3.0
    public var loanYears = 3.0
    /// Credit available as a multiple of own budget at the market loan rate.
    public var creditMultiplier = 0.5
    // Training.
    public var trainingEffect = 1.0
    public var trainingDecay = 0.1
    public var trainingCostPerFirm = 3_000.0
    public var mediaCostPerFirm = 150.0
    /// Compliance cost of full regulation as a share of adoption cost.
    public var complianceCost = 0.1
    /// Cross-sector influence weight with no alliance (heterophily discount, Rogers ch. 8).
    public var crossSectorWeight = 0.5
    /// Productivity ramp time constant, ticks (learning curve).
    public var learningTicks = 6.0

    public init() {}
}

/// What an adoption rule does with a lever. The `rogers` rule uses every
/// lever; `bass` and `threshold` decide adoption from `p`, `q`, thresholds
/// and neighbours only, so a lever reaches them through the macro state or
/// not at all. docs/model.md ("Levers under each rule") is generated from this.
public enum LeverUse: String, Sendable {
    /// Works as docs/model.md describes, and books its cost.
    case used
    /// Moves the macro state (readiness, compute, energy, trust, productivity)
    /// and books its cost, but adoption does not respond to it.
    case macroOnly = "macro only"
    /// Changes nothing and books nothing.
    case ignored
}

extension ModelSpec {
    /// How this rule uses a lever (see `LeverUse`).
    /// Whether the rule weighs neighbours of the firm's own sector and of other sectors
    /// differently (rogers' cross-sector weight), so the neighbour counts keep the split.
    public var weighsNeighboursBySector: Bool {
        if case .rogers = self { return true }
        return false
    }

    public func use(of lever: Lever) -> LeverUse {
        if case .rogers = self { return .used }
        switch lever {
        case .subsidy, .taxRelief, .loanRate, .specialFund, .training, .media, .alliance:
            return .ignored
        case .renewableShare:
            return .used  // only ever moved emissions, under every rule
        case .dataSharing, .labelling, .computeInvestment, .rdFunding, .energyCap, .efficiency, .regulation:
            return .macroOnly
        }
    }
}
