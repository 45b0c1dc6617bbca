#!/usr/bin/env bash
# Chaos test of the batch supervisor: a batch is interrupted many times at
# random points (SIGKILL, SIGTERM or SIGINT to the supervisor; SIGKILL or
# SIGSTOP to a worker, then the supervisor stopped too) and resumed after
# each; at the end its database must equal an uninterrupted batch's, table
# by table (timestamps and durations aside), with every run stored once.
#
#   scripts/chaos-test.sh [UPTAKE_BINARY]      CHAOS_SEED=N to replay a sequence, CHAOS_ROUNDS=N rounds (12)
set -euo pipefail
cd "$(dirname "$0")/.."
uptake=$(realpath "${1:-.build/debug/uptake}")
seed=${CHAOS_SEED:-$(( $(date +%s) % 32768 ))}
rounds=${CHAOS_ROUNDS:-12}
RANDOM=$seed
echo "chaos: seed $seed, $rounds rounds (replay with CHAOS_SEED=$seed)"
command -v sqlite3 >/dev/null || { echo "chaos: sqlite3 is needed (apt-get install sqlite3)"; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/uptake-chaos.XXXXXX")
cleanup() { pkill -KILL -f "uptake-chaos.*experiment.lua" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
cat > "$dir/experiment.lua" <<LUA
return experiment {
  name = "chaos", scenario = "$PWD/scenarios/baseline.lua", seed = 11,
  set = { ["firms.count"] = 4000, ["ticks"] = 40 },
  levers = { ["tax-relief.rate"] = { 0, 0.15, 0.3 } },
  uncertainties = { ["model.word_of_mouth"] = { min = 0.3, max = 0.6 } },
  design = { kind = "lhs", samples = 4 },
  replicates = 16,
  record = { final = { "adopters", "adoption", "spend_cumulative" }, series = { "adoption" }, every = 4 },
}
LUA
cd "$dir"
options=(--jobs 2 --quiet --answer-timeout 1)

"$uptake" batch experiment.lua "${options[@]}" --out reference.db
total=$(sqlite3 reference.db "SELECT count(*) FROM runs")

pause() { sleep "0.$(( RANDOM % 9 + 1 ))"; }
workers_of() { pgrep -P "$1" -f "uptake worker" || true; }
actions=(kill-supervisor term-supervisor int-supervisor kill-worker stop-worker)
for round in $(seq 1 "$rounds"); do
  resume=(); [ -f chaos.db ] && resume=(--resume)
  # Started directly (not through a function or subshell): $! is the supervisor itself.
  "$uptake" batch experiment.lua "${options[@]}" --out chaos.db "${resume[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep 0.3; pause
  action=${actions[$(( RANDOM % ${#actions[@]} ))]}
  case $action in
    kill-supervisor) kill -KILL "$pid" 2>/dev/null || true ;;
    term-supervisor) kill -TERM "$pid" 2>/dev/null || true ;;
    int-supervisor) kill -INT "$pid" 2>/dev/null || true ;;
    kill-worker|stop-worker)
      w=$(workers_of "$pid" | head -n 1)
      if [ -n "$w" ]; then kill "-$([ $action = kill-worker ] && echo KILL || echo STOP)" "$w" 2>/dev/null || true; fi
      sleep 1.2; pause   # the supervisor replaces the worker (a stopped one after --answer-timeout, 1 s)
      kill -KILL "$pid" 2>/dev/null || true ;;
  esac
  wait "$pid" 2>/dev/null || true
  # Workers end with their supervisor.
  for _ in $(seq 1 50); do [ -z "$(pgrep -f "worker $dir/experiment.lua\|worker experiment.lua" || true)" ] && break; sleep 0.1; done
  pkill -CONT -f "uptake worker" 2>/dev/null || true
  done_runs=$( [ -f chaos.db ] && sqlite3 chaos.db "SELECT count(*) FROM runs" 2>/dev/null || echo 0)
  echo "chaos: round $round: $action; $done_runs of $total runs stored"
done
"$uptake" batch experiment.lua "${options[@]}" --out chaos.db --resume

dump() {
  sqlite3 "$1" <<SQL
SELECT * FROM experiment WHERE key != 'created_at' ORDER BY key;
SELECT * FROM provenance ORDER BY kind, name;
SELECT * FROM parameters ORDER BY position;
SELECT * FROM points ORDER BY point;
SELECT * FROM point_values ORDER BY point, parameter;
SELECT run, point, replicate, seed, status, error, ticks FROM runs ORDER BY run;
SELECT * FROM outputs ORDER BY run, metric;
SELECT * FROM series ORDER BY run, tick, metric;
SQL
}
if ! diff <(dump reference.db) <(dump chaos.db) > diff.txt; then
  echo "chaos: FAILED: the resumed database differs from the uninterrupted one (seed $seed):"
  head -n 20 diff.txt
  exit 1
fi
stored=$(sqlite3 chaos.db "SELECT count(*), count(DISTINCT run) FROM runs")
[ "$stored" = "$total|$total" ] || { echo "chaos: FAILED: runs stored $stored, expected $total|$total (seed $seed)"; exit 1; }
echo "chaos: passed: after $rounds interruptions the database equals the uninterrupted batch's ($total runs, each once)"
