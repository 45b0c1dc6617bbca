/// Per-segment constants of the hot loops, flattened: segment k = sector * 3 + size.
///
/// Why: reading a `SectorProfile` (a struct holding a String and an array)
/// inside a loop over a million firms costs reference counting per firm;
/// plain Double arrays indexed by segment cost one load.
public struct SegmentConstants: Sendable {
    public let sectorCount: Int
    /// Adoption cost before compliance, yuan.
    public let cost: [Double]
    /// Compute use of an adopter, units per tick.
    public let compute: [Double]
    /// Output weight in the productivity index.
    public let output: [Double]
    /// Full productivity gain of an adopter.
    public let gain: [Double]
    /// Exposure to mass media.
    public let exposure: [Double]
    /// Expected benefit over cost (per year).
    public let benefitPerCost: [Double]
    public let relativeAdvantage: [Double]
    public let compatibility: [Double]
    /// Perceived complexity including absorptive capacity by size.
    public let complexity: [Double]
    public let trialability: [Double]

    public init(_ sectors: [SectorProfile]) {
        sectorCount = sectors.count
        var cost: [Double] = [], compute: [Double] = [], output: [Double] = [], gain: [Double] = [],
            exposure: [Double] = []
        var bpc: [Double] = [], ra: [Double] = [], co: [Double] = [], cx: [Double] = [], tr: [Double] = []
        for s in sectors {
            for z in 0..<3 {
                cost.append(s.adoptionCost * SizeScale.cost[z])
                compute.append(s.computeIntensity * SizeScale.compute[z])
                output.append(SizeScale.output[z])
                gain.append(s.productivityGain)
                exposure.append(SizeScale.exposure[z])
                bpc.append(s.expectedBenefit / s.adoptionCost)
                ra.append(s.relativeAdvantage)
                co.append(s.compatibility)
                cx.append(s.complexity * SizeScale.complexity[z])
                tr.append(s.trialability)
            }
        }
        self.cost = cost
        self.compute = compute
        self.output = output
        self.gain = gain
        self.exposure = exposure
        benefitPerCost = bpc
        relativeAdvantage = ra
        compatibility = co
        complexity = cx
        trialability = tr
    }

    @inline(__always) public static func segment(sector: UInt8, size: UInt8) -> Int { Int(sector) &* 3 &+ Int(size) }
}
