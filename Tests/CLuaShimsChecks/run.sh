#!/bin/sh
# Builds pattern_check (Sources/CLuaShims/BoundedLibrary.c with a counting
# stub of uptake_charge) and runs the checks:
#   differential.lua  bounded functions vs Lua's originals on random input
#   budget.lua        pathological calls stop with the budget error (limit
#                     50,000,000 steps); gmatch state survives errors and GC
#   pm.lua, strings.lua, sort.lua, nextvar.lua from Lua 5.4.4's test suite,
#                     unmodified, if found in $LUA_TESTES (default /tmp/testes;
#                     git -C <lua repo> show v5.4.4:testes/pm.lua > ...)
# Usage: Tests/CLuaShimsChecks/run.sh [differential-cases-per-kind]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
testes=${LUA_TESTES:-/tmp/testes}
build=$(mktemp -d "${TMPDIR:-/tmp}/pattern_check.XXXXXX")
trap 'rm -rf "$build"' EXIT

"${CC:-$(command -v cc || command -v clang)}" -O2 -Wall -Wextra -I"$root/Sources/CLuaShims/include" -I/usr/include/lua5.4 \
    -o "$build/pattern_check" "$here/pattern_check.c" \
    "$root/Sources/CLuaShims/BoundedLibrary.c" -llua5.4

cd "$here"
echo "== differential.lua"
"$build/pattern_check" differential.lua "${1:-3000}"
echo "== budget.lua"
"$build/pattern_check" budget.lua 50000000

for name in pm strings sort nextvar; do
    if [ -f "$testes/$name.lua" ]; then
        echo "== $testes/$name.lua"
        (cd "$testes" && "$build/pattern_check" "$name.lua")
    else
        echo "== $testes/$name.lua: not found, skipped"
    fi
done
echo "all checks passed"
