#!/usr/bin/env bash
# Builds the Debian package of uptake from a release build (make deb):
#   dist/uptake_VERSION_ARCH.deb  with  /usr/bin/uptake, the standard plugins in
#   /usr/share/uptake/plugins, and completions for bash, zsh and fish.
# The binary must carry the Swift runtime and Foundation inside it
# (swift build --static-swift-stdlib, as make build does): the package then
# depends on Debian's own libraries only, which dpkg-shlibdeps works out from
# what the binary links. Refuses a binary that needs anything from the toolchain.
#   usage: scripts/make-deb.sh [BINARY]     (default .build/release/uptake)
#   DEB_XZ_LEVEL=N  xz compression level (default 6, as dpkg-deb's)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BINARY=$(realpath "${1:-.build/release/uptake}")
say() { echo "deb: $*"; }
die() { echo "deb: $*" >&2; exit 1; }
[ -x "$BINARY" ] || die "$BINARY is not a built uptake; build it with: make build"

# 1. What the binary links: only system libraries, all found.
links=$(ldd "$BINARY")
missing=$(grep "not found" <<<"$links" || true)
[ -z "$missing" ] || die "$BINARY needs libraries this machine lacks: $(awk '{ printf "%s ", $1 }' <<<"$missing"); install them (scripts/setup.sh) and rebuild"
toolchain=""
if command -v swift >/dev/null 2>&1; then toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")"); fi
swift_runtime=$(grep -E "libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime${toolchain:+|$toolchain}" <<<"$links" || true)
[ -z "$swift_runtime" ] || die "$BINARY needs the Swift runtime at run time ($(awk '{ printf "%s ", $1 }' <<<"$swift_runtime")from ${toolchain:-the toolchain}); build it with swift build -c release --static-swift-stdlib (make build does)"

version=$("$BINARY" --version | awk '{ print $2 }')
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || die "cannot read the version from '$BINARY --version'"
arch=$(dpkg --print-architecture)
deb="dist/uptake_${version}_${arch}.deb"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
mkdir -p "$stage/DEBIAN"
chmod 755 "$stage" "$stage/DEBIAN"
# Debian's zsh reads vendor completions from /usr/share/zsh/vendor-completions.
PREFIX=/usr DESTDIR="$stage" ZSH_COMPLETION_DIR=/usr/share/zsh/vendor-completions scripts/install.sh install "$BINARY" >/dev/null

# 2. Depends: the packages that provide the libraries it links, with the versions its symbols need.
mkdir -p "$work/debian"
printf 'Source: uptake\n\nPackage: uptake\nArchitecture: any\n' > "$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e "$stage/usr/bin/uptake" 2>"$work/shlibdeps.log") \
  || die "dpkg-shlibdeps could not work out the dependencies: $(cat "$work/shlibdeps.log")"
depends=${shlibs#shlibs:Depends=}
[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies: $(cat "$work/shlibdeps.log")"

cat > "$stage/DEBIAN/control" <<CONTROL
Package: uptake
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-Uptake maintainers <uptake@localhost>}
Installed-Size: $(du -sk "$stage/usr" | cut -f1)
Depends: $depends
Section: science
Priority: optional
Description: simulate how firms adopt an innovation, and what policy changes
 Uptake simulates how an innovation (generative AI) spreads among firms, after
 Rogers' Diffusion of Innovations, and what policy levers such as tax relief,
 subsidies, loans, training campaigns or energy caps do to adoption,
 productivity, energy use and the public budget. Scenarios and policy plugins
 are written in Lua 5.4 and run sandboxed. Batch experiments sweep levers
 under uncertainty into SQLite, with sensitivity analysis and Slurm support.
 .
 The standard plugin library is in /usr/share/uptake/plugins.
CONTROL
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

mkdir -p dist
# xz at dpkg-deb's default level 6: 25 MB in about 30 s on 2 cores; level 1 (package-test.sh): 29 MB in about 10 s.
dpkg-deb --root-owner-group -Zxz -z"${DEB_XZ_LEVEL:-6}" --build "$stage" "$deb" >/dev/null
say "$ROOT/$deb ($(du -h "$deb" | cut -f1); Depends: $depends)"
