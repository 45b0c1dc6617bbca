/*
 * CLuaShims: the little C the Swift side of Uptake needs around Lua 5.4.
 *
 * Why C at all: a Lua error is a longjmp. If it crossed a Swift frame the
 * Swift runtime would be corrupted (no unwinding, leaked references). So
 * every Lua API call that may raise runs here, under lua_pcall, and Swift
 * functions called from Lua report failure by returning a sentinel that a C
 * trampoline turns into lua_error *after* Swift has returned.
 *
 * Each function documents its stack effect in the style of the Lua manual:
 * [-o, +p, x] pops o values, pushes p, x = '-' never raises, 'm' may raise a
 * memory error, 'e' may raise any error.
 */
#ifndef UPTAKE_CLUASHIMS_H
#define UPTAKE_CLUASHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
#include <lua5.4/lauxlib.h>

/* Status codes beyond Lua's own, used by uptake_pcall. */
#define UPTAKE_ERR_BUDGET 100   /* the instruction budget ran out */

/* Per-state limits and accounting, kept in the allocator's user data. */
typedef struct UptakeLimits {
    size_t used;             /* bytes currently allocated by this state */
    size_t peak;             /* highest 'used' seen */
    size_t limit;            /* memory cap in bytes; 0 = none */
    int inSwift;             /* >0 while a Swift callback runs: never fail it */
    int64_t budget;          /* instructions left in the current call */
    int64_t budgetPerCall;   /* instructions allowed per protected call; 0 = none */
    int budgetExceeded;      /* set by the count hook when it raises */
    int callDepth;           /* nesting of uptake_pcall: budget resets at depth 0 */
    char budgetWhere[256];   /* the message of the first budget error of the call */
} UptakeLimits;

/* Creates a state whose allocator enforces limits->limit, with a panic
 * function that aborts with a message (it cannot be reached in normal use:
 * every call runs under pcall). Returns NULL when out of memory. */
lua_State *uptake_newstate(UptakeLimits *limits);

/* The limits record of a state made by uptake_newstate. */
UptakeLimits *uptake_limits(lua_State *L);

/* Opens the sandboxed library set: base, string, table, math, utf8,
 * coroutine. Never io, os, debug, package. [-0, +0, e] run under pcall. */
int uptake_open_safe_libs(lua_State *L);

/* Swift callbacks: a Swift function of this type is called from Lua with
 * the context pointer given at push time. It returns the number of results
 * it pushed, or -1 with an error message (any value) on top of the stack. */
typedef int (*uptake_SwiftFunction)(lua_State *L, void *context);

/* Pushes a Lua C closure that calls 'fn' with 'context'. [-0, +1, m] */
void uptake_push_swift_function(lua_State *L, uptake_SwiftFunction fn, void *context);

/* Loads a chunk in text mode only (binary chunks can crash the VM).
 * 'chunkname' should start with '@' followed by the file path. Pushes the
 * function, or an error message. Returns a Lua status. [-0, +1, -] */
int uptake_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname);

/* Calls the function below 'nargs' arguments under pcall with a traceback
 * handler and, if the state has one, a fresh instruction budget. On error
 * leaves one string on the stack: "message\n<traceback>" and returns the
 * Lua status, or UPTAKE_ERR_BUDGET if the budget ran out. [-(nargs+1), +(nresults|1), -] */
int uptake_pcall(lua_State *L, int nargs, int nresults);

/* Wrappers of Lua's function-like macros, which Swift cannot import. */
void uptake_pop(lua_State *L, int n);                       /* [-n, +0, -] */
void uptake_newtable(lua_State *L);                         /* [-0, +1, m] */
const char *uptake_tostring(lua_State *L, int index, size_t *len); /* [-0, +0, m] strings and numbers only */
int uptake_isnil(lua_State *L, int index);
int uptake_isinteger(lua_State *L, int index);
int uptake_upvalueindex(int i);
int uptake_gc_count_kb(lua_State *L);                       /* memory in use, KiB */
void uptake_gc_collect(lua_State *L);                       /* full collection */

/* Sets the memory cap (bytes, 0 = none) and the per-call instruction budget
 * (0 = none). The count hook checks every 1000 instructions. */
void uptake_set_limits(lua_State *L, size_t memoryLimit, int64_t instructionBudget);



/* LUA_REGISTRYINDEX, which Swift cannot import. */
int uptake_registryindex(void);
#endif
