import CLua
import CLuaShims
import Foundation
import UptakeKernel

/// `ctx.firms(selector)`: a set of firms with `count`, `sample(n)`,
/// `nudge{...}` (vectorised, fast) and `each(fn)` (one Lua call per firm, slow).
/// Methods work with `set:method(...)` and `set.method(...)` alike.
extension PluginHost {
    func ctxFirms(_ l: LuaState) throws -> Int32 {
        guard let sim = simulation else { throw ScriptCallError("ctx.firms is available from setup on") }
        let selector = try selector(l, at: 1)
        let found = sim.firms(matching: selector)
        l.charge(Self.callCost + found.count)
        let index = currentHook?.plugin ?? 0
        l.newTable()
        let set = l.top
        l.push(found.count)
        l.setField(set, "count")
        // The members live in Lua memory (a userdata the methods share), so
        // they count against the memory cap and go when Lua collects the set.
        let bytes = found.count * MemoryLayout<Int32>.stride
        let storage = lua_newuserdatauv(l.L, max(bytes, 1), 0)!.bindMemory(
            to: Int32.self, capacity: max(found.count, 1))
        for (i, firm) in found.enumerated() { storage[i] = Int32(firm) }
        let membersSlot = l.top
        /// The members of the set this method belongs to (upvalue 2).
        func members(_ l: LuaState) -> UnsafeBufferPointer<Int32> {
            let data = lua_touserdata(l.L, uptake_upvalueindex(2))!
            let count = Int(lua_rawlen(l.L, uptake_upvalueindex(2))) / MemoryLayout<Int32>.stride
            return UnsafeBufferPointer(start: data.assumingMemoryBound(to: Int32.self), count: count)
        }
        /// 2 when called as set:method(...) (the set, upvalue 3, comes first),
        /// else 1. Raw reads only: the first argument may be any table of the plugin's.
        func first(_ l: LuaState) -> Int32 {
            guard lua_type(l.L, 1) == LUA_TTABLE else { return 1 }
            let base = l.top
            defer { l.setTop(base) }
            lua_pushvalue(l.L, 1)
            l.resolveView()
            return lua_rawequal(l.L, -1, uptake_upvalueindex(3)) != 0 ? 2 : 1
        }
        lua_pushvalue(l.L, membersSlot)
        lua_pushvalue(l.L, set)
        l.pushFunction(upvalues: 2) { [unowned self] l in
            let a = first(l)
            let n = try PluginHost.wholeNumber(l, at: a, in: 0...Int64(Int32.max), call: "sample(n)")
            // Partial Fisher-Yates with the plugin's own sample stream.
            var pool = Array(members(l))
            l.charge(pool.count)
            let k = min(Int(n), pool.count)
            let p = self.plugins[index]
            for i in 0..<k {
                p.sampleCounter += 1
                let u = Double(CounterRNG.mix(p.randomSeed ^ CounterRNG.mix(p.sampleCounter)) >> 11) * 0x1.0p-53
                let j = i + Int(u * Double(pool.count - i))
                pool.swapAt(i, j)
            }
            l.setTop(0)
            lua_createtable(l.L, Int32(k), 0)
            for (i, firm) in pool.prefix(k).enumerated() {
                l.push(sim.firms.id(Int(firm)))
                lua_rawseti(l.L, -2, lua_Integer(i + 1))
            }
            return 1
        }
        l.setField(set, "sample")
        lua_pushvalue(l.L, membersSlot)
        lua_pushvalue(l.L, set)
        l.pushFunction(upvalues: 2) { [unowned self] l in
            let a = first(l)
            guard lua_type(l.L, a) == LUA_TTABLE, let t = try l.value(at: a).table else {
                throw ScriptCallError("nudge{...} expects a table like { training = 1 }")
            }
            let keys = ["training", "threshold", "awareness", "budget_factor"]
            for k in t.keys where !keys.contains(k) {
                throw ScriptCallError(
                    "nudge: unknown field '\(k.prefix(60))'; \(Suggestion.hint(for: String(k.prefix(60)), in: keys))")
            }
            func num(_ k: String, _ range: ClosedRange<Double>) throws -> Double? {
                guard let v = t[k] else { return nil }
                guard let d = v.double, range.contains(d) else {
                    throw ScriptCallError("nudge: '\(k)' must be a number in \(range.lowerBound)...\(range.upperBound)")
                }
                return d
            }
            let nudge = FirmNudge(
                training: try num("training", -100...100), threshold: try num("threshold", -100...100),
                awareness: try num("awareness", 0...1), budgetFactor: try num("budget_factor", 0...1000))
            let p = self.plugins[index]
            p.sampleCounter += 1
            l.charge(members(l).count)
            l.push(sim.nudge(members(l).map(Int.init), nudge, salt: p.randomSeed ^ p.sampleCounter))
            return 1
        }
        l.setField(set, "nudge")
        lua_pushvalue(l.L, membersSlot)
        lua_pushvalue(l.L, set)
        l.pushFunction(upvalues: 2) { [unowned self] l in
            let a = first(l)
            guard lua_type(l.L, a) == LUA_TFUNCTION else { throw ScriptCallError("each(fn) expects a function") }
            for firm in members(l) {
                l.charge(Self.callCost)
                lua_pushvalue(l.L, a)
                l.push(.table(self.firmRecord(Int(firm), sim)))
                do { try l.call(arguments: 1, results: 0) } catch let e as LuaError {
                    throw ScriptCallError("in each(): \(e)")
                }
            }
            return 0
        }
        l.setField(set, "each")
        l.setTop(set)
        try sandbox.makeReadOnly(name: "firm set")
        return 1
    }

    func firmRecord(_ i: Int, _ sim: Simulation) -> LuaTable {
        let f = sim.firms
        return LuaTable(
            fields: [
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
