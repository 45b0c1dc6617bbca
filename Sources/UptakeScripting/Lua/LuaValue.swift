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
        self.items = items
        self.fields = fields
        self.otherKeys = otherKeys
    }

    public subscript(key: String) -> LuaValue? { fields.first { $0.key == key }?.value }
    public var keys: [String] { fields.map(\.key) }

    public static func == (a: LuaTable, b: LuaTable) -> Bool {
        a.items == b.items && a.otherKeys == b.otherKeys && a.fields.count == b.fields.count
            && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public mutating func set(_ key: String, _ value: LuaValue) {
        if let i = fields.firstIndex(where: { $0.key == key }) {
            fields[i].value = value
        } else {
            fields.append((key, value))
            fields.sort { $0.key < $1.key }
        }
    }
}

/// A Lua value that cannot be copied into Swift: too deep, too large, or a
/// cycle. Raised as a Lua error at the caller's line when it comes from a
/// plugin's call.
public struct LuaConversionError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A table being copied by `LuaState.value(at:)`: where it sits on the Lua
/// stack, and what was read of it so far.
struct ConversionFrame {
    let slot: Int32
    var table = LuaTable()
    var sequence: [Int64: LuaValue] = [:]
    /// The key whose value is being copied (a table: the frame above this one).
    var pendingKey: LuaValue = .nil
}

extension LuaState {
    /// Limits of one copy of a Lua value into Swift: a plugin cannot make
    /// the host build a huge or endless structure (shared subtables count
    /// once per place they appear, so `t = {t, t}` forty times is refused).
    public static let conversionDepthLimit = 64
    public static let conversionSizeLimit = 100_000

    /// The longest string the host copies out of Lua (1 MiB): names, dates
    /// and parameters are far shorter, and a plugin passing 100 MB costs the
    /// host nothing.
    public static let stringLimit = 1 << 20

    /// The value at `index` without looking inside tables: a table reads as
    /// an empty one. For arguments that must be numbers, strings or booleans,
    /// so a plugin passing a huge table costs nothing. A string longer than
    /// `stringLimit` reads as `.other("string of N bytes")`. Never raises.
    public func scalar(at index: Int32) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if uptake_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            let length = Int(lua_rawlen(L, index))
            if length > LuaState.stringLimit { return .other("string of \(length) bytes") }
            return .string(string(at: index))
        case LUA_TFUNCTION: return .function
        case LUA_TTABLE: return .table(LuaTable())
        default: return .other(String(cString: lua_typename(L, lua_type(L, index))))
        }
    }

    /// Copies the value at `index` into Swift with raw access (no metamethod
    /// runs, so no plugin code). Iterative, with an explicit stack: a
    /// read-only view reads as the table behind it; a cycle, more than
    /// `conversionDepthLimit` levels or more than `conversionSizeLimit`
    /// values end in a `LuaConversionError`. Never raises a Lua error.
    public func value(at index: Int32) throws -> LuaValue {
        let root = lua_absindex(L, index)
        guard lua_type(L, root) == LUA_TTABLE else {
            let value = scalar(at: root)
            if case .other(let what) = value, what.hasPrefix("string of") {
                throw LuaConversionError(
                    message: "a \(what) is more than the \(LuaState.stringLimit >> 20) MiB the host accepts")
            }
            return value
        }
        let base = top
        defer { setTop(base) }
        var count = 0
        var frames: [ConversionFrame] = []
        var onPath: Set<UnsafeRawPointer> = []
        func fail(_ message: String) -> LuaConversionError { LuaConversionError(message: message) }
        /// Pushes the table at `slot` (or the table a read-only view stands for) as a new frame.
        func open(_ slot: Int32) throws {
            guard lua_checkstack(L, 4) != 0 else { throw fail("table nested too deeply to copy") }
            lua_pushvalue(L, slot)
            resolveView()
            guard let pointer = lua_topointer(L, -1) else { throw fail("a table could not be read") }
            guard !onPath.contains(pointer) else {
                throw fail(
                    "a table contains itself (a cycle); pass plain data (numbers, strings, booleans and tables of them)"
                )
            }
            guard frames.count < LuaState.conversionDepthLimit else {
                throw fail("a table is nested more than \(LuaState.conversionDepthLimit) levels deep")
            }
            onPath.insert(pointer)
            frames.append(ConversionFrame(slot: top))
            lua_pushnil(L)  // the first key
        }
        try open(root)
        // No copy of the frame may live across the loop body: it would share the frame's
        // storage, and every store below would copy the whole table so far (quadratic time).
        while !frames.isEmpty {
            let slot = frames[frames.count - 1].slot
            // Stack: ... table key
            if lua_next(L, slot) == 0 {
                // Done with this table: finish it and hand it to its parent.
                var done = frames.removeLast()
                onPath.remove(lua_topointer(L, slot)!)
                setTop(slot - 1)
                done.table.fields.sort { $0.key < $1.key }
                var n: Int64 = 1
                while let v = done.sequence[n] {
                    done.table.items.append(v)
                    done.sequence[n] = nil
                    n += 1
                }
                done.table.otherKeys += done.sequence.keys.sorted().map { "[\($0)]" }
                if frames.isEmpty {
                    charge(count)  // the host's work for the script, against its budget
                    return .table(done.table)
                }
                pop()  // the parent's value (the table as found, before any view was resolved): its key is on top again
                store(.table(done.table), in: &frames[frames.count - 1])
                continue
            }
            count += 1
            guard count <= LuaState.conversionSizeLimit else {
                throw fail(
                    "a table holds more than \(LuaState.conversionSizeLimit) values (counting each place a shared subtable appears)"
                )
            }
            // Stack: ... table key value
            frames[frames.count - 1].pendingKey = key(at: -2)
            if lua_type(L, -1) == LUA_TTABLE {
                try open(top)
                continue
            }
            let value = scalar(at: -1)
            if case .other(let what) = value, what.hasPrefix("string of") {
                throw fail("a table holds a \(what), more than the \(LuaState.stringLimit >> 20) MiB the host accepts")
            }
            pop()
            store(value, in: &frames[frames.count - 1])
        }
        return .nil
    }

    /// Replaces a read-only view on top with the table it shows (raw reads only). [-1, +1]
    func resolveView() {
        guard lua_getmetatable(L, -1) != 0 else { return }
        push("__uptake_target")
        lua_rawget(L, -2)
        if lua_type(L, -1) == LUA_TTABLE {
            lua_rotate(L, -3, 1)  // target mt view
            pop(2)
        } else {
            pop(2)
        }
    }

    /// A key as the copy keeps it.
    private func key(at index: Int32) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TSTRING: return .string(string(at: index))
        case LUA_TNUMBER where uptake_isinteger(L, index) != 0: return .integer(lua_tointegerx(L, index, nil))
        case LUA_TNUMBER:
            let d = lua_tonumberx(L, index, nil)
            return .other(LuaValue.number(d).description)
        default:
            return .other("a " + String(cString: lua_typename(L, lua_type(L, index))))
        }
    }

    /// Files `value` under the frame's pending key. The Lua stack has the frame's key on top.
    private func store(_ value: LuaValue, in frame: inout ConversionFrame) {
        switch frame.pendingKey {
        case .string(let k): frame.table.fields.append((k, value))
        case .integer(let i): frame.sequence[i] = value
        case .other(let text): frame.table.otherKeys.append(text)
        default: break
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
            _ = lua_checkstack(L, 3)  // host-made values nest at most conversionDepthLimit levels
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
