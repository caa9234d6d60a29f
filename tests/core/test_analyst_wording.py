"""The wording an analyst reads (issue 23 item 25): no "(unknown)" after "Unknown encoding", plurals
that agree ("1 step", not "1 steps"), R² as the window writes it, and a note for a feature column
that can't help because it never changes on the training rows."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.backtest import BacktestRequest, run_backtest
from core.data.csv_reader import read_csv
from core.errors import ConfigError, DataError
from core.outputs.summary import search_lines
from core.pipeline import plan_run
from core.settings.config import ForecastConfig
from tests.factories import noisy_sine_frame


def test_an_unknown_encoding_is_said_once(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        read_csv(path, encoding="no-such-codec")
    assert str(raised.value) == "Unknown encoding 'no-such-codec' for 'data.csv'."


def test_too_many_folds_of_one_step_says_step(tmp_path):
    frame = noisy_sine_frame(60)
    config = ForecastConfig(target="y", horizon=1, epochs=1, window=4)
    with pytest.raises(ConfigError) as raised:
        run_backtest(frame, config, BacktestRequest(folds=500, fold_step=1))
    message = str(raised.value)
    assert " folds of 1 step, " in message and "1 steps" not in message


def test_the_searchs_test_scores_write_r_squared():
    result = SimpleNamespace(best_settings={"hidden": 8}, baseline=None, baseline_is_best=False, best_number=2,
                             validation_score=1.5, trials=[], test={"rmse": 1.25, "r2": 0.5},
                             verdict=SimpleNamespace(code="unscored", own_rmse=None, best_rmse=None,
                                                     baseline_rmse=None, best_number=2, own_number=0, baseline=None))
    lines = search_lines(result, lambda settings: "hidden=8")
    assert "Scored once on the test split: RMSE 1.250, R² 0.5000." in lines
    assert not any("R2" in line for line in lines)


def test_a_feature_constant_on_the_training_rows_gets_a_note():
    frame = noisy_sine_frame(150)
    frame["flag"] = 1.0
    frame.loc[140:, "flag"] = 2.0  # it changes only after the training rows
    frame["varies"] = np.arange(150, dtype=float)
    plan = plan_run(frame, ForecastConfig(target="y", features=("flag", "varies"), window=8))
    notes = [note for note in plan.notes if "one value on every training row" in note]
    assert notes == ["The feature column flag has one value on every training row: it can't help the forecast."]
    plain = plan_run(frame, ForecastConfig(target="y", features=("varies",), window=8))
    assert not any("one value" in note for note in plain.notes)


def test_no_note_without_feature_columns():
    frame = pd.DataFrame({"y": np.sin(np.arange(150) / 5.0)})
    assert not any("one value" in note for note in plan_run(frame, ForecastConfig(target="y", window=8)).notes)
