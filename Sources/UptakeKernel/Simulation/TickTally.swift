/// The aggregates of the firms after a step: counts by stage, adopters by
/// category, sector and size, and the adopters' compute demand and
/// output-weighted productivity gain.
struct TickTally {
    var stageCounts: [Int]
    var categoryAdopters: [Int]
    var sectorAdopters: [Int]
    var sizeAdopters: [Int]
    var computeDemand = 0.0
    var weightedGain = 0.0
}

/// A firm's move to another stage, as a rule decides it.
struct StageChange {
    var firm: Int32
    var stage: UInt8
}

/// Keeps the tally up to date from the stage changes of each tick, instead
/// of scanning every firm every tick.
///
/// Why: once most firms have adopted, a full scan per tick costs far more
/// than the step itself and, being memory-bound, does not scale with threads.
/// Everything here is an integer count, so the sums are exact and the same
/// whatever the order of the changes; the floating-point aggregates are
/// computed from the counts in a fixed order, per segment and per cohort.
struct RunningTally {
    private(set) var stageCounts: [Int]
    private(set) var categoryAdopters: [Int]
    private(set) var sectorAdopters: [Int]
    private(set) var sizeAdopters: [Int]
    /// Adopters per segment (sector * 3 + size).
    private(set) var segmentAdopters: [Int]
    /// Adopters per cohort (tick of adoption, 0...) and segment, cohort c's at c * segments ..<
    /// (c + 1) * segments: the productivity ramp depends on age. One flat array, so a count
    /// is one write, not a uniqueness check of an outer and an inner array.
    private var cohorts: [Int]
    private let segmentCount: Int
    /// Each cohort's output-weighted gain as `snapshot` sums it, kept until that cohort's
    /// counts change (nil): a tick sums the kept gains of all cohorts, where it summed
    /// every segment of every cohort (quadratic in the ticks, the bulk of a tally).
    private var cohortGains: [Double?]

    /// Counts the firms as they are now.
    init(_ firms: FirmTable, segments: SegmentConstants, ticks: Int) {
        let k = segments.cost.count
        stageCounts = [Int](repeating: 0, count: Stage.allCases.count)
        categoryAdopters = [Int](repeating: 0, count: 5)
        sectorAdopters = [Int](repeating: 0, count: segments.sectorCount)
        sizeAdopters = [Int](repeating: 0, count: 3)
        segmentAdopters = [Int](repeating: 0, count: k)
        segmentCount = k
        cohorts = [Int](repeating: 0, count: k * (ticks + 1))
        cohortGains = [Double?](repeating: nil, count: ticks + 1)
        var adopters: [Int32] = []
        for i in 0..<firms.count {
            stageCounts[Int(firms.stage[i])] += 1
            if Stage(rawValue: firms.stage[i])!.isAdopter { adopters.append(Int32(i)) }
        }
        apply(stageDeltas: [], gained: adopters, lost: [], firms: firms)
    }

    /// Records a tick's changes: stage-count deltas, and who started (`gained`,
    /// adoptedTick already set to this tick) or stopped (`lost`, adoptedTick
    /// still that of their adoption) using the innovation.
    mutating func apply(stageDeltas: [Int], gained: [Int32], lost: [Int32], firms: FirmTable) {
        for s in stageDeltas.indices { stageCounts[s] += stageDeltas[s] }
        guard !gained.isEmpty || !lost.isEmpty else { return }
        // Through buffers: each write to an array of this struct, kept in the simulation
        // object, checked that the array was not shared (most of the cost of a count).
        let segmentCount = segmentCount, lastCohort = cohortGains.count - 1
        withMutableBuffers(&categoryAdopters, &sectorAdopters, &sizeAdopters) { category, sector, size in
            withMutableBuffers(&segmentAdopters, &cohorts, &cohortGains) { segment, cohort, gains in
                for (list, delta) in [(gained, 1), (lost, -1)] {
                    for f in list {
                        let i = Int(f)
                        let s = firms.sector[i], z = firms.size[i]
                        let k = SegmentConstants.segment(sector: s, size: z)
                        category[Int(firms.category[i])] += delta
                        sector[Int(s)] += delta
                        size[Int(z)] += delta
                        segment[k] += delta
                        let c = min(max(Int(firms.adoptedTick[i]), 0), lastCohort)
                        cohort[c * segmentCount + k] += delta
                        gains[c] = nil
                    }
                }
            }
        }
    }

    /// A stage change made outside a step (a nudge).
    mutating func move(from old: UInt8, to new: UInt8) {
        stageCounts[Int(old)] -= 1
        stageCounts[Int(new)] += 1
    }

    /// The aggregates at `tick`; `ramp[age]` is the learning-curve share of the full gain after `age` ticks of use.
    mutating func snapshot(tick: Int, segments: SegmentConstants, ramp: [Double]) -> TickTally {
        var demand = 0.0, gain = 0.0
        for k in segmentAdopters.indices { demand += Double(segmentAdopters[k]) * segments.compute[k] }
        for cohort in cohortGains.indices {
            let age = min(max(tick - cohort + 1, 0), ramp.count - 1)
            guard ramp[age] != 0 else { continue }
            let cohortGain: Double
            if let kept = cohortGains[cohort] {
                cohortGain = kept
            } else {
                var sum = 0.0
                let first = cohort * segmentCount
                for k in 0..<segmentCount where cohorts[first + k] != 0 {
                    sum += Double(cohorts[first + k]) * segments.output[k] * segments.gain[k]
                }
                cohortGain = sum
                cohortGains[cohort] = sum
            }
            gain += cohortGain * ramp[age]
        }
        return TickTally(
            stageCounts: stageCounts, categoryAdopters: categoryAdopters, sectorAdopters: sectorAdopters,
            sizeAdopters: sizeAdopters, computeDemand: demand, weightedGain: gain)
    }
}
