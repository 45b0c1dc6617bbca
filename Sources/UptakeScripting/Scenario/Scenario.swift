import UptakeKernel

/// A scenario as validated from its Lua file: the kernel configuration, the
/// plugins it uses with their raw parameters, and the script limits.
public struct Scenario {
    public var file: String
    public var name: String
    public var description: String
    public var config: SimulationConfig
    public var plugins: [PluginUse]
    public var limits: LuaState.Limits
    /// For pointing later errors (plugin parameters) at the scenario's lines.
    public var context: ValidationContext
}

/// One plugin entry of a scenario: `{ "tax-relief", rate = 0.15 }`.
public struct PluginUse: Sendable {
    public var name: String
    /// Version constraint, e.g. "^1.2" (optional).
    public var version: String?
    /// Hook schedule: on_tick runs every n-th tick.
    public var every: Int?
    public var params: LuaTable
}
