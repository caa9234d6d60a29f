"""Engine pieces both faces share: scoring a model applied to new data, the bundle of a run just
trained, whether a model beats the naive forecast, and how a table was read (source info)."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.apply import applied_coverage, applied_metrics, predict_table, recent_rows
from core.data.csv_reader import read_csv
from core.evaluation.metrics import model_beats_naive
from core.model.bundle import LoadedBundle, bundle_of_result, load_bundle, save_bundle
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig

DATA = Path(__file__).resolve().parents[1] / "data"


def known_rows() -> pd.DataFrame:
    # windows ending at rows 1, 2, 3 of the target [1, 2, 4, 7, 11], each forecasting the next row
    return pd.DataFrame({"origin": [1, 2, 3], "actual": [4.0, 7.0, 11.0], "predicted": [5.0, 7.0, 10.0],
                         "lower": [4.5, 6.0, 9.0], "upper": [6.0, 8.0, 12.0]})


def test_applied_metrics_score_the_model_and_the_last_value_each_window_saw():
    scores = applied_metrics(known_rows(), pd.Series([1.0, 2.0, 4.0, 7.0, 11.0]))
    assert set(scores) == {"model", "naive"}  # no Ridge: a saved model doesn't keep one
    # model errors 1, 0, -1; naive predicts 2, 4, 7: errors 2, 3, 4; scale = mean |diff| = 2.5
    assert scores["model"]["rmse"] == pytest.approx(np.sqrt(2 / 3))
    assert scores["model"]["mae"] == pytest.approx(2 / 3)
    assert scores["model"]["mase"] == pytest.approx(2 / 3 / 2.5)
    assert scores["naive"]["rmse"] == pytest.approx(np.sqrt(29 / 3))
    assert scores["naive"]["mae"] == pytest.approx(3.0)
    assert applied_metrics(known_rows().iloc[:0], pd.Series([1.0, 2.0])) == {}


def test_applied_coverage_is_the_share_of_actual_values_inside_their_interval():
    assert applied_coverage(known_rows()) == pytest.approx(2 / 3)  # 4 lies below [4.5, 6]
    no_intervals = known_rows().assign(lower=np.nan, upper=np.nan)
    assert applied_coverage(no_intervals) is None
    assert applied_coverage(known_rows().iloc[:0]) is None


def test_model_beats_naive_compares_rmse_and_says_none_when_a_score_is_missing():
    assert model_beats_naive({"model": {"rmse": 1.0}, "naive": {"rmse": 2.0}}) is True
    assert model_beats_naive({"model": {"rmse": 2.0}, "naive": {"rmse": 2.0}}) is False
    assert model_beats_naive({"model": {"rmse": None}, "naive": {"rmse": 2.0}}) is None
    assert model_beats_naive({}) is None


def test_recent_rows_label_the_tail_with_dates_or_row_numbers():
    config = ForecastConfig(target="y", date_column="day", window=3)
    tail = pd.DataFrame({"day": pd.date_range("2024-03-01", periods=3), "y": [1.0, 2.0, 3.0]})
    bundle = LoadedBundle(SimpleNamespace(config=config), SimpleNamespace(rows=50), tail, {})
    rows = recent_rows(bundle)
    assert list(rows.columns) == ["time", "step", "actual", "predicted"]
    assert list(rows["time"]) == list(tail["day"]) and list(rows["actual"]) == [1.0, 2.0, 3.0]
    assert rows["predicted"].isna().all()
    undated = LoadedBundle(SimpleNamespace(config=ForecastConfig(target="y", window=3)), SimpleNamespace(rows=50),
                           tail[["y"]], {})
    assert list(recent_rows(undated)["time"]) == [48, 49, 50]  # the last three of 50 rows, counted from 1


def test_the_bundle_of_a_run_predicts_as_the_saved_bundle_does(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"y": 5 + np.sin(np.arange(90) / 4) + rng.normal(0, 0.05, 90)})
    result = run_experiment(frame, ForecastConfig(target="y", window=5, horizon=2, epochs=1, threads=1))
    in_memory = bundle_of_result(result)
    assert in_memory.config == result.config and in_memory.meta["test_metrics"] == result.test_metrics
    saved = load_bundle(save_bundle(result, tmp_path / "m.lstmf"))
    mine, theirs = predict_table(in_memory, frame, None), predict_table(saved, frame, None)
    assert len(mine) > 80
    assert np.array_equal(mine["predicted"].to_numpy(), theirs["predicted"].to_numpy())


def test_source_info_says_how_the_table_was_read(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("Datum;Wert\n01.02.2024;1,5\n02.02.2024;2,5\n03.02.2024;3,5\n", encoding="utf-8")
    info = read_csv(path).source_info(path)
    assert info == {"encoding": "utf-8", "delimiter": ";", "decimal": ",", "date_column": "Datum",
                    "date_is_year": False, "source": str(path.resolve())}
    years = read_csv(DATA / "nile.csv").source_info(None)
    assert years["source"] is None and years["delimiter"] == ","
