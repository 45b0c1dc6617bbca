#!/usr/bin/env bash
# Compares `uptake sensitivity` with SALib (from PyPI, in a git-ignored venv
# under bench/) on the same samples and outputs. Exits non-zero on disagreement.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=bench/.venv-salib
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -c "import SALib" 2>/dev/null || "$VENV/bin/pip" install -q "SALib>=1.5,<2"
UPTAKE="${UPTAKE:-.build/debug/uptake}"
[ -x "$UPTAKE" ] || swift build --product uptake
UPTAKE="$UPTAKE" "$VENV/bin/python" bench/salib/compare.py
