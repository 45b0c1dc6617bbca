/// Everything the kernel needs to run one simulation; built by the scripting
/// layer from a scenario, or directly in tests.
public struct SimulationConfig: Sendable {
    public var ticks: Int
    public var calendar: TickCalendar
    public var seed: UInt64
    public var population: PopulationSpec
    public var network: NetworkKind
    /// Edge list for `.edges` networks, as firm indices.
    public var edgeList: (sources: [UInt32], targets: [UInt32], directed: Bool)?
    /// Probability that a randomly drawn tie stays within the sector.
    public var homophily: Double
    public var model: ModelSpec
    public var macro: MacroParameters
    public var threads: Int
    /// Special-fund pool in yuan (the `special_fund` lever sets the share it covers).
    public var specialFundPool: Double

    public init(
        ticks: Int = 40, calendar: TickCalendar, seed: UInt64 = 1, population: PopulationSpec,
        network: NetworkKind = .smallWorld(degree: 8, rewire: 0.1),
        edgeList: (sources: [UInt32], targets: [UInt32], directed: Bool)? = nil,
        homophily: Double = 0.5, model: ModelSpec = .rogers(RogersParameters()),
        macro: MacroParameters = MacroParameters(),
        threads: Int = 1, specialFundPool: Double = 0
    ) {
        self.ticks = ticks
        self.calendar = calendar
        self.seed = seed
        self.population = population
        self.network = network
        self.edgeList = edgeList
        self.homophily = homophily
        self.model = model
        self.macro = macro
        self.threads = threads
        self.specialFundPool = specialFundPool
    }
}
