import XCTest
@testable import UptakeKernel

/// The parallel tick writes disjoint slots: each chunk (and each worker of the
/// neighbour-count update) owns a range of firms, and the ranges tile the
/// firms. Debug builds assert it in ParallelChunks.forEach, Simulation.commit
/// and NeighbourCounts.apply; these tests check the split itself, and run the
/// parallel paths with several threads (under `make sanitize`, with TSan).
final class ParallelChunksTests: XCTestCase {
    /// Directed: the ties of an undirected network's rows one way only (some of them reversed).
    func oneWay(_ ring: Network) -> Network {
        var sources: [UInt32] = [], targets: [UInt32] = []
        for i in 0..<ring.firmCount {
            for k in ring.offsets[i]..<ring.offsets[i + 1] where (i + k) % 3 != 0 {
                sources.append(UInt32(i))
                targets.append(ring.neighbors[k])
            }
        }
        return Network.fromEdges(
            kind: .edges, firmCount: ring.firmCount, sources: sources, targets: targets, directed: true)
    }

    func testTileAcceptsOnlyRangesThatCoverEachSlotOnce() {
        XCTAssertTrue(ParallelChunks.tile([0..<4, 4..<10], count: 10))
        XCTAssertTrue(ParallelChunks.tile([0..<4, 4..<4, 4..<10], count: 10))
        XCTAssertTrue(ParallelChunks.tile([], count: 0))
        XCTAssertFalse(ParallelChunks.tile([0..<5, 4..<10], count: 10), "overlap")
        XCTAssertFalse(ParallelChunks.tile([0..<4, 5..<10], count: 10), "gap")
        XCTAssertFalse(ParallelChunks.tile([0..<4, 4..<9], count: 10), "short")
        XCTAssertFalse(ParallelChunks.tile([1..<10], count: 10), "not from 0")
        XCTAssertFalse(ParallelChunks.tile([4..<10, 0..<4], count: 10), "out of order")
    }

    /// Every slot is visited exactly once, by the chunk that owns it, for any
    /// count, chunk size and number of threads: overlapping chunks would visit
    /// a slot twice (and, run on two threads, race under TSan).
    func testEveryFirmIsInExactlyOneChunkWhateverTheThreads() {
        for count in [0, 1, 5, 16, 17, 100, 1_000, 40_000] {
            for chunkSize in [1, 3, 16, 64, ParallelChunks.defaultChunkSize] {
                for threads in [1, 2, 4] {
                    let chunks = ParallelChunks(count: count, threads: threads, chunkSize: chunkSize)
                    var visits = [UInt8](repeating: 0, count: count)
                    var ranges = [Range<Int>?](repeating: nil, count: chunks.chunkCount)
                    visits.withUnsafeMutableBufferPointer { visits in
                        ranges.withUnsafeMutableBufferPointer { ranges in
                            chunks.forEach { c, range in
                                ranges[c] = range
                                for i in range { visits[i] &+= 1 }
                            }
                        }
                    }
                    let label = "count \(count), chunk size \(chunkSize), \(threads) threads"
                    XCTAssertTrue(visits.allSatisfy { $0 == 1 }, label)
                    XCTAssertTrue(ranges.allSatisfy { $0 != nil }, label)
                    XCTAssertTrue(ParallelChunks.tile(ranges.compactMap { $0 }, count: count), label)
                }
            }
        }
    }

    /// The neighbour counts after many firms change side at once (enough for
    /// the update to split the firms between workers) are the same on one and
    /// two threads, and equal a recount, on a network with mostly local ties,
    /// on one with mostly ties across the workers' ranges and on a directed
    /// one; split by sector (rogers) and not (bass, threshold), where each
    /// firm's one count is the sum of its two split ones.
    func testNeighbourCountsAreTheSameOnOneAndTwoThreads() {
        let n = 19_999  // odd, so the workers' ranges differ in length; the last firm changes in the first tick
        let sector = (0..<n).map { UInt8($0 % 8) }
        let builder = NetworkBuilder(sectorOf: sector, homophily: 0.5, rng: CounterRNG(seed: 3))
        let ring = builder.build(.smallWorld(degree: 8, rewire: 0.1))
        let directed = oneWay(ring)
        for (name, network) in [
            ("small-world", ring), ("erdos-renyi", builder.build(.erdosRenyi(meanDegree: 8))),
            ("directed", directed),
        ] {
            var totals: [[Int32]] = []
            for split in [true, false] {
                let label = "\(name), split \(split)"
                var stage = [UInt8](repeating: Stage.unaware.rawValue, count: n)
                var one = NeighbourCounts(network: network, sector: split ? sector : nil, stage: stage)
                var two = one
                // Two ticks: a third of the firms adopt; then another third adopt and half of the first stop.
                let first = (0..<n).filter { $0 % 3 == 0 }.map(Int32.init)
                let second = (0..<n).filter { $0 % 3 == 1 }.map(Int32.init),
                    stopped = (0..<n).filter { $0 % 6 == 0 }.map(Int32.init)
                XCTAssertGreaterThanOrEqual(first.count, 4_096, "enough changes for two workers")
                one.apply(gained: first, lost: [], threads: 1)
                two.apply(gained: first, lost: [], threads: 2)
                one.apply(gained: second, lost: stopped, threads: 1)
                two.apply(gained: second, lost: stopped, threads: 2)
                for i in first { stage[Int(i)] = Stage.adopted.rawValue }
                for i in second { stage[Int(i)] = Stage.adopted.rawValue }
                for i in stopped { stage[Int(i)] = Stage.discontinued.rawValue }
                let recount = NeighbourCounts(network: network, sector: split ? sector : nil, stage: stage)
                XCTAssertEqual(two.adopted, one.adopted, label)
                XCTAssertEqual(one.adopted, recount.adopted, label)
                XCTAssertEqual(one.adopted.count, split ? 2 * n : n, label)
                totals.append(
                    split
                        ? zip(one.sameAdopted.values, one.crossAdopted.values).map { $0 + $1 } : one.adopted.values)
            }
            XCTAssertEqual(totals[0], totals[1], "\(name): one count is the sum of the split ones")
            XCTAssertGreaterThan(totals[0].reduce(0, +), 0, name)
        }
    }
    /// Counts made from scratch equal a count of every row, whether the adopters are few (added
    /// from their own rows when the network is undirected) or many (every row read), 16- and
    /// 32-bit, undirected and directed.
    func testCountsMadeFromScratchAreEveryRowsAdopters() {
        let n = 3_001
        let builder = NetworkBuilder(sectorOf: (0..<n).map { UInt8($0 % 4) }, homophily: 0.5, rng: CounterRNG(seed: 9))
        let ring = builder.build(.smallWorld(degree: 8, rewire: 0.2))
        for (name, network) in [
            ("small-world", ring), ("erdos-renyi", builder.build(.erdosRenyi(meanDegree: 6))),
            ("directed", oneWay(ring)),
        ] {
            for every in [1, 2, 9, 37, n + 1] {  // all adopted, half, few, very few, none
                var stage = [UInt8](repeating: Stage.aware.rawValue, count: n)
                for i in stride(from: 0, to: n, by: every) {
                    stage[i] = i % 2 == 0 ? Stage.adopted.rawValue : Stage.confirmed.rawValue
                }
                let byRow = (0..<n).map { i in
                    Int32(
                        (network.offsets[i]..<network.offsets[i + 1]).filter {
                            let s = stage[Int(network.neighbors[$0])]
                            return s == Stage.adopted.rawValue || s == Stage.confirmed.rawValue
                        }.count)
                }
                for narrowDegree in [Int(UInt16.max), 0] {
                    let counts = NeighbourCounts(
                        network: network, sector: nil, stage: stage, narrowDegree: narrowDegree)
                    XCTAssertEqual(counts.adopted.values, byRow, "\(name), every \(every), narrow \(narrowDegree)")
                }
            }
        }
    }
}
