/// How many of each firm's neighbours have adopted, split into neighbours of
/// the same sector and of other sectors, kept up to date as firms adopt and
/// stop using the innovation.
///
/// Why counts instead of scanning neighbours every tick: a scan reads every
/// non-adopter's whole row (32 bytes of ids plus 8 scattered stage reads per
/// firm at degree 8) every tick, which makes the step memory-bound and stops
/// it scaling with threads. Counts cost one push per tie when a firm changes
/// side, and the rules then read two integers per firm. Counts are integers,
/// so the order of the pushes cannot change them: results stay identical.
struct NeighbourCounts {
    /// Adopted neighbours in the same sector / in other sectors.
    private(set) var sameAdopted: [Int32]
    private(set) var crossAdopted: [Int32]
    /// Neighbours in the same sector / in other sectors.
    let sameDegree: [Int32]
    let crossDegree: [Int32]
    /// Who sees firm j: the transpose of the network's rows (the rows themselves when undirected).
    private let observerOffsets: [Int]
    private let observers: [UInt32]
    private let sector: [UInt8]

    /// Empty counts for mean-field runs, where influence comes from totals.
    init(meanField count: Int) {
        sameAdopted = []; crossAdopted = []; sameDegree = []; crossDegree = []
        observerOffsets = []; observers = []; sector = []
    }

    init(network: Network, sector: [UInt8], stage: [UInt8]) {
        let n = network.firmCount
        self.sector = sector
        var sameDeg = [Int32](repeating: 0, count: n), crossDeg = sameDeg
        var sameA = sameDeg, crossA = sameDeg
        for i in 0..<n {
            for k in network.offsets[i]..<network.offsets[i + 1] {
                let j = Int(network.neighbors[k])
                let adopted: Int32 = Stage(rawValue: stage[j])!.isAdopter ? 1 : 0
                if sector[j] == sector[i] { sameDeg[i] += 1; sameA[i] += adopted } else { crossDeg[i] += 1; crossA[i] += adopted }
            }
        }
        sameDegree = sameDeg; crossDegree = crossDeg; sameAdopted = sameA; crossAdopted = crossA
        if network.directed {
            // Transpose: firm i observes j (j in i's row) => i is an observer of j.
            var offsets = [Int](repeating: 0, count: n + 1)
            for j in network.neighbors { offsets[Int(j) + 1] += 1 }
            for j in 0..<n { offsets[j + 1] += offsets[j] }
            var cursor = offsets
            var list = [UInt32](repeating: 0, count: network.neighbors.count)
            for i in 0..<n {
                for k in network.offsets[i]..<network.offsets[i + 1] {
                    let j = Int(network.neighbors[k])
                    list[cursor[j]] = UInt32(i); cursor[j] += 1
                }
            }
            observerOffsets = offsets; observers = list
        } else {
            observerOffsets = network.offsets; observers = network.neighbors
        }
    }

    /// Firm j started (+1) or stopped (-1) using the innovation: tell everyone who sees it.
    mutating func update(_ j: Int, by delta: Int32) {
        let own = sector[j]
        for k in observerOffsets[j]..<observerOffsets[j + 1] {
            let i = Int(observers[k])
            if sector[i] == own { sameAdopted[i] &+= delta } else { crossAdopted[i] &+= delta }
        }
    }
}
