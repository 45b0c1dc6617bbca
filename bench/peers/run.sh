#!/usr/bin/env bash
# Uptake beside Mesa (network Bass) and NDlib (linear threshold), installed
# from PyPI into a git-ignored venv (bench/.venv-peers):
#   1. firm-ticks per second of the tick loop, each side, at 10k, 100k and
#      1M firms (small-world degree 8, one thread), and the ratio;
#   2. NDlib's adopters per tick must equal Uptake's on the same graph,
#      thresholds and initial adopters (exits non-zero if they do not);
#   3. the batch: 200 runs of 2,000 firms x 40 ticks (sweep/), uptake batch
#      --jobs 2 against Mesa's batch_run with 2 processes, runs per second.
# Usage: bench/peers/run.sh [SIZES]   (default "10000 100000 1000000")
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=bench/.venv-peers
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import mesa, ndlib, networkx, six" 2>/dev/null || "$VENV/bin/pip" install -q "mesa>=3,<4" "ndlib>=5" networkx six
PY="$VENV/bin/python"
UPTAKE="${UPTAKE:-.build/release/uptake}"
if [ "$UPTAKE" = .build/release/uptake ]; then
  swift build -c release --static-swift-stdlib --product uptake >/dev/null
fi
UPTAKE="$(realpath "$UPTAKE")"
SIZES="${1:-10000 100000 1000000}"
ticks_for() { case "$1" in 10000) echo 20 ;; 100000) echo 10 ;; *) echo 3 ;; esac; }
# Firm-ticks per second of uptake bench's best repetition (tick loop only).
uptake_rate() {
  "$UPTAKE" bench --rule "$1" --firms "$2" --ticks "$3" --degree 8 --threads 1 --repeats 3 |
    awk '/^best/ { print $2 * 1e6 }'
}
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$PY" -c 'import mesa, ndlib, networkx, sys; print("Python", sys.version.split()[0], "mesa", mesa.__version__, "ndlib", getattr(ndlib, "__version__", "?"), "networkx", networkx.__version__)')"
echo
echo "| rule | firms | ticks | Uptake firm-ticks/s | peer | peer firm-ticks/s | Uptake / peer |"
echo "|---|---|---|---|---|---|---|"
for n in $SIZES; do
  t=$(ticks_for "$n")
  ours=$(uptake_rate bass "$n" "$t")
  read -r _ _ secs _ < <("$PY" bench/peers/mesa_bass.py "$n" "$t")
  python3 -c "o=$ours; p=$n*$t/$secs; print(f'| bass | {$n:,} | $t | {o/1e6:.1f} M | Mesa | {p/1e6:.3f} M | {o/p:.0f}x |')"
done
for n in $SIZES; do
  t=$(ticks_for "$n")
  ours=$(uptake_rate threshold "$n" "$t")
  read -r _ _ secs agree < <("$PY" bench/peers/ndlib_threshold.py "$UPTAKE" "$n" "$t")
  python3 -c "o=$ours; p=$n*$t/$secs; print(f'| threshold | {$n:,} | $t | {o/1e6:.1f} M | NDlib ({\"$agree\"}) | {p/1e6:.3f} M | {o/p:.0f}x |')"
done
echo
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp bench/peers/sweep/bass.lua bench/peers/sweep/sweep.lua "$WORK/"
# Uptake: the median of three sweeps, each timed around the command alone (bash's clock: a
# Python started to read the time would add its own start to a fifth of a second).
walls=()
for k in 1 2 3; do
  s=$EPOCHREALTIME
  (cd "$WORK" && "$UPTAKE" batch sweep.lua --out "r$k.db" --jobs 2 --quiet >/dev/null 2>&1)
  e=$EPOCHREALTIME
  walls+=("$e - $s")
done
ours=$(python3 -c "import statistics; print(200 / statistics.median([$(IFS=,; echo "${walls[*]}")]))")
# Mesa runs the first 2 of the 20 points (20 runs): the same runs per second, in a tenth of the time.
read -r runs secs < <("$PY" bench/peers/sweep/mesa_batch.py 2 2)
python3 -c "o=$ours; p=$runs/$secs; print(f'batch, 200 runs of 2,000 firms x 40 ticks, 2 jobs: Uptake {o:.0f} runs/s, Mesa batch_run {p:.1f} runs/s ({$runs} runs), {o/p:.0f}x')"
