#!/usr/bin/env python3
"""Checks `uptake sensitivity` against SALib on the same samples and outputs.

Runs two batches of the Ishigami function (a test plugin, x1..x3 uniform on
[-pi, pi]): a Saltelli design for Sobol indices and a Morris design. Reads
the design (unit-cube coordinates) and the outputs from the results
databases, gives them to SALib (sobol.analyze with calc_second_order=False,
morris.analyze), and compares with `uptake sensitivity --json`.

Only the rows of y are compared (uptake also lists ticks_run, which is 1 in
every run: a constant, reported with null indices where SALib, dividing 0
by 0, gives 0 or NaN; the script checks that too).

Point estimates must agree to 1e-9 (same formulas on the same numbers; only
the order of floating-point sums differs). Confidence half-widths come from
bootstraps with different random draws, so they must agree to 25%.
Exit status 0 when everything agrees, 1 otherwise.
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import warnings

import numpy as np
from SALib.analyze import morris, sobol

UPTAKE = os.path.abspath(os.environ.get("UPTAKE", ".build/debug/uptake"))
POINT_TOLERANCE = 1e-9
CONFIDENCE_TOLERANCE = 0.25

PLUGIN_TOML = """name = "ishigami"
version = "1.0.0"
api = "^1"
description = "The Ishigami test function, recorded as y"
""" + "".join(f"\n[params.x{i}]\ntype = \"number\"\ndefault = 0\nmin = -4\nmax = 4\n" for i in (1, 2, 3))

PLUGIN_LUA = """local m = {}
function m.after_tick(ctx)
  local p = ctx.params
  ctx.record("y", math.sin(p.x1) + 7 * math.sin(p.x2) ^ 2 + 0.1 * p.x3 ^ 4 * math.sin(p.x1))
end
return m
"""

SCENARIO = """return scenario {
  name = "ishigami", ticks = 1, seed = 1, firms = 10,
  network = { kind = "mean-field" },
  plugins = { { "ishigami" } },
}
"""


def experiment(design):
    return f"""return experiment {{
  scenario = "scenario.lua", seed = 11,
  uncertainties = {{
    ["ishigami.x1"] = {{ min = -math.pi, max = math.pi }},
    ["ishigami.x2"] = {{ min = -math.pi, max = math.pi }},
    ["ishigami.x3"] = {{ min = -math.pi, max = math.pi }},
  }},
  design = {design},
  record = {{ final = {{ "y" }} }},
}}
"""


def design_and_outputs(db):
    """Unit coordinates (rows in sample order) and the mean output of each point."""
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("SELECT path FROM parameters WHERE sampled = 1 ORDER BY position")]
    points = [r[0] for r in con.execute("SELECT point FROM points WHERE cell = 0 ORDER BY sample")]
    X = np.array([[con.execute("SELECT unit FROM point_values WHERE point = ? AND parameter = ?", (p, n)).fetchone()[0]
                   for n in names] for p in points])
    Y = np.array([con.execute("SELECT avg(o.value) FROM outputs o JOIN runs r ON r.run = o.run "
                              "WHERE r.point = ? AND o.metric = 'y' AND r.status = 'ok'", (p,)).fetchone()[0] for p in points])
    return names, X, Y


def uptake_indices(folder, db, metric="y"):
    """uptake's JSON lines for one output, by parameter."""
    out = subprocess.run([UPTAKE, "sensitivity", db, "--json", "--resamples", "1000"], cwd=folder, check=True,
                         capture_output=True, text=True).stdout
    return {row["parameter"]: row for row in map(json.loads, out.splitlines()) if row["metric"] == metric}


def main():
    failures = []

    def check(what, ours, theirs, tolerance, relative=False):
        diff = abs(ours - theirs) / max(abs(theirs), 1e-12) if relative else abs(ours - theirs)
        ok = diff <= tolerance
        print(f"  {'ok ' if ok else 'BAD'} {what:28s} uptake {ours: .10f}  SALib {theirs: .10f}")
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory(prefix="uptake-salib-") as folder:
        os.makedirs(os.path.join(folder, "plugins", "ishigami"))
        for name, text in [("plugins/ishigami/plugin.toml", PLUGIN_TOML), ("plugins/ishigami/init.lua", PLUGIN_LUA),
                           ("scenario.lua", SCENARIO), ("sobol.lua", experiment('{ kind = "sobol", samples = 1024 }')),
                           ("morris.lua", experiment('{ kind = "morris", trajectories = 100, levels = 4 }'))]:
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        for name in ("sobol", "morris"):
            subprocess.run([UPTAKE, "batch", f"{name}.lua", "--out", f"{name}.db", "--jobs", "2", "--quiet"], cwd=folder, check=True)

        names, X, Y = design_and_outputs(os.path.join(folder, "sobol.db"))
        problem = {"num_vars": len(names), "names": names, "bounds": [[0, 1]] * len(names)}
        salib = sobol.analyze(problem, Y, calc_second_order=False, num_resamples=1000, seed=1)
        ours = uptake_indices(folder, "sobol.db")
        print(f"Sobol indices, {len(Y)} runs (Saltelli, N = {len(Y) // (len(names) + 2)}):")
        for j, n in enumerate(names):
            check(f"S1 {n}", ours[n]["S1"], salib["S1"][j], POINT_TOLERANCE)
            check(f"ST {n}", ours[n]["ST"], salib["ST"][j], POINT_TOLERANCE)
            check(f"S1_conf {n}", ours[n]["S1_conf"], salib["S1_conf"][j], CONFIDENCE_TOLERANCE, relative=True)
            check(f"ST_conf {n}", ours[n]["ST_conf"], salib["ST_conf"][j], CONFIDENCE_TOLERANCE, relative=True)

        # A constant output: SALib divides 0 by 0 when it standardises, and
        # reports 0 (SALib 1.6; NaN in some versions) for every index: no index
        # at all, which uptake says with null indices and the value.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            flat = sobol.analyze(problem, np.ones_like(Y), calc_second_order=False, num_resamples=10, seed=1)
        salib_none = all(np.nan_to_num(np.r_[flat["S1"], flat["ST"]]) == 0)
        constant = uptake_indices(folder, "sobol.db", "ticks_run")
        ok = (salib_none and sorted(constant) == sorted(names)
              and all(r["constant"] == 1 and r["S1"] is None and r["ST"] is None for r in constant.values()))
        print(f"  {'ok ' if ok else 'BAD'} constant ticks_run          uptake null, constant = 1     "
              f"SALib S1 {flat['S1'][0]}, ST {flat['ST'][0]}")
        if not ok:
            failures.append("constant ticks_run")

        names, X, Y = design_and_outputs(os.path.join(folder, "morris.db"))
        problem = {"num_vars": len(names), "names": names, "bounds": [[0, 1]] * len(names)}
        salib = morris.analyze(problem, X, Y, num_resamples=1000, num_levels=4, seed=1)
        ours = uptake_indices(folder, "morris.db")
        print(f"Morris elementary effects, {len(Y)} runs:")
        for j, n in enumerate(names):
            check(f"mu {n}", ours[n]["mu"], salib["mu"][j], POINT_TOLERANCE * 10)
            check(f"mu* {n}", ours[n]["mu_star"], salib["mu_star"][j], POINT_TOLERANCE * 10)
            check(f"sigma {n}", ours[n]["sigma"], salib["sigma"][j], POINT_TOLERANCE * 10)
            if salib["mu_star_conf"][j] > 1e-6:
                check(f"mu*_conf {n}", ours[n]["mu_star_conf"], salib["mu_star_conf"][j], CONFIDENCE_TOLERANCE, relative=True)

    if failures:
        print(f"SALib check FAILED: {len(failures)} disagreement(s): {', '.join(failures)}")
        return 1
    print("SALib check passed: uptake's indices equal SALib's on the same samples and outputs.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
