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
    let next: UnsafeMutableBufferPointer<UInt8>
    // Firm-level levers, dense.
    let subsidy: UnsafeBufferPointer<Double>
    let taxRelief: UnsafeBufferPointer<Double>
    let loanRate: UnsafeBufferPointer<Double>
    let fundShare: UnsafeBufferPointer<Double>
    let trainingLever: UnsafeBufferPointer<Double>
    let media: UnsafeBufferPointer<Double>
    // Per-sector constants.
    let sectors: [SectorProfile]
    // Economy-wide values at the start of the tick.
    let readiness: Double
    let rationing: Double
    let trust: Double
    let alliance: Double
    let regulation: Double
    let fundAvailable: Bool
    let network: Network
    /// Adopters per sector at the start of the tick (mean-field influence).
    let sectorAdopters: [Int]
    let sectorTotals: [Int]

    var crossWeight: Double { p.crossSectorWeight + (1 - p.crossSectorWeight) * alliance }

    /// Homophily-weighted adopted share of firm i's neighbours.
    @inline(__always)
    func influence(_ i: Int, offsets: UnsafeBufferPointer<Int>, neighbors: UnsafeBufferPointer<UInt32>, cross: Double) -> Double {
        let own = sector[i]
        if network.isMeanField {
            let s = Int(own)
            let sameA = Double(sectorAdopters[s]), sameT = Double(sectorTotals[s] - 1)
            let allA = Double(sectorAdopters.reduce(0, +)), allT = Double(network.firmCount - 1)
            let crossA = allA - sameA, crossT = allT - sameT
            let weight = sameT + cross * crossT
            return weight > 0 ? (sameA + cross * crossA) / weight : 0
        }
        var sameA = 0.0, sameT = 0.0, crossA = 0.0, crossT = 0.0
        for k in offsets[i]..<offsets[i + 1] {
            let j = Int(neighbors[k])
            let s = stage[j]
            let adopted: Double = (s == Stage.adopted.rawValue || s == Stage.confirmed.rawValue) ? 1 : 0
            if sector[j] == own { sameA += adopted; sameT += 1 } else { crossA += adopted; crossT += 1 }
        }
        let weight = sameT + cross * crossT
        return weight > 0 ? (sameA + cross * crossA) / weight : 0
    }

    /// Adoption cost of firm i including compliance cost, yuan.
    @inline(__always)
    func cost(_ i: Int) -> Double {
        sectors[Int(sector[i])].adoptionCost * SizeScale.cost[Int(size[i])] * (1 + p.complianceCost * regulation)
    }

    /// Net cost after subsidy and the special fund (when its pool is not empty).
    @inline(__always)
    func netCost(_ i: Int) -> Double {
        let cover = subsidy[i] + (fundAvailable ? fundShare[i] : 0)
        return cost(i) * max(0, 1 - cover)
    }

    /// Whether firm i can pay: net cost within budget plus credit; cheaper loans give more credit.
    @inline(__always)
    func canFinance(_ i: Int) -> Bool {
        let credit = budget[i] * min(3, p.creditMultiplier * LeverDefaults.marketLoanRate / max(loanRate[i], 0.005))
        return netCost(i) <= budget[i] + credit
    }

    /// The perceived utility of adopting (spec: persuasion).
    @inline(__always)
    func utility(_ i: Int, influence w: Double) -> Double {
        let profile = sectors[Int(sector[i])]
        let inn = p.innovation
        let ra = profile.relativeAdvantage * inn.relativeAdvantage * readiness * rationing
        let co = profile.compatibility * inn.compatibility
        let cx = profile.complexity * inn.complexity * SizeScale.complexity[Int(size[i])] / (1 + p.trainingEffect * training[i])
        let tr = profile.trialability * inn.trialability
        let ob = inn.observability * w
        let c = cost(i)
        let net = netCost(i)
        let benefit = profile.expectedBenefit * SizeScale.cost[Int(size[i])] * p.horizonYears * readiness * rationing
        let deduction = taxRelief[i] * LeverDefaults.corporateTaxRate * c
        let financing = net * loanRate[i] * p.loanYears
        let npv = (benefit + deduction - net - financing) / c
        return p.weightAdvantage * ra + p.weightCompatibility * co - p.weightComplexity * cx
            + p.weightTrialability * tr + p.weightObservability * ob + p.weightNPV * npv - p.weightRisk * (1 - trust)
    }

    @inline(__always)
    func choice(_ u: Double, _ i: Int) -> Double { 1 / (1 + exp(-(u - threshold[i]) / p.choiceScale)) }

    func run(_ chunks: ParallelChunks) {
        let cross = crossWeight
        network.offsets.withUnsafeBufferPointer { offsets in
            network.neighbors.withUnsafeBufferPointer { neighbors in
                chunks.forEach { _, range in
                    for i in range { self.stepFirm(i, offsets: offsets, neighbors: neighbors, cross: cross) }
                }
            }
        }
    }

    @inline(__always)
    func stepFirm(_ i: Int, offsets: UnsafeBufferPointer<Int>, neighbors: UnsafeBufferPointer<UInt32>, cross: Double) {
        let current = Stage(rawValue: stage[i])!
        let inTicks = tick - Int(stageSince[i])
        switch current {
        case .unaware:
            let w = influence(i, offsets: offsets, neighbors: neighbors, cross: cross)
            let hazard = p.mediaInfluence * (1 + media[i]) * SizeScale.exposure[Int(size[i])]
                + p.trainingAwareness * trainingLever[i] + p.wordOfMouth * p.innovation.observability * w
            if rng.uniform(tick: tick, firm: i, stream: .awareness) < 1 - exp(-hazard) { next[i] = Stage.aware.rawValue }
        case .aware:
            if rng.uniform(tick: tick, firm: i, stream: .persuasion) < p.persuasionRate {
                let u = utility(i, influence: influence(i, offsets: offsets, neighbors: neighbors, cross: cross))
                if rng.uniform(tick: tick, firm: i, stream: .persuasion, draw: 1) < choice(u, i) {
                    next[i] = Stage.persuaded.rawValue
                } else {
                    next[i] = Stage.rejected.rawValue
                    rejectedUtility[i] = u
                }
            }
        case .persuaded:
            if rng.uniform(tick: tick, firm: i, stream: .decision) < p.decisionRate && canFinance(i) {
                let u = utility(i, influence: influence(i, offsets: offsets, neighbors: neighbors, cross: cross))
                if rng.uniform(tick: tick, firm: i, stream: .decision, draw: 1) < choice(u, i) {
                    let trialable = sectors[Int(sector[i])].trialability * p.innovation.trialability
                    next[i] = rng.uniform(tick: tick, firm: i, stream: .decision, draw: 2) < trialable
                        ? Stage.trial.rawValue : Stage.adopted.rawValue
                } else {
                    next[i] = Stage.rejected.rawValue
                    rejectedUtility[i] = u
                }
            }
        case .trial:
            if inTicks >= p.trialTicks {
                let u = utility(i, influence: influence(i, offsets: offsets, neighbors: neighbors, cross: cross))
                let signal = u + p.trialNoise * rng.normal(tick: tick, firm: i, stream: .trial)
                if signal >= threshold[i] && canFinance(i) {
                    next[i] = Stage.adopted.rawValue
                } else {
                    next[i] = Stage.rejected.rawValue
                    rejectedUtility[i] = u
                }
            }
        case .adopted:
            if tick - Int(adoptedTick[i]) >= p.confirmTicks {
                // Realised benefit relative to expectation: compute rationing plus firm-level noise.
                let realised = rationing * (1 + 0.25 * rng.normal(tick: tick, firm: i, stream: .confirmation))
                if realised < 0.85 && rng.uniform(tick: tick, firm: i, stream: .confirmation, draw: 3) < p.discontinueProbability {
                    next[i] = Stage.discontinued.rawValue
                    rejectedUtility[i] = utility(i, influence: influence(i, offsets: offsets, neighbors: neighbors, cross: cross))
                } else {
                    next[i] = Stage.confirmed.rawValue
                }
            }
        case .confirmed:
            break
        case .rejected, .discontinued:
            let u = utility(i, influence: influence(i, offsets: offsets, neighbors: neighbors, cross: cross))
            if u > rejectedUtility[i] + p.reentryMargin && rng.uniform(tick: tick, firm: i, stream: .reentry) < p.reentryRate {
                next[i] = Stage.aware.rawValue
            }
        }
        // Training stock: this tick's courses add, old learning decays (after use: synchronous update).
        training[i] = training[i] * (1 - p.trainingDecay) + trainingLever[i]
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
