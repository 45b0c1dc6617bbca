"""read_calibration on a calibration database made by uptake calibrate itself."""

import sqlite3
import subprocess

import pytest

import uptake
from conftest import REPOSITORY

CALIBRATION = """
return calibration {
  name = "Tiny calibration",
  scenario = "%(scenario)s",
  data = "%(data)s",
  parameters = { ["model.word_of_mouth"] = { min = 0.05, max = 1.0 } },
  set = { ["firms.count"] = 300, ticks = 9 },
  particles = 4, proposals = 8, generations = 2, seed = 5,
}
"""


@pytest.fixture(scope="module")
def calibration_db(executable, tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibration")
    file = folder / "calibration.lua"
    file.write_text(
        CALIBRATION
        % {
            "scenario": REPOSITORY / "scenarios" / "baseline.lua",
            "data": REPOSITORY / "data" / "eurostat-enterprise-ai.csv",
        }
    )
    out = folder / "out"
    subprocess.run([executable, "calibrate", str(file), "--out", str(out), "--jobs", "2", "--quiet"], check=True)
    return out


def test_the_posterior_is_the_last_generations_kept_particles_as_in_posterior_csv(calibration_db):
    calibration = uptake.read_calibration(calibration_db / "calibration.db")
    assert calibration.settings["name"] == "Tiny calibration"
    assert list(calibration.generations["generation"]) == [1, 2]
    assert list(calibration.generations["proposed"]) == [8, 8]
    assert len(calibration.particles) == 16
    assert list(calibration.parameters["path"]) == ["model.word_of_mouth"]
    posterior = calibration.posterior
    assert len(posterior) == calibration.generations["kept"].iloc[-1]
    assert posterior["weight"].sum() == pytest.approx(1.0)
    csv = (calibration_db / "posterior.csv").read_text().splitlines()
    values = sorted(float(line.split(",")[0]) for line in csv[1:])
    assert sorted(posterior["model.word_of_mouth"]) == pytest.approx(values, rel=1e-9)
    # 2021 lies before the scenario's start: not fitted, no tick; the 2023-2025 points are.
    data = calibration.data
    assert data[data["date"] == "2021"]["tick"].isna().all()
    assert data[data["date"] == "2025"]["tick"].tolist() == [8, 8, 8, 8]
    fitted = data["tick"].notna().sum()
    assert len(calibration.simulated) == 16 * fitted


def test_read_results_points_a_calibration_database_to_read_calibration(calibration_db):
    with pytest.raises(uptake.ResultsFileError, match="read it with uptake.read_calibration"):
        uptake.read_results(calibration_db / "calibration.db")


def test_a_results_database_is_not_a_calibration(tiny_db):
    with pytest.raises(uptake.ResultsFileError, match="not a calibration database"):
        uptake.read_calibration(tiny_db)


def test_the_calibration_database_holds_each_generations_runs(calibration_db):
    with sqlite3.connect(calibration_db / "calibration.db") as connection:
        rows = connection.execute("SELECT generation, count(*) FROM runs GROUP BY generation").fetchall()
    assert rows == [(1, 8), (2, 8)]
