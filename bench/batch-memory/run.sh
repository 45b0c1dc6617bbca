#!/usr/bin/env bash
# Peak memory (RSS) and runs per second of a 200-run and a 20,000-run batch
# of a small scenario (200 firms, 8 ticks, one plugin, a series column every
# 2 ticks): memory must stay flat in the number of runs. Release build.
# Usage: bench/batch-memory/run.sh [JOBS]
set -euo pipefail
cd "$(dirname "$0")/../.."
JOBS="${1:-2}"
command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
swift build -c release --static-swift-stdlib --product uptake >/dev/null   # as make build: one release configuration, no rebuild between them
UPTAKE=$(pwd)/.build/release/uptake
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp bench/batch-memory/small.lua "$WORK/"
export UPTAKE_PLUGIN_PATH=$(pwd)/plugins
for runs in 200 20000; do
  sed "s/SAMPLES/$((runs / 20))/" bench/batch-memory/experiment.lua.in > "$WORK/exp$runs.lua"
  (cd "$WORK" && /usr/bin/time -v "$UPTAKE" batch "exp$runs.lua" --out "r$runs.db" --jobs "$JOBS" 2> "time$runs.txt" | tail -1)
  rss=$(awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }' "$WORK/time$runs.txt")
  echo "$runs runs: peak RSS $((rss / 1024)) MiB"
done
