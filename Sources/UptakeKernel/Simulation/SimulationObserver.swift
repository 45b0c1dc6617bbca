/// What the tick loop calls out to: the scripting layer implements it to run
/// plugin hooks. The kernel knows only this protocol, never Lua.
public protocol SimulationObserver: AnyObject {
    /// Once, after the population and network exist and before tick 0.
    func simulationDidSetUp(_ simulation: Simulation) throws
    /// Policy phase of a tick: levers set here act in this tick's step.
    func simulationWillStep(_ simulation: Simulation) throws
    /// After the step and the tally: observe, record metrics.
    func simulationDidStep(_ simulation: Simulation, adoptions: AdoptionBatch) throws
    /// Once, after the last tick.
    func simulationDidFinish(_ simulation: Simulation) throws
}

/// The firms that adopted in one tick.
public struct AdoptionBatch: Sendable {
    public let tick: Int
    public let firms: [Int32]
    public var count: Int { firms.count }
}
