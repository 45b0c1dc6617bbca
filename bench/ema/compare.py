#!/usr/bin/env python3
"""Checks `uptake discover` against EMA Workbench's PRIM on the same data.

Runs a batch of a test plugin whose outputs are known functions of its
parameters. The experiment crosses two levers (kind, a string: a, b, c;
level, an integer: 1, 2, 3) with a Latin hypercube of 100 draws of three
uncertainties x1, x2, x3 on [0, 1]: 900 runs. So the inputs exercise every
kind of peel: quantile peels of continuous inputs, EMA's discrete peel of a
whole-number input and the one-category-at-a-time peel of a categorical one.
Three cases of interest:

- y >= 0.5, a planted box: y = 1 inside x1 in [0.2, 0.6], x2 >= 0.5, kind
  in {a, b}, level >= 2, and in a small stray region (x3 > 0.9 and
  x1 > 0.8); 0 elsewhere;
- z >= 1.1 and z <= 0.6 (given as --outcome z --threshold 0.6 --below), for
  the noisy z = w x1 + x2 / 2 + 0.4 (sin(12345.678 x3) + 1) / 2 with w = 1,
  0.8, 0 for kind a, b, c, whose boxes need pasting (one paste step, and
  seven).

No two candidate boxes of these trajectories tie on a categorical input:
uptake breaks such a tie by the categories' sorted order, EMA by Python's
set order, which changes from process to process with the string hash seed
(run.sh fixes PYTHONHASHSEED so that a failure can be replayed). That is
why the weights of kinds a and b differ.

For each, the inputs and the case of interest are read from the results
database (sqlite3), independently of uptake; `uptake discover --csv` must
have written the same rows. They go to `prim.Prim(x, y, threshold=0.8)`
with EMA's defaults (peel_alpha, paste_alpha, mass_min 0.05; LENIENT1),
whose `find_box()` gives the first box with its peeling and pasting
trajectory. Compared with `uptake discover --json`:

- every step of the trajectory: the same number of steps, the same runs and
  cases in each, coverage, density and mass to 1e-12, the same restricted
  inputs, and their limits to 1e-9 (the same quantile rule on the same
  numbers; categorical limits as the same set);
- the box uptake reports (the first step with density >= 0.8) and EMA's
  box selected at that step (`box.select(i)`): limits to 1e-9, coverage and
  density to 1e-12, the quasi-p values of its restrictions to a relative
  1e-6 (EMA: scipy's binomtest; uptake: its own binomial tail);
- EMA's find_box result (the last step) against uptake's last step;
- the planted box (y >= 0.5): the densest box's limits within 0.1 of the true ones;
- the feature scores of the numeric inputs: the two-sample
  Kolmogorov-Smirnov statistic, to 1e-12 against scipy.stats.ks_2samp.
  EMA's own default feature scoring (extra trees, seeded) is printed for
  comparison, not checked: it is a different, randomised statistic.

Exit status 0 when everything agrees, 1 otherwise.
"""
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy.stats import ks_2samp  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from ema_workbench.analysis import prim  # noqa: E402
    from ema_workbench.analysis import feature_scoring  # noqa: E402

UPTAKE = os.path.abspath(os.environ.get("UPTAKE", ".build/debug/uptake"))
LIMIT_TOLERANCE = 1e-9
SHARE_TOLERANCE = 1e-12
QUASI_P_TOLERANCE = 1e-6  # relative
PLANTED_TOLERANCE = 0.1
DENSITY_THRESHOLD = 0.8

PLUGIN_TOML = """name = "planted"
version = "1.0.0"
api = "^1"
description = "A planted box: y = 1 inside it (and in a small stray region), 0 elsewhere"
""" + "".join(f"\n[params.x{i}]\ntype = \"number\"\ndefault = 0\nmin = 0\nmax = 1\n" for i in (1, 2, 3)) + """
[params.kind]
type = "string"
default = "a"
choices = ["a", "b", "c"]

[params.level]
type = "integer"
default = 1
min = 1
max = 3
"""

PLUGIN_LUA = """local m = {}
function m.after_tick(ctx)
  local p = ctx.params
  local inside = p.x1 >= 0.2 and p.x1 <= 0.6 and p.x2 >= 0.5 and p.kind ~= "c" and p.level >= 2
  local stray = p.x3 > 0.9 and p.x1 > 0.8
  ctx.record("y", (inside or stray) and 1 or 0)
  local noise = (math.sin(p.x3 * 12345.678) + 1) / 2
  local weight = ({ a = 1, b = 0.8, c = 0 })[p.kind]
  ctx.record("z", weight * p.x1 + 0.5 * p.x2 + 0.4 * noise)
end
return m
"""

SCENARIO = """return scenario {
  name = "planted", ticks = 1, seed = 1, firms = 10,
  network = { kind = "mean-field" },
  plugins = { { "planted" } },
}
"""

EXPERIMENT = """return experiment {
  name = "A planted box",
  scenario = "scenario.lua", seed = 13,
  levers = { ["planted.kind"] = { "a", "b", "c" }, ["planted.level"] = { 1, 2, 3 } },
  uncertainties = {
    ["planted.x1"] = { min = 0, max = 1 },
    ["planted.x2"] = { min = 0, max = 1 },
    ["planted.x3"] = { min = 0, max = 1 },
  },
  design = { kind = "lhs", samples = 100 },
  record = { final = { "y", "z" } },
}
"""

# (name, uptake discover's options, output, which values are cases, the planted box if known)
CASES = [
    ("y>=0.5", ["--outcome", "y>=0.5"], "y", lambda v: v >= 0.5, True),
    ("z>=1.1", ["--outcome", "z>=1.1"], "z", lambda v: v >= 1.1, False),
    ("z<=0.6", ["--outcome", "z", "--threshold", "0.6", "--below"], "z", lambda v: v <= 0.6, False),
]
PLANTED = {"planted.x1": (0.2, 0.6), "planted.x2": (0.5, None), "planted.level": (2, None),
           "planted.kind": {"a", "b"}}


def inputs_from_database(db, metric):
    """Each successful run's parameter values (number, else text) and output, straight from the tables."""
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("SELECT path FROM parameters ORDER BY position")]
    values = {}
    for point, parameter, value, number in con.execute("SELECT point, parameter, value, number FROM point_values"):
        values[(point, parameter)] = number if number is not None else value
    rows, ys = [], []
    query = ("SELECT r.run, r.point, o.value FROM runs r JOIN outputs o ON o.run = r.run "
             "WHERE r.status = 'ok' AND o.metric = ? AND o.value IS NOT NULL ORDER BY r.run")
    for run, point, y in con.execute(query, (metric,)):
        rows.append([values[(point, n)] for n in names])
        ys.append(y)
    frame = pd.DataFrame(rows, columns=names)
    return frame.loc[:, frame.nunique() > 1], np.array(ys)


def is_text(column):
    """A column of strings (object in pandas 2, str in pandas 3): a categorical input."""
    return not pd.api.types.is_numeric_dtype(column)


def limits_of_ema(box_lim, restricted):
    """EMA's limits of the restricted inputs: (low, high) or a set of categories."""
    out = {}
    for name in restricted:
        low, high = box_lim.loc[0, name], box_lim.loc[1, name]
        out[name] = set(low) if isinstance(low, set) else (float(low), float(high))
    return out


def limits_of_uptake(limits):
    return {name: set(v["values"]) if "values" in v else (v["low"], v["high"]) for name, v in limits.items()}


failures = []


def check(what, ok, ours, theirs, peer="EMA"):
    print(f"  {'ok ' if ok else 'BAD'} {what:44s} uptake {ours}  {peer} {theirs}")
    if not ok:
        failures.append(what)


def close(a, b, tolerance, relative=False):
    if relative:
        return abs(a - b) <= tolerance * max(abs(a), abs(b), 1e-300)
    return abs(a - b) <= tolerance


def same_limits(ours, theirs):
    if ours.keys() != theirs.keys():
        return False
    for name, a in ours.items():
        b = theirs[name]
        if isinstance(a, set) or isinstance(b, set):
            if a != b:
                return False
        elif not (close(a[0], b[0], LIMIT_TOLERANCE) and close(a[1], b[1], LIMIT_TOLERANCE)):
            return False
    return True


def compare(folder, number, name, options, metric, is_case, planted):
    """One case of interest: uptake discover against EMA's prim on the same rows."""
    print(f"\n== {name}: uptake discover planted.db {' '.join(options)}")
    csv = f"csv{number}"
    out = subprocess.run([UPTAKE, "discover", "planted.db", *options, "--json", "--csv", csv],
                         cwd=folder, check=True, capture_output=True, text=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    discovery = next(line for line in lines if line["kind"] == "discovery")
    steps = [line for line in lines if line["kind"] == "step"]
    box = next(line for line in lines if line["kind"] == "box")
    scores = {line["input"]: line for line in lines if line["kind"] == "feature_score"}

    x, values = inputs_from_database(os.path.join(folder, "planted.db"), metric)
    y = np.array([is_case(v) for v in values]).astype(int)
    # uptake's export must hold the same rows; pandas then reads the columns' types from it
    # (whole numbers as int64, text as strings), as EMA expects them.
    exported = pd.read_csv(os.path.join(folder, csv, "inputs.csv"), float_precision="round_trip")
    same_rows = (list(exported.columns[3:-2]) == list(x.columns)
                 and all((exported[c].astype(str) == x[c].astype(str)).all() if is_text(x[c])
                         else np.array_equal(exported[c].to_numpy(float), x[c].to_numpy(float)) for c in x.columns)
                 and np.array_equal(exported["case"].to_numpy(), y))
    check("inputs.csv = the database's rows", same_rows, f"{len(exported)} rows", f"{len(x)} rows")
    x = exported[list(x.columns)]
    print(f"Data: {len(y)} runs, {int(y.sum())} cases of interest; inputs and their pandas types: "
          + ", ".join(f"{c} {x[c].dtype}" for c in x.columns))

    started = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y, threshold=DENSITY_THRESHOLD)
        ema_box = p.find_box()
    print(f"EMA Workbench prim.Prim(x, y, threshold={DENSITY_THRESHOLD}).find_box(): {time.time() - started:.1f} s")
    trajectory = ema_box.peeling_trajectory

    pastes = sum(1 for step in steps if step["move"] == "paste")
    print(f"Trajectory: {len(steps)} steps in uptake ({pastes} pastes), {len(trajectory)} in EMA")
    check("number of steps", len(steps) == len(trajectory), len(steps), len(trajectory))
    for i, (ours, (_, theirs)) in enumerate(zip(steps, trajectory.iterrows())):
        ema_restricted = sorted(prim.sdutil._determine_restricted_dims(ema_box.box_lims[i], p.box_init))
        agree = (ours["runs"] == theirs["n"] and ours["cases"] == theirs["k"]
                 and close(ours["coverage"], theirs["coverage"], SHARE_TOLERANCE)
                 and close(ours["density"], theirs["density"], SHARE_TOLERANCE)
                 and close(ours["mass"], theirs["mass"], SHARE_TOLERANCE)
                 and sorted(ours["restricted"]) == ema_restricted
                 and same_limits(limits_of_uptake(ours["limits"]), limits_of_ema(ema_box.box_lims[i], ema_restricted)))
        move = ours["move"] + (f" {ours['input']} {ours['category'] or ours['side']}" if ours["input"] else "")
        check(f"step {i:2d} {move}", agree,
              f"n {ours['runs']:3d} coverage {ours['coverage']:.4f} density {ours['density']:.4f}",
              f"n {int(theirs['n']):3d} coverage {theirs['coverage']:.4f} density {theirs['density']:.4f}")

    chosen = discovery["chosen_step"]
    ema_chosen = next(i for i, d in enumerate(trajectory["density"]) if d >= DENSITY_THRESHOLD)
    print(f"The box (first step with density >= {DENSITY_THRESHOLD}): uptake step {chosen}, EMA step {ema_chosen}")
    check("chosen step", chosen == ema_chosen == box["step"], chosen, ema_chosen)
    ema_box.select(ema_chosen)
    ema_limits = limits_of_ema(ema_box.box_lim, sorted(ema_box.qp[ema_chosen].keys()))
    for input_name, theirs in sorted(ema_limits.items()):
        ours = limits_of_uptake({input_name: box["limits"].get(input_name, {"values": []})})[input_name]
        check(f"box {input_name}", same_limits({input_name: ours}, {input_name: theirs}), ours, theirs)
    check("box coverage", close(box["coverage"], ema_box.coverage, SHARE_TOLERANCE), box["coverage"],
          ema_box.coverage)
    check("box density", close(box["density"], ema_box.density, SHARE_TOLERANCE), box["density"], ema_box.density)
    for input_name, (low, high) in sorted(ema_box.qp[ema_chosen].items()):
        limit = box["limits"][input_name]
        ours = (limit.get("quasi_p_low", limit.get("quasi_p")), limit.get("quasi_p_high"))
        for side, a, b in [("lower", ours[0], low), ("upper", ours[1], high)]:
            if b == -1:  # EMA: that side is not restricted
                check(f"quasi-p {input_name} {side}", a is None, a, "-1 (not restricted)")
            else:
                check(f"quasi-p {input_name} {side}", a is not None and close(a, b, QUASI_P_TOLERANCE, True), a, b)

    last = steps[-1]
    ema_box.select(len(trajectory) - 1)
    print(f"EMA's find_box result (the last step, density {ema_box.density:.3f}, "
          f"coverage {ema_box.coverage:.3f}) and uptake's last step:")
    restricted = sorted(prim.sdutil._determine_restricted_dims(ema_box.box_lim, p.box_init))
    ours, theirs = limits_of_uptake(last["limits"]), limits_of_ema(ema_box.box_lim, restricted)
    check("last box limits", same_limits(ours, theirs), dict(sorted(ours.items())), dict(sorted(theirs.items())))

    if planted:
        print("The planted box (true limits) and uptake's densest box:")
        for input_name, truth in PLANTED.items():
            got = ours.get(input_name)
            if isinstance(truth, set):
                ok = got == truth
            else:
                ok = got is not None and all(t is None or abs(g - t) <= PLANTED_TOLERANCE for g, t in zip(got, truth))
            print(f"  {'ok ' if ok else 'BAD'} {input_name:44s} found {got}  planted {truth}")
            if not ok:
                failures.append(f"planted {input_name}")

    print("Feature scores: uptake's KS distance and scipy's ks_2samp statistic (numeric inputs):")
    for input_name in x.columns:
        if is_text(x[input_name]):
            print(f"  --- {input_name:44s} uptake total variation {scores[input_name]['score']:.4f} (categorical)")
            continue
        statistic = ks_2samp(x[input_name][y == 1], x[input_name][y == 0]).statistic
        check(f"KS {input_name}", close(scores[input_name]["score"], statistic, SHARE_TOLERANCE),
              f"{scores[input_name]['score']:.6f}", f"{statistic:.6f}", peer="scipy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        numeric = x.copy()
        for c in numeric.columns:
            if is_text(numeric[c]):
                numeric[c] = numeric[c].astype("category").cat.codes
        trees = feature_scoring.get_ex_feature_scores(numeric, y, mode=prim.sdutil.RuleInductionType.CLASSIFICATION,
                                                      random_state=1)[0]
    ranking = ", ".join(f"{n} {v:.3f}" for n, v in trees.iloc[:, 0].items())
    ours = ", ".join(f"{n} {scores[n]['score']:.3f}" for n in sorted(scores, key=lambda n: scores[n]["rank"]))
    print(f"  ranking: uptake {ours}\n           EMA extra trees (for comparison, not checked) {ranking}")


def main():
    with tempfile.TemporaryDirectory(prefix="uptake-ema-") as folder:
        os.makedirs(os.path.join(folder, "plugins", "planted"))
        for name, text in [("plugins/planted/plugin.toml", PLUGIN_TOML), ("plugins/planted/init.lua", PLUGIN_LUA),
                           ("scenario.lua", SCENARIO), ("experiment.lua", EXPERIMENT)]:
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        started = time.time()
        subprocess.run([UPTAKE, "batch", "experiment.lua", "--out", "planted.db", "--jobs", "2", "--quiet"],
                       cwd=folder, check=True)
        print(f"Batch: 900 runs in {time.time() - started:.1f} s")
        for number, case in enumerate(CASES):
            compare(folder, number, *case)

    if failures:
        print(f"EMA Workbench check FAILED: {len(failures)} disagreement(s): {', '.join(failures)}")
        return 1
    print("EMA Workbench check passed: uptake's PRIM trajectories, boxes and quasi-p values equal EMA's on the same "
          "runs, for 3 cases of interest.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
