"""uptake.ema: Uptake as an EMA Workbench model."""

import numpy as np
import pytest

ema_workbench = pytest.importorskip("ema_workbench")
from ema_workbench import (  # noqa: E402
    ArrayOutcome,
    Constant,
    RealParameter,
    ScalarOutcome,
    TimeSeriesOutcome,
    perform_experiments,
)

import uptake  # noqa: E402
from uptake.ema import UptakeModel, UptakeReplicatorModel  # noqa: E402

from conftest import BASELINE, TINY  # noqa: E402


def tiny_model(executable, outcomes):
    model = UptakeModel("uptake", BASELINE, outcomes=outcomes, set=TINY, executable=executable)
    model.uncertainties = [RealParameter("model.word_of_mouth", 0.25, 0.75)]
    model.levers = [RealParameter("tax-relief.rate", 0.0, 0.3)]
    return model


def test_perform_experiments_runs_uptake_for_every_scenario_and_policy(executable):
    model = tiny_model(executable, ["adoption", ScalarOutcome("spend", variable_name="spend_cumulative"),
                                    TimeSeriesOutcome("adopters"), TimeSeriesOutcome("new_adopters"),
                                    ScalarOutcome("peak", variable_name="new_adopters", function=max)])
    experiments, outcomes = perform_experiments(model, scenarios=4, policies=2)
    assert len(experiments) == 8
    assert outcomes["adoption"].shape == (8,)
    assert outcomes["spend"].shape == (8,)
    assert outcomes["adopters"].shape == (8, 8)  # one value per tick
    assert ((outcomes["adoption"] > 0) & (outcomes["adoption"] < 1)).all()
    # Every experiment is the run uptake gives for its values: check one through the command line.
    row = experiments.iloc[5]
    overrides = {**TINY, "model.word_of_mouth": row["model.word_of_mouth"], "tax-relief.rate": row["tax-relief.rate"]}
    direct = uptake.run(BASELINE, set=overrides, executable=executable)
    assert outcomes["adoption"][5] == direct.summary["adoption"]["final"]
    assert list(outcomes["adopters"][5]) == list(direct.series["adopters"])
    assert outcomes["spend"][5] == direct.series["spend_cumulative"].iloc[-1]
    # A column that is an array outcome reaches a ScalarOutcome's function whole.
    assert outcomes["peak"][5] == direct.series["new_adopters"].max()
    # Two policies: each of the 4 scenarios is run under both tax-relief rates.
    assert experiments.groupby("scenario")["tax-relief.rate"].nunique().eq(2).all()


def test_variable_name_maps_an_identifier_to_an_uptake_path(executable):
    model = UptakeModel("uptake", BASELINE, outcomes=[ArrayOutcome("share", variable_name="adoption")],
                        set=TINY, executable=executable)
    model.uncertainties = [RealParameter("wom", 0.25, 0.75, variable_name="model.word_of_mouth")]
    model.constants = [Constant("seed", 5)]
    experiments, outcomes = perform_experiments(model, scenarios=2)
    assert outcomes["share"].shape == (2, 8)
    for index in range(2):
        overrides = {**TINY, "model.word_of_mouth": experiments["wom"][index]}
        direct = uptake.run(BASELINE, set=overrides, seed=5, executable=executable)
        assert list(outcomes["share"][index]) == list(direct.series["adoption"])


def test_replications_run_one_seed_each(executable):
    model = UptakeReplicatorModel("uptake", BASELINE, outcomes=[ScalarOutcome("adoption", function=np.mean),
                                                               ScalarOutcome("spread", variable_name="adoption",
                                                                             function=np.std)],
                                  set=TINY, executable=executable)
    model.uncertainties = [RealParameter("model.word_of_mouth", 0.25, 0.75)]
    model.replications = [{"seed": 1}, {"seed": 2}, {"seed": 3}]
    experiments, outcomes = perform_experiments(model, scenarios=1)
    finals = [
        uptake.run(BASELINE, set={**TINY, "model.word_of_mouth": experiments["model.word_of_mouth"][0]}, seed=seed,
                   executable=executable).summary["adoption"]["final"]
        for seed in (1, 2, 3)
    ]
    assert outcomes["adoption"][0] == pytest.approx(np.mean(finals))
    assert outcomes["spread"][0] == pytest.approx(np.std(finals))
    with pytest.raises(uptake.UptakeError, match="give each replication its seed"):
        model.replications = 3


def test_an_outcome_that_is_no_column_says_which_it_might_be(executable):
    model = tiny_model(executable, ["adoptoin"])
    with pytest.raises(ema_workbench.EMAError, match="'adoptoin' is not a column .* did you mean 'adoption'"):
        perform_experiments(model, scenarios=1, policies=1)


def test_a_run_that_fails_stops_the_experiments_with_uptakes_message(executable):
    model = tiny_model(executable, ["adoption"])
    model.uncertainties = [RealParameter("model.word_of_mouth", 0.25, 0.75), RealParameter("tax-relief.rat", 0, 1)]
    with pytest.raises(ema_workbench.EMAError, match="has no parameter 'rat'. Did you mean 'rate'"):
        perform_experiments(model, scenarios=1, policies=1)


def test_a_missing_scenario_is_refused_when_the_model_is_made(executable, tmp_path):
    with pytest.raises(uptake.UptakeError, match="nope.lua: there is no scenario file here"):
        UptakeModel("uptake", tmp_path / "nope.lua", executable=executable)
