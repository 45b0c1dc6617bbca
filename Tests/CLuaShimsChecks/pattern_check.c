/*
 * Standalone check of Sources/CLuaShims/BoundedLibrary.c, outside SwiftPM.
 *
 * Usage: pattern_check [-l steps] file.lua [args...]
 *
 * Opens a plain state with luaL_openlibs, saves the original library
 * functions in checks.original, installs the bounded ones with
 * uptake_open_bounded_library and runs file.lua (with the global 'arg').
 * uptake_charge is a stub here: it adds the steps up and raises
 * "step budget exceeded" once more than the limit (-l, default none) has
 * been charged. From Lua:
 *   checks.setlimit(n)  starts counting again from 0 with limit n (nil: none)
 *   checks.charged()    the steps charged since then
 *   checks.original     the string/table functions before replacement
 */
#include "BoundedLibrary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t charged = 0;
static int64_t limit = INT64_MAX;  /* INT64_MAX: no limit */

void uptake_charge(lua_State *L, int64_t steps) {
    if (steps > INT64_MAX - charged) steps = INT64_MAX - charged;  /* saturate */
    if (limit != INT64_MAX && steps > limit - charged) {
        charged = limit;  /* stays exhausted: every later charge raises too */
        lua_pushfstring(L, "step budget exceeded (limit %I)", (LUAI_UACINT)limit);
        lua_error(L);
    }
    charged += steps;
}

static int checks_setlimit(lua_State *L) {
    limit = lua_isnoneornil(L, 1) ? INT64_MAX : (int64_t)luaL_checkinteger(L, 1);
    charged = 0;
    return 0;
}

static int checks_charged(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)charged);
    return 1;
}

/* Copies lib[name] for each name into the table on the stack top. */
static void save_originals(lua_State *L, const char *lib, const char *const *names) {
    lua_getglobal(L, lib);
    for (; *names != NULL; names++) {
        lua_getfield(L, -1, *names);
        lua_setfield(L, -3, *names);
    }
    lua_pop(L, 1);
}

static void open_checks(lua_State *L) {
    static const char *const string_names[] = {"find", "match", "gmatch", "gsub", "rep", NULL};
    static const char *const table_names[] = {"move", "concat", "sort", "insert", "remove", "unpack", NULL};
    lua_newtable(L);
    lua_pushcfunction(L, checks_setlimit);
    lua_setfield(L, -2, "setlimit");
    lua_pushcfunction(L, checks_charged);
    lua_setfield(L, -2, "charged");
    lua_newtable(L);
    save_originals(L, "string", string_names);
    save_originals(L, "table", table_names);
    lua_setfield(L, -2, "original");
    lua_setglobal(L, "checks");
}

static int traceback(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
    return 1;
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-l") == 0) {
        limit = strtoll(argv[2], NULL, 10);
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: %s [-l steps] file.lua [args...]\n", argv[0]);
        return 2;
    }
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    open_checks(L);
    uptake_open_bounded_library(L);
    lua_newtable(L);
    for (int i = first; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - first);
    }
    lua_setglobal(L, "arg");
    lua_pushcfunction(L, traceback);
    int status = luaL_loadfile(L, argv[first]);
    if (status == LUA_OK) status = lua_pcall(L, 0, 0, -2);
    if (status != LUA_OK) {
        fprintf(stderr, "%s: %s\n", argv[first], lua_tostring(L, -1));
    }
    lua_close(L);
    return status == LUA_OK ? 0 : 1;
}
