"""Saving, opening and applying models, and exporting what the Results tab shows."""

import numpy as np
import pandas as pd
import pytest
from PySide6.QtWidgets import QMessageBox, QSpinBox

from core.evaluation.metrics import verdict_sentence
from gui import MainWindow
from gui.resources import sample_path
from tests.factories import shows

SALES = sample_path("daily_sales.csv")


def train_a_window(qtbot):
    """A shown window that has trained on the sales sample; returns it and the result."""
    win = MainWindow()
    win.show()
    with qtbot.waitSignal(win.session.data.finished, timeout=30_000):
        win.session.data.open_csv(SALES)
    win.columns_panel.target_combo.setCurrentText("sales")
    win.columns_panel.set_features(["temperature"])
    win.findChild(QSpinBox, "windowSpin").setValue(14)
    win.findChild(QSpinBox, "epochsSpin").setValue(2)
    win.findChild(QSpinBox, "forecastStepsSpin").setValue(3)
    win.findChild(QSpinBox, "horizonSpin").setValue(1)  # one direct step, then recursive ones
    win.findChild(QSpinBox, "ensembleSpin").setValue(1)  # one network (of 5): what is saved and shown is the same
    win.session.settings.replan()
    with qtbot.waitSignal(win.session.training.finished, timeout=120_000) as finished:
        win.session.training.start()
    return win, finished.args[0]


@pytest.fixture(scope="module")
def trained_window(qapp, request):
    """One window, trained once for the tests of this file that read its results, save or export them
    (training it for each test took most of this file's time). The keyboard-shortcut tests, which depend
    on where the focus is, get a window of their own: `own_trained_window`."""
    from pytestqt.qtbot import QtBot

    win, result = train_a_window(QtBot(request))
    yield win, result
    win.session.jobs.stop_all()
    # closed with the questions answered (tests/gui/conftest.py's `questions` is undone by now)
    original = QMessageBox.__dict__["question"]
    QMessageBox.question = staticmethod(lambda *args, **kwargs: QMessageBox.StandardButton.Discard)
    try:
        win.close()
        win.deleteLater()
    finally:
        QMessageBox.question = original


@pytest.fixture
def own_trained_window(qtbot):
    win, result = train_a_window(qtbot)
    qtbot.addWidget(win)
    yield win, result
    win.session.jobs.stop_all()


def test_results_show_the_forecast_band_and_coverage(trained_window):
    win, result = trained_window
    forecast = win.results_panel.canvas.line("forecast")
    assert len(forecast.get_xdata()) == 3
    assert [pd.Timestamp(t) for t in forecast.get_xdata()] == list(pd.date_range("2024-12-31", periods=3))
    assert np.allclose(forecast.get_ydata(), result.forecast["predicted"])
    assert f"covered {result.coverage['overall']:.0%}" in win.results_panel.coverage_label.text()
    assert "last observed values" in win.results_panel.coverage_label.text()  # steps 2-3 hold temperature


def test_save_open_and_apply(qtbot, trained_window, tmp_path):
    win, result = trained_window
    path = tmp_path / "sales"
    assert win.session.models.save(str(path))
    saved = tmp_path / "sales.lstmf"
    assert saved.read_bytes()[:2] == b"PK"

    other = MainWindow()
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.session.models.opened, timeout=60_000):
        other.session.models.open(saved)
    assert "sales.lstmf" in other.results_panel.title.text()
    assert np.allclose(other.results_panel.canvas.line("forecast").get_ydata(), result.forecast["predicted"])
    assert shows(other.results_panel.metrics_table.cell_text("model", "rmse"), result.test_metrics["model"]["rmse"])
    # the bundle keeps the test scores: the opened model says how it did against the best baseline
    said = other.results_panel.verdict_label
    assert not said.isHidden() and verdict_sentence(result.verdict()) in said.text(), said.text()
    assert other.commands["apply_model"].isEnabled()

    with qtbot.waitSignal(other.session.models.applied, timeout=60_000) as applied:
        other.session.models.apply(SALES)
    table = applied.args[0]
    known = table[table["actual"].notna()]
    both = result.predictions.merge(known, on=["time", "step"])
    assert len(both) == len(result.predictions)
    # the saved model is the forecast model (refit on every row): same model, same rows, same numbers
    refit = result.predictor
    expected = refit.predict(refit.series(win.session.data.loaded.frame), known["origin"].to_numpy(dtype=np.int64))
    assert np.allclose(known["predicted"], expected.ravel())
    assert "daily_sales.csv" in other.results_panel.title.text()
    # scored on the new file: the model and the naive forecast
    sales = pd.read_csv(SALES)["sales"].to_numpy()
    naive_rmse = np.sqrt(np.mean((sales[14:] - sales[13:-1]) ** 2))  # windows of 14, horizon 1
    assert shows(other.results_panel.metrics_table.cell_text("naive", "rmse"), naive_rmse)
    assert other.results_panel.metrics_table.cell_text("linear", "rmse") == "–"  # Ridge is not part of a saved model
    forecast = other.results_panel.forecast_table  # each forecast row says how it was made
    assert forecast.rowCount() and all(forecast.item(r, 5).text() in ("direct", "recursive")
                                       for r in range(forecast.rowCount()))


def test_exports_write_what_is_shown(trained_window, tmp_path):
    win, result = trained_window
    assert win.dialogs.export_predictions(str(tmp_path / "p.csv"))
    exported = pd.read_csv(tmp_path / "p.csv", encoding="utf-8-sig")
    assert list(exported.columns) == ["time", "step", "actual", "predicted", "lower", "upper", "split"]
    assert (exported["split"] == "forecast").sum() == 3 and len(exported) == len(result.predictions) + 3
    assert win.dialogs.export_metrics(str(tmp_path / "m.csv"))
    metrics = pd.read_csv(tmp_path / "m.csv", encoding="utf-8-sig").set_index("forecaster")
    assert metrics.loc["naive", "rmse"] == pytest.approx(result.test_metrics["naive"]["rmse"])
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        assert win.dialogs.export_chart(str(tmp_path / f"chart{suffix}"))
        assert (tmp_path / f"chart{suffix}").read_bytes()[:len(magic)] == magic


def test_a_broken_model_file_is_refused_with_a_message(qtbot, tmp_path):
    win = MainWindow()
    qtbot.addWidget(win)
    fake = tmp_path / "emailed.lstmf"
    fake.write_bytes(b"\x80\x04\x95not a model")
    with qtbot.waitSignal(win.session.models.failed, timeout=60_000) as failed:
        win.session.models.open(fake)
    assert "emailed.lstmf" in failed.args[0]
    assert any(d.objectName() == "errorDialog" and d.isVisible() for d in win.findChildren(QMessageBox))
    assert win.session.models.bundle is None and win.commands["open_model"].isEnabled()


def _answer_save_dialog(monkeypatch, path) -> list[str]:
    """Stands in for the file dialog a user would answer; records that it was asked."""
    from PySide6.QtWidgets import QFileDialog
    asked: list[str] = []

    def answer(*_args, **_kwargs):
        asked.append("save")
        return str(path), ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return asked


def test_save_model_from_the_menu(qtbot, trained_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMenu
    win, _ = trained_window
    asked = _answer_save_dialog(monkeypatch, tmp_path / "from-menu")
    file_menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "&File")
    action = next(a for a in file_menu.actions() if a.text() == "&Save model…")
    action.trigger()
    assert asked == ["save"]
    assert (tmp_path / "from-menu.lstmf").stat().st_size > 0


def test_save_model_from_the_toolbar(qtbot, trained_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QToolBar, QToolButton
    win, _ = trained_window
    _answer_save_dialog(monkeypatch, tmp_path / "from-toolbar")
    toolbar = win.findChild(QToolBar)
    button = next(b for b in toolbar.findChildren(QToolButton)
                  if b.defaultAction() is not None and "Save model" in b.defaultAction().text())
    qtbot.mouseClick(button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    assert (tmp_path / "from-toolbar.lstmf").stat().st_size > 0


def test_save_model_with_ctrl_s(qtbot, own_trained_window, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    win, _ = own_trained_window
    _answer_save_dialog(monkeypatch, tmp_path / "from-shortcut")
    win.activateWindow()
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: (tmp_path / "from-shortcut.lstmf").exists(), timeout=5000)
    assert (tmp_path / "from-shortcut.lstmf").stat().st_size > 0


def test_export_shortcut_works_while_a_spin_box_has_the_focus(qtbot, own_trained_window, tmp_path, monkeypatch):
    """A focused spin box claims Ctrl+E for itself (end of line, on Linux): the action still fires."""
    from PySide6.QtCore import Qt
    win, result = own_trained_window
    asked = _answer_save_dialog(monkeypatch, tmp_path / "by-key.csv")
    win.activateWindow()
    spin = win.findChild(QSpinBox, "epochsSpin")
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=5000)
    qtbot.keyClick(spin, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["save"]
    exported = pd.read_csv(tmp_path / "by-key.csv", encoding="utf-8-sig")
    assert len(exported) == len(result.predictions) + 3
    assert spin.value() == 2  # the key went to the action, not into the spin box


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
def test_export_shortcut_beats_the_spin_box_on_a_real_x_server():
    """Only Qt's X11 key bindings make a line edit claim Ctrl+E (the offscreen platform has none):
    the test above again, under xcb on a virtual X server."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    if shutil.which("xvfb-run") is None:
        pytest.skip("needs xvfb-run (apt-get install xvfb) for a real X server")
    root = Path(__file__).resolve().parents[2]
    test = "tests/gui/test_models.py::test_export_shortcut_works_while_a_spin_box_has_the_focus"
    out = subprocess.run(["xvfb-run", "-a", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                         cwd=root, env={**os.environ, "QT_QPA_PLATFORM": "xcb"}, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0 and "1 passed" in out.stdout, out.stdout[-3000:] + out.stderr[-2000:]


def test_results_say_plainly_how_the_model_did_against_the_best_baseline(trained_window):
    from PySide6.QtWidgets import QLabel
    win, result = trained_window
    label = win.findChild(QLabel, "verdictLabel")
    assert label.isVisible()
    scores = {k: v["rmse"] for k, v in result.test_metrics.items() if k != "model" and v["rmse"] is not None}
    best = min(scores, key=scores.get)
    words = {"naive": "naive forecast", "seasonal_naive": "seasonal naive", "linear": "Ridge"}[best]
    assert words in label.text()
    assert label.text().startswith("⚠") == (result.test_metrics["model"]["rmse"] >= scores[best])
    # which model made which numbers
    assert "refit on all 730 rows" in win.results_panel.coverage_label.text()
