import UptakeKernel
import UptakeScripting

/// Wraps the plugin host to end a run once the experiment's stop condition
/// is met. It checks at the start of the next tick, when the previous tick's
/// tally and plugin metrics are complete, and then lets the plugins finish.
final class StopObserver: SimulationObserver {
    struct Stopped: Error {}

    let host: SimulationObserver
    let stop: StopCondition
    /// The schema's column of the metric, if it is one (else it is a plugin metric).
    private var column: OutputColumn?
    /// Whether the metric was there to check at least once (a column always is).
    private(set) var sawMetric = false

    init(host: SimulationObserver, stop: StopCondition) {
        self.host = host
        self.stop = stop
    }

    func simulationDidSetUp(_ simulation: Simulation) throws {
        column = OutputSchema.columns(sectors: simulation.sectors.map(\.name)).first { $0.name == stop.metric }
        sawMetric = column != nil
        try host.simulationDidSetUp(simulation)
    }

    func simulationWillStep(_ simulation: Simulation) throws {
        if let last = simulation.history.last {
            let value = column.map { $0.value(last) } ?? simulation.metrics.last?[stop.metric]
            if let value {
                sawMetric = true
                if stop.isMet(value) { throw Stopped() }
            }
        }
        try host.simulationWillStep(simulation)
    }

    func simulationDidStep(_ simulation: Simulation, adoptions: AdoptionBatch) throws {
        try host.simulationDidStep(simulation, adoptions: adoptions)
    }

    func simulationDidFinish(_ simulation: Simulation) throws { try host.simulationDidFinish(simulation) }

    /// Runs to the end or to the stop condition; the plugins' finish hooks run either way.
    func run(_ simulation: Simulation) throws {
        do {
            try simulation.run(observer: self)
        } catch is Stopped {
            try host.simulationDidFinish(simulation)
        }
        if !sawMetric, let metrics = simulation.metrics.last, metrics[stop.metric] != nil { sawMetric = true }
    }

    /// The names the metric could have been: the schema's columns and what plugins recorded.
    static func knownMetrics(_ simulation: Simulation) -> [String] {
        OutputSchema.columns(sectors: simulation.sectors.map(\.name)).map(\.name)
            + Set(simulation.metrics.flatMap(\.keys)).sorted()
    }
}
