import XCTest
import UptakeTestSupport
import UptakeKernel
@testable import UptakeScripting

/// Firms and networks from files, with the scenario keys exactly as the
/// documentation writes them, checked against independent references.
final class DataFileTests: XCTestCase {
    /// Granovetter's crowd: thresholds 0..99 in firm counts. Firm k adopts
    /// once k others have, so one adopter a tick: a full cascade in 100 ticks.
    func crowd(raising firm: Int? = nil) throws -> Simulation {
        let p = try TemporaryProject()
        var rows = ["id,threshold"]
        for k in 0..<100 {
            let count = k == firm ? k + 1 : k
            rows.append("f\(k),\(Double(count) / 99)")
        }
        try p.write("firms.csv", rows.joined(separator: "\n") + "\n")
        let file = try p.write(
            "crowd.lua",
            """
            return scenario {
              ticks = 110,
              firms   = { file = "firms.csv" },
              network = { kind = "mean-field" },
              model   = { rule = "threshold" },
            }
            """)
        let s = try p.session(file)
        try s.run()
        return s.simulation
    }

    func testGranovetterCrowdCascadesFully() throws {
        let sim = try crowd()
        for k in 0..<100 { XCTAssertEqual(sim.history[k].adopters, k + 1, "tick \(k)") }
        XCTAssertEqual(sim.history.last!.adopters, 100)
    }

    func testRaisingOneThresholdStopsTheCascade() throws {
        let sim = try crowd(raising: 1)
        XCTAssertEqual(sim.history.last!.adopters, 1)
    }

    /// Synchronous linear threshold on a hand-built graph, computed here independently.
    func testThresholdMatchesReferenceOnEdgeListGraph() throws {
        let n = 80
        var state: UInt64 = 12345
        func next() -> Double {  // a local generator, independent of the kernel's
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1.0p-53
        }
        var edges: [(Int, Int)] = []
        for i in 0..<n { for j in (i + 1)..<n where next() < 0.06 { edges.append((i, j)) } }
        let thresholds = (0..<n).map { _ in (next() * 0.6 * 100).rounded() / 100 }
        let seeds = Set([3, 17, 42, 60])
        var firms = ["id,threshold,stage"]
        for i in 0..<n { firms.append("n\(i),\(thresholds[i]),\(seeds.contains(i) ? "adopted" : "unaware")") }
        let p = try TemporaryProject()
        try p.write("data/firms.csv", firms.joined(separator: "\n") + "\n")
        try p.write(
            "data/edges.csv", (["source,target"] + edges.map { "n\($0.0),n\($0.1)" }).joined(separator: "\n") + "\n")
        let file = try p.write(
            "graph.lua",
            """
            return scenario {
              ticks = 20,
              firms   = { file = "data/firms.csv" },
              network = { kind = "edges", file = "data/edges.csv" },
              model   = { rule = "threshold" },
            }
            """)
        let s = try p.session(file)
        try s.run()

        var neighbours = [[Int]](repeating: [], count: n)
        for (a, b) in edges {
            neighbours[a].append(b)
            neighbours[b].append(a)
        }
        var adopted = (0..<n).map { seeds.contains($0) }
        for tick in 0..<20 {
            let before = adopted
            for i in 0..<n where !before[i] && !neighbours[i].isEmpty {
                let share = Double(neighbours[i].filter { before[$0] }.count) / Double(neighbours[i].count)
                if share >= thresholds[i] { adopted[i] = true }
            }
            XCTAssertEqual(s.simulation.history[tick].adopters, adopted.filter { $0 }.count, "tick \(tick)")
        }
        XCTAssertGreaterThan(adopted.filter { $0 }.count, seeds.count, "the reference graph should cascade a little")
    }

    /// In a directed edge list, source observes target: only the source is influenced.
    func testDirectedEdgesInfluenceTheObserverOnly() throws {
        let p = try TemporaryProject()
        // a watches b; b watches nobody; c watches a. b has adopted; thresholds 0.5.
        try p.write("firms.csv", "id,threshold,stage\na,0.5,unaware\nb,0.5,adopted\nc,0.5,unaware\nd,0.5,unaware\n")
        try p.write("edges.csv", "source,target\na,b\nc,a\nd,c\n")
        let file = try p.write(
            "directed.lua",
            """
            return scenario {
              ticks = 4,
              firms   = { file = "firms.csv" },
              network = { kind = "edges", file = "edges.csv", directed = true },
              model   = { rule = "threshold" },
            }
            """)
        let s = try p.session(file)
        try s.run()
        // Tick 0: a adopts (its only neighbour b adopted). Tick 1: c (watches a). Tick 2: d (watches c).
        XCTAssertEqual(s.simulation.history.map(\.adopters), [2, 3, 4, 4])
        let undirected = try p.write(
            "undirected.lua",
            """
            return scenario {
              ticks = 1,
              firms   = { file = "firms.csv" },
              network = { kind = "edges", file = "edges.csv" },
              model   = { rule = "threshold" },
            }
            """)
        let u = try p.session(undirected)
        try u.run()
        // Undirected, a has neighbours b and c: 1/2 adopted >= 0.5, so a adopts; c (a, d) and d (c) do not yet.
        XCTAssertEqual(u.simulation.history[0].adopters, 2)
    }

    func testBassKeysAsDocumented() throws {
        let p = try TemporaryProject()
        let file = try p.write(
            "bass.lua",
            """
            return scenario {
              ticks = 10, firms = 2000,
              network = { kind = "mean-field" },
              model   = { rule = "bass", p = 0.03, q = 0.38, dt = 1 },
            }
            """)
        let s = try p.session(file)
        try s.run()
        guard case .bass(let bp, let bq, let dt) = s.scenario.config.model else { return XCTFail("not bass") }
        XCTAssertEqual([bp, bq, dt], [0.03, 0.38, 1])
        XCTAssertGreaterThan(s.simulation.history.last!.adoption, 0.3)
    }

    func testBadFirmsFileIsReportedWithItsLine() throws {
        let p = try TemporaryProject()
        try p.write("firms.csv", "id,sector,size\na,retail,small\nb,retail,huge\n")
        let file = try p.write("s.lua", "return scenario { firms = { file = \"firms.csv\" } }\n")
        let d = try XCTUnwrap(p.failure(file))
        XCTAssertTrue(d.file?.hasSuffix("firms.csv") ?? false, d.description)
        XCTAssertEqual(d.line, 3)
        XCTAssertTrue(d.problem.contains("'huge'"), d.description)
    }

    func testFirmsFileAttributesAreUsed() throws {
        let p = try TemporaryProject()
        try p.write(
            "firms.csv",
            "id,sector,size,region,innovativeness\nx1,finance,large,north,2.5\nx2,agriculture,small,south,-1\nx3,retail,medium,,\n"
        )
        let file = try p.write("s.lua", "return scenario { ticks = 2, firms = { file = \"firms.csv\" } }\n")
        let s = try p.session(file)
        let f = s.simulation.firms
        XCTAssertEqual(f.ids, ["x1", "x2", "x3"])
        XCTAssertEqual(s.simulation.sectors[Int(f.sector[0])].name, "finance")
        XCTAssertEqual(f.size[0], FirmSize.large.rawValue)
        XCTAssertEqual(f.regionNames[Int(f.region[1])], "south")
        XCTAssertEqual(f.innovativeness[0], 2.5)
    }
}
