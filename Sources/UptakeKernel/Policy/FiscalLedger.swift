/// Every yuan the state spends or forgoes, per account (a lever name, or an
/// account a plugin names with `ctx.spend`).
public struct FiscalLedger: Sendable {
    /// The accounts the kernel itself books (`Simulation`'s spending on the
    /// firm-level levers and on compute and R&D): open in every run, so a
    /// series has the same columns whichever levers a run pulled.
    public static let kernelAccounts: [String] = [
        Lever.subsidy, .taxRelief, .specialFund, .loanRate, .training, .media, .computeInvestment, .rdFunding,
    ].map(\.rawValue)

    /// Amounts per account; an account appears once something non-zero is booked to it.
    public private(set) var total: [String: Double] = [:]
    public private(set) var thisTick: [String: Double] = [:]
    /// Every account open so far: the kernel's, and each account booked to,
    /// even with 0 (a plugin that books 0 while idle keeps its column).
    public private(set) var accounts: Set<String> = Set(FiscalLedger.kernelAccounts)

    public init() {}

    public mutating func beginTick() { thisTick.removeAll(keepingCapacity: true) }

    public mutating func spend(_ amount: Double, account: String) {
        accounts.insert(account)
        guard amount != 0 else { return }
        total[account, default: 0] += amount
        thisTick[account, default: 0] += amount
    }

    public var grandTotal: Double { FiscalLedger.sum(total) }
    public var tickTotal: Double { FiscalLedger.sum(thisTick) }

    /// The sum of accounts in account-name order: dictionary order differs
    /// between processes, and a float sum depends on its order.
    public static func sum(_ accounts: [String: Double]) -> Double {
        accounts.keys.sorted().reduce(0) { $0 + accounts[$1]! }
    }
}
