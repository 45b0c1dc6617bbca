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
#include "BoundedLibrary.h"  /* the module's umbrella header: every header of the target */

/* Status codes beyond Lua's own, used by uptake_pcall. */
#define UPTAKE_ERR_BUDGET 100   /* the instruction budget ran out */
#define UPTAKE_ERR_TIME   101   /* the run's wall-clock limit passed */

/* Per-state limits and accounting, kept in the allocator's user data.
 *
 * The memory cap binds Lua code only: while the host works outside any
 * protected call, or a Swift callback runs, allocation never fails (a
 * failure there would be a longjmp through Swift frames). What the host
 * allocates still counts in 'used', so the plugin that caused it fails at
 * its next allocation, or when its callback returns (see uptake_pcall and
 * the trampoline). */
typedef struct UptakeLimits {
    size_t used;             /* bytes currently allocated by this state */
    size_t peak;             /* highest 'used' seen */
    size_t limit;            /* memory cap in bytes; 0 = none */
    int inSwift;             /* >0 while a Swift callback runs: never fail it */
    int64_t budget;          /* instructions left in the current call */
    int64_t budgetPerCall;   /* instructions allowed per protected call; 0 = none */
    int64_t budgetOverride;  /* when > 0, the budget of the next outermost call instead (then cleared) */
    int exhausted;           /* 0, or UPTAKE_ERR_BUDGET / UPTAKE_ERR_TIME once a limit ran out in this call */
    int memoryExceeded;      /* a Swift callback left the state over the cap in this call */
    int callDepth;           /* nesting of uptake_pcall: budget resets at depth 0 */
    double deadline;         /* CLOCK_MONOTONIC seconds at which the run must end; 0 = none */
    double seconds;          /* the wall-clock limit the deadline came from, for messages */
    lua_State *running;      /* the thread of the innermost protected call, for the allocator */
    size_t chargedBytes;     /* bytes allocated by Lua code not yet charged to the budget */
    char exhaustedWhere[256];/* the message of the first limit error of the call */
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

/* Called once when Lua collects a Swift function's closure: releases 'context'. */
typedef void (*uptake_SwiftRelease)(void *context);

/* Pushes a Lua C closure that calls 'fn' with 'context' and the thread it
 * is called on (a coroutine has its own stack). The 'nup' values on top
 * become the closure's upvalues 2..nup+1 (upvalue 1 holds 'fn'). When Lua
 * collects the closure (or closes the state) 'release' is called with
 * 'context'. [-nup, +1, m] */
void uptake_push_swift_function(lua_State *L, uptake_SwiftFunction fn, void *context, uptake_SwiftRelease release, int nup);

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

/* Starts the wall-clock limit: Lua code running 'seconds' from now fails,
 * and keeps failing until uptake_set_deadline(L, 0) (0 = none). */
void uptake_set_deadline(lua_State *L, double seconds);

/* Charges 'steps' units of work done in C (pattern matching, table.move,
 * ...) to the instruction budget, and checks the deadline. Once a limit has
 * run out it raises, and every later check raises too, so pcall cannot
 * shield a script from it. [-0, +0, e] */
void uptake_charge(lua_State *L, int64_t steps);

/* Pushes a fresh copy of Lua's math library with its own random generator
 * (xoshiro256**, as in Lua 5.4), seeded with (seed1, seed2). [-0, +1, m] */
void uptake_push_math_library(lua_State *L, int64_t seed1, int64_t seed2);

/* Pushes a function that behaves as math.randomseed of the math table at
 * 'mathIndex', except that without arguments it draws the next seed from a
 * deterministic sequence started at 'salt' instead of the clock, so runs stay
 * reproducible. It returns the two seed components, as Lua 5.4 does.
 * [-0, +1, m] */
void uptake_push_randomseed(lua_State *L, int mathIndex, int64_t salt);



/* LUA_REGISTRYINDEX, which Swift cannot import. */
int uptake_registryindex(void);
#endif
