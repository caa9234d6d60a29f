"""The small things an analyst trips over (issue 23, items 9, 15-17, 19, 21, 22, 25): how a cancelled
or no-network run reads on the progress line and bar, the shapes box of a run that trains nothing,
the View menu's keys, the quit question's button, the log folder's path, and the wording."""

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QPushButton, QSpinBox, QTableView

from tests.factories import noisy_sine_frame
from tests.gui.window_steps import open_file, set_spins

TRAIN_TIMEOUT = 120_000




def click_train(qtbot, win):
    with qtbot.waitSignal(win.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        qtbot.mouseClick(win.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    return finished.args[0]


def progress_texts(win) -> tuple[str, str]:
    """What the run panel shows: the progress line and the bar's text."""
    return win.findChild(QLabel, "progressLabel").text(), win.run_panel.progress_bar.text()


def quarters_csv(tmp_path):
    """Thirteen quarters: too few rows to hold out a test split, so no network is trained."""
    path = tmp_path / "thirteen_quarters.csv"
    values = [50, 62, 71, 55, 52, 66, 75, 58, 57, 70, 80, 61, 60]
    pd.DataFrame({"quarter": pd.date_range("2020-01-01", periods=13, freq="QS").strftime("%Y-%m-%d"),
                  "sales": values}).to_csv(path, index=False)
    return path


def sine_csv(tmp_path, rows=150):
    path = tmp_path / "sine.csv"
    noisy_sine_frame(rows).to_csv(path, index=False)
    return path


# ------------------------------------------------------------------ item 9: Esc says it cancelled
def test_esc_during_the_third_of_five_networks_says_cancelled_and_what_was_kept(qtbot, window, tmp_path,
                                                                                 monkeypatch):
    import core.model.training as training

    real_train, trainings = training.train, []

    def third_waits_for_the_user(model, series, train_origins, val_origins, config, progress=None, cancel=None,
                                 deadline=None):
        """The third network waits after each epoch until the cancel: Esc lands while it trains,
        however fast the machine (the first two stop early on their own)."""
        trainings.append(config.seed)
        report = progress
        if len(trainings) == 3:
            def report(p):
                progress(p)
                cancel.wait(30)
        return real_train(model, series, train_origins, val_origins, config, report, cancel, deadline)

    monkeypatch.setattr(training, "train", third_waits_for_the_user)
    open_file(qtbot, window, sine_csv(tmp_path))
    set_spins(window, window=8, hidden=4, epochs=3000, patience=3, ensemble=5)
    window.activateWindow()
    pressed = []

    def on_epoch(p):
        if p.network == 3 and not pressed:
            pressed.append(p.epoch)
            qtbot.keyClick(window, Qt.Key.Key_Escape)  # the Cancel action's key, as the user presses it

    window.session.training.progress.connect(on_epoch)
    with qtbot.waitSignal(window.session.training.finished, timeout=TRAIN_TIMEOUT) as finished:
        assert window.session.training.start()
    result = finished.args[0]
    line, bar = progress_texts(window)
    assert line.startswith("Cancelled: kept the best model so far (3 of 5 networks) after "), line
    assert "Stopped early" not in line
    assert pressed and result.cancelled and result.config.ensemble == 3
    assert result.history.status == "early_stopped"  # the first network's: the run's ending is not its
    assert window.findChild(QLabel, "trainingSummary").text().startswith(
        "Cancelled: kept the best model so far (3 of 5 networks)")
    assert window.statusBar().currentMessage() == "Cancelled: the best model so far is shown"
    # the bar stays where the cancel stopped it, not at its end
    bar_widget = window.run_panel.progress_bar
    assert bar_widget.value() < bar_widget.maximum() and bar == f"{bar_widget.value()} / {bar_widget.maximum()} epochs"


# ------------------------------------------------------------------ item 17: the progress line follows the settings
def test_a_settings_edit_clears_the_last_runs_ending(qtbot, window, tmp_path):
    open_file(qtbot, window, sine_csv(tmp_path))
    set_spins(window, window=8, hidden=4, epochs=3, ensemble=1)
    click_train(qtbot, window)
    line, bar = progress_texts(window)
    assert line.startswith("Finished after 3 epochs") and bar == "6 / 6 epochs"  # and 3 of the refit
    window.findChild(QSpinBox, "epochsSpin").setValue(7)  # the user edits a setting
    qtbot.waitUntil(lambda: window.session.settings.plan.config.epochs == 7, timeout=5_000)
    assert progress_texts(window) == ("", "0 / 14 epochs")


def test_a_run_that_trains_no_network_says_so_on_the_bar(qtbot, window, tmp_path):
    open_file(qtbot, window, quarters_csv(tmp_path))
    set_spins(window, forecastSteps=8)
    assert window.run_panel.progress_bar.text() == "No network to train"
    started = []
    window.session.training.started.connect(
        lambda _config: started.append(window.findChild(QLabel, "trainingSummary").text()))
    result = click_train(qtbot, window)
    assert started and started[0].startswith("No network will be trained"), started  # not "Training LSTM…"
    assert result.history.epochs_run == 0
    line, bar = progress_texts(window)
    assert line.startswith("No network was trained") and bar == "No network was trained"
    assert "epochs" not in bar


# ------------------------------------------------------------------ item 16: no parameters of no network
def test_the_shapes_box_counts_no_parameters_when_no_network_will_be_trained(qtbot, window, tmp_path):
    open_file(qtbot, window, quarters_csv(tmp_path))
    set_spins(window, forecastSteps=8)
    shapes = window.findChild(QLabel, "shapesLabel").text()
    assert "No network will be trained" in shapes
    assert "trainable parameter" not in shapes
    open_file(qtbot, window, sine_csv(tmp_path))  # a network will be trained: its size is said
    set_spins(window, window=8, forecastSteps=1)
    shapes = window.findChild(QLabel, "shapesLabel").text()
    assert "trainable parameters" in shapes and "No network will be trained" not in shapes


# ------------------------------------------------------------------ item 21: the quit question's button
def test_quitting_during_training_offers_stop_and_quit(qtbot, window, tmp_path, questions):
    open_file(qtbot, window, sine_csv(tmp_path))
    set_spins(window, window=8, hidden=4, epochs=100_000, patience=0, ensemble=1)
    assert window.session.training.start()
    questions.answer = QMessageBox.StandardButton.Cancel
    assert not window.close() and window.session.training.running
    assert questions.asked == ["Stop training and quit?"]
    assert sorted(questions.buttons) == ["Cancel", "Stop and quit"]
    questions.answer = QMessageBox.StandardButton.Discard  # the button that now says "Stop and quit"
    assert window.close() and not window.session.training.running


# ------------------------------------------------------------------ item 19: the View menu's keys
def mnemonics(menu) -> list[str]:
    letters = []
    for action in menu.actions():
        text = action.text()
        if action.isSeparator():
            continue
        at = text.find("&")
        letters.append(text[at + 1].lower() if at >= 0 else "")
    return letters


def test_the_view_menu_has_one_key_per_entry_and_a_shortcut_per_tab(qtbot, window, tmp_path):
    view = window.commands.menus["view"]
    letters = mnemonics(view)
    assert "" not in letters and len(letters) == len(set(letters)), letters
    open_file(qtbot, window, sine_csv(tmp_path))
    window.activateWindow()
    for key, panel in ((Qt.Key.Key_4, window.backtest_panel), (Qt.Key.Key_5, window.search_panel),
                       (Qt.Key.Key_1, window.data_panel)):
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentWidget() is panel
    table = window.findChild(QTableView, "previewTable")
    table.setFocus()
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)  # a table has the focus
    assert window.tabs.currentWidget() is window.training_panel
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.tabs.currentWidget() is window.data_panel


def test_the_view_menus_keys_differ_in_chinese_too(qtbot):
    from core.i18n import set_language
    from gui import MainWindow

    set_language("zh_CN")
    win = MainWindow(warm_up_engine=False)
    qtbot.addWidget(win)
    letters = mnemonics(win.commands.menus["view"])
    assert "" not in letters and len(letters) == len(set(letters)), letters
    assert win.commands["reset_settings"].text() != "Reset settings to de&faults"  # translated


# ------------------------------------------------------------------ item 22: the log folder's path
def test_open_log_folder_shows_the_path_where_nothing_opens_folders(qtbot, window, monkeypatch):
    from core.files import log_dir

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))  # no launcher here
    window.commands["logs"].trigger()
    boxes = [box for box in window.findChildren(QMessageBox, "logFolderDialog") if box.isVisible()]
    assert len(boxes) == 1
    assert str(log_dir()) in boxes[0].text()


# ------------------------------------------------------------------ item 15: "auto" says its number
def test_horizon_and_steps_ahead_at_auto_say_their_number(qtbot, window):
    horizon, steps = (window.findChild(QSpinBox, name) for name in ("horizonSpin", "forecastStepsSpin"))
    assert horizon.value() == horizon.minimum() and steps.value() == steps.minimum()  # both "auto"
    assert horizon.text() == "1 (= steps ahead)" and steps.text() == "1 (= horizon)"
    steps.setFocus()
    steps.selectAll()
    qtbot.keyClicks(steps, "7")  # the user types 7 steps ahead
    assert steps.value() == 7
    assert horizon.text() == "7 (= steps ahead)"
    window.settings_panel.form.set_values({"forecast_steps": None, "horizon": 3})  # restored, form signals off
    assert steps.text() == "3 (= horizon)"


# ------------------------------------------------------------------ item 25: the wording of a run
def test_a_one_epoch_run_with_a_constant_feature_reads_right_and_exports_validation(qtbot, window, tmp_path,
                                                                                   monkeypatch):
    path = tmp_path / "flagged.csv"
    frame = noisy_sine_frame(150)
    frame["flag"] = 1.0  # the same on every row: it can't help
    frame.to_csv(path, index=False)
    open_file(qtbot, window, path)
    window.columns_panel.set_features(["flag"])
    set_spins(window, window=8, hidden=4, epochs=1, ensemble=1)
    started = []
    window.session.training.started.connect(
        lambda _config: started.append(window.findChild(QLabel, "trainingSummary").text()))
    click_train(qtbot, window)
    assert started and started[0].endswith("for up to 1 epoch…"), started
    notes = window.findChild(QLabel, "notesLabel")
    assert "The feature column flag has one value on every training row: it can't help the forecast." in notes.text()
    exported = tmp_path / "predictions.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(exported), ""))
    window.commands["export_predictions"].trigger()
    assert set(pd.read_csv(exported)["split"]) == {"train", "validation", "test", "forecast"}
