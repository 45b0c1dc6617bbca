#!/usr/bin/env python3
"""Does uptake calibrate recover parameters it knows? (issue 13, item 2)

For each trial: pick true values of two parameters of the baseline, run
`uptake run` with them (12 quarters), take adoption (all firms and by size
class) at the end of 2023, 2024 and 2025 as "observed" data with se = 0.01, calibrate with
uniform priors, and check whether each 90% credible interval covers the truth.
Prints one line per trial and the coverage. Needs only the Python standard
library and the uptake binary.

    bench/calibration/recovery.py .build/release/uptake --trials 10
"""
import argparse, csv, os, shutil, subprocess, sys, tempfile

PARAMETERS = {"model.word_of_mouth": (0.2, 0.8), "model.media_influence": (0.01, 0.08)}
SEGMENTS = {"all": "adoption", "small": "adoption_small", "medium": "adoption_medium", "large": "adoption_large"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("uptake")
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--firms", type=int, default=1000)
    ap.add_argument("--particles", type=int, default=30)
    ap.add_argument("--proposals", type=int, default=150)
    ap.add_argument("--generations", type=int, default=3)
    args = ap.parse_args()
    uptake = os.path.abspath(args.uptake)
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    covered = {p: 0 for p in PARAMETERS}
    for t in range(args.trials):
        # True values spread over the middle of the priors, deterministic.
        frac = 0.2 + 0.6 * (t / max(1, args.trials - 1))
        truth = {p: lo + ((frac + 0.37 * i) % 1 * 0.6 + 0.2) * (hi - lo) for i, (p, (lo, hi)) in enumerate(PARAMETERS.items())}
        work = tempfile.mkdtemp(prefix="uptake-recovery-")
        try:
            for d in ("scenarios", "plugins"):
                shutil.copytree(os.path.join(repo, d), os.path.join(work, d))
            sets = [f"--set=firms.count={args.firms}", "--set=ticks=12"] + [f"--set={p}={v!r}" for p, v in truth.items()]
            subprocess.run([uptake, "run", "scenarios/baseline.lua", "--quiet", "--out", "truth", "--seed", str(100 + t)] + sets,
                           cwd=work, check=True, stdout=subprocess.DEVNULL)
            rows = list(csv.DictReader(open(os.path.join(work, "truth", "series.csv"))))
            with open(os.path.join(work, "data.csv"), "w") as f:
                f.write("date,segment,value,se\n")
                for year in ("2023", "2024", "2025"):
                    last = [r for r in rows if r["date"].startswith(year)][-1]
                    for segment, column in SEGMENTS.items():
                        f.write(f"{last['date']},{segment},{last[column]},0.01\n")
            priors = ",\n    ".join(f'["{p}"] = {{ min = {lo}, max = {hi} }}' for p, (lo, hi) in PARAMETERS.items())
            with open(os.path.join(work, "scenarios", "recover.lua"), "w") as f:
                f.write(f"""return calibration {{
  scenario = "baseline.lua", data = "../data.csv",
  parameters = {{
    {priors}
  }},
  set = {{ ["firms.count"] = {args.firms}, ticks = 12 }},
  particles = {args.particles}, proposals = {args.proposals}, generations = {args.generations}, seed = {t + 1},
}}
""")
            subprocess.run([uptake, "calibrate", "scenarios/recover.lua", "--out", "cal", "--quiet"], cwd=work, check=True,
                           stdout=subprocess.DEVNULL)
            posterior = list(csv.DictReader(open(os.path.join(work, "cal", "posterior.csv"))))
            line = []
            for p in PARAMETERS:
                pairs = sorted((float(r[p]), float(r["weight"])) for r in posterior)
                def q(level):
                    c = 0.0
                    for v, w in pairs:
                        c += w
                        if c >= level - 1e-12:
                            return v
                    return pairs[-1][0]
                low, high = q(0.05), q(0.95)
                inside = low <= truth[p] <= high
                covered[p] += inside
                line.append(f"{p} true {truth[p]:.4g} interval [{low:.4g}, {high:.4g}] {'covered' if inside else 'MISSED'}")
            print(f"trial {t + 1}: " + "; ".join(line), flush=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    for p, c in covered.items():
        print(f"coverage of the 90% intervals, {p}: {c} of {args.trials} ({c / args.trials:.0%})")


if __name__ == "__main__":
    main()
