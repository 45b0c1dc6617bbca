import CLua
import CLuaShims

/// Owns one `lua_State` with a memory cap and an instruction budget, both
/// enforced in C (CLuaShims). Every call into Lua goes through `call`, which
/// runs under pcall with a traceback, so a Lua error never unwinds Swift frames.
///
///     let lua = try LuaState(limits: .init(memoryBytes: 64 << 20, instructions: 10_000_000))
///     try lua.load(source: "return 1 + 1", chunkName: "example.lua")
///     try lua.call(arguments: 0, results: 1)
public final class LuaState {
    public struct Limits: Sendable, Equatable {
        /// Memory cap of the whole state, bytes (0 = none).
        public var memoryBytes: Int
        /// Instructions allowed per hook call (0 = none).
        public var instructions: Int
        public init(memoryBytes: Int = 256 << 20, instructions: Int = 50_000_000) {
            self.memoryBytes = memoryBytes; self.instructions = instructions
        }
    }

    public let L: OpaquePointer
    private let limitsRecord: UnsafeMutablePointer<UptakeLimits>
    private var callbacks: [SwiftCallback] = []
    public private(set) var limits: Limits

    public init(limits: Limits = Limits()) throws {
        limitsRecord = .allocate(capacity: 1)
        limitsRecord.initialize(to: UptakeLimits())
        guard let state = uptake_newstate(limitsRecord) else {
            limitsRecord.deallocate()
            throw LuaError(kind: .memory, message: "could not create a Lua state", file: nil, line: nil)
        }
        L = state
        self.limits = limits
        if uptake_open_safe_libs(L) != LUA_OK {
            let message = popString()
            lua_close(L)
            limitsRecord.deallocate()
            throw LuaError(kind: .runtime, raw: message)
        }
        setLimits(limits)
    }

    deinit {
        lua_close(L)
        limitsRecord.deallocate()
    }

    public func setLimits(_ limits: Limits) {
        self.limits = limits
        uptake_set_limits(L, limits.memoryBytes, Int64(limits.instructions))
    }

    /// Bytes the state has allocated now, and at most so far.
    public var memoryInUse: Int { Int(limitsRecord.pointee.used) }
    public var peakMemory: Int { Int(limitsRecord.pointee.peak) }

    // MARK: Loading and calling

    /// Compiles a chunk in text mode and pushes it as a function. [-0, +1]
    public func load(source: String, chunkName: String) throws {
        let status = source.utf8CString.withUnsafeBufferPointer { buffer in
            uptake_load_text(L, buffer.baseAddress, buffer.count - 1, "@" + chunkName)
        }
        if status != LUA_OK {
            let message = popString()
            throw LuaError(kind: status == LUA_ERRMEM ? .memory : .syntax, raw: message)
        }
    }

    /// Calls the function below `arguments` values under pcall. [-(arguments+1), +results]
    public func call(arguments: Int32, results: Int32) throws {
        let status = uptake_pcall(L, arguments, results)
        if status == LUA_OK { return }
        let message = popString()
        switch status {
        case UPTAKE_ERR_BUDGET: throw LuaError(kind: .instructionBudget, raw: message)
        case LUA_ERRMEM:
            throw LuaError(kind: .memory, message: "memory cap of \(limits.memoryBytes >> 20) MiB exceeded (not enough memory)",
                           file: nil, line: nil)
        case LUA_ERRERR: throw LuaError(kind: .errorHandler, raw: message)
        default: throw LuaError(kind: .runtime, raw: message)
        }
    }

    // MARK: Stack helpers (none of these can raise)

    public var top: Int32 { lua_gettop(L) }
    public func pop(_ n: Int32 = 1) { uptake_pop(L, n) }
    public func setTop(_ index: Int32) { lua_settop(L, index) }

    /// The string at `index`, converting numbers; "" for other types.
    public func string(at index: Int32) -> String {
        let t = lua_type(L, index)
        guard t == LUA_TSTRING || t == LUA_TNUMBER else { return "" }
        var length = 0
        guard let p = uptake_tostring(L, index, &length) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: length), as: UTF8.self)
    }

    func popString() -> String {
        let s = lua_type(L, -1) == LUA_TSTRING ? string(at: -1) : "(error object is not a string)"
        pop()
        return s
    }

    public func push(_ s: String) { _ = s.withCString { lua_pushstring(L, $0) } }
    public func push(_ d: Double) { lua_pushnumber(L, d) }
    public func push(_ i: Int) { lua_pushinteger(L, lua_Integer(i)) }
    public func push(_ b: Bool) { lua_pushboolean(L, b ? 1 : 0) }
    public func pushNil() { lua_pushnil(L) }
    public func newTable() { uptake_newtable(L) }

    /// t[key] = value on top; t at `table` (raw, never a metamethod). [-1, +0]
    public func setField(_ table: Int32, _ key: String) {
        let t = lua_absindex(L, table)
        push(key)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }

    /// Pushes a Swift closure as a Lua function. The closure receives this
    /// state and returns how many results it pushed; it reports an error by
    /// throwing, and the C trampoline raises it in Lua after Swift returned.
    public func pushFunction(_ body: @escaping (LuaState) throws -> Int32) {
        let callback = SwiftCallback(state: self, body: body)
        callbacks.append(callback)
        uptake_push_swift_function(L, swiftCallbackEntry, Unmanaged.passUnretained(callback).toOpaque())
    }

    /// Sets a global in the state's real globals table. [-1, +0]
    public func setGlobal(_ name: String) { lua_setglobal(L, name) }
    public func getGlobal(_ name: String) { _ = lua_getglobal(L, name) }

    public func collectGarbage() { uptake_gc_collect(L) }
}

/// An error thrown by a Swift function called from Lua: becomes a Lua error
/// at the caller's line ("file:line: message").
public struct ScriptCallError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

final class SwiftCallback {
    unowned let state: LuaState
    let body: (LuaState) throws -> Int32
    init(state: LuaState, body: @escaping (LuaState) throws -> Int32) { self.state = state; self.body = body }
}

/// The C-convention entry of every Swift callback. Never raises: on error it
/// leaves "where: message" on the stack and returns -1 for the trampoline.
private let swiftCallbackEntry: uptake_SwiftFunction = { L, context in
    let callback = Unmanaged<SwiftCallback>.fromOpaque(context!).takeUnretainedValue()
    do {
        return try callback.body(callback.state)
    } catch {
        luaL_where(L, 1)
        callback.state.push(String(describing: error))
        lua_concat(L, 2)
        return -1
    }
}
