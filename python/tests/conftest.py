"""Shared fixtures: the uptake program, the repository's scenarios, one small batch."""

import os
import pathlib
import subprocess

import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
BASELINE = REPOSITORY / "scenarios" / "baseline.lua"

# Small enough that a run takes a fraction of a second in a debug build.
TINY = {"firms.count": 200, "ticks": 8}

TINY_EXPERIMENT = """
return experiment {
  name = "Tiny sweep",
  scenario = "%(scenario)s",
  seed = 3,
  set = { ["firms.count"] = 200, ticks = 8 },
  levers = { ["tax-relief.rate"] = { 0, 0.3 } },
  uncertainties = { ["model.word_of_mouth"] = { min = 0.25, max = 0.75 } },
  design = { kind = "lhs", samples = 2 },
  replicates = 2,
  baseline = { ["tax-relief.rate"] = 0 },
  record = { series = { "adoption", "adopters" }, every = 2 },
}
"""


@pytest.fixture(scope="session")
def executable():
    """The uptake binary under test: UPTAKE, else the debug build of this repository."""
    path = os.environ.get("UPTAKE") or str(REPOSITORY / ".build" / "debug" / "uptake")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no uptake binary at {path}: build it with swift build --product uptake, or set UPTAKE")
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def tiny_experiment(tmp_path_factory):
    folder = tmp_path_factory.mktemp("experiment")
    path = folder / "tiny.lua"
    path.write_text(TINY_EXPERIMENT % {"scenario": BASELINE})
    return path


@pytest.fixture(scope="session")
def tiny_db(executable, tiny_experiment):
    """A results database of 8 runs, made by uptake batch itself (not by this package)."""
    db = tiny_experiment.parent / "tiny.db"
    subprocess.run([executable, "batch", str(tiny_experiment), "--out", str(db), "--jobs", "2", "--quiet"], check=True)
    return db
