#!/usr/bin/env bash
# Uptake against a plain C loop of the same rule (bass.c), as whole processes:
# the network Bass rule, p = 0.003, q = 0.3, small-world degree 8, 1M firms,
# 100 ticks, one thread. Runs the two in turn RUNS times (default 5) and prints
# the median wall time and peak memory (/usr/bin/time) of each, and the median
# of the per-pair ratios Uptake / C.
#
#   bench/c-reference/run.sh                 # builds both, 5 pairs
#   RUNS=9 FIRMS=100000 bench/c-reference/run.sh
#   UPTAKE=/path/to/other/uptake bench/c-reference/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${RUNS:-5}"
FIRMS="${FIRMS:-1000000}"
TICKS="${TICKS:-100}"
UPTAKE="${UPTAKE:-.build/release/uptake}"
if [ "$UPTAKE" = .build/release/uptake ]; then
  swift build -c release --static-swift-stdlib --product uptake >/dev/null
fi
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
cc -O2 -o "$OUT/bass-c" bench/c-reference/bass.c -lm

# One whole-process run; appends "seconds kilobytes" to $1.
measure() {
  local log="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$OUT/one" "$@" >"$OUT/stdout"
  cat "$OUT/one" >>"$log"
}
uptake_cmd=("$UPTAKE" bench --rule bass --firms "$FIRMS" --ticks "$TICKS" --p 0.003 --q 0.3 --degree 8
  --threads 1 --repeats 1)
c_cmd=("$OUT/bass-c" "$FIRMS" "$TICKS" 8 0.003 0.3 1)
measure /dev/null "${uptake_cmd[@]}"   # warm-up: page cache, CPU frequency
measure /dev/null "${c_cmd[@]}"
for _ in $(seq "$RUNS"); do
  measure "$OUT/uptake" "${uptake_cmd[@]}"
  measure "$OUT/c" "${c_cmd[@]}"
done
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS pairs"
python3 - "$OUT/uptake" "$OUT/c" "$FIRMS" <<'PY'
import statistics, sys
def rows(path):
    return [tuple(float(x) for x in line.split()) for line in open(path) if line.strip()]
u, c, firms = rows(sys.argv[1]), rows(sys.argv[2]), int(sys.argv[3])
med = lambda xs: statistics.median(xs)
for name, r in (("Uptake", u), ("plain C", c)):
    print(f"{name:8s} wall median {med([x[0] for x in r]):.2f} s (min {min(x[0] for x in r):.2f}, "
          f"max {max(x[0] for x in r):.2f}), peak memory {med([x[1] for x in r]) / 1024:.0f} MiB "
          f"= {med([x[1] for x in r]) * 1024 / firms:.0f} bytes per firm")
ratios = [a[0] / b[0] for a, b in zip(u, c)]
print(f"Uptake / C wall: median {med(ratios):.2f}x (min {min(ratios):.2f}, max {max(ratios):.2f}); "
      f"peak memory {med([x[1] for x in u]) / med([x[1] for x in c]):.2f}x")
PY
