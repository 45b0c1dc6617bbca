/* See CLuaShims.h for the contract of every function. */
#include "CLuaShims.h"
#include <stdio.h>
#include <stdlib.h>

/* The allocator enforces the per-state memory cap. Shrinking and freeing
 * always succeed; growing fails (Lua then raises "not enough memory") once
 * the cap would be passed, except while a Swift callback runs: Swift must
 * never see a longjmp, and what it allocates per call is small and bounded. */
static void *uptake_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    UptakeLimits *limits = (UptakeLimits *)ud;
    size_t old = ptr ? osize : 0;  /* with ptr == NULL, osize encodes a type */
    if (nsize == 0) {
        free(ptr);
        limits->used -= old;
        return NULL;
    }
    if (limits->limit > 0 && limits->inSwift == 0 && nsize > old &&
        limits->used - old + nsize > limits->limit) {
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) return NULL;
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

lua_State *uptake_newstate(UptakeLimits *limits) {
    lua_State *L = lua_newstate(uptake_alloc, limits);
    if (L != NULL) lua_atpanic(L, uptake_panic);
    return L;
}

UptakeLimits *uptake_limits(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (UptakeLimits *)ud;
}

/* The count hook spends the instruction budget 1000 instructions at a time.
 * Once it is gone every later check raises again, so a script that catches
 * the error with pcall cannot keep running for long. */
#define UPTAKE_HOOK_STEP 1000
static void uptake_count_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    UptakeLimits *limits = uptake_limits(L);
    if (limits->budgetPerCall <= 0) return;
    limits->budget -= UPTAKE_HOOK_STEP;
    if (limits->budget >= 0) return;
    lua_Debug here;
    if (lua_getstack(L, 0, &here) && lua_getinfo(L, "Sl", &here) && here.currentline > 0) {
        lua_pushfstring(L, "%s:%d: instruction budget exceeded (%I instructions per hook call)",
                        here.short_src, here.currentline, (LUAI_UACINT)limits->budgetPerCall);
    } else {
        lua_pushfstring(L, "instruction budget exceeded (%I instructions per hook call)",
                        (LUAI_UACINT)limits->budgetPerCall);
    }
    if (!limits->budgetExceeded) {
        snprintf(limits->budgetWhere, sizeof limits->budgetWhere, "%s", lua_tostring(L, -1));
    }
    limits->budgetExceeded = 1;
    lua_error(L);
}

void uptake_set_limits(lua_State *L, size_t memoryLimit, int64_t instructionBudget) {
    UptakeLimits *limits = uptake_limits(L);
    limits->limit = memoryLimit;
    limits->budgetPerCall = instructionBudget;
    limits->budget = instructionBudget;
    if (instructionBudget > 0) {
        lua_sethook(L, uptake_count_hook, LUA_MASKCOUNT, UPTAKE_HOOK_STEP);
    } else {
        lua_sethook(L, NULL, 0, 0);
    }
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

/* Calls the Swift function in upvalue 1 with the context in upvalue 2, and
 * raises its error only after it has returned. */
static int uptake_trampoline(lua_State *L) {
    uptake_SwiftFunction fn = (uptake_SwiftFunction)lua_touserdata(L, lua_upvalueindex(1));
    void *context = lua_touserdata(L, lua_upvalueindex(2));
    UptakeLimits *limits = uptake_limits(L);
    limits->inSwift++;
    int results = fn(L, context);
    limits->inSwift--;
    if (results < 0) return lua_error(L);
    return results;
}

void uptake_push_swift_function(lua_State *L, uptake_SwiftFunction fn, void *context) {
    lua_pushlightuserdata(L, (void *)fn);
    lua_pushlightuserdata(L, context);
    lua_pushcclosure(L, uptake_trampoline, 2);
}

int uptake_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname) {
    return luaL_loadbufferx(L, buffer, size, chunkname, "t");
}

/* Message handler: turns any error value (string, table, nil, ...) into a
 * string and appends a traceback. */
static int uptake_message_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            msg = lua_tostring(L, -1);
        } else {
            msg = lua_pushfstring(L, "error raised with a %s value instead of a message",
                                  luaL_typename(L, 1));
        }
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
        limits->budget = limits->budgetPerCall;
        limits->budgetExceeded = 0;
    }
    int savedInSwift = limits->inSwift;
    limits->inSwift = 0;  /* Lua code called back from Swift is capped again */
    limits->callDepth++;
    int status = lua_pcall(L, nargs, nresults, base);
    limits->callDepth--;
    limits->inSwift = savedInSwift;
    lua_remove(L, base);
    if (limits->callDepth == 0 && limits->budgetExceeded) {
        /* The script caught the budget error with pcall and went on: the call
         * still failed. Report the first place the budget ran out. */
        if (status == LUA_OK) {
            lua_settop(L, base - 1);
            lua_pushstring(L, limits->budgetWhere);
        }
        status = UPTAKE_ERR_BUDGET;
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
