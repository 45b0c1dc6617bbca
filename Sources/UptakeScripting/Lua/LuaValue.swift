import CLua
import CLuaShims

/// A Lua value copied into Swift: what scenarios, experiment files and
/// plugin parameters are made of. Tables keep their sequence part and their
/// string-keyed fields apart; any other key is kept as text so validation can
/// name it.
public indirect enum LuaValue: Equatable, Sendable, CustomStringConvertible {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case table(LuaTable)
    case function
    case other(String)

    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .boolean: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .table: return "table"
        case .function: return "function"
        case .other(let t): return t
        }
    }

    public var double: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }
    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var table: LuaTable? { if case .table(let t) = self { return t } else { return nil } }
    public var bool: Bool? { if case .boolean(let b) = self { return b } else { return nil } }

    public var description: String {
        switch self {
        case .nil: return "nil"
        case .boolean(let b): return String(b)
        case .integer(let i): return String(i)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .string(let s): return "\"\(s)\""
        case .table: return "a table"
        case .function: return "a function"
        case .other(let t): return "a \(t)"
        }
    }
}

/// A Lua table: `items` is t[1..n], `fields` the string keys in sorted order.
public struct LuaTable: Equatable, Sendable {
    public var items: [LuaValue] = []
    public var fields: [(key: String, value: LuaValue)] = []
    /// Keys that are neither 1..n nor strings, printed.
    public var otherKeys: [String] = []

    public init(items: [LuaValue] = [], fields: [(key: String, value: LuaValue)] = [], otherKeys: [String] = []) {
        self.items = items; self.fields = fields; self.otherKeys = otherKeys
    }

    public subscript(key: String) -> LuaValue? { fields.first { $0.key == key }?.value }
    public var keys: [String] { fields.map(\.key) }

    public static func == (a: LuaTable, b: LuaTable) -> Bool {
        a.items == b.items && a.otherKeys == b.otherKeys && a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public mutating func set(_ key: String, _ value: LuaValue) {
        if let i = fields.firstIndex(where: { $0.key == key }) { fields[i].value = value } else {
            fields.append((key, value)); fields.sort { $0.key < $1.key }
        }
    }
}

extension LuaState {
    /// Copies the value at `index` into Swift (raw access: no metamethod runs).
    public func value(at index: Int32, depth: Int = 0) -> LuaValue {
        let index = lua_absindex(L, index)
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if uptake_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING: return .string(string(at: index))
        case LUA_TFUNCTION: return .function
        case LUA_TTABLE:
            guard depth < 32 else { return .other("table nested too deeply (over 32 levels, or a cycle)") }
            // A read-only view (empty, its metatable's __index the real table) reads as the real table.
            lua_pushnil(L)
            let empty = lua_next(L, index) == 0
            if !empty { pop(2) }
            if empty && lua_getmetatable(L, index) != 0 {
                push("__index")
                lua_rawget(L, -2)
                if lua_type(L, -1) == LUA_TTABLE {
                    let target = self.value(at: -1, depth: depth + 1)
                    pop(2)
                    return target
                }
                pop(2)
            }
            var sequence: [Int64: LuaValue] = [:]
            var table = LuaTable()
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                let value = self.value(at: -1, depth: depth + 1)
                switch lua_type(L, -2) {
                case LUA_TSTRING: table.fields.append((string(at: -2), value))
                case LUA_TNUMBER where uptake_isinteger(L, -2) != 0: sequence[lua_tointegerx(L, -2, nil)] = value
                default:
                    lua_pushvalue(L, -2)
                    table.otherKeys.append(lua_type(L, -1) == LUA_TNUMBER ? string(at: -1) : "a \(String(cString: lua_typename(L, lua_type(L, -1))))")
                    pop()
                }
                pop()
            }
            table.fields.sort { $0.key < $1.key }
            var n: Int64 = 1
            while let v = sequence[n] { table.items.append(v); sequence[n] = nil; n += 1 }
            table.otherKeys += sequence.keys.sorted().map { "[\($0)]" }
            return .table(table)
        default:
            return .other(String(cString: lua_typename(L, lua_type(L, index))))
        }
    }

    /// Pushes a Swift value as a fresh Lua value. [-0, +1]
    public func push(_ value: LuaValue) {
        switch value {
        case .nil, .function, .other: pushNil()
        case .boolean(let b): push(b)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): push(d)
        case .string(let s): push(s)
        case .table(let t):
            lua_createtable(L, Int32(t.items.count), Int32(t.fields.count))
            for (i, item) in t.items.enumerated() {
                push(item)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            for (k, v) in t.fields {
                push(v)
                setField(-2, k)
            }
        }
    }
}
