/// Picks firms by sector, size, region, adopter category and/or stage. An
/// empty list means "any"; a firm matches when it matches every non-empty list.
///
///     SegmentSelector(sectors: [0], categories: [.lateMajority])  // late-majority manufacturers
public struct SegmentSelector: Hashable, Sendable, CustomStringConvertible {
    public var sectors: Set<UInt8> = []
    public var sizes: Set<FirmSize> = []
    public var regions: Set<UInt16> = []
    public var categories: Set<AdopterCategory> = []
    public var stages: Set<Stage> = []

    public init(
        sectors: Set<UInt8> = [], sizes: Set<FirmSize> = [], regions: Set<UInt16> = [],
        categories: Set<AdopterCategory> = [], stages: Set<Stage> = []
    ) {
        self.sectors = sectors
        self.sizes = sizes
        self.regions = regions
        self.categories = categories
        self.stages = stages
    }

    public static let all = SegmentSelector()
    public var isAll: Bool {
        sectors.isEmpty && sizes.isEmpty && regions.isEmpty && categories.isEmpty && stages.isEmpty
    }
    /// Stage selectors match different firms each tick.
    public var dependsOnStage: Bool { !stages.isEmpty }

    @inline(__always)
    public func matches(_ firms: FirmTable, _ i: Int) -> Bool {
        (sectors.isEmpty || sectors.contains(firms.sector[i]))
            && (sizes.isEmpty || sizes.contains(FirmSize(rawValue: firms.size[i])!))
            && (regions.isEmpty || regions.contains(firms.region[i]))
            && (categories.isEmpty || categories.contains(AdopterCategory(rawValue: firms.category[i])!))
            && (stages.isEmpty || stages.contains(Stage(rawValue: firms.stage[i])!))
    }

    public var description: String {
        if isAll { return "all firms" }
        var parts: [String] = []
        if !sectors.isEmpty { parts.append("sectors \(sectors.sorted())") }
        if !sizes.isEmpty { parts.append("sizes \(sizes.map(\.name).sorted())") }
        if !regions.isEmpty { parts.append("regions \(regions.sorted())") }
        if !categories.isEmpty { parts.append("categories \(categories.map(\.name).sorted())") }
        if !stages.isEmpty { parts.append("stages \(stages.map(\.name).sorted())") }
        return parts.joined(separator: ", ")
    }
}
