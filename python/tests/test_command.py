"""run and batch: the uptake command line from Python."""

import os
import signal
import subprocess
import threading
import time

import numpy as np
import pytest

import uptake
from uptake.command import set_arguments

from conftest import BASELINE, TINY, TINY_EXPERIMENT


def test_run_applies_set_and_seed_and_returns_summary_and_series(executable):
    relief = uptake.run(BASELINE, set={**TINY, "tax-relief.rate": 0.3}, seed=7, executable=executable)
    summary = relief.summary
    assert summary["firms"] == 200
    assert summary["seed"] == "7"
    assert summary["ticks"] == 8
    assert summary["start"] == "2023Q1" and summary["end"] == "2024Q4"
    # The relief starts in 2024Q1: a rate of 0.3 forgoes revenue, the scenario's rate 0 does not.
    assert summary["public_spending_yuan"]["total"] > 0
    plain = uptake.run(BASELINE, set=TINY, seed=7, executable=executable)
    assert plain.summary["public_spending_yuan"]["total"] == 0
    series = relief.series
    assert len(series) == 8
    assert list(series.columns[:3]) == ["tick", "date", "firms"]
    assert list(series["date"])[-1] == "2024Q4"
    assert series["adoption"].iloc[-1] == pytest.approx(summary["adoption"]["final"])
    assert relief.out is None


def test_run_keeps_its_outputs_in_out(executable, tmp_path):
    result = uptake.run(BASELINE, set=TINY, out=tmp_path / "kept", executable=executable)
    assert result.out == str(tmp_path / "kept")
    assert (tmp_path / "kept" / "series.csv").is_file()


def test_the_same_seed_gives_the_same_series(executable):
    first = uptake.run(BASELINE, set=TINY, seed=11, executable=executable)
    second = uptake.run(BASELINE, set=TINY, seed=11, executable=executable)
    assert first.series.equals(second.series)


def test_a_missing_scenario_raises_with_uptakes_error_line(executable, tmp_path):
    missing = tmp_path / "nope.lua"
    with pytest.raises(uptake.CommandError) as caught:
        uptake.run(missing, executable=executable)
    error = caught.value
    assert error.status == 1
    assert error.message == (
        f"Error: {missing}: there is no scenario file here. Check the path; scenarios are Lua files like "
        "scenarios/baseline.lua"
    )
    assert str(error).startswith("uptake run exited with status 1: Error: ")


def test_a_misspelt_parameter_raises_with_the_fix(executable):
    with pytest.raises(uptake.CommandError, match="has no parameter 'rat'. Did you mean 'rate'?"):
        uptake.run(BASELINE, set={**TINY, "tax-relief.rat": 0.1}, executable=executable)


def test_a_bad_option_keeps_the_command_line_status(executable):
    with pytest.raises(uptake.CommandError) as caught:
        uptake.run(BASELINE, set=TINY, args=["--threads", "0"], executable=executable)
    assert caught.value.status == 64


def test_the_executable_comes_from_the_argument_then_uptake_then_path(executable, monkeypatch, tmp_path):
    monkeypatch.setenv("UPTAKE", executable)
    assert uptake.find_executable() == executable
    monkeypatch.delenv("UPTAKE")
    monkeypatch.setenv("PATH", os.path.dirname(executable))
    assert uptake.find_executable() == executable
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(uptake.ExecutableNotFoundError, match="not on PATH"):
        uptake.find_executable()
    with pytest.raises(uptake.ExecutableNotFoundError, match="/no/such/uptake .from executable=. is not an executable"):
        uptake.find_executable("/no/such/uptake")


def test_set_values_are_written_as_uptake_reads_them():
    values = {"a.b": 0.1, "c": 5000, "d": True, "e": "2024Q1", "f": np.float64(1 / 3), "g": np.int64(7)}
    assert set_arguments(values) == [
        "--set", "a.b=0.1", "--set", "c=5000", "--set", "d=true", "--set", "e=2024Q1",
        "--set", "f=0.3333333333333333", "--set", "g=7",
    ]
    refused = r"--set sectors: \['retail'\] is a list; .* \(lists and tables belong in the scenario file\)"
    with pytest.raises(TypeError, match=refused):
        set_arguments({"sectors": ["retail"]})


def test_batch_runs_an_experiment_and_reads_its_database(executable, tiny_experiment, tmp_path):
    results = uptake.batch(tiny_experiment, out=tmp_path / "sweep.db", jobs=2, executable=executable)
    assert len(results.runs) == 8
    assert (results.runs["status"] == "ok").all()
    assert results.path == str(tmp_path / "sweep.db")


def test_a_batch_with_failed_runs_warns_and_returns_them(executable, tmp_path):
    experiment = tmp_path / "failing.lua"
    # A budget of one Lua instruction per hook call fails the run in the plugin's first hook.
    text = TINY_EXPERIMENT % {"scenario": BASELINE}
    text = text.replace('["tax-relief.rate"] = { 0, 0.3 }', '["limits.instructions"] = { 1000000, 1 }')
    experiment.write_text(text.replace('baseline = { ["tax-relief.rate"] = 0 },', ""))
    with pytest.warns(uptake.FailedRunsWarning, match="4 of 8 runs .* failed"):
        results = uptake.batch(experiment, out=tmp_path / "failing.db", executable=executable)
    failed = results.runs[results.runs["status"] == "failed"]
    assert set(failed["limits.instructions"]) == {1.0}
    assert failed["error"].str.contains("instruction budget exceeded").all()
    assert results.runs[results.runs["status"] == "ok"]["error"].isna().all()
    wide = results.outputs_wide.set_index("run")
    assert len(wide) == 8
    assert wide.loc[failed["run"], "adoption"].isna().all()
    assert wide.drop(index=failed["run"])["adoption"].notna().all()


def test_a_batch_that_cannot_start_raises(executable, tmp_path):
    with pytest.raises(uptake.CommandError, match="this is a scenario file, not an experiment") as caught:
        uptake.batch(BASELINE, out=tmp_path / "x.db", executable=executable)
    assert caught.value.status == 1


def test_this_package_belongs_to_the_uptake_release_it_calls(executable):
    version = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith(f"uptake {uptake.__version__} ")


def test_batch_progress_goes_to_stderr(executable, tiny_experiment, tmp_path, capsys):
    uptake.batch(tiny_experiment, out=tmp_path / "shown.db", jobs=1, progress=True, executable=executable)
    shown = capsys.readouterr()
    assert "batch: 8/8 runs" in shown.err
    assert "batch: 8 of 8 runs done" in shown.out


FAKE_UPTAKE = """#!/bin/sh
# Stands in for uptake: says it started, then waits for SIGINT and ends as uptake does (status 130).
trap 'echo "got SIGINT" > "%(marker)s"; exit 130' INT
touch "%(started)s"
while :; do sleep 0.05; done
"""


def test_ctrl_c_hands_uptake_its_own_interrupt_and_waits_for_it(tmp_path):
    started, marker = tmp_path / "started", tmp_path / "marker"
    fake = tmp_path / "uptake"
    fake.write_text(FAKE_UPTAKE % {"started": started, "marker": marker})
    fake.chmod(0o755)

    def interrupt_when_started():
        while not started.exists():
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)  # as a notebook's interrupt: Python alone, not uptake

    thread = threading.Thread(target=interrupt_when_started)
    thread.start()
    with pytest.raises(KeyboardInterrupt):
        uptake.batch(tmp_path / "x.lua", out=tmp_path / "x.db", executable=fake)
    thread.join()
    # uptake got SIGINT (so a batch could keep its finished runs) and ended before Python went on.
    assert marker.read_text() == "got SIGINT\n"


def test_yearly_dates_stay_text(executable, tmp_path):
    scenario = tmp_path / "yearly.lua"
    scenario.write_text('return scenario { start = "2023", unit = "year", ticks = 3, firms = { count = 200 } }')
    result = uptake.run(scenario, executable=executable)
    assert list(result.series["date"]) == ["2023", "2024", "2025"]
