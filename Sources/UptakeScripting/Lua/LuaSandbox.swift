import CLua
import CLuaShims
import UptakeLocks

/// The sandbox every scenario and plugin runs in. Built once per state by a
/// Lua prelude that runs with the real globals and hands back constructors;
/// scripts only ever see the environments it makes.
///
/// What a script gets: base functions without `dofile`, `loadfile`,
/// `require` (replaced per plugin) and `collectgarbage` (only "count"),
/// `load` in text mode with the script's own environment, read-only
/// `string`, `table`, `math`, `utf8`, `coroutine`, a deterministic `pairs`,
/// and a per-plugin seeded `math.random`.
public final class LuaSandbox {
    public let lua: LuaState
    private let sandboxRef: Int32

    static let prelude = #"""
        local G = _G
        local rawset, rawget, next, type, setmetatable, error, tostring, select =
              rawset, rawget, next, type, setmetatable, error, tostring, select
        local sort, load, collectgarbage = table.sort, load, collectgarbage
        local limit_exhausted = uptake_limit_exhausted
        G.uptake_limit_exhausted = nil

        -- Read-only views: writes raise, the metatable is hidden, rawset refuses
        -- them. The host copies a view as the table behind it (__uptake_target).
        local targets = setmetatable({}, { __mode = "k" })
        local function readonly(t, name)
          local proxy = setmetatable({}, {
            __index = t,
            __newindex = function(_, k)
              error(name .. " is read-only (tried to set '" .. tostring(k) .. "')", 2)
            end,
            __len = function() return #t end,
            __metatable = false,
            __uptake_target = t,
          })
          targets[proxy] = t
          return proxy
        end
        local function safe_rawset(t, k, v)
          if targets[t] then error("rawset: this table is read-only", 2) end
          return rawset(t, k, v)
        end

        -- Deep views, made lazily: reading a table through a deep view gives a
        -- deep view of it, so no path leads to a writable table of the owner.
        -- What one plugin sees of another (require "dependency").
        local deep_views = setmetatable({}, { __mode = "k" })   -- target -> view
        local deep_targets = setmetatable({}, { __mode = "k" }) -- view -> target
        local function deep_view(t, name)
          local existing = deep_views[t]
          if existing then return existing end
          local proxy = setmetatable({}, {
            __index = function(_, k)
              local v = t[k]
              if type(v) == "table" then return deep_view(v, name .. "." .. tostring(k)) end
              return v
            end,
            __newindex = function(_, k)
              error(name .. " is read-only (tried to set '" .. tostring(k) .. "')", 2)
            end,
            __len = function() return #t end,
            __metatable = false,
            __uptake_target = t,
          })
          deep_views[t] = proxy
          deep_targets[proxy] = t
          targets[proxy] = t
          return proxy
        end
        local function wrap_value(view, v)
          if deep_targets[view] and type(v) == "table" then return deep_view(v, "dependency") end
          return v
        end

        -- No finalizers: Lua runs __gc with hooks off (no budget, no deadline)
        -- and at close, after the host is gone. A metatable with __gc is refused.
        local real_setmetatable = setmetatable
        local function safe_setmetatable(t, mt)
          if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
            error("setmetatable: finalizers (__gc) are not available in Uptake scripts", 2)
          end
          local ok, result = pcall(real_setmetatable, t, mt)
          if not ok then error(result, 2) end  -- at the script's line, not here
          return result
        end

        -- Deterministic pairs: Lua seeds string hashes per state, so next() order
        -- can differ between processes. Keys are visited booleans, numbers, strings
        -- (each ascending), then other keys in first-seen order.
        local rank = { boolean = 1, number = 2, string = 3 }
        local function key_less(a, b)
          local ta, tb = type(a), type(b)
          local ra, rb = rank[ta] or 4, rank[tb] or 4
          if ra ~= rb then return ra < rb end
          if ra == 1 then return (not a) and b end
          if ra == 4 then return false end
          return a < b
        end
        local function det_pairs(t)
          local mt = getmetatable(t)
          if type(mt) == "table" and mt.__pairs then return mt.__pairs(t) end
          local source = targets[t] or t
          local keys, n = {}, 0
          for k in next, source do n = n + 1; keys[n] = k end
          if n > 1 then sort(keys, key_less) end
          local i = 0
          return function()
            i = i + 1
            local k = keys[i]
            if k == nil then return nil end
            return k, wrap_value(t, source[k])
          end, t, nil
        end

        local function safe_collectgarbage(opt)
          if opt == "count" then return collectgarbage("count") end
          error("collectgarbage is limited to \"count\" in Uptake scripts", 2)
        end

        local base = {}
        for _, name in ipairs({ "assert", "error", "ipairs", "pcall", "xpcall", "rawequal", "rawget",
                                "rawlen", "select", "getmetatable", "tonumber", "tostring",
                                "type", "_VERSION" }) do
          base[name] = G[name]
        end
        base.setmetatable = safe_setmetatable
        -- xpcall: once a limit has run out, Lua may call the message handler with
        -- hooks off (the error came from the count hook); a handler that loops
        -- would then never stop. So the script's handler is skipped then.
        local real_xpcall = xpcall
        base.xpcall = function(f, handler, ...)
          local function guarded(message)
            if limit_exhausted() then return message end
            return handler(message)
          end
          return real_xpcall(f, guarded, ...)
        end
        base.rawset = safe_rawset
        base.pairs = det_pairs
        -- next sees through read-only views (their own table is empty).
        base.next = function(t, k)
          local key, v = next(targets[t] or t, k)
          return key, wrap_value(t, v)
        end
        base.collectgarbage = safe_collectgarbage

        local libraries = {}
        for _, name in ipairs({ "string", "table", "utf8", "coroutine" }) do
          libraries[name] = readonly(G[name], name)
        end
        -- Strings share one metatable: hide it so no script can reach the real string table.
        getmetatable("").__metatable = false

        local sandbox = {}
        sandbox.readonly = readonly
        sandbox.deep_view = deep_view
        -- Read-only all the way down (for ctx, ctx.params, ctx.stats).
        local function deep_readonly(t, name)
          for k, v in next, t do
            if type(v) == "table" and not targets[v] then rawset(t, k, deep_readonly(v, name .. "." .. tostring(k))) end
          end
          return readonly(t, name)
        end
        sandbox.deep_readonly = deep_readonly

        -- A fresh environment. `hooks` supplies what differs per script:
        -- math (a math library with its own random generator), require(name),
        -- print(...).
        function sandbox.new_env(hooks)
          local env = {}
          for k, v in next, base do env[k] = v end
          for k, v in next, libraries do env[k] = v end
          env.math = readonly(hooks.math, "math")
          env.require = hooks.require
          -- print converts its arguments with tostring, as Lua's does (so
          -- __tostring and __name work), then hands one line to the host.
          local host_print, tostring, concat = hooks.print, tostring, table.concat
          env.print = function(...)
            local n = select("#", ...)
            local parts = {}
            for i = 1, n do parts[i] = tostring((select(i, ...))) end
            host_print(concat(parts, "\t"))
          end
          env.load = function(chunk, name, mode, e)
            if mode ~= nil and mode ~= "t" then
              error("load: only text chunks may be loaded (mode \"t\"); binary chunks can crash the interpreter", 2)
            end
            return load(chunk, name, "t", e or env)
          end
          env._G = env
          return env
        end

        return sandbox
        """#

    /// The standard libraries a script has; `require` of one gives the script's own.
    public static let libraryNames: Set<String> = ["string", "table", "math", "utf8", "coroutine"]

    /// The prelude as bytecode, compiled by the first sandbox of the process.
    /// Compiling its text is most of what a fresh sandbox costs (about a
    /// million instructions, as much as a small run's 40 ticks); loading
    /// the bytecode is a small part of that, and a batch makes a sandbox for
    /// every run. The bytes come from this process's own compiler and the
    /// constant text above, never from a file.
    private static let compiledPrelude = Locked<[UInt8]?>(nil)

    public init(lua: LuaState) throws {
        self.lua = lua
        if let bytecode = LuaSandbox.compiledPrelude.withLock({ $0 }) {
            try lua.load(ownBytecode: bytecode, chunkName: "=uptake-sandbox")
        } else {
            try lua.load(source: LuaSandbox.prelude, chunkName: "=uptake-sandbox")
            let bytecode = lua.dumpFunction()
            LuaSandbox.compiledPrelude.withLock { $0 = bytecode }
        }
        try lua.call(arguments: 0, results: 1)
        sandboxRef = luaL_ref(lua.L, uptake_registryindex())
    }

    deinit { luaL_unref(lua.L, uptake_registryindex(), sandboxRef) }

    /// Pushes the sandbox's function `name`. [-0, +1]
    func pushSandboxFunction(_ name: String) {
        lua_rawgeti(lua.L, uptake_registryindex(), lua_Integer(sandboxRef))
        _ = lua_getfield(lua.L, -1, name)
        lua_rotate(lua.L, -2, 1)
        lua.pop()
    }

    /// What differs between two scripts' environments.
    public struct EnvironmentHooks {
        /// Seeds the script's own random generator (math.random is Lua 5.4's, per script).
        public var randomSeed: UInt64
        /// When set, math.random and math.randomseed raise this message instead.
        public var refuseRandom: String?
        public var require: (LuaState) throws -> Int32
        public var print: (LuaState) throws -> Int32
        /// Public so other declarative files (experiments) can be evaluated in the sandbox.
        public init(
            randomSeed: UInt64, refuseRandom: String? = nil,
            require: @escaping (LuaState) throws -> Int32, print: @escaping (LuaState) throws -> Int32
        ) {
            self.randomSeed = randomSeed
            self.refuseRandom = refuseRandom
            self.require = require
            self.print = print
        }
    }

    /// Pushes a new environment table. [-0, +1]
    public func pushNewEnvironment(_ hooks: EnvironmentHooks) throws {
        pushSandboxFunction("new_env")
        lua.newTable()
        // Lua's own math library, a fresh copy: its random and randomseed
        // keep their state per script, seeded from the run. randomseed()
        // without arguments continues a sequence from the same seed.
        let seed = Int64(bitPattern: hooks.randomSeed)
        uptake_push_math_library(lua.L, seed, 0)
        uptake_push_randomseed(lua.L, -1, seed)
        lua.setField(-2, "randomseed")
        if let refusal = hooks.refuseRandom {
            for name in ["random", "randomseed"] {
                lua.pushFunction { _ in throw ScriptCallError(refusal) }
                lua.setField(-2, name)
            }
        }
        lua.setField(-2, "math")
        lua.pushFunction(hooks.require)
        lua.setField(-2, "require")
        lua.pushFunction(hooks.print)
        lua.setField(-2, "print")
        try lua.call(arguments: 1, results: 1)
    }

    /// Replaces the table on top with a deep, lazily made read-only view. [-1, +1]
    public func makeDeepView(name: String) throws {
        pushSandboxFunction("deep_view")
        lua_rotate(lua.L, -2, 1)
        lua.push(name)
        try lua.call(arguments: 2, results: 1)
    }

    /// Replaces the table on top with a read-only view of it. [-1, +1]
    public func makeReadOnly(name: String, deep: Bool = false) throws {
        pushSandboxFunction(deep ? "deep_readonly" : "readonly")
        lua_rotate(lua.L, -2, 1)
        lua.push(name)
        try lua.call(arguments: 2, results: 1)
    }

    /// Loads a file's source as a function whose globals are the environment
    /// at `environment` (an absolute index). [-0, +1]
    public func loadChunk(source: String, chunkName: String, environment: Int32) throws {
        try loadChunk(bytes: Array(source.utf8), chunkName: chunkName, environment: environment)
    }

    /// The same for a file's bytes, in whatever encoding it is written.
    public func loadChunk(bytes: [UInt8], chunkName: String, environment: Int32) throws {
        try lua.load(bytes: bytes, chunkName: chunkName)
        lua_pushvalue(lua.L, environment)
        _ = lua_setupvalue(lua.L, -2, 1)
    }

    /// Stores the value on top in the registry and returns its reference. [-1, +0]
    public func reference() -> Int32 { luaL_ref(lua.L, uptake_registryindex()) }
    /// Pushes a referenced value. [-0, +1]
    public func push(reference: Int32) { lua_rawgeti(lua.L, uptake_registryindex(), lua_Integer(reference)) }
}
