/// The Bass rule: a non-adopter adopts with probability
/// `1 - exp(-(p + q * A) * dt)`, A the adopted share of its neighbours at the
/// start of the tick (of the whole population on mean-field).
enum BassRule {
    /// Lists, per chunk, the firms that adopt this tick. Only `adopted` and not-adopted exist in this rule.
    static func step(
        p: Double, q: Double, dt: Double, tick: Int, stage: UnsafeBufferPointer<UInt8>,
        changes: UnsafeMutableBufferPointer<[StageChange]>, neighbours: NeighbourView?, adopters: Int, firmCount: Int,
        rng: CounterRNG, chunks: ParallelChunks
    ) {
        let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
        guard let neighbours else {
            // Mean-field: everyone sees the same A, so one probability for the whole tick.
            let share = Double(adopters) / Double(max(firmCount, 1))
            let probability = 1 - exp(-(p + q * share) * dt)
            chunks.forEach { c, range in
                var list: [StageChange] = []
                for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode {
                    if rng.uniform(tick: tick, firm: i, stream: .bass) < probability {
                        list.append(StageChange(firm: Int32(i), stage: adoptedCode))
                    }
                }
                changes[c] = list
            }
            return
        }
        chunks.forEach { c, range in
            var list: [StageChange] = []
            for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode {
                let share = neighbours.adoptedShare(i)
                let probability = 1 - exp(-(p + q * share) * dt)
                if rng.uniform(tick: tick, firm: i, stream: .bass) < probability {
                    list.append(StageChange(firm: Int32(i), stage: adoptedCode))
                }
            }
            changes[c] = list
        }
    }
}

/// Read access to the neighbour counts inside a step (pointers, valid for the step).
struct NeighbourView {
    let sameAdopted: UnsafeBufferPointer<Int32>
    let crossAdopted: UnsafeBufferPointer<Int32>
    let sameDegree: UnsafeBufferPointer<Int32>
    let crossDegree: UnsafeBufferPointer<Int32>

    /// Adopted share of all neighbours (0 for a firm without neighbours).
    @inline(__always)
    func adoptedShare(_ i: Int) -> Double {
        let degree = sameDegree[i] &+ crossDegree[i]
        return degree > 0 ? Double(sameAdopted[i] &+ crossAdopted[i]) / Double(degree) : 0
    }

    @inline(__always)
    func hasNeighbours(_ i: Int) -> Bool { sameDegree[i] &+ crossDegree[i] > 0 }

    /// Adopted share with neighbours of other sectors weighted by `cross` (heterophily).
    @inline(__always)
    func weightedShare(_ i: Int, cross: Double) -> Double {
        let weight = Double(sameDegree[i]) + cross * Double(crossDegree[i])
        return weight > 0 ? (Double(sameAdopted[i]) + cross * Double(crossAdopted[i])) / weight : 0
    }
}

extension NeighbourCounts {
    /// Runs `body` with pointer access to the counts.
    func withView<R>(_ body: (NeighbourView) -> R) -> R {
        sameAdopted.withUnsafeBufferPointer { sa in
            crossAdopted.withUnsafeBufferPointer { ca in
                sameDegree.withUnsafeBufferPointer { sd in
                    crossDegree.withUnsafeBufferPointer { cd in
                        body(NeighbourView(sameAdopted: sa, crossAdopted: ca, sameDegree: sd, crossDegree: cd))
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
