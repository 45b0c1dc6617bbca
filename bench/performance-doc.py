#!/usr/bin/env python3
"""Writes docs/performance.md from measurements taken now, on this machine.

Every table of that page comes from a command this script runs (and prints
beside the table); the prose around the tables is here, in TEMPLATE. Run it
on an otherwise idle machine, with the release build made:

    swift build -c release --static-swift-stdlib --product uptake
    bench/performance-doc.py                 # about 15 minutes on 2 cores
    bench/performance-doc.py --skip peers    # without Mesa and NDlib (they need PyPI)

Sections: c (against a plain C loop), memory (bytes per firm up to 50M firms),
threads (1 and 2 threads), batch (runs per second), plugins (the plugin
host's share, counted with callgrind), callgrind (instruction counts of
building a run), peers (Mesa and NDlib). A skipped section keeps a note
saying how to measure it.
"""

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UPTAKE = os.path.join(ROOT, ".build", "release", "uptake")


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, cwd=kw.pop("cwd", ROOT), check=True, capture_output=True, text=True,
                          **kw).stdout


def timed(cmd, cwd=ROOT):
    """Wall seconds and peak resident memory (KiB) of one whole process, from /usr/bin/time."""
    with tempfile.NamedTemporaryFile() as out:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", out.name] + cmd, cwd=cwd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, kib = open(out.name).read().split()[-2:]
        return float(wall), int(kib)


def machine():
    cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read()).group(1)
    mem = int(re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read()).group(1)) / 1024 / 1024
    swift = sh("swift --version 2>&1 | head -1").strip()
    commit = sh("git rev-parse --short HEAD").strip()
    return (f"{os.cpu_count()} vCPUs ({cpu}), {mem:.0f} GiB, {swift}, release build of {commit}, "
            f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"load before starting {open('/proc/loadavg').read().split()[0]}")


def section_c():
    out = sh("bench/c-reference/run.sh")
    return "    bench/c-reference/run.sh\n\n" + "".join("    " + line + "\n" for line in out.splitlines())


def section_memory():
    rows = ["| model | firms | peak memory | bytes per firm |", "|---|---|---|---|"]
    for rule, firms in (("rogers", 1_000_000), ("rogers", 10_000_000), ("rogers", 50_000_000),
                        ("bass", 1_000_000), ("bass", 10_000_000)):
        _, kib = timed([UPTAKE, "bench", "--rule", rule, "--firms", str(firms), "--ticks", "3", "--repeats", "1"])
        rows.append(f"| {rule}, small-world degree 8 | {firms:,} | {kib / 1024:,.0f} MiB | {kib * 1024 / firms:.0f} |")
    return ("    /usr/bin/time -f %M .build/release/uptake bench --rule RULE --firms N --ticks 3 --repeats 1\n\n" + "\n".join(rows)
            + "\n")


def bench_rate(rule, firms, ticks, threads):
    out = sh(f"{UPTAKE} bench --rule {rule} --firms {firms} --ticks {ticks} --threads {threads} --repeats 3")
    return float(re.search(r"best: ([\d.]+) M", out).group(1))


def section_threads():
    rows = ["| model | 1 thread | 2 threads | 2 threads / 1 |", "|---|---|---|---|"]
    for rule, ticks in (("bass", 100), ("rogers", 40)):
        one, two = bench_rate(rule, 1_000_000, ticks, 1), bench_rate(rule, 1_000_000, ticks, 2)
        rows.append(f"| {rule}, 1M firms, {ticks} ticks | {one:.1f} M | {two:.1f} M | {two / one:.2f}x |")
    return ("    .build/release/uptake bench --rule RULE --firms 1000000 --ticks T --threads 1|2 --repeats 3   # best of 3\n\n"
            + "\n".join(rows) + "\n")


def section_batch():
    # Nine sweeps a row: a sweep takes a fifth of a second, and on a shared machine three
    # left the median moving by a tenth from one hour to the next.
    rows = ["| jobs | wall time (median of 9) | runs per second |", "|---|---|---|"]
    with tempfile.TemporaryDirectory() as work:
        for name in ("bass.lua", "sweep.lua"):
            shutil.copy(os.path.join(ROOT, "bench", "peers", "sweep", name), work)
        for jobs in (1, 2):
            walls = []
            for k in range(9):
                walls.append(timed([UPTAKE, "batch", "sweep.lua", "--out", f"r{jobs}-{k}.db", "--jobs", str(jobs)],
                                   cwd=work)[0])
            wall = statistics.median(walls)
            rows.append(f"| {jobs} | {wall:.3f} s | {200 / wall:.0f} |")
    return ("    cd bench/peers/sweep && ../../../.build/release/uptake batch sweep.lua --out r.db --jobs J   # 200 runs, whole process\n\n"
            + "\n".join(rows) + "\n")


def callgrind_total(cmd, cwd=ROOT, functions=()):
    """Instructions executed by a whole process, and the inclusive share of functions matching each pattern."""
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "cg.out")
        if cmd[0] == UPTAKE:
            # valgrind 3.19 gives up on the release binary's debug information: a copy without it.
            stripped = os.path.join(work, "uptake")
            subprocess.run(["strip", "--strip-debug", "-o", stripped, UPTAKE], check=True)
            cmd = [stripped] + cmd[1:]
        # `uptake run` runs the simulation in a child process of its own: follow it, and
        # read the process that executed the most instructions.
        subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                        f"--callgrind-out-file={out}.%p"] + cmd, cwd=cwd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        texts = [subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", os.path.join(work, f)],
                                check=True, capture_output=True, text=True).stdout
                 for f in os.listdir(work) if f.startswith("cg.out.")]
        text = max(texts, key=lambda t: int(re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", t).group(1)
                                               .replace(",", "")))
    total = int(re.search(r"([\d,]+) \(100\.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))
    shares = {}
    for pattern in functions:
        best = 0
        for line in text.splitlines():
            m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*:(.*)", line)
            if m and re.search(pattern, m.group(2)):
                best = max(best, int(m.group(1).replace(",", "")))
        shares[pattern] = best / total
    return total, shares


def section_plugins():
    scenario = "scenarios/policy-package.lua"
    with tempfile.TemporaryDirectory() as work:
        total, shares = callgrind_total(
            [UPTAKE, "run", os.path.join(ROOT, scenario), "--set", "firms.count=100000", "--out", work, "--quiet"],
            functions=(r"PluginHost.*simulationWillStep", r"PluginHost.*simulationDidStep",
                       r"PluginHost.*simulationDidSetUp"))
    will, did = shares[r"PluginHost.*simulationWillStep"], shares[r"PluginHost.*simulationDidStep"]
    setup = shares[r"PluginHost.*simulationDidSetUp"]
    return (f"    valgrind --tool=callgrind .build/release/uptake run {scenario} --set firms.count=100000\n\n"
            f"| what | share of the whole run's instructions |\n|---|---|\n"
            f"| plugin hooks before each tick (`before_tick`) | {will:.1%} |\n"
            f"| plugin hooks after each tick (`after_tick`, adoption events) | {did:.1%} |\n"
            f"| plugin setup hooks | {setup:.1%} |\n"
            f"| all plugin hooks | {will + did + setup:.1%} |\n\n"
            f"({total / 1e9:.2f} billion instructions in all.)\n")


def section_callgrind():
    rows = ["| what | instructions |", "|---|---|"]
    for rule, firms, ticks in (("bass", 100_000, 1), ("bass", 100_000, 100), ("rogers", 100_000, 1)):
        total, _ = callgrind_total([UPTAKE, "bench", "--rule", rule, "--firms", str(firms), "--ticks", str(ticks),
                                    "--repeats", "1"])
        rows.append(f"| `uptake bench --rule {rule} --firms {firms} --ticks {ticks} --repeats 1` | "
                    f"{total / 1e6:,.0f} M |")
    return "    valgrind --tool=callgrind COMMAND   # PROGRAM TOTALS\n\n" + "\n".join(rows) + "\n"


def section_peers():
    out = sh("bench/peers/run.sh")
    # Its "# when, where, versions" lines as code, not Markdown headings.
    lines = [("    " + line if line.startswith("# ") else line) for line in out.splitlines()]
    return "    bench/peers/run.sh\n" + "\n".join(lines) + "\n"


SECTIONS = {"c": section_c, "memory": section_memory, "threads": section_threads, "batch": section_batch,
            "plugins": section_plugins, "callgrind": section_callgrind, "peers": section_peers}

TEMPLATE = open(os.path.join(ROOT, "bench", "performance.md.in")).read() if os.path.exists(
    os.path.join(ROOT, "bench", "performance.md.in")) else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(SECTIONS))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "performance.md"))
    args = parser.parse_args()
    if not os.access(UPTAKE, os.X_OK):
        sys.exit("build the release binary first: swift build -c release --static-swift-stdlib --product uptake")
    values = {"machine": machine()}
    for name, make in SECTIONS.items():
        if name in args.skip:
            values[name] = f"(Not measured in this edition: run `bench/performance-doc.py` without `--skip {name}`.)\n"
            continue
        start = time.time()
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        values[name] = make()
        print(f"  {time.time() - start:.0f} s", file=sys.stderr)
    text = TEMPLATE
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value.rstrip("\n"))
    open(args.out, "w").write(text)
    print(f"wrote {os.path.relpath(args.out, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
