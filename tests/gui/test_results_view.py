"""The Results view an analyst reads at a glance (issue 14): every actual value drawn, a step
selector for multi-step runs, the verdict against the best baseline with the engine's notes, the
forecast as a table, and the window's habits (asking before losing a model, defaults, memory)."""

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QMessageBox, QPushButton, QSpinBox, QTableWidget

from core.evaluation.metrics import per_step_scores
from core.outputs.summary import score_text
from gui.resources import sample_path
from tests.gui.window_steps import open_file, set_spins

ROWS, STEPS, WINDOW = 160, 6, 8
TRAIN_TIMEOUT = 120_000


@pytest.fixture
def linear_csv(tmp_path):
    """A straight line with noise: Ridge on the same window wins easily over a 2-epoch network
    without the linear highway (the fixture turns it off)."""
    rng = np.random.default_rng(3)
    values = 100 + 2.5 * np.arange(ROWS) + rng.normal(0, 1.0, ROWS)
    path = tmp_path / "linear.csv"
    pd.DataFrame({"date": pd.date_range("2020-01-01", periods=ROWS, freq="D").strftime("%Y-%m-%d"),
                  "level": values.round(3)}).to_csv(path, index=False)
    return path




def train(qtbot, win):
    with qtbot.waitSignal(win.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        assert win.session.training.start()
    return finished.args[0]


@pytest.fixture
def six_step_run(qtbot, window, linear_csv):
    open_file(qtbot, window, linear_csv)
    window.findChild(QCheckBox, "highwayCheck").setChecked(False)  # a plain network, as the tutorials train
    set_spins(window, window=WINDOW, epochs=2, ensemble=1, forecastSteps=STEPS)
    result = train(qtbot, window)
    assert result.config.horizon == STEPS  # direct multi-step: one output per step
    return window, result, pd.read_csv(linear_csv)


def test_a_six_step_run_draws_every_actual_row_and_offers_each_step(six_step_run):
    win, result, source = six_step_run
    panel = win.results_panel
    real = panel.canvas.line("real")
    # every row of the file, the first window's too, to the very last one, as one unbroken line
    assert len(real.get_xdata()) == ROWS
    assert np.allclose(real.get_ydata(), source["level"].to_numpy())
    assert pd.Timestamp(real.get_xdata()[-1]) == pd.Timestamp(source["date"].iloc[-1])
    assert not np.isnan(real.get_ydata()).any()
    selector = win.findChild(QSpinBox, "stepSelector")
    assert selector.isVisible() and (selector.minimum(), selector.maximum()) == (1, STEPS)
    assert panel.canvas.line("predicted").get_label() == "predicted (1 step ahead)"
    for step in range(2, STEPS + 1):
        selector.setValue(step)
        line = panel.canvas.line("predicted")
        assert line.get_label() == f"predicted ({step} steps ahead)"
        # the scored windows and, across each split boundary and to the last row, the windows no split
        # holds: one unbroken line (issue 23, item 7: it had a gap of a horizon at each boundary)
        columns = ["target_row", "predicted"]
        expected = pd.concat([result.predictions[result.predictions["step"] == step][columns],
                              result.bridge[result.bridge["step"] == step][columns]]).sort_values("target_row")
        assert not np.isnan(line.get_ydata()).any()
        assert np.allclose(line.get_ydata(), expected["predicted"])
        assert expected["target_row"].diff().dropna().eq(1).all()  # every row from the first window's on
        assert expected["target_row"].iloc[-1] == ROWS - 1  # to the last row
        assert str(step) in win.findChild(QLabel, "stepCaption").text()
    # per-step scores: one row per step, the engine's numbers
    table = win.findChild(QTableWidget, "stepScoresTable")
    assert table.isVisible() and table.rowCount() == STEPS
    scores = per_step_scores(result.predictions, "test")
    assert [float(table.item(r, 2).data(Qt.ItemDataRole.UserRole)) for r in range(STEPS)] == \
        pytest.approx(scores["rmse"].tolist())


def test_the_verdict_names_the_best_baseline_and_the_notes_follow(six_step_run):
    win, result, _ = six_step_run
    rmse = {k: v["rmse"] for k, v in result.test_metrics.items()}
    assert rmse["linear"] < rmse["model"]  # the set-up: Ridge wins on a noisy line
    verdict = win.findChild(QLabel, "verdictLabel")
    assert verdict.isVisible() and verdict.text().startswith("⚠")
    assert "Linear regression (Ridge)" in verdict.text() and f"{score_text(rmse['linear'])}" in verdict.text()
    notes = win.findChild(QLabel, "notesLabel")
    assert notes.isVisible()
    assert all(note in notes.text() for note in result.plan.notes)
    assert notes.textFormat() == Qt.TextFormat.PlainText
    advice = win.findChild(QLabel, "adviceLabel")
    assert advice.isVisible() and advice.text()
    # no season on a straight line: seasonal naive would repeat the naive row
    table = win.results_panel.metrics_table
    assert not result.config.season
    assert table.isRowHidden(2) and table.verticalHeaderItem(2).text() == "Seasonal naive"
    assert not table.isRowHidden(3)


def test_the_forecast_table_holds_the_forecast_and_copies_and_exports_alike(qtbot, six_step_run, tmp_path):
    win, result, _ = six_step_run
    table = win.findChild(QTableWidget, "forecastTable")
    assert table.isVisible() and table.rowCount() == STEPS
    assert table.values("predicted") == pytest.approx(result.forecast["predicted"].tolist())
    assert table.values("lower") == pytest.approx(result.forecast["lower"].tolist())
    assert table.item(0, 0).text() == "2020-06-09"  # the day after the last row
    assert table.item(0, 5).text() == result.forecast["method"].iloc[0]
    # Ctrl+C copies the selected rows as tab-separated text, header first, every digit
    table.setFocus()
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == ["time", "step", "predicted", "lower", "upper", "method"]
    assert len(lines) == 2 and lines[1].split("\t")[1] == "2"
    assert float(lines[1].split("\t")[2]) == result.forecast["predicted"].iloc[1]
    # File > Export > Predictions writes the same forecast rows
    path = tmp_path / "export.csv"
    assert win.session.export_predictions(path)
    exported = pd.read_csv(path, encoding="utf-8-sig")
    future = exported[exported["split"] == "forecast"]
    assert future["predicted"].tolist() == pytest.approx(table.values("predicted"))
    assert future["upper"].tolist() == pytest.approx(table.values("upper"))


def test_the_chart_reads_out_the_nearest_data_point(six_step_run):
    win, _, _ = six_step_run
    canvas = win.results_panel.canvas
    canvas.draw()
    real = canvas.line("real")
    axes = real.axes
    x, y = axes.convert_xunits(real.get_xdata()[40]), real.get_ydata()[40]
    px, py = axes.transData.transform((x, y))
    # right on a real value: that value, its date, not the cursor's position in axes units
    assert canvas.nearest_point(px, py) == ("real", real.get_xdata()[40], y)
    assert canvas.readout(px, py) == f"real: {pd.Timestamp(real.get_xdata()[40]).strftime('%Y-%m-%d')} → {y:.6g}"


def test_closing_during_training_asks_first(qtbot, window, questions):
    open_file(qtbot, window, sample_path("daily_sales.csv"))
    set_spins(window, epochs=500, ensemble=1)
    window.session.training.start()
    qtbot.waitUntil(lambda: window.session.training.running, timeout=10_000)
    questions.answer = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert questions.asked == ["Stop training and quit?"]
    assert window.isVisible() and window.session.training.running
    questions.answer = QMessageBox.StandardButton.Discard
    assert window.close()
    assert not window.session.training.running


def test_an_unsaved_model_is_not_dropped_without_asking(qtbot, window, questions, linear_csv):
    open_file(qtbot, window, linear_csv)
    set_spins(window, window=WINDOW, epochs=2, ensemble=1, forecastSteps=1)
    result = train(qtbot, window)
    questions.answer = QMessageBox.StandardButton.Cancel
    assert not window.session.data.open_csv(sample_path("daily_sales.csv"))
    assert questions.asked == ["Save the trained model?"]
    assert window.session.models.result is result
    assert not window.close() and window.isVisible()
    # a saved model goes without a question
    assert window.session.models.save(linear_csv.parent / "kept.lstmf")
    questions.asked.clear()
    with qtbot.waitSignal(window.session.models.opened, timeout=60_000):
        assert window.session.models.open(linear_csv.parent / "kept.lstmf")
    title = window.findChild(QLabel, "resultsTitle").text()
    # the rows the model keeps to forecast again: its window, or the history its smoothing needs
    kept = len(window.session.models.bundle.tail)
    assert kept >= WINDOW and f"the last {kept} rows of the file it was trained on" in title
    assert "training rows" not in title
    assert window.windowTitle().startswith("kept.lstmf")
    assert window.close()
    assert questions.asked == []


def test_a_one_step_forecast_shows_its_interval(qtbot, window, linear_csv):
    from matplotlib.collections import LineCollection

    open_file(qtbot, window, linear_csv)
    set_spins(window, window=WINDOW, epochs=2, ensemble=1, forecastSteps=1)
    result = train(qtbot, window)
    assert not window.findChild(QSpinBox, "stepSelector").isVisible()  # one step: nothing to choose
    axes = window.results_panel.canvas.line("real").axes
    (bar,) = [c for c in axes.collections if isinstance(c, LineCollection)]
    (segment,) = bar.get_segments()
    assert segment[:, 1] == pytest.approx([result.forecast["lower"].iloc[0], result.forecast["upper"].iloc[0]])
    assert window.findChild(QTableWidget, "forecastTable").rowCount() == 1


def test_the_default_target_is_never_an_index_column(qtbot, window, tmp_path):
    path = tmp_path / "indexed.csv"
    pd.DataFrame({"t": range(1, 41), "demand": np.sin(np.arange(40)) * 10 + 50}).to_csv(path)  # + Unnamed: 0
    open_file(qtbot, window, path)
    assert window.session.data.loaded.report.numeric_columns()[:2] == ["Unnamed: 0", "t"]
    assert window.findChild(QComboBox, "targetCombo").currentText() == "demand"
    assert window.session.data.target == "demand"


def test_reset_settings_to_defaults_from_the_view_menu(qtbot, window):
    epochs, horizon = window.findChild(QSpinBox, "epochsSpin"), window.findChild(QSpinBox, "horizonSpin")
    default_epochs, default_horizon = epochs.value(), horizon.value()
    epochs.setValue(default_epochs + 7)
    horizon.setValue(default_horizon + 3)
    window.commands["reset_settings"].trigger()
    assert (epochs.value(), horizon.value()) == (default_epochs, default_horizon)
    assert window.session.settings.values["epochs"] == default_epochs
    assert window.commands["reset_settings"] in window.menuBar().actions()[2].menu().actions()


def test_ticked_features_are_remembered_per_file(qtbot, window, tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    frame = pd.DataFrame({"y": np.arange(50.0) % 7, "x1": np.arange(50.0) % 3, "x2": np.arange(50.0) % 5})
    frame.to_csv(first, index=False)
    frame.to_csv(second, index=False)
    open_file(qtbot, window, first)
    window.columns_panel.set_features(["x2"])
    window.session.settings.replan()
    open_file(qtbot, window, second)
    assert window.columns_panel.selected_features() == []
    open_file(qtbot, window, first)
    assert window.columns_panel.selected_features() == ["x2"]
    assert window.session.data.features == ("x2",)


def test_the_features_list_has_select_all(qtbot, window, tmp_path):
    path = tmp_path / "wide.csv"
    pd.DataFrame({f"c{i}": np.arange(30.0) * i for i in range(1, 9)}).to_csv(path, index=False)
    open_file(qtbot, window, path)
    qtbot.mouseClick(window.findChild(QPushButton, "selectAllFeatures"), Qt.MouseButton.LeftButton)
    assert window.session.data.features == tuple(f"c{i}" for i in range(2, 9))
    qtbot.mouseClick(window.findChild(QPushButton, "selectNoFeatures"), Qt.MouseButton.LeftButton)
    assert window.session.data.features == ()
    assert window.columns_panel.feature_list.minimumHeight() >= 160


def test_the_preview_shows_every_digit(qtbot, window, tmp_path):
    path = tmp_path / "digits.csv"
    path.write_text("stamp;amount\n1371330000;70602,95\n1371330060;70603,5\n1371330120;1,25\n")
    open_file(qtbot, window, path)
    model = window.data_panel.preview_model
    assert model.index(0, 0).data() == "1371330000"
    assert model.index(0, 1).data() == "70602.95"


def test_a_new_file_clears_the_previous_runs_progress(qtbot, window, linear_csv):
    open_file(qtbot, window, linear_csv)
    set_spins(window, window=WINDOW, epochs=2, ensemble=1, forecastSteps=1)
    train(qtbot, window)
    assert window.run_panel.progress_label.text()
    window.session.models.result_saved = True
    open_file(qtbot, window, sample_path("daily_sales.csv"))
    assert window.run_panel.progress_label.text() == ""
    assert window.run_panel.progress_bar.value() == 0


def test_the_encoding_box_shows_the_encoding_in_use_after_a_failed_reread(qtbot, window, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("日期,销量\n2024-01-01,5\n2024-01-02,6\n2024-01-03,7\n2024-01-04,9\n".encode("gb18030"))
    open_file(qtbot, window, path)
    combo = window.findChild(QComboBox, "encodingCombo")
    assert combo.currentText() == "gb18030"
    combo.setCurrentText("utf-8")
    with qtbot.waitSignal(window.session.data.failed, timeout=30_000):
        qtbot.mouseClick(window.findChild(QPushButton, "rereadButton"), Qt.MouseButton.LeftButton)
    assert combo.currentText() == "gb18030"  # the table shown is still the one read as GBK


def test_train_shortcut_works_from_a_focused_spin_box(qtbot, window, linear_csv):
    open_file(qtbot, window, linear_csv)
    set_spins(window, window=WINDOW, epochs=2, ensemble=1, forecastSteps=1)
    window.activateWindow()
    spin = window.findChild(QSpinBox, "epochsSpin")
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus, timeout=5000)
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT):
        qtbot.keyClick(spin, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert spin.value() == 2


def test_the_live_loss_chart_names_no_validation_curve_without_one():
    from types import SimpleNamespace

    from gui.widgets.canvases import LossCanvas

    canvas = LossCanvas()
    canvas.reset("MSE")
    canvas.add_epoch(SimpleNamespace(train_loss=0.5, val_loss=None, best_epoch=1))
    assert "validation" not in canvas.legend_text()
    canvas.add_epoch(SimpleNamespace(train_loss=0.4, val_loss=0.45, best_epoch=2))
    assert "validation" in canvas.legend_text()


def test_apply_model_explains_missing_baselines_and_warns_of_overlap(qtbot, window, linear_csv):
    open_file(qtbot, window, linear_csv)
    set_spins(window, window=WINDOW, epochs=2, ensemble=1, forecastSteps=1)
    train(qtbot, window)
    with qtbot.waitSignal(window.session.models.applied, timeout=60_000):
        assert window.session.models.apply(linear_csv)  # the very rows it was trained on
    notes = window.findChild(QLabel, "notesLabel")
    assert notes.isVisible()
    assert "2020-06-08" in notes.text() and "not a fair test" in notes.text()
    assert "only the model and the naive forecast are scored" in notes.text()
    table = window.results_panel.metrics_table
    hidden = [table.verticalHeaderItem(r).text() for r in range(table.rowCount()) if table.isRowHidden(r)]
    assert hidden == ["Seasonal naive", "Linear (Ridge)"]


def test_a_series_too_short_to_score_shows_the_smoothings_forecast_and_says_nothing_was_scored(qtbot, window,
                                                                                             tmp_path):
    path = tmp_path / "thirteen_quarters.csv"
    values = [50, 62, 71, 55, 52, 66, 75, 58, 57, 70, 80, 61, 60]
    pd.DataFrame({"quarter": pd.date_range("2020-01-01", periods=13, freq="QS").strftime("%Y-%m-%d"),
                  "sales": values}).to_csv(path, index=False)
    open_file(qtbot, window, path)
    set_spins(window, forecastSteps=8)
    # said under the shapes before training, not only after it
    shapes = window.findChild(QLabel, "shapesLabel").text()
    assert "No network will be trained (too few rows to hold out a test split)" in shapes
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.plan.forecast_only
    verdict = window.findChild(QLabel, "verdictLabel")
    assert verdict.isVisible() and "Nothing was scored" in verdict.text()
    # no network was trained, and neither the title nor the progress line says one was
    assert window.results_panel.title.text().endswith("Exponential smoothing on thirteen_quarters.csv")
    progress = window.findChild(QLabel, "progressLabel").text()
    assert progress.startswith("No network was trained") and "epoch" not in progress
    table = window.results_panel.forecast_table
    assert table.rowCount() == 8
    assert table.values("predicted") == pytest.approx(result.forecast["predicted"].tolist())
    assert all(low < high for low, high in zip(table.values("lower"), table.values("upper"), strict=True))
