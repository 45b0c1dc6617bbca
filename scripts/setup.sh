#!/usr/bin/env bash
# Installs what Uptake needs on a Debian machine and is missing: Lua 5.4's
# development files (and pkg-config, which SwiftPM uses to find them), SQLite's,
# and the tools of the tests (python3-venv and headless Chromium among them) and of make deb.
set -euo pipefail
need=()
pkg-config --exists lua5.4 2>/dev/null || need+=(liblua5.4-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)   # the chaos test compares databases with it
command -v dpkg-deb >/dev/null 2>&1 || need+=(dpkg)       # make deb builds the package with it
command -v dpkg-shlibdeps >/dev/null 2>&1 || need+=(dpkg-dev)   # make deb: the package's Depends
command -v chromium >/dev/null 2>&1 || need+=(chromium)               # the browser test of the HTML reports
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)    # ... driven through Selenium
python3 -c "import ensurepip, venv" 2>/dev/null || need+=(python3-venv)   # its venv (and SALib's)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6 is needed (swift not on PATH)"; exit 1; }
