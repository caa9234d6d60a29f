"""The Results view says what made the forecast (issue 22 item 6, issue 23 item 1): the anchor's own
forecast drawn dashed beside the forecast, the sentence on what the network added to it, and no
"LSTM trained" in the title when no network changed the forecast."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSpinBox

from core.outputs.summary import score_text
from tests.factories import make_frame, seasonal, seasonal_frame, slow_cosine

TRAIN_TIMEOUT = 120_000


def train_file(qtbot, window, path, **spins):
    """Opens `path`, ticks every feature column, sets the spin boxes and clicks Train."""
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(path)
    qtbot.mouseClick(window.findChild(QPushButton, "selectAllFeatures"), Qt.MouseButton.LeftButton)
    for name, value in spins.items():
        window.findChild(QSpinBox, f"{name}Spin").setValue(value)
    window.session.settings.replan()
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    return finished.args[0]


def legend_texts(line) -> list[str]:
    # beside the plot, or under it (the figure's) on a narrow chart
    legend = line.axes.get_legend() or line.figure.legends[0]
    return [text.get_text() for text in legend.get_texts()]


def test_a_trained_run_draws_the_smoothing_dashed_and_says_what_the_network_added(qtbot, window, tmp_path):
    path = tmp_path / "seasonal.csv"
    seasonal_frame(300).to_csv(path, index=False)
    result = train_file(qtbot, window, path, epochs=2, ensemble=1, forecastSteps=4)
    credit = result.credit
    assert credit.anchor == "smoothing" and credit.made_by != "smoothing alone"
    anchor = window.results_panel.canvas.line("anchor")
    assert anchor is not None and anchor.get_linestyle() == "--"
    assert np.allclose(anchor.get_ydata(), credit.forecast)
    forecast = window.results_panel.canvas.line("forecast")
    assert np.array_equal(anchor.get_xdata(), forecast.get_xdata())
    assert anchor.get_label() == "exponential smoothing alone" and anchor.get_label() in legend_texts(anchor)
    # the sentence on what was added to the smoothing's validation RMSE, with both scores
    said = window.findChild(QLabel, "creditLabel")
    assert said.isVisible()
    percent = f"{credit.network_change_pct:.1f}%"
    if credit.network_change_pct >= 0.05:
        assert f"improved the validation RMSE of exponential smoothing by {percent}" in said.text()
    else:
        assert "did not improve on exponential smoothing" in said.text()
    assert f"{score_text(credit.val_rmse)}" in said.text() and f"{score_text(credit.model_val_rmse)}" in said.text()
    assert result.config.features == ("x",)
    title = window.results_panel.title.text()
    if credit.made_by == "network":
        assert title.endswith("LSTM trained on seasonal.csv")
        assert "The feature column x was used." in said.text()
    else:  # every network kept its start (the defaults' Ridge start): the title names what made the forecast
        assert credit.made_by == "starting point" and result.history.best_epoch == 0
        maker = ("exponential smoothing corrected by the linear start" if credit.start == "linear start"
                 else "exponential smoothing alone")
        assert title.endswith(f"{maker} on seasonal.csv (every network kept its starting point)")
        assert "LSTM" not in title
        assert window.findChild(QLabel, "verdictLabel").text()[2:].startswith(  # after its ✓ or ⚠
            f"Every network kept its starting point (best epoch 0): the forecast is {maker}.")
        # the feature column entered the forecast only through the linear start
        assert ("The feature column x was used." in said.text()) == (credit.start == "linear start")
        assert ("The feature column x was not used." in said.text()) == (credit.start != "linear start")


def test_a_short_series_credits_the_smoothing_in_the_title_and_the_verdict(qtbot, window, tmp_path):
    path = tmp_path / "short.csv"
    make_frame(60, y=seasonal, x=slow_cosine).to_csv(path, index=False)
    result = train_file(qtbot, window, path, forecastSteps=4)
    assert result.credit.made_by == "smoothing alone" and result.history.epochs_run == 0
    assert window.results_panel.title.text().endswith("Exponential smoothing on short.csv")
    verdict = window.findChild(QLabel, "verdictLabel")
    assert verdict.isVisible()
    assert "No network was trained: the forecast is exponential smoothing alone." in verdict.text()
    # the smoothing alone made the forecast: its dashed line lies on the forecast
    canvas = window.results_panel.canvas
    assert canvas.line("anchor").get_ydata() == pytest.approx(canvas.line("forecast").get_ydata(), rel=1e-12)
    # the feature column ticked was not used, and the window says so
    assert result.config.features == ("x",)
    said = window.findChild(QLabel, "creditLabel")
    assert said.isVisible() and said.text() == "The feature column x was not used."


def test_a_saved_model_shows_its_anchor_and_an_older_one_shows_nothing_about_it(tmp_path):
    """Opening a model: the credit recorded in it, words and dashed line; a model saved before the
    record existed shows neither (unknown), and still opens."""
    import json

    from core.model.bundle import load_bundle, save_bundle
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig
    from gui.session.shown import OpenedModel, shown_from_bundle

    result = run_experiment(seasonal_frame(300), ForecastConfig(target="y", features=("x",), date_column="day",
                                                                ensemble=1, epochs=2, hidden=8, forecast_steps=4,
                                                                lr=1e-12))
    assert result.credit.made_by == "starting point"
    folder = save_bundle(result, tmp_path / "model")

    def opened(path):
        bundle = load_bundle(path)
        return shown_from_bundle(OpenedModel(str(path), bundle, bundle.predictor.forecast(bundle.tail,
                                                                                          bundle.time_index)))

    shown = opened(folder)
    assert shown.anchor == pytest.approx(result.credit.forecast) and shown.anchor_label == "exponential smoothing alone"
    assert shown.credit[0] == ("Every network kept its starting point (best epoch 0): the forecast is exponential "
                               "smoothing corrected by the linear start.")
    assert "The feature column x was used." in shown.credit
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    del meta["anchor"]
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    older = opened(folder)
    assert older.anchor is None and older.credit == () and len(older.forecast) == 4
