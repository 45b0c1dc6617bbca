import UptakeKernel
import UptakeScripting

/// Wraps the plugin host to end a run once the experiment's stop condition
/// is met. It checks at the start of the next tick, when the previous tick's
/// tally and plugin metrics are complete, and then lets the plugins finish.
final class StopObserver: SimulationObserver {
    struct Stopped: Error {}
    /// Columns a stop condition can watch besides plugin metrics (cheap to read each tick).
    static let kernelMetrics: [String: @Sendable (TickStats) -> Double] = [
        "adoption": { $0.adoption },
        "adopters": { Double($0.adopters) },
        "new_adopters": { Double($0.newAdopters) },
        "productivity_index": { $0.macro.productivityIndex },
        "trust": { $0.macro.trust },
        "energy_gwh": { $0.macro.energy },
        "emissions_t": { $0.macro.emissions },
        "spend_cumulative": { s in FiscalLedger.sum(s.spendTotal) },
    ]

    let host: SimulationObserver
    let stop: StopCondition

    init(host: SimulationObserver, stop: StopCondition) { self.host = host; self.stop = stop }

    func simulationDidSetUp(_ simulation: Simulation) throws { try host.simulationDidSetUp(simulation) }

    func simulationWillStep(_ simulation: Simulation) throws {
        if let last = simulation.history.last {
            let value = StopObserver.kernelMetrics[stop.metric].map { $0(last) } ?? simulation.metrics.last?[stop.metric]
            if let value, stop.isMet(value) { throw Stopped() }
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
    }
}
