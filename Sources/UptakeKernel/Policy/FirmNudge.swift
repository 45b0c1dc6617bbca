/// A vectorised change to a segment of firms, applied between ticks: what
/// `ctx.firms(selector):nudge{...}` does. Every field is optional.
public struct FirmNudge: Sendable {
    /// Added to each firm's training stock (as one tick of `training` would).
    public var training: Double?
    /// Added to each firm's adoption threshold (negative = more willing).
    public var threshold: Double?
    /// Probability that an unaware firm becomes aware now.
    public var awareness: Double?
    /// Multiplies each firm's budget.
    public var budgetFactor: Double?
    public init(
        training: Double? = nil, threshold: Double? = nil, awareness: Double? = nil, budgetFactor: Double? = nil
    ) {
        self.training = training
        self.threshold = threshold
        self.awareness = awareness
        self.budgetFactor = budgetFactor
    }
}

extension Simulation {
    /// Firm numbers matching a selector, ascending.
    public func firms(matching selector: SegmentSelector) -> [Int] {
        if selector.isAll { return Array(0..<firms.count) }
        return (0..<firms.count).filter { selector.matches(firms, $0) }
    }

    /// Applies a nudge to the given firms; returns how many changed stage.
    /// Awareness draws come from the counter RNG keyed by tick, firm and a
    /// per-call salt, so the result does not depend on threads.
    @discardableResult
    public func nudge(_ targets: [Int], _ nudge: FirmNudge, salt: UInt64) -> Int {
        var changed = 0
        let rng = CounterRNG(seed: CounterRNG.derive(self.rng.seed, salt))
        for i in targets {
            if let t = nudge.training { firms.training[i] = max(0, firms.training[i] + t) }
            if let d = nudge.threshold { firms.threshold[i] += d }
            if let b = nudge.budgetFactor { firms.budget[i] *= max(0, b) }
            if let p = nudge.awareness, firms.stage[i] == Stage.unaware.rawValue,
                rng.uniform(tick: tick, firm: i, stream: .awareness) < p
            {
                noteStageChange(from: firms.stage[i], to: Stage.aware.rawValue)
                firms.stage[i] = Stage.aware.rawValue
                firms.stageSince[i] = Int32(max(tick, 0))
                changed += 1
            }
        }
        return changed
    }
}
