"""The desktop workflow driven as a user would, offscreen: open, choose, train, read the results."""

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton, QSpinBox, QWidget

from gui import MainWindow
from gui.resources import sample_path
from tests.factories import shows

SALES = sample_path("daily_sales.csv")
TRAIN_TIMEOUT = 120_000


def open_sales(qtbot, win):
    with qtbot.waitSignal(win.session.data.finished, timeout=30_000):
        assert win.session.data.open_csv(SALES)
    win.findChild(QComboBox, "targetCombo").setCurrentText("sales")
    win.columns_panel.set_features(["temperature"])
    win.findChild(QSpinBox, "windowSpin").setValue(14)
    win.session.settings.replan()


def test_widgets_are_reachable_by_object_name(window):
    for name in ("targetCombo", "featureList", "dateColumnCombo", "windowSpin", "horizonSpin", "epochsSpin",
                 "trainButton", "cancelButton", "progressBar", "lossCanvas", "resultCanvas", "metricsTable"):
        assert window.findChild(object, name) is not None, name


def test_open_pick_train_and_see_results(qtbot, window):
    open_sales(qtbot, window)
    # the import panel and columns reflect the file
    assert window.data_panel.preview_model.rowCount() == 730
    assert window.data_panel.preview_model.index(0, 1).data() == "207.1"
    assert window.findChild(object, "dateColumnCombo").currentText() == "date"
    assert "X (496, 14, 2)" in window.run_panel.shapes_label.text().replace("&nbsp;", " ")
    window.findChild(QSpinBox, "epochsSpin").setValue(2)
    window.findChild(QSpinBox, "ensembleSpin").setValue(1)  # one network: the ensemble's count is test_session's
    window.session.settings.replan()
    train = window.findChild(QPushButton, "trainButton")
    assert train.isEnabled()
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(train, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.history.epochs_run == 2
    # the chart holds one predicted point per window, over all splits, and every actual value
    windows = sum(result.data_info["windows"].values())
    real, predicted = window.results_panel.canvas.line("real"), window.results_panel.canvas.line("predicted")
    assert len(predicted.get_xdata()) == windows == 496 + 110 + 110
    # the real line is every row of the file, the first window's 14 too
    source = pd.read_csv(SALES)
    assert np.allclose(real.get_ydata(), source["sales"].to_numpy())
    assert pd.Timestamp(real.get_xdata()[0]) == pd.Timestamp("2023-01-01")
    # the metrics table shows the model and the three baselines with the engine's numbers
    table = window.results_panel.metrics_table
    labels = [table.verticalHeaderItem(i).text() for i in range(table.rowCount())]
    assert labels == ["Model", "Naive (last value)", "Seasonal naive", "Linear (Ridge)"]
    for row in ("model", "naive", "seasonal_naive", "linear"):
        assert shows(table.cell_text(row, "rmse"), result.test_metrics[row]["rmse"])
    assert window.results_panel.warning_label.isVisible() == (not result.beats_naive())
    assert window.tabs.currentWidget() is window.findChild(QWidget, "resultsPanel")
    assert train.isEnabled()


def test_cancel_keeps_the_best_model_so_far(qtbot, window):
    open_sales(qtbot, window)
    window.settings_panel.form.epochs.setValue(5000)
    window.settings_panel.form.patience.setValue(0)
    window.session.settings.replan()
    window.session.training.start()
    assert not window.run_panel.train_button.isEnabled() and window.run_panel.cancel_button.isEnabled()
    assert not window.session.training.start() and window.session.training.running  # a second run can't start
    qtbot.waitUntil(lambda: window.run_panel.progress_bar.value() >= 2, timeout=TRAIN_TIMEOUT)
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(window.run_panel.cancel_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.history.status == "cancelled"
    assert 2 <= result.history.epochs_run < 5000
    assert window.results_panel.canvas.line("predicted") is not None
    qtbot.waitUntil(lambda: window.run_panel.train_button.isEnabled(), timeout=10_000)


def test_closing_during_training_stops_the_worker(qtbot):
    win = MainWindow()
    win.show()
    open_sales(qtbot, win)
    win.settings_panel.form.epochs.setValue(5000)
    win.settings_panel.form.patience.setValue(0)
    win.session.settings.replan()
    win.session.training.start()
    qtbot.waitUntil(lambda: win.run_panel.progress_bar.value() >= 1, timeout=TRAIN_TIMEOUT)
    assert win.close()
    assert not win.session.training.running
    win.deleteLater()


def test_a_bad_csv_shows_a_message_and_the_app_stays_usable(qtbot, window, tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 20)
    with qtbot.waitSignal(window.session.data.failed, timeout=30_000) as failed:
        window.session.data.open_csv(junk)
    assert "junk.csv" in failed.args[0]
    dialogs = [w for w in window.findChildren(QMessageBox) if w.objectName() == "errorDialog"]
    assert dialogs and dialogs[-1].isVisible() and "junk.csv" in dialogs[-1].text()
    dialogs[-1].accept()
    open_sales(qtbot, window)  # still works
    assert window.run_panel.train_button.isEnabled()


def test_invalid_settings_are_explained_and_block_training(qtbot, window):
    open_sales(qtbot, window)
    window.findChild(QSpinBox, "windowSpin").setValue(5000)
    window.session.settings.replan()
    assert window.run_panel.problem_label.isVisible() and "too long" in window.run_panel.problem_label.text()
    assert not window.run_panel.train_button.isEnabled()
    window.findChild(QSpinBox, "windowSpin").setValue(7)
    window.session.settings.replan()
    assert not window.run_panel.problem_label.isVisible() and window.run_panel.train_button.isEnabled()


def test_text_columns_cannot_be_features(qtbot, window, tmp_path):
    path = tmp_path / "shops.csv"
    path.write_text("date,sales,region\n" + "".join(
        f"2024-01-{d:02d},{100 + d},{'north' if d % 2 else 'south'}\n" for d in range(1, 29)))
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        window.session.data.open_csv(path)
    items = {window.columns_panel.feature_list.item(i).text(): window.columns_panel.feature_list.item(i)
             for i in range(window.columns_panel.feature_list.count())}
    assert not items["region"].flags() & Qt.ItemFlag.ItemIsEnabled
    assert "text" in items["region"].toolTip()


def test_settings_and_recent_files_survive_a_restart(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    open_sales(qtbot, first)
    first.settings_panel.form.epochs.setValue(77)
    first.settings_panel.form.hidden.setValue(48)
    first.settings_panel.form.cell.setCurrentIndex(first.settings_panel.form.cell.findData("gru"))
    first.show()
    first.resize(701, 555)  # within the offscreen screen, which restoreGeometry clamps to
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.findChild(QSpinBox, "epochsSpin").value() == 77
    assert second.settings_panel.form.hidden.value() == 48
    assert second.settings_panel.form.cell.currentData() == "gru"
    assert second.settings.recent_files()[0] == str(SALES.resolve())
    assert next(a.text() for a in second.recent_menu.actions()) == str(SALES.resolve())
    assert second.size().height() == 555  # the width is held at the layout minimum offscreen
