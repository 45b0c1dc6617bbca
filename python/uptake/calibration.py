"""Reading the database of `uptake calibrate` (OUT/calibration.db) into pandas DataFrames.

docs/decisions.md, "The calibration database", describes its tables. Each
generation's batch (runs, outputs, series) is there too, with a leading
`generation` column; `read_calibration` gives the calibration's own tables,
with the particles' parameter values as columns.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Dict

import pandas as pd

from .errors import ResultsFileError
from .results import connect

TABLES = {
    "settings": "SELECT key, value FROM calibration",
    "parameters": "SELECT position, path, prior_min, prior_max FROM calibration_parameters ORDER BY position",
    "data": "SELECT point, date, segment, value, se, line, tick FROM data_points ORDER BY point",
    "generations": "SELECT * FROM generations ORDER BY generation",
    "particles": "SELECT generation, particle, distance, kept, weight FROM particles ORDER BY generation, particle",
    "particle_values": "SELECT generation, particle, parameter, value FROM particle_values",
    "simulated": "SELECT generation, particle, point, value FROM simulated ORDER BY generation, particle, point",
}


@dataclass(frozen=True)
class CalibrationResults:
    """The contents of a calibration database.

    settings      the calibration's settings (key -> text): name, scenario, data, seed, ...
    parameters    the fitted parameters: position, path, prior_min, prior_max
    data          the observed data: point, date, segment, value, se, line, tick
                  (the tick it is compared at; NA when outside the run, not fitted)
    generations   one row per generation: tolerance, proposed, kept,
                  effective_sample_size, failed_runs, recorded_at
    particles     one row per parameter set run: generation, particle, distance,
                  kept, weight (normalised over the kept), then one column per
                  parameter path with its value
    simulated     generation, particle, point (of `data`), value: the run's share
    """

    path: str
    settings: Dict[str, str]
    parameters: pd.DataFrame
    data: pd.DataFrame
    generations: pd.DataFrame
    particles: pd.DataFrame
    simulated: pd.DataFrame

    @property
    def posterior(self) -> pd.DataFrame:
        """The last generation's kept particles with their weights (the same as OUT/posterior.csv)."""
        last = self.generations["generation"].max()
        kept = self.particles[(self.particles["generation"] == last) & self.particles["kept"]]
        return kept.reset_index(drop=True)

    def __repr__(self) -> str:
        return (
            f"<CalibrationResults {self.path!r}: {self.settings.get('name', '?')!r}, "
            f"{len(self.generations)} generations>"
        )


def read_calibration(path: "str | os.PathLike[str]") -> CalibrationResults:
    """Read OUT/calibration.db, written by `uptake calibrate`.

        calibration = uptake.read_calibration("out/calibration/calibration.db")
        calibration.posterior     # kept particles of the last generation, weights and values
        calibration.generations   # tolerance and effective sample size by generation

    The file is only read (read-only; a calibration database is not in WAL
    mode, so reading it leaves no side files). A file that is
    missing, not SQLite, or not a calibration database raises
    ResultsFileError naming it.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ResultsFileError(path, "there is no file here; make one with: uptake calibrate CALIBRATION --out FOLDER")
    connection = connect(path, "mode=ro")
    try:
        connection.execute("BEGIN")
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "calibration" not in names or "generations" not in names:
            raise ResultsFileError(
                path,
                "this SQLite database is not a calibration database of uptake (no table calibration); "
                "uptake calibrate writes one as OUT/calibration.db",
            )
        tables = {name: pd.read_sql_query(sql, connection) for name, sql in TABLES.items()}
    except sqlite3.DatabaseError as error:
        raise ResultsFileError(path, f"cannot read it as an SQLite database ({error})") from error
    finally:
        connection.close()

    order = list(tables["parameters"]["path"])
    values = tables["particle_values"].pivot_table(
        index=["generation", "particle"], columns="parameter", values="value", aggfunc="first"
    )
    values = values.reindex(columns=order)
    values.columns.name = None
    particles = tables["particles"].astype({"kept": bool})
    particles = particles.merge(values.reset_index(), on=["generation", "particle"], how="left")
    data = tables["data"].astype({"tick": "Int64"})
    return CalibrationResults(
        path=path,
        settings=dict(zip(tables["settings"]["key"], tables["settings"]["value"])),
        parameters=tables["parameters"],
        data=data,
        generations=tables["generations"],
        particles=particles,
        simulated=tables["simulated"],
    )
