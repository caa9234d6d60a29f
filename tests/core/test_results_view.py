"""What the Results view needs from the engine: per-step scores, every actual value once, the
default target, advice that fits the settings and the overlap of applied data with training."""


import numpy as np
import pandas as pd
import pytest

from core.data.columns import default_target, is_index_like
from core.evaluation.metrics import per_step_scores, settings_advice
from core.outputs.plotting import actual_series, draw_results


def multi_step_predictions(rows: int = 30, horizon: int = 3) -> pd.DataFrame:
    """Windows of a series 0, 10, 20... whose step-h prediction is off by exactly h."""
    actual = np.arange(rows, dtype=float) * 10
    parts = []
    for origin in range(4, rows - horizon):
        for step in range(1, horizon + 1):
            row = origin + step
            split = "train" if row < 15 else ("val" if row < 22 else "test")
            parts.append({"time": row + 1, "step": step, "actual": actual[row], "predicted": actual[row] + step,
                          "lower": actual[row] + step - 2.5, "upper": actual[row] + step + 2.5,
                          "split": split, "origin": origin, "target_row": row})
    frame = pd.DataFrame(parts)
    # a window straddling a split boundary is left out, as the engine does
    return frame[frame.groupby("origin")["split"].transform("nunique") == 1].reset_index(drop=True)


def test_per_step_scores_are_each_steps_own_error():
    scores = per_step_scores(multi_step_predictions(), "test")
    assert scores["step"].tolist() == [1, 2, 3]
    assert scores["rmse"].tolist() == pytest.approx([1.0, 2.0, 3.0])
    assert scores["mae"].tolist() == pytest.approx([1.0, 2.0, 3.0])
    # intervals are ±2.5 around the prediction: steps 1 and 2 hold, step 3 misses every time
    assert scores["coverage"].tolist() == pytest.approx([1.0, 1.0, 0.0])
    test = multi_step_predictions()
    windows = test[(test["split"] == "test") & (test["step"] == 1)]
    assert scores["windows"].iloc[0] == len(windows)


def test_actual_series_has_every_row_once_to_the_last():
    predictions = multi_step_predictions(rows=30, horizon=3)
    real = actual_series(predictions)
    # rows 5..29: the last two rows only as later steps, the rows beside split boundaries too
    assert real["actual"].tolist() == [10.0 * r for r in range(5, 30)]
    assert real["time"].tolist() == list(range(6, 31))
    assert not real["time"].duplicated().any()


def test_results_chart_draws_a_continuous_real_line_and_the_chosen_step():
    from matplotlib.figure import Figure

    predictions = multi_step_predictions(rows=30, horizon=3)
    axes = Figure().add_subplot()
    draw_results(axes, predictions, "y", step=2)
    lines = {line.get_label(): line for line in axes.get_lines()}
    real = lines["real"]
    assert len(real.get_xdata()) == 25 and not np.isnan(real.get_ydata()).any()
    assert "predicted (2 steps ahead)" in lines
    step2 = lines["predicted (2 steps ahead)"].get_ydata()
    assert np.nanmax(step2) == 10.0 * 28 + 2  # the last window's second step


def test_a_one_step_forecast_draws_an_error_bar():
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    forecast = pd.DataFrame({"time": [31], "step": [1], "predicted": [300.0], "lower": [290.0], "upper": [312.0],
                             "method": ["direct"]})
    axes = Figure().add_subplot()
    draw_results(axes, multi_step_predictions(horizon=1), "y", forecast=forecast, level=0.9)
    bars = [c for c in axes.collections if isinstance(c, LineCollection)]
    assert len(bars) == 1
    (segment,) = bars[0].get_segments()
    assert segment[:, 1].tolist() == pytest.approx([290.0, 312.0])
    labels = axes.get_legend_handles_labels()[1]
    assert "90% interval" in labels and "forecast" in labels


@pytest.mark.parametrize(("name", "values", "expected"), [
    ("Unnamed: 0", [0, 1, 2, 3], True),
    ("Unnamed: 0", [5.5, 1.2, 3.0], True),  # pandas' saved index, whatever it holds
    ("t", [1, 2, 3, 4], True),
    ("id", [10, 11, 15, 20], True),
    ("No.", [1, 2, 3], True),
    ("t", [1.5, 2.5, 3.5], False),  # not integers: a measurement
    ("id", [1, 3, 2], False),  # not increasing
    ("sales", [1, 2, 3, 4], False),  # increasing integers under a real name stay a candidate
    ("passengers", [112, 118, 132], False),
    ("t_half_seconds", [0, 1, 2, 3], True),  # a clock under a time word (heartrate.csv)
    ("elapsed_ms", [0.5, 1.0, 1.5], True),
    ("seconds_on_hold", [3, 8, 2], False),  # a measurement in seconds, not a clock
    ("time", [1, 2, 4, 8], False),  # increasing, not evenly spaced
])
def test_index_like_columns(name, values, expected):
    assert is_index_like(name, np.array(values, dtype=float)) is expected


def test_default_target_skips_index_like_columns():
    frame = pd.DataFrame({"Unnamed: 0": range(5), "t": range(1, 6), "demand": [3.0, 1, 4, 1, 5]})
    assert default_target(frame, ["Unnamed: 0", "t", "demand"]) == "demand"
    assert default_target(frame[["t"]], ["t"]) == "t"  # nothing else to offer
    assert default_target(frame, []) == ""


def test_advice_fits_the_settings():
    level_bad = {"model": {"rmse": 50.0, "r2": -205.0}, "naive": {"rmse": 5.0}}
    assert "'change from last value'" in settings_advice(level_bad, "level", False, 10, 200)
    # already predicting the change: no advice to switch to it
    advice = settings_advice(level_bad, "delta", False, 10, 200)
    assert "change from last value" not in advice and advice
    assert "all 20 epochs" in settings_advice(level_bad, "delta", False, 20, 20)
    assert settings_advice({"model": {"rmse": 1.0, "r2": 0.9}}, "level", True, 5, 20) == ""


def test_overlap_of_applied_dates_with_the_training_data():
    from types import SimpleNamespace

    from core.apply import training_overlap
    from core.prep.timeindex import TimeIndex

    bundle = SimpleNamespace(time_index=TimeIndex("dates", 100, "2024-04-09T00:00:00", "D"))
    dates = pd.DataFrame({"date": pd.date_range("2024-04-01", periods=20, freq="D")})
    assert training_overlap(bundle, dates, "date") == "2024-04-09"
    later = pd.DataFrame({"date": pd.date_range("2024-04-10", periods=20, freq="D")})
    assert training_overlap(bundle, later, "date") is None
    assert training_overlap(bundle, dates, None) is None


def test_a_file_with_nul_bytes_is_called_binary_in_plain_words():
    from core.data.encoding import binary_reason

    reason = binary_reason(b"date,value\n2024-01-01,\x00\x00\x001\n")
    assert "NUL bytes" in reason and "zero bytes" not in reason
