/* See CLuaShims.h for the contract of every function. */
#include "CLuaShims.h"
#include "BoundedLibrary.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

static void uptake_count_hook(lua_State *L, lua_Debug *ar);

/* Work that makes memory is charged to the budget: one instruction's worth
 * per UPTAKE_BYTES_PER_STEP bytes a script makes Lua allocate (string.upper
 * of 50 MB is one VM instruction, but 50 MB of work). The allocator cannot
 * raise, so once the budget is gone it makes the running thread's hook fire
 * at the next instruction (lua_sethook only sets fields: safe here). */
#define UPTAKE_BYTES_PER_STEP 64
static void uptake_charge_allocation(UptakeLimits *limits, size_t bytes) {
    if (limits->budgetPerCall <= 0) return;
    limits->chargedBytes += bytes;
    if (limits->chargedBytes < 4096) return;
    limits->budget -= (int64_t)(limits->chargedBytes / UPTAKE_BYTES_PER_STEP);
    limits->chargedBytes %= UPTAKE_BYTES_PER_STEP;
    if (limits->budget < 0 && limits->running != NULL) {
        lua_sethook(limits->running, uptake_count_hook, LUA_MASKCOUNT, 1);
    }
}

/* The allocator enforces the per-state memory cap on Lua code only: inside
 * a protected call (callDepth > 0) and not while a Swift callback runs.
 * Shrinking and freeing always succeed. The host's own work (outside any
 * protected call, or inside a Swift callback) never fails here: Swift must
 * never see a longjmp. What it allocates is still counted, and checked
 * when the callback returns (trampoline) and after each hook (Swift). */
static void *uptake_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    UptakeLimits *limits = (UptakeLimits *)ud;
    size_t old = ptr ? osize : 0;  /* with ptr == NULL, osize encodes a type */
    if (nsize == 0) {
        free(ptr);
        limits->used -= old;
        return NULL;
    }
    int scripted = limits->callDepth > 0 && limits->inSwift == 0;
    if (scripted && limits->limit > 0 && nsize > old && limits->used - old + nsize > limits->limit) {
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) return NULL;
    if (scripted && nsize > old) uptake_charge_allocation(limits, nsize - old);
    limits->used = limits->used - old + nsize;
    if (limits->used > limits->peak) limits->peak = limits->used;
    return block;
}

static int uptake_panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "uptake: internal error: unprotected Lua error: %s\n",
            msg ? msg : "(not a string)");
    abort();
    return 0;
}

/* Lua 5.4 reports errors in finalizers and other warnings through this
 * function; luaL_newstate installs one, lua_newstate does not. The sandbox
 * allows no finalizers, so this only drops what Lua would print. */
static void uptake_warn(void *ud, const char *msg, int tocont) {
    (void)ud; (void)msg; (void)tocont;
}

lua_State *uptake_newstate(UptakeLimits *limits) {
    lua_State *L = lua_newstate(uptake_alloc, limits);
    if (L != NULL) {
        lua_atpanic(L, uptake_panic);
        lua_setwarnf(L, uptake_warn, NULL);
    }
    return L;
}

UptakeLimits *uptake_limits(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (UptakeLimits *)ud;
}

static double uptake_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The count hook spends the instruction budget UPTAKE_HOOK_STEP
 * instructions at a time and watches the deadline. */
#define UPTAKE_HOOK_STEP 1000

/* Raises the error of an exhausted limit. The first time in a call it also
 * composes the message ("file:line: instruction budget exceeded ..."). From
 * then on the hook of this thread fires at every instruction, so a script
 * that catches the error with pcall fails again at its very next
 * instruction: the error climbs every pcall up to the host. [-0, +1, e] */
static int uptake_raise_exhausted(lua_State *L, int kind) {
    UptakeLimits *limits = uptake_limits(L);
    if (!limits->exhausted) {
        limits->exhausted = kind;
        char what[160];
        if (kind == UPTAKE_ERR_TIME) {
            snprintf(what, sizeof what, "wall-clock limit exceeded (limits.seconds = %g)", limits->seconds);
        } else {
            snprintf(what, sizeof what, "instruction budget exceeded (%lld instructions per hook call)",
                     (long long)limits->budgetPerCall);
        }
        lua_Debug here;
        int level = 0;
        /* The innermost Lua function tells where: skip C frames (string.find, ...). */
        /* Skip C frames (string.find, ...) and the sandbox's own Lua ("=uptake-sandbox"). */
        while (lua_getstack(L, level, &here) && lua_getinfo(L, "Sl", &here) &&
               (here.currentline <= 0 || strncmp(here.source, "=uptake-", 8) == 0)) level++;
        if (lua_getstack(L, level, &here) && here.currentline > 0) {
            snprintf(limits->exhaustedWhere, sizeof limits->exhaustedWhere, "%s:%d: %s",
                     here.short_src, here.currentline, what);
        } else {
            snprintf(limits->exhaustedWhere, sizeof limits->exhaustedWhere, "%s", what);
        }
    }
    lua_sethook(L, uptake_count_hook, LUA_MASKCOUNT, 1);
    lua_pushstring(L, limits->exhaustedWhere);
    return lua_error(L);
}

/* Raises if a limit has run out. [-0, +0, e] */
static void uptake_check_limits(lua_State *L) {
    UptakeLimits *limits = uptake_limits(L);
    if (limits->callDepth == 0) return;  /* host work: never raise */
    if (limits->exhausted) uptake_raise_exhausted(L, limits->exhausted);
    if (limits->budgetPerCall > 0 && limits->budget < 0) uptake_raise_exhausted(L, UPTAKE_ERR_BUDGET);
    if (limits->deadline > 0 && uptake_now() > limits->deadline) uptake_raise_exhausted(L, UPTAKE_ERR_TIME);
}

static void uptake_count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    UptakeLimits *limits = uptake_limits(L);
    if (limits->budgetPerCall > 0) limits->budget -= lua_gethookcount(L);
    uptake_check_limits(L);
}

void uptake_charge(lua_State *L, int64_t steps) {
    UptakeLimits *limits = uptake_limits(L);
    if (limits->budgetPerCall > 0) {
        /* A caller may charge an estimate near INT64_MAX: never overflow. */
        if (steps > limits->budget) limits->budget = -1;
        else limits->budget -= steps;
    }
    uptake_check_limits(L);
}

/* The hook is needed when either limit is set. */
static void uptake_install_hook(lua_State *L) {
    UptakeLimits *limits = uptake_limits(L);
    if (limits->budgetPerCall > 0 || limits->deadline > 0) {
        lua_sethook(L, uptake_count_hook, LUA_MASKCOUNT, UPTAKE_HOOK_STEP);
    } else {
        lua_sethook(L, NULL, 0, 0);
    }
}

void uptake_set_limits(lua_State *L, size_t memoryLimit, int64_t instructionBudget) {
    UptakeLimits *limits = uptake_limits(L);
    limits->limit = memoryLimit;
    limits->budgetPerCall = instructionBudget;
    limits->budget = instructionBudget;
    uptake_install_hook(L);
}

void uptake_set_deadline(lua_State *L, double seconds) {
    UptakeLimits *limits = uptake_limits(L);
    limits->seconds = seconds;
    limits->deadline = seconds > 0 ? uptake_now() + seconds : 0;
    uptake_install_hook(L);
}

/* Library functions that scan a long string without allocating (utf8.len
 * of 50 MB) or return one value per byte (string.byte(s, 1, -1)) are
 * wrapped: the wrapper charges the bytes of its string arguments before the
 * call and the values returned after it, then returns what the original
 * returned. Upvalue 1 is the original, upvalue 2 its name. */
static int uptake_charged_call(lua_State *L) {
    int nargs = lua_gettop(L);
    int64_t bytes = 0;
    for (int i = 1; i <= nargs; i++) {
        if (lua_type(L, i) == LUA_TSTRING) bytes += (int64_t)lua_rawlen(L, i);
    }
    uptake_charge(L, 1 + bytes / UPTAKE_BYTES_PER_STEP);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    int status = lua_pcall(L, nargs, LUA_MULTRET, 0);
    if (status != LUA_OK) {
        /* The original, called from C, names itself '?' in argument errors:
         * give its name back. Memory errors are raised again as they are. */
        if (status != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
            luaL_gsub(L, lua_tostring(L, -1), "to '?'", lua_pushfstring(L, "to '%s'", lua_tostring(L, lua_upvalueindex(2))));
        }
        return lua_error(L);
    }
    int results = lua_gettop(L);
    uptake_charge(L, results);
    return results;
}

/* Wraps library.name (library in LOADED at the top of the stack). [-0, +0, m] */
static void uptake_wrap_charged(lua_State *L, const char *library, const char *name) {
    if (lua_getfield(L, -1, library) != LUA_TTABLE) { lua_pop(L, 1); return; }
    lua_getfield(L, -1, name);
    lua_pushstring(L, name);
    lua_pushcclosure(L, uptake_charged_call, 2);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

/* True once a limit has run out in the current call: then Lua may run an
 * xpcall message handler with hooks off (the error was raised inside the
 * count hook), so the sandbox's xpcall skips the script's handler. */
static int uptake_limit_exhausted(lua_State *L) {
    lua_pushboolean(L, uptake_limits(L)->exhausted != 0);
    return 1;
}

static const luaL_Reg uptake_safe_libs[] = {
    {LUA_GNAME, luaopen_base},
    {LUA_STRLIBNAME, luaopen_string},
    {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8},
    {LUA_COLIBNAME, luaopen_coroutine},
    {NULL, NULL},
};

static int uptake_open_safe_libs_unprotected(lua_State *L) {
    for (const luaL_Reg *lib = uptake_safe_libs; lib->func != NULL; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    /* Base functions that reach the file system go at once; the rest of the
     * sandbox (load, collectgarbage, environments) is set up in Lua. */
    /* Long-running C functions (patterns, table.move, ...) charge the budget. */
    uptake_open_bounded_library(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    uptake_wrap_charged(L, LUA_STRLIBNAME, "byte");
    uptake_wrap_charged(L, LUA_STRLIBNAME, "unpack");
    uptake_wrap_charged(L, LUA_UTF8LIBNAME, "len");
    uptake_wrap_charged(L, LUA_UTF8LIBNAME, "offset");
    uptake_wrap_charged(L, LUA_UTF8LIBNAME, "codepoint");
    uptake_wrap_charged(L, LUA_GNAME, "tonumber");
    lua_pop(L, 1);
    /* For the sandbox prelude, which takes it out of the globals. */
    lua_pushcfunction(L, uptake_limit_exhausted);
    lua_setglobal(L, "uptake_limit_exhausted");
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    return 0;
}

int uptake_open_safe_libs(lua_State *L) {
    lua_pushcfunction(L, uptake_open_safe_libs_unprotected);
    return lua_pcall(L, 0, 0, 0);
}

/* The Swift side of a Swift function: the function pointer, its context
 * and how to release the context. Lives in a full userdata that is upvalue
 * 1 of the closure, so the context is released when Lua collects the
 * closure, not kept for the life of the state. */
typedef struct UptakeSwiftBox {
    uptake_SwiftFunction fn;
    void *context;
    uptake_SwiftRelease release;
} UptakeSwiftBox;

static int uptake_swift_box_gc(lua_State *L) {
    UptakeSwiftBox *box = (UptakeSwiftBox *)lua_touserdata(L, 1);
    if (box != NULL && box->release != NULL && box->context != NULL) {
        box->release(box->context);
        box->context = NULL;
    }
    return 0;
}

/* Calls the Swift function of the box in upvalue 1 on the calling thread
 * (a coroutine has its own stack), and raises its error only after it has
 * returned. A callback that left the state over the memory cap fails here,
 * in C, where raising is safe. */
static int uptake_trampoline(lua_State *L) {
    UptakeSwiftBox *box = (UptakeSwiftBox *)lua_touserdata(L, lua_upvalueindex(1));
    UptakeLimits *limits = uptake_limits(L);
    uptake_check_limits(L);  /* a C call must not let a script outlive its budget */
    limits->inSwift++;
    int results = box->fn(L, box->context);
    limits->inSwift--;
    if (results < 0) return lua_error(L);
    uptake_check_limits(L);  /* the Swift side charges its work to the budget (uptake_limits()->budget) */
    if (limits->limit > 0 && limits->inSwift == 0 && limits->used > limits->limit) {
        limits->memoryExceeded = 1;
        lua_pushliteral(L, "not enough memory (a host function's result passed the memory cap)");
        return lua_error(L);
    }
    return results;
}

#define UPTAKE_SWIFT_BOX_META "uptake.SwiftFunction"

void uptake_push_swift_function(lua_State *L, uptake_SwiftFunction fn, void *context, uptake_SwiftRelease release, int nup) {
    UptakeSwiftBox *box = (UptakeSwiftBox *)lua_newuserdatauv(L, sizeof(UptakeSwiftBox), 0);
    box->fn = fn;
    box->context = context;
    box->release = release;
    if (luaL_newmetatable(L, UPTAKE_SWIFT_BOX_META)) {
        lua_pushcfunction(L, uptake_swift_box_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    lua_insert(L, -(nup + 1));  /* the box below the other upvalues */
    lua_pushcclosure(L, uptake_trampoline, nup + 1);
}

/* math.randomseed without arguments seeds from a deterministic sequence:
 * upvalue 1 is the real randomseed, upvalue 2 the next salt (an integer).
 * With arguments it checks them as Lua does and passes them on. */
static int uptake_randomseed(lua_State *L) {
    lua_Integer n1, n2;
    if (lua_isnone(L, 1)) {
        lua_Integer salt = lua_tointeger(L, lua_upvalueindex(2));
        /* splitmix64 of the salt: well spread seeds, the same in every process */
        uint64_t z = (uint64_t)salt + 0x9e3779b97f4a7c15ULL;
        lua_pushinteger(L, (lua_Integer)(salt + 1));
        lua_replace(L, lua_upvalueindex(2));
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        n1 = (lua_Integer)(z ^ (z >> 31));
        n2 = (lua_Integer)salt;
    } else {
        n1 = luaL_checkinteger(L, 1);
        n2 = luaL_optinteger(L, 2, 0);
    }
    lua_settop(L, 0);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushinteger(L, n1);
    lua_pushinteger(L, n2);
    lua_call(L, 2, LUA_MULTRET);
    return lua_gettop(L);
}

void uptake_push_math_library(lua_State *L, int64_t seed1, int64_t seed2) {
    luaopen_math(L);  /* a new table and a new generator state each time */
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, (lua_Integer)seed1);
    lua_pushinteger(L, (lua_Integer)seed2);
    lua_call(L, 2, 0);
}

void uptake_push_randomseed(lua_State *L, int mathIndex, int64_t salt) {
    mathIndex = lua_absindex(L, mathIndex);
    lua_getfield(L, mathIndex, "randomseed");
    lua_pushinteger(L, (lua_Integer)salt);
    lua_pushcclosure(L, uptake_randomseed, 2);
}

int uptake_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname) {
    return luaL_loadbufferx(L, buffer, size, chunkname, "t");
}

#define UPTAKE_MESSAGE_LIMIT 2000

/* Message handler: turns any error value (string, table, nil, ...) into a
 * string and appends a traceback. */
static int uptake_message_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        /* Once a limit has run out, hooks may be off here (the error came from
         * the count hook): run no script code, such as a __tostring. */
        if (!uptake_limits(L)->exhausted && luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            msg = lua_tostring(L, -1);
        } else {
            msg = lua_pushfstring(L, "error raised with a %s value instead of a message",
                                  luaL_typename(L, 1));
        }
    }
    size_t length = strlen(msg);
    if (length > UPTAKE_MESSAGE_LIMIT) {
        /* error(string.rep("x", 5e7)): the host prints one line, not 50 MB. */
        lua_pushlstring(L, msg, UPTAKE_MESSAGE_LIMIT);
        lua_pushfstring(L, "%s ... (message cut at %d bytes)", lua_tostring(L, -1), UPTAKE_MESSAGE_LIMIT);
        msg = lua_tostring(L, -1);
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int uptake_pcall(lua_State *L, int nargs, int nresults) {
    UptakeLimits *limits = uptake_limits(L);
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, uptake_message_handler);
    lua_insert(L, base);
    if (limits->callDepth == 0) {
        /* A fresh budget, and the hook back to its normal pace (it fires at
         * every instruction once a limit has run out). */
        limits->budget = limits->budgetOverride > 0 ? limits->budgetOverride : limits->budgetPerCall;
        limits->budgetOverride = 0;
        limits->chargedBytes = 0;
        limits->exhausted = 0;
        limits->memoryExceeded = 0;
        uptake_install_hook(L);
    }
    int savedInSwift = limits->inSwift;
    lua_State *savedRunning = limits->running;
    limits->inSwift = 0;  /* Lua code called back from Swift is capped again */
    limits->running = L;
    limits->callDepth++;
    int status = lua_pcall(L, nargs, nresults, base);
    limits->callDepth--;
    limits->inSwift = savedInSwift;
    limits->running = savedRunning;
    lua_remove(L, base);
    if (limits->exhausted && (limits->callDepth == 0 || status != LUA_OK)) {
        /* The script may have caught the error with pcall and gone on: the
         * call still failed. Report the first place the limit ran out. */
        if (status == LUA_OK) {
            lua_settop(L, base - 1);
            lua_pushstring(L, limits->exhaustedWhere);
        }
        status = limits->exhausted;
    } else if (limits->memoryExceeded && limits->callDepth == 0) {
        if (status == LUA_OK) {
            lua_settop(L, base - 1);
            lua_pushliteral(L, "not enough memory");
        }
        status = LUA_ERRMEM;
    }
    return status;
}

void uptake_pop(lua_State *L, int n) { lua_pop(L, n); }
void uptake_newtable(lua_State *L) { lua_newtable(L); }
const char *uptake_tostring(lua_State *L, int index, size_t *len) {
    return lua_tolstring(L, index, len);
}
int uptake_isnil(lua_State *L, int index) { return lua_isnil(L, index); }
int uptake_isinteger(lua_State *L, int index) { return lua_isinteger(L, index); }
int uptake_upvalueindex(int i) { return lua_upvalueindex(i); }
int uptake_gc_count_kb(lua_State *L) { return lua_gc(L, LUA_GCCOUNT, 0); }
void uptake_gc_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT, 0); }
int uptake_registryindex(void) { return LUA_REGISTRYINDEX; }
