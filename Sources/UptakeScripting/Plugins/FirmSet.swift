import CLua
import Foundation
import UptakeKernel

/// `ctx.firms(selector)`: a set of firms with `count`, `sample(n)`,
/// `nudge{...}` (vectorised, fast) and `each(fn)` (one Lua call per firm, slow).
/// Methods work with `set:method(...)` and `set.method(...)` alike.
extension PluginHost {
    func ctxFirms(_ l: LuaState) throws -> Int32 {
        guard let sim = simulation else { throw ScriptCallError("ctx.firms is available from setup on") }
        let selector = try selector(l, at: 1)
        let members = sim.firms(matching: selector)
        let index = currentHook?.plugin ?? 0
        l.newTable()
        let set = l.top
        l.push(members.count); l.setField(set, "count")
        /// Skips the set itself when called with ':'.
        func first(_ l: LuaState) -> Int32 { lua_type(l.L, 1) == LUA_TTABLE && l.value(at: 1).table?["count"] != nil ? 2 : 1 }
        l.pushFunction { [unowned self] l in
            let a = first(l)
            guard let n = l.value(at: a).double, n >= 0, n == n.rounded() else { throw ScriptCallError("sample(n): n must be a whole number >= 0") }
            // Partial Fisher-Yates with the plugin's own random stream.
            var pool = members
            let k = min(Int(n), pool.count)
            let p = self.plugins[index]
            for i in 0..<k {
                p.randomCounter += 1
                let u = Double(CounterRNG.mix(p.randomSeed ^ CounterRNG.mix(p.randomCounter)) >> 11) * 0x1.0p-53
                let j = i + Int(u * Double(pool.count - i))
                pool.swapAt(i, j)
            }
            l.push(.table(LuaTable(items: pool.prefix(k).map { .string(sim.firms.id($0)) })))
            return 1
        }
        l.setField(set, "sample")
        l.pushFunction { [unowned self] l in
            let a = first(l)
            guard let t = l.value(at: a).table else { throw ScriptCallError("nudge{...} expects a table like { training = 1 }") }
            let keys = ["training", "threshold", "awareness", "budget_factor"]
            for k in t.keys where !keys.contains(k) { throw ScriptCallError("nudge: unknown field '\(k)'; \(Suggestion.hint(for: k, in: keys))") }
            func num(_ k: String, _ range: ClosedRange<Double>) throws -> Double? {
                guard let v = t[k] else { return nil }
                guard let d = v.double, range.contains(d) else { throw ScriptCallError("nudge: '\(k)' must be a number in \(range.lowerBound)...\(range.upperBound)") }
                return d
            }
            let nudge = FirmNudge(training: try num("training", -100...100), threshold: try num("threshold", -100...100),
                                  awareness: try num("awareness", 0...1), budgetFactor: try num("budget_factor", 0...1000))
            let p = self.plugins[index]
            p.randomCounter += 1
            l.push(sim.nudge(members, nudge, salt: p.randomSeed ^ p.randomCounter))
            return 1
        }
        l.setField(set, "nudge")
        l.pushFunction { [unowned self] l in
            let a = first(l)
            guard lua_type(l.L, a) == LUA_TFUNCTION else { throw ScriptCallError("each(fn) expects a function") }
            for i in members {
                lua_pushvalue(l.L, a)
                l.push(.table(self.firmRecord(i, sim)))
                do { try l.call(arguments: 1, results: 0) } catch let e as LuaError { throw ScriptCallError("in each(): \(e)") }
            }
            return 0
        }
        l.setField(set, "each")
        try sandbox.makeReadOnly(name: "firm set")
        return 1
    }

    func firmRecord(_ i: Int, _ sim: Simulation) -> LuaTable {
        let f = sim.firms
        return LuaTable(fields: [
            ("adopted_tick", f.adoptedTick[i] >= 0 ? .integer(Int64(f.adoptedTick[i])) : .nil),
            ("budget", .number(f.budget[i])),
            ("category", .string(AdopterCategory(rawValue: f.category[i])!.name)),
            ("id", .string(f.id(i))),
            ("innovativeness", .number(f.innovativeness[i])),
            ("region", .string(f.regionNames[Int(f.region[i])])),
            ("sector", .string(sim.sectors[Int(f.sector[i])].name)),
            ("size", .string(FirmSize(rawValue: f.size[i])!.name)),
            ("stage", .string(Stage(rawValue: f.stage[i])!.name)),
            ("threshold", .number(f.threshold[i])),
            ("training", .number(f.training[i])),
        ].filter { $0.1 != .nil })
    }
}
