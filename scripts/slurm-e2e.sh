#!/usr/bin/env bash
# End-to-end test of `uptake slurm` against a real single-node Slurm cluster
# on this machine: installs Debian's slurmctld, slurmd, munge and
# slurm-client when missing, starts munged, slurmctld and slurmd with a
# private configuration, submits the array script `uptake slurm` writes
# (4 shards), waits for it, merges the shards, and checks the merged results
# equal a local `--jobs 2` run. Stops every daemon it started. Exits non-zero
# on any mismatch. Needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
say() { echo "slurm-e2e: $*"; }

UPTAKE="${UPTAKE:-.build/debug/uptake}"
[ -x "$UPTAKE" ] || swift build --product uptake
UPTAKE=$(realpath "$UPTAKE")

need=()
command -v slurmctld >/dev/null 2>&1 || need+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || need+=(slurmd)
command -v munged >/dev/null 2>&1 || [ -x /usr/sbin/munged ] || need+=(munge)
command -v sbatch >/dev/null 2>&1 || need+=(slurm-client)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
MUNGED=$(command -v munged || echo /usr/sbin/munged)

WORK=$(mktemp -d /tmp/uptake-slurm-XXXXXX)
chmod 755 "$WORK"
STARTED_PIDS=()
cleanup() {
  local status=$?
  for pid in "${STARTED_PIDS[@]}"; do $SUDO kill "$pid" 2>/dev/null || true; done
  # Give the daemons a moment to stop writing their state files (bounded: unreaped
  # daemons stay in the process table as zombies, so kill -0 alone never says they are gone).
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 30); do
      [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = "" ] && break
      [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" = "Z" ] && break
      sleep 0.1
    done
  done
  if [ $status -ne 0 ]; then
    for log in "$WORK"/slurmctld.log "$WORK"/slurmd.log "$WORK"/sweep-shard*.log; do
      [ -f "$log" ] && { echo "--- $log"; tail -20 "$log"; }
    done
  else
    # A scratch folder in /tmp: retry once if a daemon was still writing, never fail the check over it.
    rm -rf "$WORK" 2>/dev/null || { sleep 1; rm -rf "$WORK" 2>/dev/null || echo "slurm-e2e: could not remove $WORK"; }
  fi
  exit $status
}
trap cleanup EXIT

# munge: a key (1024 random bytes, owned by munge, mode 400) and the daemon.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  $SUDO mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  if [ ! -s /etc/munge/munge.key ]; then
    $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  $SUDO chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
  $SUDO chmod 400 /etc/munge/munge.key
  $SUDO runuser -u munge -- "$MUNGED"
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  STARTED_PIDS+=("$(cat /run/munge/munged.pid)")
  munge -n | unmunge >/dev/null || { say "munge does not work"; exit 1; }
  say "started munged"
fi

# A private Slurm configuration: one node (this machine), one partition.
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) - 1024 ))
mkdir -p "$WORK/state" "$WORK/spool"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=uptake-e2e
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ReturnToService=2
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$WORK/slurm.conf"
$SUDO slurmctld -f "$SLURM_CONF"
for _ in $(seq 50); do [ -s "$WORK/slurmctld.pid" ] && break; sleep 0.1; done
STARTED_PIDS+=("$(cat "$WORK/slurmctld.pid")")
$SUDO slurmd -f "$SLURM_CONF"
for _ in $(seq 50); do [ -s "$WORK/slurmd.pid" ] && break; sleep 0.1; done
STARTED_PIDS+=("$(cat "$WORK/slurmd.pid")")
for i in $(seq 60); do
  sinfo -h -o "%T" 2>/dev/null | grep -qE "idle|mixed" && break
  [ "$i" -eq 60 ] && { say "the node did not become idle"; sinfo || true; exit 1; }
  sleep 1
done
say "cluster up: $(sinfo -h -o '%P %D %T %c')"

# A small experiment: 2 policies x 4 LHS samples x 2 replicates = 16 runs.
cat > "$WORK/experiment.lua" <<EXP
return experiment {
  name = "slurm e2e", scenario = "$ROOT/scenarios/baseline.lua", seed = 5,
  set = { ["firms.count"] = 800, ticks = 12 },
  levers = { ["tax-relief.rate"] = { 0, 0.3 } },
  uncertainties = { ["model.word_of_mouth"] = { min = 0.3, max = 0.6 } },
  design = { kind = "lhs", samples = 4 },
  replicates = 2, common_random_numbers = true,
  baseline = { ["tax-relief.rate"] = 0 },
  record = { series = { "adoption" }, every = 4 },
}
EXP
cd "$WORK"
"$UPTAKE" slurm experiment.lua --shards 4 --out sweep --script sweep.sbatch
JOB=$(sbatch --parsable sweep.sbatch)
say "submitted array job $JOB"
for i in $(seq 600); do
  squeue -h -j "$JOB" 2>/dev/null | grep -q . || break
  [ "$i" -eq 600 ] && { say "the array job did not finish in 10 minutes"; squeue; exit 1; }
  sleep 1
done
for k in 1 2 3 4; do
  [ -f "sweep-shard${k}of4.db" ] || { say "shard $k wrote no database"; exit 1; }
done
"$UPTAKE" merge sweep-shard1of4.db sweep-shard2of4.db sweep-shard3of4.db sweep-shard4of4.db --out merged.db
"$UPTAKE" batch experiment.lua --jobs 2 --out local.db --quiet

# Every row of every table, without timings and timestamps.
python3 - merged.db local.db <<'PY'
import sqlite3, sys
queries = [
    "SELECT * FROM experiment WHERE key != 'created_at' ORDER BY key",
    "SELECT * FROM provenance ORDER BY kind, name", "SELECT * FROM parameters ORDER BY position",
    "SELECT * FROM points ORDER BY point", "SELECT * FROM point_values ORDER BY point, parameter",
    "SELECT run, point, replicate, seed, status, error, ticks FROM runs ORDER BY run",
    "SELECT * FROM outputs ORDER BY run, metric", "SELECT * FROM series ORDER BY run, tick, metric",
]
def dump(path):
    con = sqlite3.connect(path)
    return [con.execute(q).fetchall() for q in queries]
merged, local = dump(sys.argv[1]), dump(sys.argv[2])
for q, a, b in zip(queries, merged, local):
    if a != b:
        print(f"slurm-e2e: MISMATCH in: {q}\n  merged: {a[:3]}...\n  local:  {b[:3]}...")
        sys.exit(1)
runs = len(merged[5])
if runs != 16:
    print(f"slurm-e2e: expected 16 runs, found {runs}")
    sys.exit(1)
print(f"slurm-e2e: merged shards equal the local --jobs 2 run ({runs} runs, {len(merged[6])} outputs, {len(merged[7])} series rows)")
PY
