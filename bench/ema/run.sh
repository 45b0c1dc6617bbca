#!/usr/bin/env bash
# Compares `uptake discover` with EMA Workbench's PRIM (from PyPI, in a
# git-ignored venv under bench/) on the same runs. Exits non-zero on disagreement.
# ema_workbench 2.5 (the last for Python 3.11, the project's; 3.0 needs 3.12
# and drops Prim's threshold argument, which compare.py passes as 2.5 wants
# it): its PRIM is 3.0's algorithm. It predates pandas 3 (it writes a pasted
# 1.5 into an integer column, which pandas 3 refuses), hence pandas 2.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=bench/.venv-ema
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv --system-site-packages "$VENV"
fi
"$VENV/bin/python" -c "import ema_workbench, pandas; assert int(pandas.__version__.split('.')[0]) < 3" 2>/dev/null \
  || "$VENV/bin/pip" install -q "ema_workbench>=2.5,<3" "pandas>=2,<3"
UPTAKE="${UPTAKE:-.build/debug/uptake}"
[ -x "$UPTAKE" ] || swift build --product uptake
# A fixed string hash seed: EMA visits a categorical input's categories in set order.
UPTAKE="$UPTAKE" PYTHONHASHSEED=0 "$VENV/bin/python" bench/ema/compare.py
