/// The Bass rule: a non-adopter adopts with probability
/// `1 - exp(-(p + q * A) * dt)`, A the adopted share of its neighbours at the
/// start of the tick (of the whole population on mean-field).
enum BassRule {
    /// Writes the next stage of every firm. Only `adopted` and not-adopted exist in this rule.
    static func step(p: Double, q: Double, dt: Double, tick: Int, stage: UnsafeBufferPointer<UInt8>,
                     next: UnsafeMutableBufferPointer<UInt8>, network: Network, adopters: Int,
                     rng: CounterRNG, chunks: ParallelChunks) {
        let adoptedCode = Stage.adopted.rawValue, confirmedCode = Stage.confirmed.rawValue
        if network.isMeanField {
            // Everyone sees the same A: one probability for the whole tick.
            let share = Double(adopters) / Double(max(network.firmCount, 1))
            let probability = 1 - exp(-(p + q * share) * dt)
            chunks.forEach { _, range in
                for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode {
                    if rng.uniform(tick: tick, firm: i, stream: .bass) < probability { next[i] = adoptedCode }
                }
            }
            return
        }
        network.offsets.withUnsafeBufferPointer { offsets in
            network.neighbors.withUnsafeBufferPointer { neighbors in
                chunks.forEach { _, range in
                    for i in range where stage[i] != adoptedCode && stage[i] != confirmedCode {
                        let start = offsets[i], end = offsets[i + 1]
                        var adoptedNeighbours = 0
                        // Plain index loop over the CSR row: contiguous reads, no iterator overhead.
                        var k = start
                        while k < end {
                            let s = stage[Int(neighbors[k])]
                            adoptedNeighbours &+= (s == adoptedCode || s == confirmedCode) ? 1 : 0
                            k += 1
                        }
                        let share = end > start ? Double(adoptedNeighbours) / Double(end - start) : 0
                        let probability = 1 - exp(-(p + q * share) * dt)
                        if rng.uniform(tick: tick, firm: i, stream: .bass) < probability { next[i] = adoptedCode }
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
