#!/usr/bin/env bash
# make package-test: uptake as a user gets it, away from this source tree.
#  1. builds the Debian package (make deb: a release build with the Swift
#     runtime linked in, then dpkg-deb);
#  2. checks its Depends (Debian's libraries only) and that ldd shows no
#     library of the Swift toolchain and none missing;
#  3. unpacks it into a scratch root (dpkg -x) in a folder with spaces in its
#     path, and there, with a clean environment (no toolchain on PATH, no
#     LD_LIBRARY_PATH, a fresh HOME, the working folder outside the tree),
#     runs scenarios/policy-package.lua (a copy: the standard plugin package
#     and its six dependencies) by bare name through a symlink on PATH,
#     checks (run --json, plugin info) that every plugin came from the
#     unpacked usr/share/uptake/plugins and nothing from the source tree, runs a small batch (worker processes) and
#     checks `uptake slurm` writes the unpacked binary's real path;
#  4. checks a binary copied alone says where its missing library belongs;
#  5. make install PREFIX=... (a relative one, and DESTDIR=... PREFIX=/usr),
#     runs the installed binary, and checks make uninstall leaves nothing.
# Prints how long the build and the checks took.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
say() { echo "package-test: $*"; }
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
MAKE=${MAKE:-make}

# 1. The package (a release build unless one is up to date).
started=$(date +%s)
# The package under test differs from a release's only in how hard it is compressed.
DEB_XZ_LEVEL=1 $MAKE --no-print-directory deb
built=$(date +%s)
version=$(.build/release/uptake --version | awk '{ print $2 }')
deb="$ROOT/dist/uptake_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "make deb did not write $deb"

SCRATCH=$(mktemp -d "/tmp/uptake package test XXXXXX")
chmod 755 "$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT

# 2. The package's metadata and the binary's linkage.
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libc6 liblua5.4-0 libsqlite3-0; do
  grep -q "\b$needed\b" <<<"$depends" || fail "Depends lacks $needed: $depends"
done
for package in $(tr ',' '\n' <<<"$depends" | sed 's/(.*)//; s/|.*//' | tr -d ' '); do
  dpkg-query -W "$package" >/dev/null 2>&1 || fail "Depends names $package, which is not a Debian package installed here: $depends"
done
contents=$(dpkg-deb -c "$deb")
bash -n <(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/bash-completion/completions/uptake) || fail "the bash completion script does not parse"
for path in ./usr/bin/uptake ./usr/share/uptake/plugins/tax-relief/plugin.toml ./usr/share/uptake/plugins/aigc-action-plan/init.lua \
            ./usr/share/bash-completion/completions/uptake ./usr/share/zsh/vendor-completions/_uptake \
            ./usr/share/fish/vendor_completions.d/uptake.fish; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done
dpkg-deb -x "$deb" "$SCRATCH/root"
installed="$SCRATCH/root/usr/bin/uptake"
links=$(ldd "$installed")
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
if grep -E "not found|libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|$toolchain" <<<"$links"; then
  fail "the packaged binary still needs the lines above (the Swift toolchain is $toolchain)"
fi
say "ldd: $(awk '{ print $1 }' <<<"$links" | tr '\n' ' ')"

# 3. A user's machine: no toolchain, no source tree, a fresh HOME, uptake on PATH through a symlink.
mkdir -p "$SCRATCH/links" "$SCRATCH/home" "$SCRATCH/work"
ln -s "$installed" "$SCRATCH/links/uptake"
cp scenarios/policy-package.lua "$SCRATCH/work/"
as_user() {
  (cd "$SCRATCH/work" && env -i HOME="$SCRATCH/home" PATH="$SCRATCH/links:/usr/bin:/bin" LANG=C.UTF-8 "$@")
}
as_user uptake --version | grep -qE "^uptake $version \(commit ([0-9a-f]{7}(\+dirty)?|unknown)\)$" || fail "uptake --version: $(as_user uptake --version)"
# ldd above is what proves the runtime is inside; this only says when a toolchain sits in /usr/bin.
if as_user sh -c 'command -v swift' >/dev/null; then say "note: swift is in /usr/bin or /bin, on the test's PATH"; fi
library="$SCRATCH/root/usr/share/uptake/plugins"
run=$(as_user uptake run policy-package.lua --out out --json 2>"$SCRATCH/run.err") \
  || fail "the installed uptake could not run policy-package.lua: $(cat "$SCRATCH/run.err")"
[ -s "$SCRATCH/work/out/series.csv" ] || fail "the run wrote no series.csv"
# The summary's plugins, each with the folder it was loaded from: all from the unpacked share folder.
python3 -c '
import json, sys
plugins = json.load(sys.stdin)["plugins"]
names = {p["name"] for p in plugins}
assert {"aigc-action-plan", "tax-relief", "critical-mass-detector"} <= names, names
outside = [p for p in plugins if not p["path"].startswith(sys.argv[1] + "/")]
assert not outside, outside
' "$library" <<<"$run" || fail "the run did not load every plugin from $library: $run"
info=$(as_user uptake plugin info aigc-action-plan --scenario policy-package.lua)
grep -qF "($library/aigc-action-plan)" <<<"$info" || fail "aigc-action-plan did not come from $library: $info"
list=$(as_user uptake plugin list --scenario policy-package.lua)
grep -qF "$ROOT" <<<"$list" && fail "the installed uptake looked in the source tree: $list"
cat > "$SCRATCH/work/tiny.lua" <<'EXP'
return experiment {
  name = "package test", scenario = "policy-package.lua", seed = 3, replicates = 2,
  set = { ["firms.count"] = 300, ticks = 4 },
  levers = { ["tax-relief.rate"] = { 0, 0.3 } },
}
EXP
as_user uptake batch tiny.lua --out tiny.db --jobs 2 --quiet || fail "the installed uptake could not run a batch"
slurm=$(as_user uptake slurm tiny.lua --shards 2 --out sweep)
grep -qF "exec '$installed' batch tiny.lua" <<<"$slurm" || fail "uptake slurm did not write the installed binary's real path: $slurm"
say "the unpacked package ran policy-package.lua and a batch from $SCRATCH/work with plugins from $library"

# 4. The binary copied alone: the message says where its library belongs.
mkdir -p "$SCRATCH/lone/bin"
cp "$installed" "$SCRATCH/lone/bin/uptake"
lone=$(cd "$SCRATCH/work" && env -i HOME="$SCRATCH/home" PATH=/usr/bin:/bin "$SCRATCH/lone/bin/uptake" run policy-package.lua 2>&1) \
  && fail "a binary copied alone ran a scenario that needs the standard library"
grep -qF "the standard library is missing: it belongs in $SCRATCH/lone/share/uptake/plugins" <<<"$lone" \
  || fail "a binary copied alone did not say where its library belongs: $lone"

# 5. make install and make uninstall: a relative PREFIX with a space, then DESTDIR.
prefix_rel="dist/package test prefix"
rm -rf "$prefix_rel"
$MAKE --no-print-directory install PREFIX="$prefix_rel" >/dev/null
prefix="$ROOT/$prefix_rel"
for path in bin/uptake share/uptake/plugins/tax-relief/plugin.toml share/bash-completion/completions/uptake \
            share/zsh/site-functions/_uptake share/fish/vendor_completions.d/uptake.fish; do
  [ -e "$prefix/$path" ] || fail "make install did not install $prefix/$path"
done
info=$(cd "$SCRATCH/work" && env -i HOME="$SCRATCH/home" PATH=/usr/bin:/bin "$prefix/bin/uptake" plugin info tax-relief --scenario policy-package.lua)
grep -qF "($prefix/share/uptake/plugins/tax-relief)" <<<"$info" || fail "the installed uptake did not read $prefix/share: $info"
$MAKE --no-print-directory uninstall PREFIX="$prefix_rel" >/dev/null
left=$(find "$prefix" -mindepth 1)
[ -z "$left" ] || fail "make uninstall left: $left"
rmdir "$prefix"
$MAKE --no-print-directory install DESTDIR="$SCRATCH/dest" PREFIX=/usr >/dev/null
[ -x "$SCRATCH/dest/usr/bin/uptake" ] && [ -f "$SCRATCH/dest/usr/share/uptake/plugins/tax-relief/plugin.toml" ] \
  || fail "make install DESTDIR=... PREFIX=/usr did not install under DESTDIR"
$MAKE --no-print-directory uninstall DESTDIR="$SCRATCH/dest" PREFIX=/usr >/dev/null
left=$(find "$SCRATCH/dest" -mindepth 1)
[ -z "$left" ] || fail "make uninstall DESTDIR=... left: $left"
say "make install and make uninstall (PREFIX, DESTDIR) leave nothing behind"

finished=$(date +%s)
say "ok: $(basename "$deb"); make deb took $((built - started)) s, the checks $((finished - built)) s"
