#!/usr/bin/env bash
# The HTML reports in headless Chromium (Debian's chromium and chromium-driver,
# which scripts/setup.sh installs), driven by Selenium from PyPI in a
# git-ignored venv under bench/: no console errors, drawn marks in every
# chart, a screenshot that is not blank (out/browser/*.png).
#   scripts/browser-test.sh [--update-docs]   (also rewrites docs/images/*-report.png)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in chromium chromedriver; do
  command -v "$tool" >/dev/null 2>&1 || { echo "browser-test: $tool is missing; run scripts/setup.sh"; exit 1; }
done
VENV=bench/.venv-browser
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -c "import selenium, PIL" 2>/dev/null || "$VENV/bin/pip" install -q "selenium>=4.15,<5" "Pillow>=10,<12"
UPTAKE="${UPTAKE:-.build/debug/uptake}"
[ -x "$UPTAKE" ] || swift build --product uptake
# Selenium must not look for a browser or driver on the network: both are Debian's.
# The HTML reports, then the explorer (uptake serve).
SE_OFFLINE=true "$VENV/bin/python" Tests/Browser/report_test.py --uptake "$UPTAKE" "$@"
SE_OFFLINE=true "$VENV/bin/python" Tests/Browser/explorer_test.py "$UPTAKE"
