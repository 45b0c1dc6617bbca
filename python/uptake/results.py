"""Reading a results database of `uptake batch` into pandas DataFrames.

The database's tables are described in docs/batch.md, "The results
database". `read_results` turns them into the tables an analyst works with:
one row per run with its parameter values, and the final values and the
series in long form, the series dated from the calendar the batch recorded.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from dataclasses import dataclass
from typing import Dict, Optional

import pandas as pd

from .calendar import Calendar
from .errors import ResultsFileError

RUN_COLUMNS = ["run", "point", "replicate", "seed", "status", "error", "ticks", "duration_s", "finished_at"]


@dataclass(frozen=True)
class Results:
    """The contents of one results database.

    runs         one row per run: run, point, replicate, seed (text: 64-bit
                 seeds do not fit a float), status ("ok", "failed"), error,
                 ticks, duration_s, finished_at, then one column per design
                 parameter (its path, e.g. "tax-relief.rate") with the value
                 of the run's point
    outputs      final values, long: run, metric, value
    series       recorded series, long: run, tick, date, metric, value
    points       one row per design point: point, cell, sample,
                 baseline_point and the parameter columns
    parameters   the design's parameters: position, path, role, domain, sampled
    provenance   the inputs: kind, name, version, hash
    experiment   the experiment's description (key -> text), as stored
    """

    path: str
    experiment: Dict[str, str]
    runs: pd.DataFrame
    outputs: pd.DataFrame
    series: pd.DataFrame
    points: pd.DataFrame
    parameters: pd.DataFrame
    provenance: pd.DataFrame

    @property
    def outputs_wide(self) -> pd.DataFrame:
        """The final values with one row per run and one column per metric.

        Every run has a row (a failed run's values are NaN); the metrics come
        in the experiment's `record.final` order, then `ticks_run`.
        """
        wide = self.outputs.pivot(index="run", columns="metric", values="value")
        recorded = [m for m in self.experiment.get("record_final", "").split(",") if m]
        order = [m for m in recorded + ["ticks_run"] if m in wide.columns]
        order += sorted(c for c in wide.columns if c not in order)
        wide = wide.reindex(index=self.runs["run"], columns=order)
        wide.columns.name = None
        return wide.reset_index()

    @property
    def calendar(self) -> Optional[Calendar]:
        """The runs' calendar, or None when the runs do not share one (see `series.date`)."""
        return _calendar(self.experiment)

    def __repr__(self) -> str:
        name = self.experiment.get("name", "?")
        failed = int((self.runs["status"] != "ok").sum())
        return f"<Results {self.path!r}: {name!r}, {len(self.runs)} runs ({failed} failed)>"


def read_results(path: "str | os.PathLike[str]") -> Results:
    """Read a results database of `uptake batch` (or `uptake merge`).

        results = uptake.read_results("out/sweep.db")
        results.runs       # one row per run, with its parameter values
        results.series     # run, tick, date, metric, value

    The file is only read: never written, not even the SQLite side files
    (see `_read_without_writing`). A file that is missing, not SQLite, or not
    a results database raises ResultsFileError naming it.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ResultsFileError(path, "there is no file here; make one with: uptake batch EXPERIMENT --out " + path)
    if os.path.isdir(path):
        raise ResultsFileError(path, "this is a folder, not a results database")
    tables = _read_without_writing(path)
    return _assemble(path, tables)


def _read_without_writing(path: str) -> Dict[str, pd.DataFrame]:
    """All tables, read in one transaction, without writing anything on disk.

    uptake keeps its databases in WAL mode. A read-only connection (mode=ro)
    to a WAL database still creates the side files DB-wal and DB-shm, leaves
    them behind, and fails in a folder it may not write to. So when no
    writer is about (no DB-wal or DB-journal beside the file: a batch that
    writes always has its DB-wal) the file is opened as immutable, which
    touches nothing. When a writer is about, or the file or its side files
    changed during the immutable read (a batch started meanwhile), the
    tables are read through mode=ro, which sees a live writer's committed
    runs consistently.
    """
    side_files = [path + "-wal", path + "-journal"]
    if not any(os.path.exists(side) for side in side_files):
        before = _identity(path)
        tables = _read_tables(path, "immutable=1")
        if _identity(path) == before and not any(os.path.exists(side) for side in side_files):
            return tables
    return _read_tables(path, "mode=ro")


def _identity(path: str):
    status = os.stat(path)
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


QUERIES = {
    "experiment": "SELECT key, value FROM experiment",
    "provenance": "SELECT kind, name, version, hash FROM provenance ORDER BY kind, name",
    "parameters": "SELECT position, path, role, domain, sampled FROM parameters ORDER BY position",
    "points": "SELECT point, cell, sample, baseline_point FROM points ORDER BY point",
    "point_values": "SELECT point, parameter, value, number FROM point_values ORDER BY point, parameter",
    "runs": f"SELECT {', '.join(RUN_COLUMNS)} FROM runs ORDER BY run",
    "outputs": "SELECT run, metric, value FROM outputs ORDER BY run, metric",
    "series": "SELECT run, tick, metric, value FROM series ORDER BY run, tick, metric",
}


def connect(path: str, mode: str) -> sqlite3.Connection:
    """An SQLite connection to `path` opened with the URI parameters `mode` (e.g. "mode=ro"), in autocommit
    mode (reads begin their own transaction); an error names the file."""
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?" + mode
    try:
        return sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise ResultsFileError(path, f"cannot open it: {error}") from error


def _read_tables(path: str, mode: str) -> Dict[str, pd.DataFrame]:
    connection = connect(path, mode)
    try:
        # One read transaction: a batch writing meanwhile cannot make runs and outputs disagree.
        connection.execute("BEGIN")
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "calibration" in names and "generations" in names:
            raise ResultsFileError(
                path,
                "this is the database of a calibration (every generation of uptake calibrate), not of one batch; "
                "read it with uptake.read_calibration",
            )
        missing = [table for table in QUERIES if table not in names]
        if missing:
            raise ResultsFileError(
                path,
                f"this SQLite database is not a results database of uptake (it has no table {missing[0]}); "
                "make one with: uptake batch EXPERIMENT --out " + path,
            )
        return {table: pd.read_sql_query(sql, connection) for table, sql in QUERIES.items()}
    except sqlite3.DatabaseError as error:
        if "readonly" in str(error):
            # mode=ro on a WAL database needs DB-shm beside it, which only a writable folder allows.
            raise ResultsFileError(
                path,
                "cannot read it while a batch may still be writing it (there is a -wal file beside it) "
                "from a folder this user may not write to; read it when the batch has ended, or from a copy",
            ) from error
        problem = f"cannot read it as an SQLite database ({error}); is it a results database?"
        raise ResultsFileError(path, problem) from error
    finally:
        connection.close()


def _assemble(path: str, tables: Dict[str, pd.DataFrame]) -> Results:
    experiment = dict(zip(tables["experiment"]["key"], tables["experiment"]["value"]))
    parameters = tables["parameters"].astype({"sampled": bool})
    values = _parameter_columns(tables["point_values"], list(parameters["path"]))

    runs = tables["runs"].astype({"seed": str})
    runs = _join_parameters(runs, values)
    points = _join_parameters(tables["points"].astype({"baseline_point": "Int64"}), values)

    series = tables["series"]
    calendar = _calendar(experiment)
    dates = {tick: calendar.label(int(tick)) for tick in series["tick"].unique()} if calendar else {}
    series.insert(2, "date", series["tick"].map(dates) if calendar else None)

    return Results(
        path=path,
        experiment=experiment,
        runs=runs,
        outputs=tables["outputs"],
        series=series,
        points=points,
        parameters=parameters,
        provenance=tables["provenance"],
    )


def _parameter_columns(point_values: pd.DataFrame, order: list) -> pd.DataFrame:
    """One row per point, one column per parameter: numbers as floats, true/false as booleans, else text."""
    columns = {}
    for parameter in order:
        rows = point_values[point_values["parameter"] == parameter].set_index("point")
        if rows["number"].notna().all():
            columns[parameter] = rows["number"].astype(float)
        elif rows["value"].isin(["true", "false"]).all():
            columns[parameter] = rows["value"] == "true"
        else:
            columns[parameter] = rows["value"].astype(str)
    frame = pd.DataFrame(columns, columns=order)
    frame.index.name = "point"
    return frame


def _join_parameters(frame: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    # A parameter named like a column of runs (`ticks` is both) gets a suffix instead of hiding it.
    reserved = RUN_COLUMNS + ["cell", "sample", "baseline_point"]
    renamed = {name: f"{name} (parameter)" for name in values.columns if name in reserved}
    return frame.join(values.rename(columns=renamed), on="point")


def _calendar(experiment: Dict[str, str]) -> Optional[Calendar]:
    start = experiment.get("calendar_start") or ""
    unit = experiment.get("calendar_unit") or ""
    if not start or not unit:
        return None  # the experiment varies start or unit, or the database predates recorded calendars
    try:
        return Calendar.parse(start, unit)
    except ValueError:
        return None
