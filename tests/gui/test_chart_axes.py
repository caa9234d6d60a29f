"""Chart axes an analyst can read (issue 23, item 18): date ticks level and apart at any zoom, the
forecast inside the frame, and a search chart with one trial or pruned trials that still makes sense."""

from itertools import pairwise
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.vocabulary import TrialState
from gui.widgets.canvases import ResultCanvas
from gui.widgets.search_views import TrialsCanvas


def daily_run(days=730):
    time = pd.date_range("2023-01-01", periods=days, freq="D")
    split = ["train"] * int(days * 0.7) + ["val"] * int(days * 0.15)
    split += ["test"] * (days - len(split))
    values = 50 + 10 * np.sin(np.arange(days) / 20)
    predictions = pd.DataFrame({"time": time, "step": 1, "actual": values, "predicted": values + 1,
                                "lower": values - 3, "upper": values + 5, "split": pd.Categorical(split),
                                "target_row": np.arange(days)})
    forecast = pd.DataFrame({"time": [time[-1] + pd.Timedelta(days=1)], "step": [1], "predicted": [60.0],
                             "lower": [55.0], "upper": [65.0], "method": ["direct"]})
    return predictions, forecast


def tick_boxes(canvas):
    canvas.figure.canvas.draw()  # the Agg render the labels are measured on
    axes = canvas.figure.axes[0]
    labels = [t for t in axes.get_xticklabels() if t.get_text() and t.get_visible()]
    return labels, [t.get_window_extent() for t in labels]


@pytest.mark.parametrize("width", [640, 330])  # beside the forecast table, the chart may be narrow
@pytest.mark.parametrize("days_shown", [None, 90, 28, 10, 2])
def test_date_ticks_stay_level_and_apart_at_every_zoom(qtbot, days_shown, width):
    canvas = ResultCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(width, 360)
    canvas.show()  # a hidden widget gets its resize only when shown
    qtbot.waitExposed(canvas)
    assert canvas.figure.bbox.width == pytest.approx(width * canvas.device_pixel_ratio, abs=2)
    predictions, forecast = daily_run()
    canvas.show_predictions(predictions, forecast, "sales", 0.9, True)
    axes = canvas.figure.axes[0]
    if days_shown:  # as the toolbar's zoom leaves it
        end = pd.Timestamp("2024-06-01")
        axes.set_xlim(end - pd.Timedelta(days=days_shown), end)
    labels, boxes = tick_boxes(canvas)
    assert len(labels) >= 2, [t.get_text() for t in labels]
    assert all(t.get_rotation() == 0 for t in labels)
    for left, right in pairwise(boxes):
        assert left.x1 <= right.x0, [t.get_text() for t in labels]  # no two labels overlap
    assert all(len(t.get_text()) <= 10 for t in labels)


def four_quarters():
    """A forecast-only run on four quarters (nothing predicted), forecast four quarters ahead."""
    predictions = pd.DataFrame({"time": pd.to_datetime([]), "step": [], "actual": [], "predicted": [],
                                "lower": [], "upper": [], "split": pd.Categorical([]), "target_row": []})
    actual = pd.DataFrame({"time": pd.date_range("2020-01-01", periods=4, freq="QS"), "actual": [50, 62, 71, 55.0]})
    forecast = pd.DataFrame({"time": pd.date_range("2021-01-01", periods=4, freq="QS"), "step": [1, 2, 3, 4],
                             "predicted": [60.0, 60.6, 61.2, 61.9], "lower": np.nan, "upper": np.nan})
    return predictions, forecast, actual


@pytest.mark.parametrize("case", ["long", "four quarters"])
def test_the_forecast_point_is_drawn_whole_inside_a_narrow_frame(qtbot, case):
    canvas = ResultCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(375, 260)  # the chart's share of a 1024-pixel window
    canvas.show()
    qtbot.waitExposed(canvas)
    if case == "long":
        predictions, forecast = daily_run()
        canvas.show_predictions(predictions, forecast, "sales", 0.9, True)
    else:
        predictions, forecast, actual = four_quarters()
        canvas.show_predictions(predictions, forecast, "sales", 0.9, True, actual=actual, anchor=[60.0] * 4,
                                anchor_label="exponential smoothing alone")
    canvas.figure.canvas.draw()
    axes = canvas.figure.axes[0]
    marker = canvas.line("forecast")
    x, y = marker.get_xydata()[-1]
    right = axes.transData.transform((x, y))[0] + marker.get_markersize() / 2 * canvas.figure.dpi / 72  # radius
    # the marker whole and clear of the frame's line (a short file's gave 2.6 pixels with the 5% margin)
    assert right + 3 < axes.bbox.x1, (right, axes.bbox.x1)


def trial(number, score, state=TrialState.COMPLETE):
    return SimpleNamespace(number=number, score=score, state=state, seconds=1.0, settings={}, baseline=number == 0)


def test_one_trial_gets_a_whole_number_axis_and_pruned_trials_are_drawn(qtbot):
    canvas = TrialsCanvas()
    qtbot.addWidget(canvas)
    canvas.show_trials([trial(0, 18.0)])
    axes = canvas.figure.axes[0]
    low, high = axes.get_xlim()
    assert high - low >= 2 and low <= 0 <= high
    canvas.show_trials([trial(0, 18.0), trial(1, None, TrialState.PRUNED), trial(2, 17.5),
                        trial(3, 19.0, TrialState.PRUNED)])
    axes = canvas.figure.axes[0]
    drawn = {line.get_gid(): list(line.get_xdata()) for line in axes.get_lines()}
    assert drawn.get("pruned") == [3]  # at its score
    assert drawn.get("pruned-unscored") == [1]  # stopped before one: still on the chart
