/*
 * BoundedLibrary: replacements for the parts of Lua's string and table
 * libraries that can run for a long time inside one C call.
 *
 * Why: the instruction budget is enforced by a count hook, and the hook only
 * fires between Lua VM instructions. A single call of a C library function
 * is one instruction, however long it runs: string.find with a backtracking
 * pattern can take hours, table.move({}, 1, 1e15, 1, {}) loops 1e15 times.
 * These replacements keep Lua 5.4.4's results and error messages but count
 * the work they do and charge it to the budget through uptake_charge.
 *
 * Cost units (1 step is about one VM instruction's worth of time):
 *  - pattern matching: 1 step per elementary matcher step (entering the
 *    matcher, each single-character test, each element of a set tested,
 *    each backtracking iteration, each character scanned by %b);
 *  - bulk byte work (memchr, memcmp, memcpy): 1 step per 64 bytes;
 *  - table functions: 1 step per element moved, concatenated, shifted or
 *    unpacked; sort n*ceil(log2 n) up front plus any comparisons beyond it.
 * Steps are counted locally and charged in batches of 1024 and at the end
 * of each call; the table functions and string.rep charge before working.
 *
 * Stack effects use the Lua manual's notation [-o, +p, x]: pops o values,
 * pushes p, x = '-' never raises, 'm' may raise a memory error, 'e' may
 * raise any error (including the budget error raised by uptake_charge).
 */
#ifndef UPTAKE_BOUNDEDLIBRARY_H
#define UPTAKE_BOUNDEDLIBRARY_H

#include <stdint.h>
#include <lua5.4/lua.h>
#include <lua5.4/lualib.h>
#include <lua5.4/lauxlib.h>

/* Charges 'steps' units of work to the running call's budget. Implemented
 * elsewhere (CLuaShims.c; a counting stub in the standalone checks). It
 * raises a Lua error with lua_error when the budget is exhausted, so every
 * caller here may be left by a longjmp: they hold only Lua-managed memory
 * (the stack, luaL_Buffer, userdata), never malloc'ed blocks. [-0, +0, e] */
extern void uptake_charge(lua_State *L, int64_t steps);

/* string.find(s, pattern [, init [, plain]]): Lua 5.4.4 semantics.
 * Returns start, end and the captures, or nil. [-0, +(1|2+captures), e] */
int uptake_str_find(lua_State *L);

/* string.match(s, pattern [, init]): the captures (or the whole match), or
 * nil. [-0, +(1|captures), e] */
int uptake_str_match(lua_State *L);

/* string.gmatch(s, pattern [, init]): returns an iterator closure that keeps
 * s and pattern as upvalues and its position in a userdata upvalue, so it
 * stays valid across garbage collections and coroutines. Each iterator call
 * returns the next match's captures, or nothing at the end.
 * [-0, +1, e]; iterator [-0, +(0|captures), e] */
int uptake_str_gmatch(lua_State *L);

/* string.gsub(s, pattern, repl [, n]): repl is a string (with %0-%9 and
 * %%), a table or a function. Returns the new string and the number of
 * matches replaced. [-0, +2, e] */
int uptake_str_gsub(lua_State *L);

/* string.rep(s, n [, sep]): charges n + (result length)/64 before building
 * the result; an empty result costs nothing (Lua 5.4.4 would loop n times
 * copying nothing, so string.rep("", 1e15) never returned). [-0, +1, e] */
int uptake_string_rep(lua_State *L);

/* table.move(a1, f, e, t [, a2]): charges e-f+1 before copying. [-0, +1, e] */
int uptake_table_move(lua_State *L);

/* table.concat(list [, sep [, i [, j]]]): charges j-i+1 before reading any
 * element. [-0, +1, e] */
int uptake_table_concat(lua_State *L);

/* table.sort(list [, comp]): the same quicksort as Lua 5.4.4 (same pivots,
 * same comparisons). Charges n*ceil(log2 n) up front and every comparison
 * beyond that as it happens (an adversarial input can force O(n^2)).
 * [-0, +0, e] */
int uptake_table_sort(lua_State *L);

/* table.insert(list, [pos,] value) and table.remove(list [, pos]): charge
 * the number of elements shifted before shifting them. They can run long:
 * the length comes from __len, which may return any integer (e.g. 1e15)
 * while the shifting loop itself runs in C. [-0, +0, e] / [-0, +1, e] */
int uptake_table_insert(lua_State *L);
int uptake_table_remove(lua_State *L);

/* table.unpack(list [, i [, j]]): charges j-i+1 after the stack check. At
 * most about 1e6 values fit on the stack, so one call is bounded, but a loop
 * of such calls would do 1e6 steps per VM instruction. [-0, +n, e] */
int uptake_table_unpack(lua_State *L);

/* Replaces find, match, gmatch, gsub and rep in the "string" table, and
 * move, concat, sort, insert, remove and unpack in the "table" table, of the
 * registry's LUA_LOADED_TABLE. These are the tables the globals 'string' and
 * 'table' and the string metatable's __index refer to, so every way a script
 * reaches these functions gets the bounded versions. A library that is not
 * loaded is left alone. Call it after opening the libraries and before any
 * script runs (a script that saved the originals keeps them). [-0, +0, e] */
void uptake_open_bounded_library(lua_State *L);

#endif
