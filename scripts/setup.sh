#!/usr/bin/env bash
# Installs what Uptake needs on a Debian machine and is missing: Lua 5.4's
# development files (and pkg-config, which SwiftPM uses to find them), SQLite's,
# and the tools of the tests (python3-venv among them) and of make deb.
set -euo pipefail
need=()
pkg-config --exists lua5.4 2>/dev/null || need+=(liblua5.4-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)   # the chaos test compares databases with it
command -v dpkg-deb >/dev/null 2>&1 || need+=(dpkg)       # make deb builds the package with it
command -v dpkg-shlibdeps >/dev/null 2>&1 || need+=(dpkg-dev)   # make deb: the package's Depends
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)   # the SALib and Python tests' venvs
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6 is needed (swift not on PATH)"; exit 1; }
