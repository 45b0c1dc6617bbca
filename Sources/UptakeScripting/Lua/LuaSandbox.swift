import CLua
import CLuaShims

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

    -- Read-only views: writes raise, the metatable is hidden, rawset refuses them.
    local targets = setmetatable({}, { __mode = "k" })
    local function readonly(t, name)
      local proxy = setmetatable({}, {
        __index = t,
        __newindex = function(_, k)
          error(name .. " is read-only (tried to set '" .. tostring(k) .. "')", 2)
        end,
        __len = function() return #t end,
        __metatable = false,
      })
      targets[proxy] = t
      return proxy
    end
    local function safe_rawset(t, k, v)
      if targets[t] then error("rawset: this table is read-only", 2) end
      return rawset(t, k, v)
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
        return k, source[k]
      end, t, nil
    end

    local function safe_collectgarbage(opt)
      if opt == "count" then return collectgarbage("count") end
      error("collectgarbage is limited to \"count\" in Uptake scripts", 2)
    end

    local base = {}
    for _, name in ipairs({ "assert", "error", "ipairs", "pcall", "xpcall", "rawequal", "rawget",
                            "rawlen", "select", "setmetatable", "getmetatable", "tonumber", "tostring",
                            "type", "_VERSION" }) do
      base[name] = G[name]
    end
    base.rawset = safe_rawset
    base.pairs = det_pairs
    -- next sees through read-only views (their own table is empty).
    base.next = function(t, k) return next(targets[t] or t, k) end
    base.collectgarbage = safe_collectgarbage

    local libraries = {}
    for _, name in ipairs({ "string", "table", "utf8", "coroutine" }) do
      libraries[name] = readonly(G[name], name)
    end
    -- Strings share one metatable: hide it so no script can reach the real string table.
    getmetatable("").__metatable = false

    local sandbox = {}
    sandbox.readonly = readonly
    -- Read-only all the way down (for ctx, ctx.params, ctx.stats).
    local function deep_readonly(t, name)
      for k, v in next, t do
        if type(v) == "table" and not targets[v] then rawset(t, k, deep_readonly(v, name .. "." .. tostring(k))) end
      end
      return readonly(t, name)
    end
    sandbox.deep_readonly = deep_readonly

    -- A fresh environment. `hooks` supplies what differs per script:
    -- random(m, n), randomseed(x), require(name), print(...).
    function sandbox.new_env(hooks)
      local env = {}
      for k, v in next, base do env[k] = v end
      for k, v in next, libraries do env[k] = v end
      local math_copy = {}
      for k, v in next, G.math do math_copy[k] = v end
      math_copy.random = hooks.random
      math_copy.randomseed = hooks.randomseed
      env.math = readonly(math_copy, "math")
      env.require = hooks.require
      env.print = hooks.print
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

    public init(lua: LuaState) throws {
        self.lua = lua
        try lua.load(source: LuaSandbox.prelude, chunkName: "=uptake-sandbox")
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
        public var random: (LuaState) throws -> Int32
        public var randomseed: (LuaState) throws -> Int32
        public var require: (LuaState) throws -> Int32
        public var print: (LuaState) throws -> Int32
        /// Public so other declarative files (experiments) can be evaluated in the sandbox.
        public init(random: @escaping (LuaState) throws -> Int32, randomseed: @escaping (LuaState) throws -> Int32,
                    require: @escaping (LuaState) throws -> Int32, print: @escaping (LuaState) throws -> Int32) {
            self.random = random; self.randomseed = randomseed; self.require = require; self.print = print
        }
    }

    /// Pushes a new environment table. [-0, +1]
    public func pushNewEnvironment(_ hooks: EnvironmentHooks) throws {
        pushSandboxFunction("new_env")
        lua.newTable()
        lua.pushFunction(hooks.random); lua.setField(-2, "random")
        lua.pushFunction(hooks.randomseed); lua.setField(-2, "randomseed")
        lua.pushFunction(hooks.require); lua.setField(-2, "require")
        lua.pushFunction(hooks.print); lua.setField(-2, "print")
        try lua.call(arguments: 1, results: 1)
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
        try lua.load(source: source, chunkName: chunkName)
        lua_pushvalue(lua.L, environment)
        _ = lua_setupvalue(lua.L, -2, 1)
    }

    /// Stores the value on top in the registry and returns its reference. [-1, +0]
    public func reference() -> Int32 { luaL_ref(lua.L, uptake_registryindex()) }
    /// Pushes a referenced value. [-0, +1]
    public func push(reference: Int32) { lua_rawgeti(lua.L, uptake_registryindex(), lua_Integer(reference)) }
}
