"""Every Python example of docs/python.md runs as written (scripts/doctest.py runs the docs' uptake commands,
not their Python)."""

import re
import shutil
import subprocess

import pytest

from conftest import REPOSITORY

DOC = REPOSITORY / "docs" / "python.md"
SWEEP_SET = 'set = { ["firms.count"] = 5000 },'
SMALL_SET = 'set = { ["firms.count"] = 200, ticks = 8 },'
CALIBRATION_SET = "set = { ticks = 9 },"


def python_blocks(text):
    return [match.group(1) for match in re.finditer(r"^```python\n(.*?)^```$", text, re.S | re.M)]


def test_the_python_examples_of_the_docs_run(executable, tmp_path, monkeypatch, capsys):
    pytest.importorskip("ema_workbench")
    for folder in ("scenarios", "plugins", "data"):
        shutil.copytree(REPOSITORY / folder, tmp_path / folder)
    sweep = tmp_path / "scenarios" / "tax-relief-sweep.lua"
    text = sweep.read_text()
    # Seconds instead of minutes in a debug build; if the sweep's set changes, update SWEEP_SET.
    assert SWEEP_SET in text
    sweep.write_text(text.replace(SWEEP_SET, SMALL_SET))
    # The calibration the calibration example reads: 300 firms, 2 generations of 8 runs.
    calibration = tmp_path / "scenarios" / "calibrate-baseline.lua"
    text = calibration.read_text()
    assert CALIBRATION_SET in text
    calibration.write_text(text.replace(CALIBRATION_SET, 'set = { ticks = 9, ["firms.count"] = 300 },'))
    quick = ["--particles", "4", "--proposals", "8", "--generations", "2", "--quiet"]
    out = tmp_path / "out" / "calibration"
    subprocess.run([executable, "calibrate", str(calibration), "--out", str(out)] + quick, check=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("UPTAKE", executable)

    blocks = python_blocks(DOC.read_text())
    assert len(blocks) == 5
    namespace = {"__name__": "__main__"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"{DOC}, Python example {number}", "exec"), namespace)

    assert len(namespace["results"].runs) == 72
    assert namespace["table"]["adopters"].notna().all()
    assert namespace["result"].summary["seed"] == "7"
    assert len(namespace["calibration"].posterior) == namespace["calibration"].generations["kept"].iloc[-1]
    # What the error example prints is what its comments say.
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "1"
    assert printed[1].startswith("Error: --set tax-relief.rat=0.3: in plugin 'tax-relief' ")
    assert printed[1].endswith("Did you mean 'rate'?")
    assert namespace["outcomes"]["adoption"].shape == (20,)
    assert namespace["outcomes"]["adopters"].shape == (20, 20)
