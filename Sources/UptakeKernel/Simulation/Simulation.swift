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
    let segments: SegmentConstants
    /// Firms per category, sector and size (fixed for a run).
    private let categoryTotals: [Int], sectorTotals: [Int], sizeTotals: [Int]
    /// Compute all firms would use if all adopted, and the total output weight (fixed for a run).
    private let potentialDemand: Double, totalOutputWeight: Double
    /// Learning curve by age in ticks.
    private let ramp: [Double]
    /// Adopted neighbours of every firm, updated as firms change side.
    private var neighbourCounts: NeighbourCounts
    /// Counts by stage, segment and cohort, updated from each tick's changes.
    private var runningTally: RunningTally
    /// The Bass rule's chances by degree and adopted neighbours, kept from tick to tick.
    private var bassTable = BassRule.ProbabilityTable()

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
        // Nothing reads it in a step: 8 bytes a firm not held while the network is built and the run goes.
        firms.innovativeness.forgetDrawnValues()
        // The rogers step reads every budget every tick: drawn once here (other rules draw one when read).
        if case .rogers = config.model { firms.budget.drawAll() }
        self.firms = firms
        if let edges = config.edgeList, config.network == .edges {
            network = .fromEdges(
                kind: .edges, firmCount: firms.count, sources: edges.sources, targets: edges.targets,
                directed: edges.directed)
        } else {
            if let problem = NetworkBuilder.problem(building: config.network, firmCount: firms.count) { throw problem }
            network = NetworkBuilder(sectorOf: firms.sector, homophily: config.homophily, rng: rng).build(
                config.network)
        }
        neighbourCounts =
            network.isMeanField
            ? NeighbourCounts(meanField: firms.count)
            : NeighbourCounts(
                network: network, sector: config.model.weighsNeighboursBySector ? firms.sector : nil, stage: firms.stage
            )
        let segments = SegmentConstants(config.population.sectors)
        runningTally = RunningTally(firms, segments: segments, ticks: config.ticks)
        macro = MacroState(config.macro)
        specialFundLeft = config.specialFundPool
        chunks = ParallelChunks(count: firms.count, threads: config.threads)
        self.segments = segments
        var cat = [Int](repeating: 0, count: 5), sec = [Int](repeating: 0, count: sectorCount),
            siz = [Int](repeating: 0, count: 3)
        var potential = 0.0, output = 0.0
        for i in 0..<firms.count {
            cat[Int(firms.category[i])] += 1
            sec[Int(firms.sector[i])] += 1
            siz[Int(firms.size[i])] += 1
            let k = SegmentConstants.segment(sector: firms.sector[i], size: firms.size[i])
            potential += segments.compute[k]
            output += segments.output[k]
        }
        categoryTotals = cat
        sectorTotals = sec
        sizeTotals = siz
        potentialDemand = potential
        totalOutputWeight = output
        let learning: Double
        if case .rogers(let p) = config.model {
            learning = p.learningTicks
        } else {
            learning = RogersParameters().learningTicks
        }
        ramp = (0...(config.ticks + 1)).map { 1 - exp(-Double($0) / learning) }
    }

    public var calendar: TickCalendar { config.calendar }
    public var sectors: [SectorProfile] { config.population.sectors }
    /// Aggregates of the last tick run (or of the initial state before tick 0).
    public var stats: TickStats { history.last ?? initialStats }
    public lazy var initialStats: TickStats = makeStats(
        runningTally.snapshot(tick: -1, segments: segments, ramp: ramp), newAdopters: 0)

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
            bookLateSpending()
            metrics[metrics.count - 1] = pendingMetrics
            pendingMetrics.removeAll()
        }
        try observer?.simulationDidFinish(self)
    }

    /// Spending and fund top-ups observers made after the tally (in `after_tick`)
    /// belong to this tick: without this they would reach the cumulative total
    /// but no tick's spending, and the ticks would not add up to the total.
    private func bookLateSpending() {
        history[history.count - 1].spendThisTick = ledger.thisTick
        history[history.count - 1].spendTotal = ledger.total
        history[history.count - 1].specialFundLeft = specialFundLeft
    }

    /// Tallies the firms, updates the macro state from the tally, and appends the tick's stats.
    private func tallyTick(newAdopters: Int) {
        let tally = runningTally.snapshot(tick: tick, segments: segments, ramp: ramp)
        updateMacro(tally)
        let s = makeStats(tally, newAdopters: newAdopters)
        history.append(s)
        metrics.append([:])
        for level in Simulation.criticalMassLevels where criticalMassTicks[level] == nil && s.adoption >= level {
            criticalMassTicks[level] = tick
        }
    }

    private func makeStats(_ t: TickTally, newAdopters: Int) -> TickStats {
        let adopters = t.stageCounts[Int(Stage.adopted.rawValue)] + t.stageCounts[Int(Stage.confirmed.rawValue)]
        let adoption = firms.count == 0 ? 0 : Double(adopters) / Double(firms.count)
        return TickStats(
            tick: tick, firmCount: firms.count, stageCounts: t.stageCounts, adopters: adopters,
            newAdopters: newAdopters, categoryAdopters: t.categoryAdopters, categoryTotals: categoryTotals,
            sectorAdopters: t.sectorAdopters, sectorTotals: sectorTotals, sizeAdopters: t.sizeAdopters,
            sizeTotals: sizeTotals, macro: macro, spendThisTick: ledger.thisTick, spendTotal: ledger.total,
            specialFundLeft: specialFundLeft, criticalMass: criticalMassReached(adoption: adoption))
    }

    /// The highest level reached before this tick or by `adoption` now.
    private func criticalMassReached(adoption: Double) -> Double {
        Simulation.criticalMassLevels.filter { criticalMassTicks[$0] != nil || adoption >= $0 }.max() ?? 0
    }

    /// Keeps the running tally right when a stage changes outside a step (a nudge).
    func noteStageChange(from old: UInt8, to new: UInt8) { runningTally.move(from: old, to: new) }

    /// Refreshes the tally after observers changed the state out of the loop (e.g. a nudge in setup).
    public func refreshStats() {
        let t = runningTally.snapshot(tick: tick, segments: segments, ramp: ramp)
        if history.isEmpty {
            initialStats = makeStats(t, newAdopters: 0)
        } else {
            history[history.count - 1] = makeStats(t, newAdopters: history[history.count - 1].newAdopters)
        }
    }

    /// Technology, compute, energy, trust and productivity after the step (docs/model.md, "Macro state").
    private func updateMacro(_ tally: TickTally) {
        let mp = config.macro
        let lv = levers
        var m = macro
        let dataSharing = lv.systemValue(.dataSharing), labelling = lv.systemValue(.labelling)
        m.dataQuality = min(
            mp.readinessCap,
            m.dataQuality + mp.dataGrowth + mp.dataSharingEffect * dataSharing + mp.labellingDataEffect * labelling)
        m.computeCapacity = min(
            mp.readinessCap,
            m.computeCapacity + mp.computeGrowth + mp.computeInvestmentEffect * lv.systemValue(.computeInvestment) / 1e9
        )
        m.algorithms = min(
            mp.readinessCap, m.algorithms + mp.algorithmGrowth + mp.rdFundingEffect * lv.systemValue(.rdFunding) / 1e9)
        let adopters = Double(
            tally.stageCounts[Int(Stage.adopted.rawValue)] + tally.stageCounts[Int(Stage.confirmed.rawValue)])
        let demand = tally.computeDemand
        let energyPerUnit = mp.energyPerComputeUnit * (1 - lv.systemValue(.efficiency))
        let supply = potentialDemand * mp.supplyShareAtUnitCapacity * m.computeCapacity
        var served = min(demand, supply)
        let cap = lv.systemValue(.energyCap)
        if cap.isFinite && energyPerUnit > 0 { served = min(served, cap / energyPerUnit) }
        m.computeDemand = demand
        m.computeSupply = supply
        m.computeServed = served
        m.rationing = demand > 0 ? served / demand : 1
        m.energy = served * energyPerUnit
        m.emissions = m.energy * 1000 * mp.gridEmissionFactor * (1 - lv.systemValue(.renewableShare))
        m.incidents =
            adopters * mp.incidentRate * (1 - mp.labellingIncidentCut * labelling)
            * (1 - mp.regulationIncidentCut * lv.systemValue(.regulation))
        m.trust = max(
            0,
            min(
                1,
                m.trust + mp.trustRecovery * (mp.trustCeiling - m.trust) - mp.trustErosion * m.incidents
                    / Double(firms.count)))
        m.productivityIndex = 100 * (1 + m.rationing * tally.weightedGain / max(totalOutputWeight, 1))
        macro = m
    }

    // MARK: - The step

    /// Advances the firms one tick with the configured rule, books spending,
    /// then updates the macro state. Returns the firms that adopted.
    func step() -> AdoptionBatch {
        let start = stats
        // Only the rogers rule reads firm-level levers (ModelSpec.use(of:)): the
        // others skip resolving six arrays of N values every tick. Levers with
        // one value for all come as one value (`FirmLeverValues`).
        let readsLevers: Bool
        if case .rogers = config.model { readsLevers = true } else { readsLevers = false }
        let lever = { (l: Lever) in readsLevers ? self.levers.resolveCompact(l, firms: self.firms) : [] }
        let subsidy = lever(.subsidy), taxRelief = lever(.taxRelief), loanRate = lever(.loanRate)
        let fundShare = lever(.specialFund), trainingLever = lever(.training), media = lever(.media)
        var changes = [[StageChange]](repeating: [], count: chunks.chunkCount)
        let meanField = network.isMeanField
        firms.stage.withUnsafeBufferPointer { stage in
            changes.withUnsafeMutableBufferPointer { changes in
                neighbourCounts.withView { view in
                    let neighbours = meanField ? nil : view
                    switch config.model {
                    case .bass(let p, let q, let dt):
                        BassRule.step(
                            p: p, q: q, dt: dt, tick: tick, stage: stage, changes: changes, neighbours: neighbours,
                            adopters: start.adopters, firmCount: firms.count, rng: rng, chunks: chunks,
                            table: &bassTable)
                    case .threshold:
                        firms.threshold.withUnsafeBufferPointer { threshold in
                            ThresholdRule.step(
                                threshold: threshold, stage: stage, changes: changes, neighbours: neighbours,
                                adopters: start.adopters, firmCount: firms.count, chunks: chunks)
                        }
                    case .rogers(let parameters):
                        runRogers(
                            parameters, stage: stage, changes: changes, neighbours: neighbours, subsidy: subsidy,
                            taxRelief: taxRelief,
                            loanRate: loanRate, fundShare: fundShare, trainingLever: trainingLever, media: media,
                            start: start)
                    }
                }
            }
        }
        let adopted = commit(changes, subsidy: subsidy, taxRelief: taxRelief, loanRate: loanRate, fundShare: fundShare)
        bookProgrammeCosts(trainingLever: trainingLever, media: media)
        return adopted
    }

    private func runRogers(
        _ parameters: RogersParameters, stage: UnsafeBufferPointer<UInt8>,
        changes: UnsafeMutableBufferPointer<[StageChange]>,
        neighbours: NeighbourView?, subsidy: [Double], taxRelief: [Double], loanRate: [Double], fundShare: [Double],
        trainingLever: [Double], media: [Double], start: TickStats
    ) {
        var training = firms.training, rejected = firms.rejectedUtility
        firms.training = []
        firms.rejectedUtility = []  // keep the buffers uniquely referenced while written
        // Only now a copy of the table for reading: made before, it would hold the
        // two arrays too, and writing them would copy both (16 bytes a firm) every tick.
        let f = firms
        withMutableBuffers(&training, &rejected) { training, rejected in
            withBuffers([f.sector, f.size]) { codes in
                withBuffers([f.stageSince, f.adoptedTick]) { ticks in
                    withBuffers([f.threshold, f.budget.array]) { values in
                        withBuffers([subsidy, taxRelief, loanRate, fundShare, trainingLever, media]) { lever in
                            let rule = RogersRule(
                                p: parameters, tick: tick, rng: rng, sector: codes[0], size: codes[1],
                                threshold: values[0], budget: values[1],
                                stage: stage, stageSince: ticks[0], adoptedTick: ticks[1], training: training,
                                rejectedUtility: rejected,
                                subsidy: FirmLeverValues(lever[0]), taxRelief: FirmLeverValues(lever[1]),
                                loanRate: FirmLeverValues(lever[2]), fundShare: FirmLeverValues(lever[3]),
                                trainingLever: FirmLeverValues(lever[4]), media: FirmLeverValues(lever[5]),
                                segments: segments,
                                readiness: macro.readiness,
                                rationing: macro.rationing, trust: macro.trust, alliance: levers.systemValue(.alliance),
                                regulation: levers.systemValue(.regulation), fundAvailable: specialFundLeft > 0,
                                network: network,
                                neighbours: neighbours, sectorAdopters: start.sectorAdopters,
                                sectorTotals: start.sectorTotals)
                            rule.run(chunks, changes: changes)
                        }
                    }
                }
            }
        }
        firms.training = training
        firms.rejectedUtility = rejected
    }

    /// Applies the tick's stage changes and books what adoption costs the state.
    ///
    /// Two passes: each chunk applies its own firms' changes in parallel and
    /// lists who started or stopped using the innovation; then the counts,
    /// the neighbour counts and the spending are updated over those lists in
    /// chunk order. Spending is sequential on purpose: the special fund is a
    /// shared pool, and paying it out in firm order keeps the result
    /// independent of threads.
    private func commit(
        _ changes: [[StageChange]], subsidy: [Double], taxRelief: [Double], loanRate: [Double], fundShare: [Double]
    ) -> AdoptionBatch {
        let chunkCount = chunks.chunkCount
        var gainedPerChunk = [[Int32]](repeating: [], count: chunkCount)
        var lostPerChunk = [[Int32]](repeating: [], count: chunkCount)
        var deltasPerChunk = [[Int]](repeating: [], count: chunkCount)
        let tick32 = Int32(tick)
        var stage = firms.stage, since = firms.stageSince, adoptedTick = firms.adoptedTick
        firms.stage = []
        firms.stageSince = []
        firms.adoptedTick = []  // keep the buffers uniquely referenced while written
        withMutableBuffers(&stage, &since, &adoptedTick) { stage, since, adoptedTick in
            withMutableBuffers(&gainedPerChunk, &lostPerChunk, &deltasPerChunk) {
                gainedPerChunk, lostPerChunk, deltasPerChunk in
                chunks.forEach { c, range in
                    var gained: [Int32] = [], lost: [Int32] = []
                    gained.reserveCapacity(changes[c].count)
                    var deltas = [Int](repeating: 0, count: Stage.allCases.count)
                    for change in changes[c] {
                        let i = Int(change.firm)
                        // Disjoint writes: a chunk writes only its own firms' slots (the rules list only them).
                        assert(range.contains(i), "chunk \(c) (firms \(range)) has a change for firm \(i)")
                        let was = stage[i], now = change.stage
                        guard was != now else { continue }
                        deltas[Int(was)] -= 1
                        deltas[Int(now)] += 1
                        stage[i] = now
                        since[i] = tick32
                        let wasAdopter = was == Stage.adopted.rawValue || was == Stage.confirmed.rawValue
                        let isAdopter = now == Stage.adopted.rawValue || now == Stage.confirmed.rawValue
                        if isAdopter && !wasAdopter {
                            adoptedTick[i] = tick32
                            gained.append(change.firm)
                        } else if wasAdopter && !isAdopter {
                            lost.append(change.firm)
                        }
                    }
                    gainedPerChunk[c] = gained
                    lostPerChunk[c] = lost
                    deltasPerChunk[c] = deltas
                }
            }
        }
        firms.stage = stage
        firms.stageSince = since
        firms.adoptedTick = adoptedTick

        let adopted = gainedPerChunk.count == 1 ? gainedPerChunk[0] : gainedPerChunk.flatMap { $0 }
        let lost = lostPerChunk.count == 1 ? lostPerChunk[0] : lostPerChunk.flatMap { $0 }
        var deltas = [Int](repeating: 0, count: Stage.allCases.count)
        for d in deltasPerChunk where !d.isEmpty { for s in d.indices { deltas[s] += d[s] } }
        runningTally.apply(stageDeltas: deltas, gained: adopted, lost: lost, firms: firms)
        if !network.isMeanField {
            neighbourCounts.apply(gained: adopted, lost: lost, threads: config.threads)
        }
        // Only the rogers rule lets the firm-level levers change adoption;
        // under the others they are ignored and book nothing (ModelSpec.use(of:)).
        guard case .rogers(let p) = config.model else { return AdoptionBatch(tick: tick, firms: adopted) }
        let regulation = levers.systemValue(.regulation)
        let compliance = p.complianceCost, loanYears = p.loanYears
        var spendSubsidy = 0.0, spendTax = 0.0, spendLoan = 0.0, spendFund = 0.0
        // The lever arrays hold one value per firm, or one for all (`resolveCompact`).
        let subsidyOf = { (i: Int) in subsidy[subsidy.count == 1 ? 0 : i] }
        let taxReliefOf = { (i: Int) in taxRelief[taxRelief.count == 1 ? 0 : i] }
        let loanRateOf = { (i: Int) in loanRate[loanRate.count == 1 ? 0 : i] }
        let fundShareOf = { (i: Int) in fundShare[fundShare.count == 1 ? 0 : i] }
        for firm in adopted {
            let i = Int(firm)
            let cost =
                segments.cost[SegmentConstants.segment(sector: firms.sector[i], size: firms.size[i])]
                * (1 + compliance * regulation)
            spendSubsidy += subsidyOf(i) * cost
            spendTax += taxReliefOf(i) * LeverDefaults.corporateTaxRate * cost
            var fundPaid = 0.0
            if fundShareOf(i) > 0 && specialFundLeft > 0 {
                fundPaid = min(specialFundLeft, fundShareOf(i) * cost)
                specialFundLeft -= fundPaid
                spendFund += fundPaid
            }
            if loanRateOf(i) < LeverDefaults.marketLoanRate {
                let net = max(0, cost * (1 - subsidyOf(i)) - fundPaid)
                spendLoan += (LeverDefaults.marketLoanRate - loanRateOf(i)) * net * loanYears
            }
        }
        ledger.spend(spendSubsidy, account: Lever.subsidy.rawValue)
        ledger.spend(spendTax, account: Lever.taxRelief.rawValue)
        ledger.spend(spendFund, account: Lever.specialFund.rawValue)
        ledger.spend(spendLoan, account: Lever.loanRate.rawValue)
        return AdoptionBatch(tick: tick, firms: adopted)
    }

    /// The sum over firms of a lever's values (one per firm, or one for all),
    /// added in firm order as `reduce` adds them, so the sum is the same either way.
    private func firmSum(_ values: [Double]) -> Double {
        guard values.count == 1 else { return values.reduce(0, +) }
        var total = 0.0
        for _ in 0..<firms.count { total += values[0] }
        return total
    }

    /// Books the programmes' costs. Training and media campaigns reach only
    /// the rogers rule; public compute and R&D money moves the macro state
    /// under every rule, so it is booked under every rule.
    private func bookProgrammeCosts(trainingLever: [Double], media: [Double]) {
        if case .rogers(let p) = config.model {
            if levers.isActive(.training) {
                ledger.spend(firmSum(trainingLever) * p.trainingCostPerFirm, account: Lever.training.rawValue)
            }
            if levers.isActive(.media) {
                ledger.spend(firmSum(media) * p.mediaCostPerFirm, account: Lever.media.rawValue)
            }
        }
        ledger.spend(levers.systemValue(.computeInvestment), account: Lever.computeInvestment.rawValue)
        ledger.spend(levers.systemValue(.rdFunding), account: Lever.rdFunding.rawValue)
    }

}

@inline(__always)
func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif
