"""The Backtest tab, driven as a user does: a small CSV, the form, the Run and Cancel buttons."""

from __future__ import annotations

import json

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from gui.jobs import Job
from gui.main_window import MainWindow
from tests.factories import shows

TIMEOUT = 120_000


def open_beer(qtbot, window: MainWindow, data_dir, **settings) -> None:
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(data_dir / "ausbeer.csv")
    window.session.data.set_columns("megalitres", [])
    window.session.settings.update(**({"horizon": 4, "epochs": 3, "ensemble": 1} | settings))
    window.tabs.setCurrentWidget(window.backtest_panel)


def test_run_button_backtests_and_shows_one_row_per_fold(qtbot, window, data_dir, tmp_path, monkeypatch):
    open_beer(qtbot, window, data_dir)
    panel = window.backtest_panel
    assert window.tabs.tabText(window.tabs.indexOf(panel)) == "Backtest"
    assert window.tabs.indexOf(panel) == window.tabs.indexOf(window.results_panel) + 1
    panel.folds_spin.setValue(3)
    panel.retrain_spin.setValue(2)
    assert panel.run_button.isEnabled() and not panel.export_button.isEnabled()
    with qtbot.waitSignal(window.session.backtest.finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert panel.table.rowCount() == 3
    cutoffs = [panel.table.item(row, 0).text() for row in range(3)]
    assert cutoffs == ["2005-10-01", "2006-10-01 *", "2007-10-01"]  # fold 2 reused fold 1's model
    assert [panel.table.item(row, 1).text() for row in range(3)] == ["200", "204", "208"]
    assert shows(panel.cell_text(0, "model", "rmse"), result.folds[0].scores["model"]["rmse"])
    # the best RMSE of each row is bold, and only that one
    for row, fold in enumerate(result.folds):
        scores = {k: fold.scores[k]["rmse"] for k in ("model", "naive", "seasonal_naive", "linear")}
        best = min(scores, key=scores.get)
        for key in scores:
            column = 2 + ["model", "naive", "seasonal_naive", "linear"].index(key)
            assert panel.table.item(row, column).font().bold() == (key == best)
    assert shows(panel.pooled_table.cell_text("model", "rmse"), result.pooled["model"]["rmse"])
    assert panel.progress_bar.value() == 3 and panel.progress_bar.text() == "Fold 3 of 3"
    assert panel.canvas.fold_lines() == 3
    assert panel.status_label.text() == "Finished: 3 folds; models trained: 2."

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / "folds.csv"), ""))
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    table = pd.read_csv(tmp_path / "folds.csv")
    assert list(table.columns) == ["cutoff", "time", "step", "actual", "predicted", "filled"] and len(table) == 12
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / "scores.json"), ""))
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    saved = json.loads((tmp_path / "scores.json").read_text())
    assert [f["train_rows"] for f in saved["folds"]] == [200, 204, 208]


def test_cancel_stops_the_backtest_and_training_waits_for_it(qtbot, window, data_dir):
    open_beer(qtbot, window, data_dir, epochs=5000, patience=0)
    panel = window.backtest_panel
    panel.folds_spin.setValue(4)
    refusals = []
    window.session.refused.connect(refusals.append)
    with qtbot.waitSignal(window.session.backtest.progress, timeout=TIMEOUT,
                          check_params_cb=lambda p: p.epoch is not None):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.cancel_button.isEnabled() and not panel.run_button.isEnabled()
    assert not window.session.training.start() and not window.session.may(Job.LOAD)
    assert refusals == ["A backtest is running: cancel it before training."]
    with qtbot.waitSignal(window.session.backtest.finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].cancelled and panel.table.rowCount() == 0
    assert panel.status_label.text() == "Cancelled: 0 of 4 folds finished."
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10_000)


def test_too_many_folds_say_so_on_the_tab(qtbot, window, data_dir):
    open_beer(qtbot, window, data_dir)
    panel = window.backtest_panel
    panel.folds_spin.setValue(500)
    with qtbot.waitSignal(window.session.backtest.failed, timeout=TIMEOUT):
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert "at most 50 folds" in panel.status_label.text()


def test_the_form_is_remembered(qtbot, data_dir):
    first = MainWindow(warm_up_engine=False)
    qtbot.addWidget(first)
    first.backtest_panel.folds_spin.setValue(7)
    first.backtest_panel.retrain_spin.setValue(0)
    first.backtest_panel.window_combo.setCurrentIndex(1)
    first.save_settings()
    second = MainWindow(warm_up_engine=False)
    qtbot.addWidget(second)
    request = second.backtest_panel.request()
    assert (request.folds, request.retrain_every, request.expanding) == (7, 0, False)
    assert second.backtest_panel.retrain_spin.text() == "once (first fold)"
