#!/usr/bin/env bash
# Kernel throughput and plugin loading, as reported in docs/performance.md.
# Builds the release binary, then measures (best of 3 runs each):
#   bass:   p=0.003, q=0.3, small-world degree 8, 1M firms, 100 ticks, 1 and 2 threads
#   rogers: the baseline model, 1M firms, 40 ticks, 1 and 2 threads
#   loading every standard plugin into a fresh run
# Run it on an otherwise idle machine: other processes on the 2 cores distort the 2-thread figures.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib --product uptake >/dev/null   # as make build: one release configuration, no rebuild between them
U=.build/release/uptake
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in 1 2; do $U bench --rule bass --firms 1000000 --ticks 100 --p 0.003 --q 0.3 --degree 8 --threads $t --repeats 3 | tail -1 | sed "s/^/bass, $t thread(s): /"; done
for t in 1 2; do $U bench --rule rogers --firms 1000000 --ticks 40 --threads $t --repeats 3 | tail -1 | sed "s/^/rogers, $t thread(s): /"; done
$U bench --load bench/all-plugins.lua --repeats 9
