"""Uptake from Python.

    import uptake

    results = uptake.read_results("out/sweep.db")    # a results database as DataFrames
    result = uptake.run("scenarios/baseline.lua", set={"tax-relief.rate": 0.3})
    results = uptake.batch("scenarios/tax-relief-sweep.lua", out="out/sweep.db")

`uptake.ema.UptakeModel` (with the [ema] extra) makes Uptake a model of the
EMA Workbench. docs/python.md explains it all.
"""

from .calendar import Calendar
from .calibration import CalibrationResults, read_calibration
from .command import FailedRunsWarning, RunResult, batch, find_executable, run
from .errors import CommandError, ExecutableNotFoundError, ResultsFileError, UptakeError
from .results import Results, read_results

# The release of uptake this package belongs to (uptake --version); tests/test_command.py checks they agree.
__version__ = "0.2.0"

__all__ = [
    "Calendar",
    "CalibrationResults",
    "CommandError",
    "ExecutableNotFoundError",
    "FailedRunsWarning",
    "Results",
    "ResultsFileError",
    "RunResult",
    "UptakeError",
    "batch",
    "find_executable",
    "read_calibration",
    "read_results",
    "run",
]
