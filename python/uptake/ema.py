"""Uptake as a model of the EMA Workbench (ema_workbench 2.x).

    from ema_workbench import RealParameter, ScalarOutcome, TimeSeriesOutcome, perform_experiments
    from uptake.ema import UptakeModel

    model = UptakeModel("uptake", "scenarios/baseline.lua", outcomes=["adoption"])
    model.uncertainties = [RealParameter("model.word_of_mouth", 0.25, 0.75)]
    model.levers = [RealParameter("tax-relief.rate", 0, 0.3)]
    experiments, outcomes = perform_experiments(model, scenarios=4, policies=2)

Each experiment is one `uptake run` of the scenario, in a temporary folder
of its own. A parameter (uncertainty, lever or constant) sets the Uptake
parameter its variable name names, as `--set` does: its name, or
`variable_name` when the name should be a Python identifier
(`RealParameter("wom", 0.25, 0.75, variable_name="model.word_of_mouth")`).
A parameter named `seed` sets the run's seed. An outcome's variable is a
column of series.csv (docs/model.md, "Outputs"): a ScalarOutcome gets its
value at the last tick, an ArrayOutcome or TimeSeriesOutcome the whole
column, one value per tick; a variable that any array outcome uses is an
array for every outcome that uses it (give the ScalarOutcome a function,
such as `max`), as in the workbench's NetLogo connector.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from typing import Any, Dict, Iterable, Mapping, Optional, Union

try:
    from ema_workbench import ScalarOutcome
    from ema_workbench.em_framework.model import Replicator, SingleReplication
    from ema_workbench.em_framework.outcomes import ArrayOutcome
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError(
        "uptake.ema needs the EMA Workbench: pip install 'uptake[ema]' from the repository "
        "(pip install -e 'python[ema]'), or pip install 'ema_workbench>=2.4,<3'"
    ) from error

from .command import find_executable, run
from .errors import UptakeError

__all__ = ["UptakeModel", "UptakeReplicatorModel"]


class _UptakeRunner:
    """What both models share: one experiment is one `uptake run`."""

    def _configure(self, scenario, outcomes, set, seed, executable) -> None:
        scenario = os.path.abspath(os.fspath(scenario))
        if not os.path.isfile(scenario):
            raise UptakeError(f"{scenario}: there is no scenario file here; give the path of a scenario's .lua file")
        self.scenario_file = scenario
        self.executable = find_executable(executable)
        self.fixed = dict(set or {})
        self.seed = seed
        if outcomes:
            self.outcomes = [ScalarOutcome(o) if isinstance(o, str) else o for o in outcomes]

    def run_experiment(self, experiment: Mapping[str, Any]) -> Dict[str, Any]:
        """Run one experiment; return every outcome variable's value (EMA calls this)."""
        overrides = dict(self.fixed)
        overrides.update(experiment)
        # A sampled seed replaces the model's: uptake refuses --seed and --set seed= that disagree.
        seed = None if "seed" in overrides else self.seed
        with tempfile.TemporaryDirectory(prefix="uptake-ema-") as folder:
            result = run(self.scenario_file, set=overrides, seed=seed, out=folder, executable=self.executable)
        series = result.series
        array_outcomes = [outcome for outcome in self.outcomes if isinstance(outcome, ArrayOutcome)]
        arrays = {variable for outcome in array_outcomes for variable in outcome.variable_name}
        values = {}
        for variable in self.output_variables:
            if variable not in series.columns:
                raise UptakeError(_unknown_column(variable, series.columns))
            column = series[variable]
            values[variable] = column.to_numpy() if variable in arrays else float(column.iloc[-1])
        return values


class UptakeModel(SingleReplication, _UptakeRunner):
    """An Uptake scenario as an EMA Workbench model, one run per experiment.

    name        the model's name (letters and digits, as the workbench asks)
    scenario    the scenario file (.lua)
    outcomes    series.csv columns as names (each a ScalarOutcome: the value
                at the last tick) or outcome objects; or set `model.outcomes`
    set         fixed `--set` overrides for every experiment, e.g.
                {"firms.count": 2000, "ticks": 20}
    seed        the seed of every run (default: the scenario's); sample
                a parameter named `seed` to vary it
    executable  the uptake program (default: UPTAKE, then PATH)
    """

    def __init__(
        self,
        name: str,
        scenario: Union[str, "os.PathLike[str]"],
        outcomes: Iterable[Any] = (),
        *,
        set: Optional[Mapping[str, Any]] = None,
        seed: Union[int, str, None] = None,
        executable: Optional[Union[str, "os.PathLike[str]"]] = None,
    ):
        super().__init__(name)
        self._configure(scenario, outcomes, set, seed, executable)


class UptakeReplicatorModel(Replicator, _UptakeRunner):
    """As UptakeModel, with several runs per experiment (EMA's replications).

    Set `model.replications` to a list of dicts such as `[{"seed": 1},
    {"seed": 2}]`: each replication is one run with those overrides.
    Outcomes get one value per replication; reduce them with an outcome
    `function`, e.g. `ScalarOutcome("adoption", function=numpy.mean)`.
    """

    @property
    def replications(self):
        return self._replications

    @replications.setter
    def replications(self, replications):
        if isinstance(replications, int):
            # The workbench's numbered replications carry no seed: every one would be the same run.
            raise UptakeError(
                f"replications={replications} would run the same seed {replications} times; "
                f"give each replication its seed: [{{'seed': s}} for s in range(1, {replications + 1})]"
            )
        Replicator.replications.fset(self, replications)

    def __init__(
        self,
        name: str,
        scenario: Union[str, "os.PathLike[str]"],
        outcomes: Iterable[Any] = (),
        *,
        set: Optional[Mapping[str, Any]] = None,
        seed: Union[int, str, None] = None,
        executable: Optional[Union[str, "os.PathLike[str]"]] = None,
    ):
        super().__init__(name)
        self._configure(scenario, outcomes, set, seed, executable)


def _unknown_column(variable: str, columns) -> str:
    close = difflib.get_close_matches(variable, list(columns), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (
        f"outcome variable '{variable}' is not a column of the scenario's series.csv; {hint}"
        "the columns are listed in docs/model.md, 'Outputs'"
    )
