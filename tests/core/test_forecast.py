"""Forecasting past the end: timestamps, direct vs recursive steps, and interval coverage."""

import numpy as np
import pandas as pd
import pytest

from core.evaluation.intervals import conformal_half_widths, interval_coverage
from core.pipeline import run_experiment
from core.prep.timeindex import TimeIndex, infer_frequency
from core.settings.config import ForecastConfig


@pytest.mark.parametrize("freq, last, expected", [
    ("D", "2024-03-01", ["2024-03-02", "2024-03-03"]),
    ("B", "2024-03-01", ["2024-03-04", "2024-03-05"]),  # Friday -> Monday, Tuesday
    ("W-SUN", "2024-03-03", ["2024-03-10", "2024-03-17"]),
    ("MS", "2024-01-01", ["2024-02-01", "2024-03-01"]),
    ("ME", "2024-01-31", ["2024-02-29", "2024-03-31"]),
    ("QS-JAN", "2024-01-01", ["2024-04-01", "2024-07-01"]),
    ("QE-DEC", "2023-12-31", ["2024-03-31", "2024-06-30"]),
    ("YS-JAN", "2020-01-01", ["2021-01-01", "2022-01-01"]),
    ("h", "2024-03-01 23:00", ["2024-03-02 00:00", "2024-03-02 01:00"]),
    ("30min", "2024-03-01 23:30", ["2024-03-02 00:00", "2024-03-02 00:30"]),
])
def test_future_timestamps_continue_the_frequency(freq, last, expected):
    dates = pd.date_range(end=last, periods=40, freq=freq)
    assert infer_frequency(dates) == freq
    frame = pd.DataFrame({"d": dates})
    future = TimeIndex.of(frame, "d").future(2)
    assert [pd.Timestamp(t) for t in future] == [pd.Timestamp(e) for e in expected]


def test_gaps_still_give_the_usual_step_and_rows_and_years_count_on():
    dates = pd.date_range("2024-01-01", periods=60, freq="D").delete([10, 11, 30])
    assert infer_frequency(dates) == "D"
    assert TimeIndex.of(pd.DataFrame({"v": range(5)}), None).future(3).tolist() == [6, 7, 8]
    years = pd.DataFrame({"y": pd.to_datetime([f"{y}-01-01" for y in range(1990, 2000)])})
    assert TimeIndex.of(years, "y", date_is_year=True).future(2).tolist() == [2000, 2001]


def test_conformal_half_width_is_the_right_order_statistic():
    residuals = np.arange(1, 20, dtype=float)[:, None]  # 19 residuals: 1..19
    # ceil((19 + 1) * 0.9) = 18th smallest
    assert conformal_half_widths(residuals, 0.9).tolist() == [18.0]
    assert np.isnan(conformal_half_widths(np.ones((3, 1)), 0.9)).all()  # too few for 90%
    cover = interval_coverage(np.array([[0.0], [5.0]]), np.array([[1.0], [1.0]]), np.array([2.0]))
    assert cover == {"overall": 0.5, "per_step": [0.5]}


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
def test_interval_coverage_is_near_the_level_on_a_long_series():
    rng = np.random.default_rng(11)
    t = np.arange(3000)
    frame = pd.DataFrame({"y": 5 * np.sin(2 * np.pi * t / 25) + rng.normal(0, 1, len(t))})
    config = ForecastConfig(target="y", window=25, horizon=3, epochs=15, patience=5, interval_level=0.8,
                            val_fraction=0.25, test_fraction=0.25)
    result = run_experiment(frame, config)
    assert abs(result.coverage["overall"] - 0.8) <= 0.10
    assert len(result.coverage["per_step"]) == 3
    assert result.metrics_dict()["coverage"] == result.coverage["overall"]


def test_forecast_marks_recursive_steps_and_widens_their_intervals():
    t = np.arange(200)
    frame = pd.DataFrame({"y": np.sin(t / 4) + 0.01 * t, "f": np.cos(t / 7)})
    config = ForecastConfig(target="y", features=("f",), window=12, horizon=2, epochs=3, forecast_steps=5)
    result = run_experiment(frame, config)
    f = result.forecast
    assert f["time"].tolist() == [201, 202, 203, 204, 205]
    assert f["method"].tolist() == ["direct", "direct", "recursive", "recursive", "recursive"]
    width = (f["upper"] - f["lower"]).to_numpy()
    assert width[2] == pytest.approx(width[0] * np.sqrt(2)) and width[4] == pytest.approx(width[0] * np.sqrt(3))
    assert "hold the feature columns (f) at their last observed values" in result.predictor.assumption()
