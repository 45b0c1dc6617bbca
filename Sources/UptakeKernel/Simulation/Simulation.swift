/// One run of the model: the firm table, the network, the levers, the macro
/// state and the tick loop.
///
///     let sim = try Simulation(config)
///     try sim.run()
///     print(sim.history.last!.adoption)
public final class Simulation {
    public let config: SimulationConfig
    public internal(set) var firms: FirmTable
    public let network: Network
    public var levers = LeverBoard()
    public private(set) var macro: MacroState
    public private(set) var ledger = FiscalLedger()
    public private(set) var specialFundLeft: Double
    /// The tick being run (or last run); -1 before the first.
    public private(set) var tick = -1
    /// Aggregates at the end of each tick run so far.
    public private(set) var history: [TickStats] = []
    /// Metrics recorded by observers, one dictionary per tick (same index as history).
    public private(set) var metrics: [[String: Double]] = []
    /// First tick at which adoption reached each critical-mass level, nil while not reached.
    public private(set) var criticalMassTicks: [Double: Int] = [:]
    public static let criticalMassLevels: [Double] = [0.05, 0.16, 0.20, 0.50]

    public let rng: CounterRNG
    let chunks: ParallelChunks
    private var pendingMetrics: [String: Double] = [:]
    private let sectorCount: Int

    public init(_ config: SimulationConfig) throws {
        self.config = config
        rng = CounterRNG(seed: config.seed)
        var firms = try PopulationBuilder.build(config.population, rng: rng)
        sectorCount = config.population.sectors.count
        if case .threshold = config.model, !(config.population.records?.contains { $0.threshold != nil } ?? false) {
            // Threshold rule: thresholds are neighbour shares; the default makes them uniform on
            // (0, 1) and falling with innovativeness: 1 - Phi(eta).
            for i in 0..<firms.count { firms.threshold[i] = 1 - normalCDF(firms.innovativeness[i]) }
        }
        self.firms = firms
        if let edges = config.edgeList, config.network == .edges {
            network = .fromEdges(kind: .edges, firmCount: firms.count, sources: edges.sources, targets: edges.targets,
                                 directed: edges.directed)
        } else {
            network = NetworkBuilder(sectorOf: firms.sector, homophily: config.homophily, rng: rng).build(config.network)
        }
        macro = MacroState(config.macro)
        specialFundLeft = config.specialFundPool
        chunks = ParallelChunks(count: firms.count, threads: config.threads)
    }

    public var calendar: TickCalendar { config.calendar }
    public var sectors: [SectorProfile] { config.population.sectors }
    /// Aggregates of the last tick run (or of the initial state before tick 0).
    public var stats: TickStats { history.last ?? initialStats }
    public lazy var initialStats: TickStats = TickStats.tally(tick: -1, firms: firms, sectorCount: sectorCount, newAdopters: 0,
                                                                macro: macro, ledger: ledger, specialFundLeft: specialFundLeft)

    /// Records a metric for the current tick (a column of the series).
    public func record(_ name: String, _ value: Double) { pendingMetrics[name] = value }

    /// Adds money to the special fund's pool (the `special_fund` lever sets the share of cost it covers).
    public func addToSpecialFund(_ amount: Double) { specialFundLeft += amount }

    /// Books spending from outside the kernel (a plugin's own programme).
    public func spend(_ amount: Double, account: String) { ledger.spend(amount, account: account) }

    /// Runs every tick, calling the observer around each step.
    public func run(observer: SimulationObserver? = nil) throws {
        try observer?.simulationDidSetUp(self)
        while tick + 1 < config.ticks {
            tick += 1
            ledger.beginTick()
            try observer?.simulationWillStep(self)
            let adopted = step()
            tallyTick(newAdopters: adopted.count)
            try observer?.simulationDidStep(self, adoptions: adopted)
            metrics[metrics.count - 1] = pendingMetrics
            pendingMetrics.removeAll()
        }
        try observer?.simulationDidFinish(self)
    }

    private func tallyTick(newAdopters: Int) {
        let s = TickStats.tally(tick: tick, firms: firms, sectorCount: sectorCount, newAdopters: newAdopters,
                                macro: macro, ledger: ledger, specialFundLeft: specialFundLeft)
        history.append(s)
        metrics.append([:])
        for level in Simulation.criticalMassLevels where criticalMassTicks[level] == nil && s.adoption >= level {
            criticalMassTicks[level] = tick
        }
    }

    /// Refreshes the tally after observers changed the state out of the loop (e.g. a nudge in setup).
    public func refreshStats() {
        initialStats = TickStats.tally(tick: tick, firms: firms, sectorCount: sectorCount, newAdopters: 0,
                                       macro: macro, ledger: ledger, specialFundLeft: specialFundLeft)
        if !history.isEmpty {
            let last = history.count - 1
            history[last] = TickStats.tally(tick: tick, firms: firms, sectorCount: sectorCount,
                                            newAdopters: history[last].newAdopters, macro: macro, ledger: ledger,
                                            specialFundLeft: specialFundLeft)
        }
    }

    // MARK: - The step

    /// Advances the firms one tick with the configured rule, books spending,
    /// then updates the macro state. Returns the firms that adopted.
    func step() -> AdoptionBatch {
        let start = stats
        let lever = { (l: Lever) in self.levers.resolve(l, firms: self.firms) }
        let subsidy = lever(.subsidy), taxRelief = lever(.taxRelief), loanRate = lever(.loanRate)
        let fundShare = lever(.specialFund), trainingLever = lever(.training), media = lever(.media)
        let stageBefore = firms.stage
        var next = stageBefore
        stageBefore.withUnsafeBufferPointer { stage in
            next.withUnsafeMutableBufferPointer { next in
                switch config.model {
                case .bass(let p, let q, let dt):
                    BassRule.step(p: p, q: q, dt: dt, tick: tick, stage: stage, next: next, network: network,
                                  adopters: start.adopters, rng: rng, chunks: chunks)
                case .threshold:
                    firms.threshold.withUnsafeBufferPointer { threshold in
                        ThresholdRule.step(threshold: threshold, stage: stage, next: next, network: network,
                                           adopters: start.adopters, chunks: chunks)
                    }
                case .rogers(let parameters):
                    runRogers(parameters, stage: stage, next: next, subsidy: subsidy, taxRelief: taxRelief, loanRate: loanRate,
                              fundShare: fundShare, trainingLever: trainingLever, media: media, start: start)
                }
            }
        }
        let adopted = commit(next, subsidy: subsidy, taxRelief: taxRelief, loanRate: loanRate, fundShare: fundShare)
        bookProgrammeCosts(trainingLever: trainingLever, media: media)
        updateMacro()
        return adopted
    }

    private func runRogers(_ parameters: RogersParameters, stage: UnsafeBufferPointer<UInt8>, next: UnsafeMutableBufferPointer<UInt8>,
                           subsidy: [Double], taxRelief: [Double], loanRate: [Double], fundShare: [Double],
                           trainingLever: [Double], media: [Double], start: TickStats) {
        let f = firms
        var training = firms.training, rejected = firms.rejectedUtility
        firms.training = []; firms.rejectedUtility = []  // keep the buffers uniquely referenced while written
        f.sector.withUnsafeBufferPointer { sector in
        f.size.withUnsafeBufferPointer { size in
        f.threshold.withUnsafeBufferPointer { threshold in
        f.budget.withUnsafeBufferPointer { budget in
        f.stageSince.withUnsafeBufferPointer { stageSince in
        f.adoptedTick.withUnsafeBufferPointer { adoptedTick in
        training.withUnsafeMutableBufferPointer { training in
        rejected.withUnsafeMutableBufferPointer { rejected in
        subsidy.withUnsafeBufferPointer { subsidy in
        taxRelief.withUnsafeBufferPointer { taxRelief in
        loanRate.withUnsafeBufferPointer { loanRate in
        fundShare.withUnsafeBufferPointer { fundShare in
        trainingLever.withUnsafeBufferPointer { trainingLever in
        media.withUnsafeBufferPointer { media in
            let rule = RogersRule(
                p: parameters, tick: tick, rng: rng, sector: sector, size: size, threshold: threshold, budget: budget,
                stage: stage, stageSince: stageSince, adoptedTick: adoptedTick, training: training, rejectedUtility: rejected,
                next: next, subsidy: subsidy, taxRelief: taxRelief, loanRate: loanRate, fundShare: fundShare,
                trainingLever: trainingLever, media: media, sectors: sectors, readiness: macro.readiness,
                rationing: macro.rationing, trust: macro.trust, alliance: levers.systemValue(.alliance),
                regulation: levers.systemValue(.regulation), fundAvailable: specialFundLeft > 0, network: network,
                sectorAdopters: start.sectorAdopters, sectorTotals: start.sectorTotals)
            rule.run(chunks)
        }}}}}}}}}}}}}}
        firms.training = training
        firms.rejectedUtility = rejected
    }

    /// Applies the new stages in firm order and books what adoption costs the
    /// state. Sequential on purpose: the special fund is a shared pool, and
    /// paying it out in firm order keeps the result independent of threads.
    private func commit(_ next: [UInt8], subsidy: [Double], taxRelief: [Double], loanRate: [Double], fundShare: [Double]) -> AdoptionBatch {
        var adopted: [Int32] = []
        let regulation = levers.systemValue(.regulation)
        let compliance: Double
        let loanYears: Double
        if case .rogers(let p) = config.model { compliance = p.complianceCost; loanYears = p.loanYears } else { compliance = 0; loanYears = 3 }
        var spendSubsidy = 0.0, spendTax = 0.0, spendLoan = 0.0, spendFund = 0.0
        for i in 0..<firms.count where next[i] != firms.stage[i] {
            let was = Stage(rawValue: firms.stage[i])!, now = Stage(rawValue: next[i])!
            firms.stage[i] = next[i]
            firms.stageSince[i] = Int32(tick)
            guard now.isAdopter && !was.isAdopter else { continue }
            firms.adoptedTick[i] = Int32(tick)
            adopted.append(Int32(i))
            let cost = sectors[Int(firms.sector[i])].adoptionCost * SizeScale.cost[Int(firms.size[i])] * (1 + compliance * regulation)
            spendSubsidy += subsidy[i] * cost
            spendTax += taxRelief[i] * LeverDefaults.corporateTaxRate * cost
            if fundShare[i] > 0 && specialFundLeft > 0 {
                let paid = min(specialFundLeft, fundShare[i] * cost)
                specialFundLeft -= paid
                spendFund += paid
            }
            if loanRate[i] < LeverDefaults.marketLoanRate {
                let net = cost * max(0, 1 - subsidy[i] - fundShare[i])
                spendLoan += (LeverDefaults.marketLoanRate - loanRate[i]) * net * loanYears
            }
        }
        ledger.spend(spendSubsidy, account: Lever.subsidy.rawValue)
        ledger.spend(spendTax, account: Lever.taxRelief.rawValue)
        ledger.spend(spendFund, account: Lever.specialFund.rawValue)
        ledger.spend(spendLoan, account: Lever.loanRate.rawValue)
        return AdoptionBatch(tick: tick, firms: adopted)
    }

    private func bookProgrammeCosts(trainingLever: [Double], media: [Double]) {
        guard case .rogers(let p) = config.model else { return }
        if levers.isActive(.training) { ledger.spend(trainingLever.reduce(0, +) * p.trainingCostPerFirm, account: Lever.training.rawValue) }
        if levers.isActive(.media) { ledger.spend(media.reduce(0, +) * p.mediaCostPerFirm, account: Lever.media.rawValue) }
        ledger.spend(levers.systemValue(.computeInvestment), account: Lever.computeInvestment.rawValue)
        ledger.spend(levers.systemValue(.rdFunding), account: Lever.rdFunding.rawValue)
    }

    /// Technology, compute, energy, trust and productivity after the step.
    private func updateMacro() {
        let mp = config.macro
        let lv = levers
        var m = macro
        let dataSharing = lv.systemValue(.dataSharing), labelling = lv.systemValue(.labelling)
        m.dataQuality = min(mp.readinessCap, m.dataQuality + mp.dataGrowth + mp.dataSharingEffect * dataSharing + mp.labellingDataEffect * labelling)
        m.computeCapacity = min(mp.readinessCap, m.computeCapacity + mp.computeGrowth + mp.computeInvestmentEffect * lv.systemValue(.computeInvestment) / 1e9)
        m.algorithms = min(mp.readinessCap, m.algorithms + mp.algorithmGrowth + mp.rdFundingEffect * lv.systemValue(.rdFunding) / 1e9)

        // Compute demand of adopters, and the most any demand could be (all firms adopted).
        var demand = 0.0, potential = 0.0, adopters = 0.0
        var weightedGain = 0.0, outputWeight = 0.0
        let learning: Double
        if case .rogers(let p) = config.model { learning = p.learningTicks } else { learning = RogersParameters().learningTicks }
        for i in 0..<firms.count {
            let profile = sectors[Int(firms.sector[i])]
            let z = Int(firms.size[i])
            let use = profile.computeIntensity * SizeScale.compute[z]
            potential += use
            outputWeight += SizeScale.output[z]
            if Stage(rawValue: firms.stage[i])!.isAdopter {
                demand += use
                adopters += 1
                let age = Double(tick - Int(firms.adoptedTick[i]) + 1)
                weightedGain += SizeScale.output[z] * profile.productivityGain * (1 - exp(-age / learning))
            }
        }
        let efficiency = lv.systemValue(.efficiency)
        let energyPerUnit = mp.energyPerComputeUnit * (1 - efficiency)
        let supply = potential * mp.supplyShareAtUnitCapacity * m.computeCapacity
        var served = min(demand, supply)
        let cap = lv.systemValue(.energyCap)
        if cap.isFinite && energyPerUnit > 0 { served = min(served, cap / energyPerUnit) }
        m.computeDemand = demand
        m.computeSupply = supply
        m.computeServed = served
        m.rationing = demand > 0 ? served / demand : 1
        m.energy = served * energyPerUnit
        m.emissions = m.energy * 1000 * mp.gridEmissionFactor * (1 - lv.systemValue(.renewableShare))
        m.incidents = adopters * mp.incidentRate * (1 - mp.labellingIncidentCut * labelling) * (1 - mp.regulationIncidentCut * lv.systemValue(.regulation))
        m.trust = max(0, min(1, m.trust + mp.trustRecovery * (mp.trustCeiling - m.trust) - mp.trustErosion * m.incidents / Double(firms.count)))
        m.productivityIndex = 100 * (1 + m.rationing * weightedGain / max(outputWeight, 1))
        macro = m
    }
}

@inline(__always)
func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
