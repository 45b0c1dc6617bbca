"""read_results: a database written by uptake batch, as DataFrames."""

import hashlib
import math
import os
import shutil
import sqlite3
import subprocess

import pandas as pd
import pytest

import uptake

from conftest import BASELINE


def test_runs_have_one_row_per_run_with_text_seeds_and_parameter_columns(tiny_db):
    results = uptake.read_results(tiny_db)
    runs = results.runs
    assert list(runs.columns) == [
        "run", "point", "replicate", "seed", "status", "error", "ticks", "duration_s", "finished_at",
        "tax-relief.rate", "model.word_of_mouth",
    ]
    assert list(runs["run"]) == list(range(8))
    assert (runs["status"] == "ok").all()
    with sqlite3.connect(tiny_db) as db:
        seeds = [row[0] for row in db.execute("SELECT seed FROM runs ORDER BY run")]
        values = dict(db.execute("SELECT point, number FROM point_values WHERE parameter = 'model.word_of_mouth'"))
    # 64-bit seeds kept exactly, as text (a float would round the last digits).
    assert list(runs["seed"]) == seeds
    assert all(isinstance(seed, str) and seed.isdigit() for seed in runs["seed"])
    assert sorted(runs["tax-relief.rate"].unique()) == [0.0, 0.3]
    for point, wom in zip(runs["point"], runs["model.word_of_mouth"]):
        assert wom == values[point]
        assert 0.25 <= wom <= 0.75
    assert set(results.points.columns) >= {"point", "cell", "sample", "baseline_point", "tax-relief.rate"}
    assert len(results.points) == 4


def test_outputs_long_and_wide(tiny_db):
    results = uptake.read_results(tiny_db)
    assert list(results.outputs.columns) == ["run", "metric", "value"]
    metrics = ["adopters", "adoption", "productivity_index", "spend_cumulative", "ticks_run"]
    assert sorted(results.outputs["metric"].unique()) == metrics
    assert len(results.outputs) == 8 * len(metrics)
    wide = results.outputs_wide
    assert list(wide.columns) == ["run"] + metrics
    assert len(wide) == 8
    assert (wide["ticks_run"] == 8).all()
    long = results.outputs.set_index(["run", "metric"])["value"]
    assert wide.loc[3, "adoption"] == long[(3, "adoption")]


def test_series_is_long_and_dated_from_the_recorded_calendar(tiny_db):
    results = uptake.read_results(tiny_db)
    series = results.series
    assert list(series.columns) == ["run", "tick", "date", "metric", "value"]
    # record.every = 2 keeps ticks 0, 2, 4, 6 and the last one, 7.
    assert sorted(series["tick"].unique()) == [0, 2, 4, 6, 7]
    assert sorted(series["metric"].unique()) == ["adopters", "adoption"]
    dates = dict(zip(series["tick"], series["date"]))
    assert dates == {0: "2023Q1", 2: "2023Q3", 4: "2024Q1", 6: "2024Q3", 7: "2024Q4"}
    assert results.calendar == uptake.Calendar.parse("2023Q1", "quarter")
    final = series[(series["tick"] == 7) & (series["metric"] == "adoption")].set_index("run")["value"]
    outputs = results.outputs[results.outputs["metric"] == "adoption"].set_index("run")["value"]
    assert final.to_dict() == outputs.to_dict()


def test_series_agrees_with_the_command_lines_tidy_export(tiny_db, executable, tmp_path):
    subprocess.run([executable, "results", str(tiny_db), "--csv", str(tmp_path)], check=True, capture_output=True)
    exported = pd.read_csv(tmp_path / "series.csv", dtype={"date": str})
    mine = uptake.read_results(tiny_db).series
    assert list(exported[["run", "tick", "date", "metric"]].itertuples(index=False)) == list(
        mine[["run", "tick", "date", "metric"]].itertuples(index=False)
    )
    for theirs, ours in zip(exported["value"], mine["value"]):
        assert math.isclose(theirs, ours, rel_tol=1e-8)


def test_parameters_provenance_and_experiment(tiny_db):
    results = uptake.read_results(tiny_db)
    assert list(results.parameters["path"]) == ["tax-relief.rate", "model.word_of_mouth"]
    assert list(results.parameters["role"]) == ["lever", "uncertainty"]
    assert list(results.parameters["sampled"]) == [False, True]
    assert set(results.provenance["kind"]) == {"experiment", "scenario", "plugin", "program"}
    assert results.experiment["name"] == "Tiny sweep"
    assert results.experiment["calendar_unit"] == "quarter"


def fingerprint(path):
    folder = os.path.dirname(path)
    return (
        hashlib.sha256(open(path, "rb").read()).hexdigest(),
        os.stat(path).st_mtime_ns,
        sorted(os.listdir(folder)),
    )


def test_reading_changes_nothing_on_disk(tiny_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(tiny_db, db)
    before = fingerprint(db)
    uptake.read_results(db)
    # The file, its time stamp and the folder (no -wal or -shm left beside it) are as they were.
    assert fingerprint(db) == before


def test_reading_sees_the_committed_runs_of_a_batch_still_writing(tiny_db, tmp_path):
    db = tmp_path / "live.db"
    shutil.copy(tiny_db, db)
    writer = sqlite3.connect(db)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # the new row stays in live.db-wal only
        writer.execute("INSERT INTO provenance VALUES ('plugin', 'late-plugin', '1.0.0', 'x')")
        writer.commit()
        assert os.path.exists(str(db) + "-wal")
        results = uptake.read_results(db)
        assert "late-plugin" in set(results.provenance["name"])
    finally:
        writer.close()


def test_a_database_without_a_calendar_leaves_dates_empty(tiny_db, tmp_path):
    db = tmp_path / "old.db"
    shutil.copy(tiny_db, db)
    with sqlite3.connect(db) as writer:
        writer.execute("DELETE FROM experiment WHERE key IN ('calendar_start', 'calendar_unit')")
    writer.close()
    results = uptake.read_results(db)
    assert results.calendar is None
    assert results.series["date"].isna().all()
    assert len(results.series) == len(uptake.read_results(tiny_db).series)


def test_a_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope.db"
    with pytest.raises(uptake.ResultsFileError, match="nope.db: there is no file here") as caught:
        uptake.read_results(missing)
    assert caught.value.path == str(missing)


def test_a_file_that_is_not_sqlite_is_named(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, just text that is long enough to have a header" * 20)
    with pytest.raises(uptake.ResultsFileError, match="junk.db: cannot read it as an SQLite database"):
        uptake.read_results(junk)


def test_an_sqlite_file_of_something_else_is_named(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE things (x)")
    db.close()
    with pytest.raises(uptake.ResultsFileError, match="other.db: this SQLite database is not a results database"):
        uptake.read_results(other)


@pytest.mark.parametrize(
    "start, unit, tick, label",
    [
        ("2023Q1", "quarter", 0, "2023Q1"),
        ("2023Q1", "quarter", 4, "2024Q1"),
        ("2023Q3", "quarter", 39, "2033Q2"),
        ("2023-11", "month", 2, "2024-01"),
        ("2023-01", "month", 11, "2023-12"),
        ("2023", "year", 5, "2028"),
    ],
)
def test_calendar_labels_as_the_kernel_writes_them(start, unit, tick, label):
    assert uptake.Calendar.parse(start, unit).label(tick) == label


def test_a_bad_start_date_is_refused():
    with pytest.raises(ValueError, match="'2023Q5' is not a quarter date"):
        uptake.Calendar.parse("2023Q5", "quarter")


VARIED_CALENDAR = """
return experiment {
  name = "Two starts",
  scenario = "%(scenario)s",
  set = { ["firms.count"] = 200 },
  levers = { start = { "2023Q1", "2024Q3" }, ticks = { 4, 6 } },
  record = { series = { "adoption" } },
}
"""


def test_text_parameters_a_varied_calendar_and_a_parameter_named_like_a_column(executable, tmp_path):
    experiment = tmp_path / "starts.lua"
    experiment.write_text(VARIED_CALENDAR % {"scenario": BASELINE})
    db = tmp_path / "starts.db"
    subprocess.run([executable, "batch", str(experiment), "--out", str(db), "--quiet"], check=True)
    results = uptake.read_results(db)
    runs = results.runs
    assert list(runs["start"]) == ["2023Q1", "2023Q1", "2024Q3", "2024Q3"]
    # The parameter `ticks` does not hide the ticks each run ran.
    assert list(runs["ticks (parameter)"]) == [4.0, 6.0, 4.0, 6.0]
    assert list(runs["ticks"]) == [4, 6, 4, 6]
    # Runs with different calendars share no dates: none is given, as uptake results --csv does.
    assert results.calendar is None
    assert results.series["date"].isna().all()
    assert results.points["baseline_point"].isna().all()
