"""The Results tab's "Future feature values…" and "Save template…" buttons: a template written,
filled, read back and the forecast made again from the trained model (issue 24 item 2)."""

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QPushButton

from gui import MainWindow
from tests.factories import lagged_feature_frame
from tests.gui.window_steps import open_file, set_spins


@pytest.fixture(scope="module")
def trained(qapp, request, tmp_path_factory):
    """A window trained on y_t = 2 f_(t-1) + noise: f the feature, horizon 1, 3 forecast steps (so
    steps 2-3 read the feature's future values)."""
    from pytestqt.qtbot import QtBot

    qtbot = QtBot(request)
    data = tmp_path_factory.mktemp("future") / "lagged.csv"
    lagged_feature_frame().assign(day=lambda d: d["day"].dt.strftime("%Y-%m-%d")).to_csv(data, index=False)
    win = MainWindow()
    win.show()
    open_file(qtbot, win, data)
    win.columns_panel.target_combo.setCurrentText("y")
    win.columns_panel.set_features(["f"])
    set_spins(win, window=3, horizon=1, forecastSteps=3, epochs=30, ensemble=1)
    with qtbot.waitSignal(win.session.training.finished, timeout=120_000) as finished:
        win.session.training.start()
    result = finished.args[0]
    yield win, result
    win.session.jobs.stop_all()
    original = QMessageBox.__dict__["question"]
    QMessageBox.question = staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    try:
        win.close()
        win.deleteLater()
    finally:
        QMessageBox.question = original


def _button(win, name: str) -> QPushButton:
    return win.results_panel.findChild(QPushButton, name)


def test_template_then_future_values_reforecast_without_training(qtbot, trained, tmp_path, monkeypatch):
    win, result = trained
    future_button, template_button = _button(win, "futureFeaturesButton"), _button(win, "futureTemplateButton")
    assert future_button.isEnabled() and template_button.isEnabled()
    template = tmp_path / "future.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(template), ""))
    qtbot.mouseClick(template_button, Qt.MouseButton.LeftButton)
    written = pd.read_csv(template)
    assert written.columns.tolist() == ["day", "f"]
    assert written["day"].tolist() == ["2024-10-27", "2024-10-28", "2024-10-29"]
    assert written["f"].isna().all()

    last = result.tail["f"].iloc[-1]
    far = 1.0 if last > 5 else 9.0  # far from the last value: y at step 3 is about 2 * far
    written.assign(f=[last, far, 5.0]).to_csv(template, index=False)
    trainings: list = []
    win.session.training.started.connect(trainings.append)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(template), ""))
    with qtbot.waitSignal(win.session.resultShown, timeout=30_000):
        qtbot.mouseClick(future_button, Qt.MouseButton.LeftButton)
    shown = win.session.shown
    held = result.forecast["predicted"].to_numpy()
    given = shown.forecast["predicted"].to_numpy()
    # step 1 reads observed rows, step 2 the first future row (the last value again): both unchanged
    assert np.array_equal(given[:2], held[:2]) and given[2] != held[2]
    assert abs(given[2] - 2 * far) < abs(held[2] - 2 * far) and abs(given[2] - 2 * far) < 3
    assert np.allclose(win.results_panel.canvas.line("forecast").get_ydata(), given)
    text = win.results_panel.coverage_label.text()
    assert "Steps 2-3 read the feature columns (f) from the future values given in future.csv." in text
    assert "last observed values" not in text
    assert trainings == [] and win.session.models.result is result  # the trained model, not trained again

    # a file whose dates don't continue the series: one message saying what to change, forecast kept
    late = tmp_path / "late.csv"
    written.assign(day=["2024-10-28", "2024-10-29", "2024-10-30"], f=1.0).to_csv(late, index=False)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(late), ""))
    with qtbot.waitSignal(win.session.models.failed, timeout=30_000) as failed:
        qtbot.mouseClick(future_button, Qt.MouseButton.LeftButton)
    assert "the future starts at 2024-10-27" in failed.args[0]
    assert any(d.objectName() == "errorDialog" and d.isVisible() for d in win.findChildren(QMessageBox))
    assert np.array_equal(win.session.shown.forecast["predicted"].to_numpy(), given)


def test_the_file_menu_holds_both_commands(trained):
    win, _ = trained
    file_menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "&File")
    texts = [a.text() for a in file_menu.actions()]
    assert "&Future feature values…" in texts and "Save future &template…" in texts
    assert win.commands["future_features"].isEnabled()
