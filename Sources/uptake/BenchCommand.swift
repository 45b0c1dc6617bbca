import ArgumentParser
import Dispatch
import Foundation
import UptakeKernel
import UptakeScripting

/// Measures the kernel's throughput in firm-ticks per second (see bench/ and docs/performance.md).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure kernel throughput (firm-ticks per second) for a rule, population and thread count.",
        discussion: "Example: uptake bench --rule bass --firms 1000000 --ticks 100 --threads 2",
        shouldDisplay: false
    )

    @Option(help: "bass, threshold or rogers.") var rule: String = "bass"
    @Option(
        help: "Number of firms.",
        transform: ArgumentValues.whole("--firms", in: 1...1_000_000_000, example: 1_000_000))
    var firms: Int = 1_000_000
    @Option(help: "Ticks to run.", transform: ArgumentValues.whole("--ticks", in: 1...1_000_000, example: 100))
    var ticks: Int = 100
    @Option(help: "Worker threads.", transform: ArgumentValues.workers("--threads")) var threads: Int = 1
    @Option(help: "Small-world degree.", transform: ArgumentValues.whole("--degree", in: 2...1_000, example: 8))
    var degree: Int = 8
    @Option(help: "Bass p.") var p: Double = 0.003
    @Option(help: "Bass q.") var q: Double = 0.3
    @Option(
        help: "Repetitions; the best is reported.",
        transform: ArgumentValues.whole("--repeats", in: 1...1_000, example: 3))
    var repeats: Int = 3
    @Option(
        help: "Instead of the kernel: time preparing this scenario's run (plugins found, checked, loaded into Lua).")
    var load: String?

    func validate() throws {
        for (name, value) in [("--p", p), ("--q", q)] where !(value.isFinite && value >= 0) {
            throw ValidationError("\(name) must be a finite number of at least 0, not \(value), e.g. \(name) 0.3")
        }
    }

    func run() throws {
        if let load { return try benchLoad(load) }
        let model: ModelSpec
        switch rule {
        case "bass": model = .bass(p: p, q: q, dt: 1)
        case "threshold": model = .threshold
        case "rogers": model = .rogers(RogersParameters())
        default: throw ValidationError("--rule must be bass, threshold or rogers")
        }
        var best = 0.0
        for _ in 0..<repeats {
            let config = SimulationConfig(
                ticks: ticks, calendar: try TickCalendar(start: "2023Q1", unit: .quarter), seed: 1,
                population: PopulationSpec(count: firms, initialAdoption: rule == "bass" ? 0 : 0.05),
                network: .smallWorld(degree: degree, rewire: 0.1), model: model, threads: threads)
            let setupStart = DispatchTime.now()
            let sim = try Simulation(config)
            let runStart = DispatchTime.now()
            try sim.run()
            let end = DispatchTime.now()
            let seconds = Double(end.uptimeNanoseconds - runStart.uptimeNanoseconds) / 1e9
            let setup = Double(runStart.uptimeNanoseconds - setupStart.uptimeNanoseconds) / 1e9
            let rate = Double(firms) * Double(ticks) / seconds
            best = max(best, rate)
            print(
                String(
                    format:
                        "%@: %d firms x %d ticks on %d thread(s): %.2f s (setup %.2f s) = %.1f M firm-ticks/s, final adoption %.3f",
                    rule, firms, ticks, threads, seconds, setup, rate / 1e6, sim.history.last!.adoption))
        }
        print(String(format: "best: %.1f M firm-ticks/s", best / 1e6))
    }

    /// Times preparing a run of a scenario with a tiny population, so what is measured is finding,
    /// validating and loading its plugins. Reports the median over the repetitions.
    func benchLoad(_ file: String) throws {
        var resolve: [Double] = [], plugins: [Double] = [], total: [Double] = []
        var count = 0
        for _ in 0..<max(repeats, 5) {
            let start = DispatchTime.now()
            let session = try RunSession(
                file: file, options: .init(overrides: [try ParameterOverride(parsing: "firms.count=10")]))
            total.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
            resolve.append(session.timings["resolve"]! * 1000)
            plugins.append(session.timings["plugins"]! * 1000)
            count = session.plugins.count
        }
        func median(_ x: [Double]) -> Double { x.sorted()[x.count / 2] }
        print(
            String(
                format:
                    "%@: %d plugins; median over %d runs: find and check %.1f ms, load into Lua %.1f ms, whole preparation %.1f ms",
                file, count, total.count, median(resolve), median(plugins), median(total)))
    }
}
