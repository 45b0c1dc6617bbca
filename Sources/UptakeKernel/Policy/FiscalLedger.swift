/// Every yuan the state spends or forgoes, per account (a lever name, or an
/// account a plugin names with `ctx.spend`).
public struct FiscalLedger: Sendable {
    public private(set) var total: [String: Double] = [:]
    public private(set) var thisTick: [String: Double] = [:]

    public init() {}

    public mutating func beginTick() { thisTick.removeAll(keepingCapacity: true) }

    public mutating func spend(_ amount: Double, account: String) {
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
