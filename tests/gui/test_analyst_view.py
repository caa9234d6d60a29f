"""What the analyst sees on the Results tab (issue 23, items 6, 8, 10, 13): numbers in grouped fixed
notation with one count of decimals per column, a warning when the intervals held far less often
than their level, a hover read-out that belongs to the chart on screen and is shown once, and a
forecast-only run on a tiny file that draws its values and says why it has no intervals."""

import numpy as np
import pandas as pd
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QSpinBox

import core.pipeline.recipe
from core.i18n import set_language
from gui.widgets.metrics_table import MetricsTable
from gui.widgets.result_tables import ForecastTable
from tests.factories import noisy_sine_frame
from tests.gui.window_steps import open_file, set_spins

TRAIN_TIMEOUT = 120_000


def click_train(qtbot, win):
    with qtbot.waitSignal(win.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(win.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    return finished.args[0]


def sine_csv(tmp_path, name="sine.csv", rows=150):
    path = tmp_path / name
    noisy_sine_frame(rows).to_csv(path, index=False)
    return path


# ------------------------------------------------------------------ item 13: numbers
def test_tables_write_a_column_with_one_count_of_decimals_and_no_exponent(qtbot):
    forecast = ForecastTable()
    qtbot.addWidget(forecast)
    forecast.show_forecast(pd.DataFrame({"time": pd.date_range("2025-01-01", periods=2, freq="D"), "step": [1, 2],
                                         "predicted": [18.0, 18.47], "lower": [15.5, 15.0], "upper": [20.5, 21.9],
                                         "method": ["direct", "direct"]}))
    cells = [[forecast.item(r, c).text() for c in (2, 3, 4)] for r in range(2)]
    assert cells == [["18.00", "15.50", "20.50"], ["18.47", "15.00", "21.90"]]
    assert forecast.values("predicted") == [18.0, 18.47]  # copied with every digit
    forecast.show_forecast(pd.DataFrame({"time": pd.date_range("2025-01-01", periods=1, freq="D"), "step": [1],
                                         "predicted": [24490.4], "lower": [10210.0], "upper": [38001.0],
                                         "method": ["direct"]}))
    assert [forecast.item(0, c).text() for c in (2, 3, 4)] == ["24,490", "10,210", "38,001"]
    metrics = MetricsTable()
    qtbot.addWidget(metrics)
    metrics.show_metrics({"model": {"rmse": 18.0, "mae": 10210.0, "mape": 5.0, "r2": 0.9, "mase": 0.5},
                          "naive": {"rmse": 18.47, "mae": 24490.4, "mape": 6.0, "r2": 0.8, "mase": 1.0}})
    assert (metrics.cell_text("model", "rmse"), metrics.cell_text("naive", "rmse")) == ("18.00", "18.47")
    assert (metrics.cell_text("model", "mae"), metrics.cell_text("naive", "mae")) == ("10,210", "24,490")


# ------------------------------------------------------------------ item 10: intervals far too narrow
def test_intervals_far_narrower_than_their_level_get_a_warning(qtbot, window, tmp_path, monkeypatch):
    real = core.pipeline.recipe.interval_widths
    monkeypatch.setattr(core.pipeline.recipe, "interval_widths",
                        lambda residuals, level: (real(residuals, level)[0] * 0.05, real(residuals, level)[1]))
    open_file(qtbot, window, sine_csv(tmp_path))
    set_spins(window, window=8, epochs=1, ensemble=1, forecastSteps=2)
    click_train(qtbot, window)
    warning = window.findChild(QLabel, "coverageWarning")
    assert warning.isVisible() and "90% prediction intervals covered only" in warning.text(), warning.text()


def test_intervals_that_hold_get_no_warning(qtbot, window, tmp_path):
    open_file(qtbot, window, sine_csv(tmp_path))
    set_spins(window, window=8, epochs=1, ensemble=1, forecastSteps=2)
    result = click_train(qtbot, window)
    warning = window.findChild(QLabel, "coverageWarning")
    assert result.coverage["overall"] >= 0.75 and not warning.isVisible(), warning.text()


# ------------------------------------------------------------------ item 6: the hover read-out
def hover(qtbot, canvas, shift: int = 0) -> None:
    """The mouse over the middle of the chart's axes (`shift` pixels right), as a user moves it there."""
    QApplication.processEvents()
    canvas.draw()  # the layout the mouse lands on
    box = canvas.figure.axes[0].get_window_extent()
    ratio = canvas.device_pixel_ratio or 1
    x, y = (box.x0 + box.x1) / 2 / ratio, canvas.height() - (box.y0 + box.y1) / 2 / ratio
    qtbot.mouseMove(canvas, QPoint(int(x) + shift, int(y)))
    QApplication.processEvents()


def visible_texts(win) -> list[str]:
    return [w.text() for w in win.findChildren(QLabel) if w.isVisible() and w.text()]


def test_the_hover_read_out_is_shown_once_and_leaves_with_its_chart(qtbot, window, tmp_path):
    open_file(qtbot, window, sine_csv(tmp_path))
    set_spins(window, window=8, epochs=1, ensemble=1, forecastSteps=3)
    window.findChild(QSpinBox, "horizonSpin").setValue(3)
    window.session.settings.replan()
    click_train(qtbot, window)
    panel = window.results_panel
    hover(qtbot, panel.canvas)
    said = panel.hover_label.text()
    assert said.startswith(("real: ", "predicted")), said
    assert sum(said in text for text in visible_texts(window)) == 1  # not again in the toolbar
    panel.step_selector.setValue(2)  # the chart is drawn again: another line under the mouse
    assert panel.hover_label.text() == ""
    hover(qtbot, panel.canvas, shift=5)
    assert panel.hover_label.text()
    open_file(qtbot, window, sine_csv(tmp_path, "other.csv", rows=120))  # another file: the chart is gone
    assert panel.hover_label.text() == "" and panel.title.text() == ""


# ------------------------------------------------------------------ item 8: a forecast-only run on a tiny file
def test_a_tiny_file_draws_its_values_and_says_why_there_are_no_intervals(qtbot, window, tmp_path):
    path = tmp_path / "four_quarters.csv"
    pd.DataFrame({"quarter": ["2020-01-01", "2020-04-01", "2020-07-01", "2020-10-01"],
                  "sales": [50, 62, 71, 55]}).to_csv(path, index=False)
    open_file(qtbot, window, path)
    set_spins(window, forecastSteps=4)
    result = click_train(qtbot, window)
    assert result.plan.forecast_only and len(result.predictions) == 0
    panel = window.results_panel
    real = panel.canvas.line("real")
    assert real is not None and np.allclose(real.get_ydata(), [50, 62, 71, 55])
    assert not panel.step_row.isVisible()  # nothing to choose between
    assert all(panel.forecast_table.item(r, 3).text() == "–" for r in range(panel.forecast_table.rowCount()))
    notes = window.findChild(QLabel, "notesLabel").text()
    assert "so the forecast has no intervals" in notes and "intervals come from" not in notes, notes


def test_chinese_numbers_keep_their_digits(qtbot):
    set_language("zh_CN")
    try:
        table = ForecastTable()
        qtbot.addWidget(table)
        table.show_forecast(pd.DataFrame({"time": pd.date_range("2025-01-01", periods=1, freq="D"), "step": [1],
                                          "predicted": [10210.4], "lower": [np.nan], "upper": [np.nan],
                                          "method": ["direct"]}))
        assert table.item(0, 2).text() == "10,210" and table.item(0, 3).text() == "–"
    finally:
        set_language("en")
