/// All firms of a run as a struct of arrays: one contiguous array per
/// attribute, indexed by firm number 0..<count. The tick loop streams through
/// these arrays; objects per firm would scatter them over the heap.
public struct FirmTable: Sendable {
    public var ids: [String]
    public var sector: [UInt8]
    public var size: [UInt8]
    public var region: [UInt16]
    public var regionNames: [String]
    public var innovativeness: [Double]
    public var category: [UInt8]
    /// Personal adoption threshold (utility units for `rogers`, neighbour share for `threshold`).
    public var threshold: [Double]
    /// Investment capacity, yuan.
    public var budget: [Double]
    public var stage: [UInt8]
    /// Tick at which the firm last adopted, -1 if never.
    public var adoptedTick: [Int32]
    /// Tick at which the firm entered its current stage.
    public var stageSince: [Int32]
    /// Accumulated training (decays each tick).
    public var training: [Double]
    /// Utility when the firm rejected or discontinued; re-entry needs a material rise over it.
    public var rejectedUtility: [Double]

    public var count: Int { sector.count }

    public init(count: Int) {
        ids = []
        sector = Array(repeating: 0, count: count)
        size = Array(repeating: 0, count: count)
        region = Array(repeating: 0, count: count)
        regionNames = ["all"]
        innovativeness = Array(repeating: 0, count: count)
        category = Array(repeating: 0, count: count)
        threshold = Array(repeating: 0, count: count)
        budget = Array(repeating: 0, count: count)
        stage = Array(repeating: Stage.unaware.rawValue, count: count)
        adoptedTick = Array(repeating: -1, count: count)
        stageSince = Array(repeating: 0, count: count)
        training = Array(repeating: 0, count: count)
        rejectedUtility = Array(repeating: 0, count: count)
    }

    /// The printable id of a firm (its CSV id, or its number).
    public func id(_ firm: Int) -> String { ids.isEmpty ? String(firm) : ids[firm] }
}
