#!/usr/bin/env bash
# Installs uptake under PREFIX (below DESTDIR when packaging), or removes it.
#   scripts/install.sh install BINARY     (make install)
#   scripts/install.sh uninstall          (make uninstall)
# Environment: PREFIX (default /usr/local), DESTDIR (default none), and where
# each shell's completions go: BASH_COMPLETION_DIR (default
# PREFIX/share/bash-completion/completions), ZSH_COMPLETION_DIR
# (PREFIX/share/zsh/site-functions), FISH_COMPLETION_DIR
# (PREFIX/share/fish/vendor_completions.d).
#
# The layout is what the binary looks for (StandardLibrary.swift):
#   PREFIX/bin/uptake
#   PREFIX/share/uptake/plugins/      the standard plugin library
set -euo pipefail
invoked_from=$PWD
cd "$(dirname "$0")/.."
action=${1:-}
PREFIX=${PREFIX-/usr/local}
DESTDIR=${DESTDIR-}
if [ -z "$PREFIX" ]; then
  echo "install: PREFIX is empty; give the folder to install under, e.g. make install PREFIX=/usr/local" >&2
  exit 1
fi
# A relative folder is taken from where make (or this script) was started.
absolute() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$invoked_from" "$1" ;; esac; }
prefix=$(absolute "$PREFIX")
destdir=""
[ -n "$DESTDIR" ] && destdir=$(absolute "$DESTDIR")
root="$destdir$prefix"
bin="$root/bin"
library="$root/share/uptake"
bash_dir="$destdir$(absolute "${BASH_COMPLETION_DIR:-$prefix/share/bash-completion/completions}")"
zsh_dir="$destdir$(absolute "${ZSH_COMPLETION_DIR:-$prefix/share/zsh/site-functions}")"
fish_dir="$destdir$(absolute "${FISH_COMPLETION_DIR:-$prefix/share/fish/vendor_completions.d}")"

case "$action" in
install)
  binary=${2:?"usage: scripts/install.sh install BINARY"}
  binary=$(absolute "$binary")
  [ -x "$binary" ] || { echo "install: $binary is not a built uptake; build it first with: make build" >&2; exit 1; }
  install -d "$bin" "$library" "$bash_dir" "$zsh_dir" "$fish_dir"
  install -m 755 "$binary" "$bin/uptake"
  # The plugins as they are in the tree (manifests, code, tests), files 644, folders 755;
  # a stale copy from an earlier install goes first, so removed plugins do not linger.
  rm -rf "$library/plugins"
  (cd plugins && find . -type d -print0) | while IFS= read -r -d '' d; do install -d "$library/plugins/$d"; done
  (cd plugins && find . -type f -print0) | while IFS= read -r -d '' f; do install -m 644 "plugins/$f" "$library/plugins/$f"; done
  "$binary" --generate-completion-script bash > "$bash_dir/uptake"
  "$binary" --generate-completion-script zsh > "$zsh_dir/_uptake"
  "$binary" --generate-completion-script fish > "$fish_dir/uptake.fish"
  chmod 644 "$bash_dir/uptake" "$zsh_dir/_uptake" "$fish_dir/uptake.fish"
  echo "install: $bin/uptake, its plugins in $library/plugins, completions for bash, zsh and fish"
  ;;
uninstall)
  rm -f "$bin/uptake" "$bash_dir/uptake" "$zsh_dir/_uptake" "$fish_dir/uptake.fish"
  rm -rf "$library"
  # The folders install made, when they are left empty: up to PREFIX, never PREFIX itself (/usr/local,
  # ~/.local) nor anything outside it; with DESTDIR, the staged PREFIX too, up to DESTDIR.
  top=$root
  [ -n "$destdir" ] && top=$destdir
  for d in "$bin" "$bash_dir" "$zsh_dir" "$fish_dir"; do
    while case "$d" in "$top"/*) true ;; *) false ;; esac && rmdir "$d" 2>/dev/null; do d=$(dirname "$d"); done
  done
  echo "uninstall: removed uptake from $root"
  ;;
*)
  echo "usage: scripts/install.sh install BINARY | uninstall   (make install / make uninstall; PREFIX, DESTDIR)" >&2
  exit 2
  ;;
esac
