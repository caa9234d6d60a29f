"""The run keeps its scored windows compact and builds the predictions table when asked (issue 25
item 5): the table, its per-split and per-step views, its chunks and the CSV written from them
hold the same values as the table built from the frame at once."""

import numpy as np
import pandas as pd
import pytest

from cli.commands.model import write_csv
from cli.commands.train import PREDICTION_COLUMNS, write_predictions
from core.outputs.export import csv_date_format
from core.pipeline import run_experiment
from core.prep.split import SPLITS
from core.settings.config import ForecastConfig
from tests.factories import seasonal_frame, undated_seasonal_frame


@pytest.fixture(scope="module")
def dated_run():
    config = ForecastConfig(target="y", features=("x",), date_column="day", ensemble=1, epochs=1, hidden=8,
                            horizon=3, refit=False, window=12)
    frame = seasonal_frame(200)
    return frame, run_experiment(frame, config)


def test_the_run_builds_no_table_and_the_first_ask_builds_it_once(dated_run):
    frame, result = dated_run
    fresh = run_experiment(frame, result.config)
    assert fresh._predictions is None
    assert fresh.predictions is fresh.predictions


def test_the_table_holds_every_scored_window_and_step_as_the_frame_says(dated_run):
    frame, result = dated_run
    table = result.predictions
    plan = result.plan
    origins = np.concatenate([plan.origins[s] for s in SPLITS])
    horizon = result.config.horizon
    assert len(table) == len(origins) * horizon == len(result.scored)
    np.testing.assert_array_equal(table["origin"], np.repeat(origins, horizon))
    np.testing.assert_array_equal(table["step"], np.tile(np.arange(1, horizon + 1), len(origins)))
    rows = table["origin"].to_numpy() + table["step"].to_numpy()
    np.testing.assert_array_equal(table["target_row"], rows)
    np.testing.assert_array_equal(table["time"].to_numpy(), frame["day"].to_numpy()[rows])
    np.testing.assert_array_equal(table["actual"], frame["y"].to_numpy()[rows])
    splits = np.repeat(np.concatenate([[s] * len(plan.origins[s]) for s in SPLITS]), horizon)
    np.testing.assert_array_equal(table["split"].astype(str), splits)
    half = np.tile(result.scoring_predictor.half_widths, len(origins))
    np.testing.assert_allclose(table["upper"] - table["predicted"], half)
    np.testing.assert_allclose(table["predicted"] - table["lower"], half)
    scoring = result.scoring_predictor
    again = scoring.predict(scoring.series(frame), origins)
    np.testing.assert_allclose(table["predicted"].to_numpy().reshape(-1, horizon), again, rtol=1e-6)


def test_the_model_scores_are_the_tables(dated_run):
    _frame, result = dated_run
    test = result.predictions[result.predictions["split"] == "test"]
    error = (test["actual"] - test["predicted"]).to_numpy()
    assert result.test_metrics["model"]["rmse"] == pytest.approx(float(np.sqrt(np.mean(error ** 2))))
    assert result.test_metrics["model"]["mae"] == pytest.approx(float(np.mean(np.abs(error))))


@pytest.mark.parametrize("split", [None, "train", "val", "test"])
@pytest.mark.parametrize("step", [None, 1, 3])
def test_a_view_is_the_whole_table_filtered(dated_run, split, step):
    whole = dated_run[1].predictions
    keep = np.ones(len(whole), dtype=bool)
    if split is not None:
        keep &= (whole["split"] == split).to_numpy()
    if step is not None:
        keep &= (whole["step"] == step).to_numpy()
    view = dated_run[1].scored.table(split=split, step=step)
    assert len(view) == keep.sum() > 0
    pd.testing.assert_frame_equal(view, whole[keep].reset_index(drop=True))


def test_the_chunks_make_the_whole_table(dated_run):
    scored = dated_run[1].scored
    pieces = list(scored.chunks(windows=7))
    assert len(pieces) == -(-len(scored.origins) // 7)
    pd.testing.assert_frame_equal(pd.concat(pieces, ignore_index=True), dated_run[1].predictions)


def test_predictions_csv_in_pieces_reads_as_written_at_once(dated_run, tmp_path, monkeypatch):
    scored = dated_run[1].scored
    monkeypatch.setattr(type(scored), "chunks", lambda self, windows=5: (
        self.table(start=b, stop=b + windows) for b in range(0, max(len(self.origins), 1), windows)))
    write_predictions(scored, tmp_path / "pieces.csv")
    write_csv(dated_run[1].predictions, tmp_path / "whole.csv", PREDICTION_COLUMNS)
    written = (tmp_path / "pieces.csv").read_bytes()
    assert written == (tmp_path / "whole.csv").read_bytes()
    assert written.count(b"time,step") == 1 and written.startswith(b"time,step,actual,predicted,split\n")


def test_undated_and_hourly_tables_write_the_same_csv(tmp_path):
    frame = undated_seasonal_frame(150)
    config = ForecastConfig(target="y", features=("x1",), ensemble=1, epochs=1, hidden=8, horizon=2,
                            refit=False, window=10)
    scored = run_experiment(frame, config).scored
    assert csv_date_format(scored.times()) is None
    write_predictions(scored, tmp_path / "pieces.csv")
    write_csv(scored.table(), tmp_path / "whole.csv", PREDICTION_COLUMNS)
    assert (tmp_path / "pieces.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()


def test_the_date_format_is_the_whole_columns():
    days = pd.date_range("2024-01-01", periods=5).to_numpy()
    hours = pd.date_range("2024-01-01", periods=30, freq="h").to_numpy()
    assert csv_date_format(days) == "%Y-%m-%d"
    assert csv_date_format(hours) == "%Y-%m-%d %H:%M:%S"
    # written in pieces with the whole column's format, the first day's midnight still has its hour
    whole = pd.DataFrame({"time": hours}).to_csv(index=False)
    pieces = "".join(pd.DataFrame({"time": hours[b:b + 24]}).to_csv(index=False, header=b == 0,
                                                                        date_format=csv_date_format(hours))
                     for b in range(0, 30, 24))
    assert pieces == whole
    with pytest.raises(ValueError):
        csv_date_format(pd.date_range("2024-01-01", periods=3, freq="500ms").to_numpy())
    assert csv_date_format(np.arange(1, 5)) is None
