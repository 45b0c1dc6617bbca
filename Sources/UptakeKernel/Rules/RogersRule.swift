/// Rogers' innovation-decision process, one synchronous step: every
/// transition is computed from the state at the start of the tick, so the
/// order in which firms are visited (and the number of threads) cannot matter.
///
///     unaware -> aware -> persuaded -> [trial ->] adopted -> confirmed
///                    \-> rejected <-/      \-> rejected      \-> discontinued
///     rejected / discontinued -> aware again when utility rises materially
///
/// See docs/model.md for every equation and default.
struct RogersRule {
    let p: RogersParameters
    let tick: Int
    let rng: CounterRNG
    // Firm attributes (read).
    let sector: UnsafeBufferPointer<UInt8>
    let size: UnsafeBufferPointer<UInt8>
    let threshold: UnsafeBufferPointer<Double>
    let budget: UnsafeBufferPointer<Double>
    let stage: UnsafeBufferPointer<UInt8>
    let stageSince: UnsafeBufferPointer<Int32>
    let adoptedTick: UnsafeBufferPointer<Int32>
    // Firm state the rule updates in place (each firm only its own slot).
    let training: UnsafeMutableBufferPointer<Double>
    let rejectedUtility: UnsafeMutableBufferPointer<Double>
    // Firm-level levers: one value per firm, or one for all.
    let subsidy: FirmLeverValues
    let taxRelief: FirmLeverValues
    let loanRate: FirmLeverValues
    let fundShare: FirmLeverValues
    let trainingLever: FirmLeverValues
    let media: FirmLeverValues
    let segments: SegmentConstants
    // Economy-wide values at the start of the tick.
    let readiness: Double
    let rationing: Double
    let trust: Double
    let alliance: Double
    let regulation: Double
    let fundAvailable: Bool
    let network: Network
    /// Adopted neighbours per firm (nil on mean-field).
    let neighbours: NeighbourView?
    /// Adopters per sector at the start of the tick (mean-field influence).
    let sectorAdopters: [Int]
    let sectorTotals: [Int]

    /// Utility terms that are the same for every firm of a segment this tick.
    struct TickTerms {
        // b_ra RA + b_co CO + b_tr TR + b_npv * benefit part - risk (less for trialable innovations)
        var base: [Double]
        var complexity: [Double]  // b_cx * CX before training
        var trialable: [Double]
        var exposure: [Double]
        var cost: [Double]  // including compliance
        var meanFieldInfluence: [Double]  // per sector, mean-field only
    }

    func tickTerms() -> TickTerms {
        let inn = p.innovation
        let rr = readiness * rationing
        let n = segments.cost.count
        var base = [Double](repeating: 0, count: n), cx = base, trialable = base, cost = base
        for k in 0..<n {
            base[k] =
                p.weightAdvantage * segments.relativeAdvantage[k] * inn.relativeAdvantage * rr
                + p.weightCompatibility * segments.compatibility[k] * inn.compatibility
                + p.weightTrialability * segments.trialability[k] * inn.trialability
                + p.weightNPV * segments.benefitPerCost[k] * p.horizonYears * rr
                - p.weightRisk * (1 - trust) * (1 - p.trialRiskRelief * segments.trialability[k] * inn.trialability)
            cx[k] = p.weightComplexity * segments.complexity[k] * inn.complexity
            trialable[k] = segments.trialability[k] * inn.trialability
            cost[k] = segments.cost[k] * (1 + p.complianceCost * regulation)
        }
        var meanField: [Double] = []
        if network.isMeanField {
            let cross = crossWeight
            let allA = Double(sectorAdopters.reduce(0, +)), allT = Double(network.firmCount - 1)
            meanField = sectorAdopters.indices.map { s in
                let sameA = Double(sectorAdopters[s]), sameT = Double(sectorTotals[s] - 1)
                let weight = sameT + cross * (allT - sameT)
                return weight > 0 ? (sameA + cross * (allA - sameA)) / weight : 0
            }
        }
        return TickTerms(
            base: base, complexity: cx, trialable: trialable, exposure: segments.exposure, cost: cost,
            meanFieldInfluence: meanField)
    }

    var crossWeight: Double { p.crossSectorWeight + (1 - p.crossSectorWeight) * alliance }

    /// Homophily-weighted adopted share of firm i's neighbours.
    @inline(__always)
    func influence(_ i: Int, _ cross: Double, _ terms: TickTerms) -> Double {
        guard let neighbours else { return terms.meanFieldInfluence[Int(sector[i])] }
        return neighbours.weightedShare(i, cross: cross)
    }

    /// Share of the cost the firm pays itself.
    @inline(__always)
    func ownShare(_ i: Int) -> Double { max(0, 1 - subsidy[i] - (fundAvailable ? fundShare[i] : 0)) }

    /// Whether firm i can pay: net cost within budget plus credit; cheaper loans give more credit.
    @inline(__always)
    func canFinance(_ i: Int, _ k: Int, _ terms: TickTerms) -> Bool {
        let credit = budget[i] * min(3, p.creditMultiplier * LeverDefaults.marketLoanRate / max(loanRate[i], 0.005))
        return terms.cost[k] * ownShare(i) <= budget[i] + credit
    }

    /// The perceived utility of adopting (docs/model.md, "Utility of adopting").
    /// Cost cancels out of the NPV per yuan of cost, so only shares enter here.
    @inline(__always)
    func utility(_ i: Int, _ k: Int, influence w: Double, _ terms: TickTerms) -> Double {
        let own = ownShare(i)
        let npvPolicy = taxRelief[i] * LeverDefaults.corporateTaxRate - own * (1 + loanRate[i] * p.loanYears)
        return terms.base[k] - terms.complexity[k] / (1 + p.trainingEffect * training[i])
            + p.weightObservability * p.innovation.observability * w + p.weightNPV * npvPolicy
    }

    @inline(__always)
    func choice(_ u: Double, _ i: Int) -> Double { 1 / (1 + exp(-(u - threshold[i]) / p.choiceScale)) }

    /// Lists, per chunk, the firms that move to another stage this tick.
    func run(_ chunks: ParallelChunks, changes: UnsafeMutableBufferPointer<[StageChange]>) {
        let cross = crossWeight
        let terms = tickTerms()
        chunks.forEach { c, range in
            var list: [StageChange] = []
            for i in range {
                if let stage = self.stepFirm(i, cross, terms) { list.append(StageChange(firm: Int32(i), stage: stage)) }
            }
            changes[c] = list
        }
    }

    @inline(__always)
    /// The firm's next stage, or nil if it stays. Also updates its own training stock and rejection utility.
    func stepFirm(_ i: Int, _ cross: Double, _ terms: TickTerms) -> UInt8? {
        var next: UInt8? = nil
        let k = SegmentConstants.segment(sector: sector[i], size: size[i])
        switch stage[i] {
        case Stage.unaware.rawValue:
            let w = influence(i, cross, terms)
            let hazard =
                p.mediaInfluence * (1 + media[i]) * terms.exposure[k]
                + p.trainingAwareness * trainingLever[i] + p.wordOfMouth * p.innovation.observability * w
            if rng.uniform(tick: tick, firm: i, stream: .awareness) < 1 - exp(-hazard) { next = Stage.aware.rawValue }
        case Stage.aware.rawValue:
            if rng.uniform(tick: tick, firm: i, stream: .persuasion) < p.persuasionRate {
                let u = utility(i, k, influence: influence(i, cross, terms), terms)
                if rng.uniform(tick: tick, firm: i, stream: .persuasion, draw: 1) < choice(u, i) {
                    next = Stage.persuaded.rawValue
                } else {
                    next = Stage.rejected.rawValue
                    rejectedUtility[i] = u
                }
            }
        case Stage.persuaded.rawValue:
            if rng.uniform(tick: tick, firm: i, stream: .decision) < p.decisionRate && canFinance(i, k, terms) {
                let u = utility(i, k, influence: influence(i, cross, terms), terms)
                if rng.uniform(tick: tick, firm: i, stream: .decision, draw: 1) < choice(u, i) {
                    next =
                        rng.uniform(tick: tick, firm: i, stream: .decision, draw: 2) < terms.trialable[k]
                        ? Stage.trial.rawValue : Stage.adopted.rawValue
                } else {
                    next = Stage.rejected.rawValue
                    rejectedUtility[i] = u
                }
            }
        case Stage.trial.rawValue:
            if tick - Int(stageSince[i]) >= p.trialTicks {
                // Trying the innovation removes part of the perceived risk, then reveals a noisy
                // signal of its value (Rogers: trialability dispels uncertainty).
                let u = utility(i, k, influence: influence(i, cross, terms), terms)
                let signal =
                    u + p.trialRiskRelief * p.weightRisk * (1 - trust) + p.trialNoise
                    * rng.normal(tick: tick, firm: i, stream: .trial)
                if signal >= threshold[i] && canFinance(i, k, terms) {
                    next = Stage.adopted.rawValue
                } else {
                    next = Stage.rejected.rawValue
                    rejectedUtility[i] = u
                }
            }
        case Stage.adopted.rawValue:
            if tick - Int(adoptedTick[i]) >= p.confirmTicks {
                // Realised benefit relative to expectation: compute rationing plus firm-level noise.
                let realised = rationing * (1 + 0.25 * rng.normal(tick: tick, firm: i, stream: .confirmation))
                if realised < 0.85
                    && rng.uniform(tick: tick, firm: i, stream: .confirmation, draw: 3) < p.discontinueProbability
                {
                    next = Stage.discontinued.rawValue
                    rejectedUtility[i] = utility(i, k, influence: influence(i, cross, terms), terms)
                } else {
                    next = Stage.confirmed.rawValue
                }
            }
        case Stage.rejected.rawValue, Stage.discontinued.rawValue:
            let u = utility(i, k, influence: influence(i, cross, terms), terms)
            if u > rejectedUtility[i] + p.reentryMargin
                && rng.uniform(tick: tick, firm: i, stream: .reentry) < p.reentryRate
            {
                next = Stage.aware.rawValue
            }
        default:  // confirmed
            break
        }
        // Training stock: this tick's courses add, old learning decays (after use: synchronous update).
        let t = trainingLever[i]
        if t != 0 || training[i] != 0 { training[i] = training[i] * (1 - p.trainingDecay) + t }
        return next
    }
}

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
