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
        /// Wall-clock seconds a whole run may take (0 = none).
        public var seconds: Double
        public init(memoryBytes: Int = 256 << 20, instructions: Int = 50_000_000, seconds: Double = 0) {
            self.memoryBytes = memoryBytes
            self.instructions = instructions
            self.seconds = seconds
        }
    }

    /// The thread Lua calls run on: the main thread, or while a Swift
    /// function runs, the thread (coroutine) that called it. Every stack
    /// operation goes through it, so a call from a coroutine works on the
    /// coroutine's own stack.
    public private(set) var L: OpaquePointer
    /// The main thread, which owns the state.
    public let mainThread: OpaquePointer
    private let limitsRecord: UnsafeMutablePointer<UptakeLimits>
    public private(set) var limits: Limits

    public init(limits: Limits = Limits()) throws {
        limitsRecord = .allocate(capacity: 1)
        limitsRecord.initialize(to: UptakeLimits())
        guard let state = uptake_newstate(limitsRecord) else {
            limitsRecord.deallocate()
            throw LuaError(kind: .memory, message: "could not create a Lua state", file: nil, line: nil)
        }
        L = state
        mainThread = state
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
        lua_close(mainThread)
        limitsRecord.deallocate()
    }

    public func setLimits(_ limits: Limits) {
        self.limits = limits
        uptake_set_limits(mainThread, limits.memoryBytes, Int64(limits.instructions))
    }

    /// Starts the run's wall-clock limit (`limits.seconds`; 0 = none).
    public func startClock() { uptake_set_deadline(mainThread, limits.seconds) }

    /// Charges work the host does for a script (a firm set, a copy) to the
    /// instruction budget, `units` instructions' worth. Never raises: the
    /// trampoline raises once the Swift function has returned.
    public func charge(_ units: Int) {
        guard limitsRecord.pointee.budgetPerCall > 0, units > 0 else { return }
        limitsRecord.pointee.budget -= Int64(min(units, Int(Int32.max)))
    }

    /// Gives the next outermost `call` this many instructions instead of
    /// the per-call budget (at least 1), for work that shares one budget
    /// across calls.
    public func limitNextCall(toInstructions instructions: Int) {
        guard limitsRecord.pointee.budgetPerCall > 0 else { return }
        limitsRecord.pointee.budgetOverride = Int64(max(1, instructions))
    }

    /// Instructions left of the last outermost call's budget.
    public var instructionsLeft: Int { max(0, Int(limitsRecord.pointee.budget)) }

    /// Bytes the state has allocated now, and at most so far.
    public var memoryInUse: Int { Int(limitsRecord.pointee.used) }
    public var peakMemory: Int { Int(limitsRecord.pointee.peak) }

    /// Bytes of the memory cap kept free for the host between hook calls:
    /// a hook that returns holding more than `memoryBytes - hostReserve`
    /// fails, so the host's own work and the next plugin never meet a full
    /// state. An eighth of the cap.
    public var hostReserve: Int { limits.memoryBytes / 8 }

    /// True when Lua holds more than the cap minus the host's reserve, even
    /// after a full collection (which only runs when it could help).
    public var isOverHostReserve: Bool {
        guard limits.memoryBytes > 0 else { return false }
        let allowed = limits.memoryBytes - hostReserve
        if memoryInUse <= allowed { return false }
        collectGarbage()
        return memoryInUse > allowed
    }

    // MARK: Loading and calling

    /// Compiles a chunk in text mode and pushes it as a function. [-0, +1]
    public func load(source: String, chunkName: String) throws {
        try load(bytes: Array(source.utf8), chunkName: chunkName)
    }

    /// Compiles a chunk given as bytes, in any encoding (Lua reads bytes),
    /// in text mode only. [-0, +1]
    public func load(bytes: [UInt8], chunkName: String) throws {
        let bytes = bytes.isEmpty ? [0x20] : bytes  // a valid pointer even for an empty file
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                uptake_load_text(L, chars.baseAddress!, chars.count, "@" + chunkName)
            }
        }
        if status != LUA_OK {
            let message = popString()
            throw LuaError(kind: status == LUA_ERRMEM ? .memory : .syntax, raw: message)
        }
    }

    /// The Lua function on top as bytecode, debug information included (so
    /// its messages and tracebacks are those of the source). [-0, +0]
    func dumpFunction() -> [UInt8] {
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        _ = withExtendedLifetime(sink) {
            lua_dump(
                L,
                { _, chunk, size, context in
                    let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
                    sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: chunk, count: size))
                    return 0
                }, Unmanaged.passUnretained(sink).toOpaque(), 0)
        }
        return sink.bytes
    }

    /// Loads bytecode that `dumpFunction` made in this process. Binary mode
    /// only for the host's own chunks: bytecode from elsewhere can crash the
    /// interpreter, which is why scripts are loaded in text mode. [-0, +1]
    func load(ownBytecode bytes: [UInt8], chunkName: String) throws {
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                luaL_loadbufferx(L, chars.baseAddress!, chars.count, "@" + chunkName, "b")
            }
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
        case UPTAKE_ERR_TIME: throw LuaError(kind: .wallClock, raw: message)
        case LUA_ERRMEM:
            throw LuaError(
                kind: .memory, message: "memory cap of \(limits.memoryBytes >> 20) MiB exceeded (not enough memory)",
                file: nil, line: nil)
        case LUA_ERRERR: throw LuaError(kind: .errorHandler, raw: message)
        case LUA_ERRRUN where message.hasPrefix("not enough memory"):
            // A memory error caught and raised again (by a script or a library wrapper) is still one.
            throw LuaError(
                kind: .memory, message: "memory cap of \(limits.memoryBytes >> 20) MiB exceeded (not enough memory)",
                file: nil, line: nil)
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

    public func push(_ s: String) {
        var s = s
        s.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let start = chars.baseAddress {
                    _ = lua_pushlstring(L, start, chars.count)
                } else {
                    _ = lua_pushstring(L, "")
                }
            }
        }
    }
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
    /// The closure lives as long as Lua keeps the function. The `upvalues`
    /// values on top of the stack go with the function (popped); the body
    /// reads them at `uptake_upvalueindex(2...)`.
    public func pushFunction(upvalues: Int32 = 0, _ body: @escaping (LuaState) throws -> Int32) {
        let callback = SwiftCallback(state: self, body: body)
        uptake_push_swift_function(
            L, swiftCallbackEntry, Unmanaged.passRetained(callback).toOpaque(), swiftCallbackRelease, upvalues)
    }

    /// Runs `body` with `thread` as the current thread (see `L`).
    func onThread<T>(_ thread: OpaquePointer, _ body: () throws -> T) rethrows -> T {
        let saved = L
        L = thread
        defer { L = saved }
        return try body()
    }

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
    init(state: LuaState, body: @escaping (LuaState) throws -> Int32) {
        self.state = state
        self.body = body
    }
}

/// The C-convention entry of every Swift callback. Never raises: on error it
/// leaves "where: message" on the stack and returns -1 for the trampoline.
private let swiftCallbackEntry: uptake_SwiftFunction = { L, context in
    let callback = Unmanaged<SwiftCallback>.fromOpaque(context!).takeUnretainedValue()
    let state = callback.state
    return state.onThread(L!) {
        do {
            return try callback.body(state)
        } catch {
            lua_settop(L, 0)
            luaL_where(L, 1)
            state.push(String(String(describing: error).prefix(2_000)))
            lua_concat(L, 2)
            return -1
        }
    }
}

/// Lua collected a Swift function: drop the closure it kept alive.
private let swiftCallbackRelease: uptake_SwiftRelease = { context in
    Unmanaged<SwiftCallback>.fromOpaque(context!).release()
}
