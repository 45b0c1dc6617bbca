"""Running scenarios and experiments through the `uptake` command line.

Python never simulates anything itself: it calls the same program a user
types, so a run from Python gives exactly what `uptake run` gives (same
seed, same numbers, same messages).
"""

from __future__ import annotations

import json
import numbers
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import pandas as pd

from .errors import CommandError, ExecutableNotFoundError
from .results import Results, read_results

PathLike = Union[str, "os.PathLike[str]"]

# Exit status of `uptake batch` when the batch ran but some runs failed (docs/cli.md).
SOME_RUNS_FAILED = 3


class FailedRunsWarning(UserWarning):
    """`uptake batch` finished, but some runs failed; `Results.runs` has their errors."""


@dataclass(frozen=True)
class RunResult:
    """What `run` returns.

    summary  the summary `uptake run --json` prints (fields: docs/cli.md,
             "--quiet and --json"); seeds are strings
    series   series.csv: one row per tick, columns tick, date and every output
             (docs/model.md, "Outputs")
    out      the folder that holds series.csv, or None when `run` wrote it to
             a temporary folder it has removed
    """

    summary: Dict[str, Any]
    series: pd.DataFrame
    out: Optional[str]


def find_executable(executable: Optional[PathLike] = None) -> str:
    """The path of the `uptake` program: `executable` if given, else the UPTAKE
    environment variable, else `uptake` on PATH."""
    if executable is not None:
        candidate, source = os.fspath(executable), "executable="
    elif os.environ.get("UPTAKE"):
        candidate, source = os.environ["UPTAKE"], "the UPTAKE environment variable"
    else:
        found = shutil.which("uptake")
        if found is None:
            raise ExecutableNotFoundError(
                "the uptake program is not on PATH; pass executable='.build/release/uptake' (after make demo), "
                "set UPTAKE to its path, or install it with make install"
            )
        return os.path.abspath(found)
    resolved = shutil.which(candidate) if os.sep not in candidate else candidate
    if resolved is None or not os.path.isfile(resolved) or not os.access(resolved, os.X_OK):
        raise ExecutableNotFoundError(
            f"{candidate} (from {source}) is not an executable file; give the path of the uptake binary, "
            "e.g. .build/release/uptake after make demo"
        )
    return os.path.abspath(resolved)


def run(
    scenario: PathLike,
    *,
    set: Optional[Mapping[str, Any]] = None,
    seed: Union[int, str, None] = None,
    out: Optional[PathLike] = None,
    firms_out: Optional[PathLike] = None,
    executable: Optional[PathLike] = None,
    args: Sequence[str] = (),
) -> RunResult:
    """Run a scenario: `uptake run SCENARIO --set PATH=VALUE ... --json --quiet`.

        result = uptake.run("scenarios/baseline.lua", set={"tax-relief.rate": 0.3}, seed=7)
        result.summary["adoption"]["final"]   # share of firms adopting at the end
        result.series[["date", "adoption"]]   # per tick

    `set` maps parameter paths to values (numbers, booleans, strings), as
    `--set`; `out` keeps series.csv in that folder (default: a temporary
    folder, removed after reading); `args` adds other options of `uptake run`
    (e.g. ["--max-seconds", "60"]). A failed run raises CommandError with
    uptake's "Error: ..." line and exit status.
    """
    command = [find_executable(executable), "run", os.fspath(scenario)]
    command += set_arguments(set or {})
    if seed is not None:
        command += ["--seed", str(seed)]
    if firms_out is not None:
        command += ["--firms-out", os.fspath(firms_out)]
    command += list(args)
    with tempfile.TemporaryDirectory(prefix="uptake-run-") as scratch:
        folder = os.fspath(out) if out is not None else scratch
        stdout = _call(command + ["--out", folder, "--json", "--quiet"], echo=False)
        summary = json.loads(stdout.strip().splitlines()[-1])
        # Dates stay text: a yearly run's "2023" would otherwise read as a number.
        series = pd.read_csv(os.path.join(folder, "series.csv"), dtype={"date": str})
    return RunResult(summary=summary, series=series, out=folder if out is not None else None)


def batch(
    experiment: PathLike,
    *,
    out: PathLike,
    jobs: Optional[int] = None,
    resume: bool = False,
    progress: bool = False,
    executable: Optional[PathLike] = None,
    args: Sequence[str] = (),
) -> Results:
    """Run an experiment into a results database and read it:
    `uptake batch EXPERIMENT --out OUT [--jobs N] [--resume]`, then `read_results(OUT)`.

        results = uptake.batch("scenarios/tax-relief-sweep.lua", out="out/sweep.db", jobs=2)

    `progress=True` passes uptake's progress lines on to sys.stderr and its
    closing line to sys.stdout as they come (default: --quiet). When some
    runs failed (exit status 3) the results are returned and a
    FailedRunsWarning says how many; `results.runs.error` has each failure.
    Any other failure raises CommandError.
    """
    out = os.fspath(out)
    command = [find_executable(executable), "batch", os.fspath(experiment), "--out", out]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    if resume:
        command += ["--resume"]
    command += list(args) + ([] if progress else ["--quiet"])
    _call(command, echo=progress, allowed=(0, SOME_RUNS_FAILED))
    results = read_results(out)
    failed = int((results.runs["status"] != "ok").sum())
    if failed:
        warnings.warn(
            f"{failed} of {len(results.runs)} runs in {out} failed; results.runs.error says why",
            FailedRunsWarning,
            stacklevel=2,
        )
    return results


def set_arguments(overrides: Mapping[str, Any]) -> List[str]:
    """`--set PATH=VALUE` arguments, values written as uptake reads them.

    Integers as digits and floats in full precision (repr), so that uptake
    reads the very same number; booleans as true/false; numpy scalars as the
    Python values they hold.
    """
    arguments = []
    for path, value in overrides.items():
        arguments += ["--set", f"{path}={set_value(path, value)}"]
    return arguments


def set_value(path: str, value: Any) -> str:
    """One value of `--set`, as text."""
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        value = value.item()  # numpy and pandas scalars
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, str):
        return value
    raise TypeError(
        f"--set {path}: {value!r} is a {type(value).__name__}; a value is a number, a boolean or a string "
        "(lists and tables belong in the scenario file)"
    )


def _call(command: List[str], *, echo: bool, allowed: Sequence[int] = (0,)) -> str:
    """Run uptake; return its standard output; raise CommandError on a status not in `allowed`.

    On Ctrl-C (KeyboardInterrupt) uptake is given its own SIGINT and time to
    end cleanly (a batch keeps its finished runs, a run writes nothing),
    instead of the SIGKILL subprocess.run would send.
    """
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    try:
        if echo:
            stdout, stderr = _echo_output(process)
        else:
            stdout, stderr = process.communicate()
    except KeyboardInterrupt:
        _interrupt(process)
        raise
    if process.returncode not in allowed:
        raise CommandError(command, process.returncode, stderr)
    return stdout


def _echo_output(process: subprocess.Popen):
    """Copy uptake's standard output and error to sys.stdout and sys.stderr line by line as they
    come (a progress line shows when uptake prints it, in a notebook too), and keep them."""
    kept_stdout: List[str] = []

    def copy_stdout():
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            kept_stdout.append(line)

    reader = threading.Thread(target=copy_stdout, daemon=True)
    reader.start()
    kept_stderr = []
    for line in process.stderr:
        sys.stderr.write(line)
        sys.stderr.flush()
        kept_stderr.append(line)
    process.wait()
    reader.join()
    return "".join(kept_stdout), "".join(kept_stderr)


def _interrupt(process: subprocess.Popen) -> None:
    try:
        process.wait(timeout=0.5)  # on a terminal, uptake got the same Ctrl-C and is ending
        return
    except subprocess.TimeoutExpired:
        pass
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
