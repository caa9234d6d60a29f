"""The Search tab driven as a user would, offscreen: open a CSV, set a tiny search, click Run, read
the trials table and the best settings, put them into the form, cancel a search, and see the
search and training refuse each other."""

import json
import math
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLabel, QMessageBox, QPushButton, QTableView

from gui.widgets.search_views import BEST_BACKGROUND

AUSBEER = Path(__file__).resolve().parents[1] / "data" / "ausbeer.csv"
SEARCH_TIMEOUT = 240_000


def open_ausbeer(qtbot, win, epochs: int = 2, patience: int | None = None) -> None:
    with qtbot.waitSignal(win.session.data.finished, timeout=30_000):
        assert win.session.data.open_csv(AUSBEER)
    form = win.settings_panel.form
    form.epochs.setValue(epochs)
    form.ensemble.setValue(1)
    if patience is not None:
        form.patience.setValue(patience)
    win.session.settings.replan()


def set_search(win, trials: int, budget_s: int, jobs: int = 0, seed: int = 0) -> None:
    panel = win.search_panel
    panel.budget_unit.setCurrentIndex(panel.budget_unit.findData(1))  # seconds
    panel.budget_spin.setValue(budget_s)
    panel.trials_spin.setValue(trials)
    panel.jobs_spin.setValue(jobs)
    panel.seed_spin.setValue(seed)


def click(qtbot, win, name: str) -> None:
    button = win.findChild(QPushButton, name)
    assert button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_search_shows_every_trial_the_best_row_and_puts_the_best_settings_into_the_form(qtbot, window, tmp_path,
                                                                                        monkeypatch):
    open_ausbeer(qtbot, window)
    set_search(window, trials=3, budget_s=300)
    window.commands["search"].trigger()  # Run > Search for settings… shows the tab
    assert window.tabs.currentWidget() is window.search_panel
    # unticked: kept as the form has it (one network keeps the trials quick)
    qtbot.mouseClick(window.findChild(QCheckBox, "searched_ensembleCheck"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.session.search.finished, timeout=SEARCH_TIMEOUT) as finished:
        click(qtbot, window, "searchRunButton")
    result = finished.args[0]
    assert len(result.trials) == 3

    table = window.findChild(QTableView, "searchTrialsTable")
    model = table.model()
    assert model.rowCount() == len(result.trials)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:4] == ["Trial", "State", "Score", "Seconds"]
    by_number = {t.number: t for t in result.trials}
    for row in range(model.rowCount()):
        record = by_number[int(model.index(row, 0).data())]
        expected = "" if record.score is None else f"{record.score:.4g}"
        assert model.index(row, 2).data() == expected
    # a column per searched setting, with the trial's own value; the unticked one is not searched
    assert len(headers) == 4 + len(result.trials[0].settings)
    assert "ensemble" not in result.trials[0].settings and "Ensemble of seeds" not in headers
    hidden_column = headers.index("Hidden size")
    for row in range(model.rowCount()):
        record = by_number[int(model.index(row, 0).data())]
        assert model.index(row, hidden_column).data() == str(record.settings["hidden"])

    # the best row is the one whose score is the result's validation score, and only it is highlighted
    complete = [t for t in result.trials if t.state == "COMPLETE" and t.score is not None]
    best = min(complete, key=lambda t: t.score)
    assert math.isclose(best.score, result.validation_score)
    highlighted = [row for row in range(model.rowCount())
                   if isinstance(model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole), QBrush)]
    assert len(highlighted) == 1
    assert model.index(highlighted[0], 0).data() == str(best.number)
    assert model.index(highlighted[0], 0).data(Qt.ItemDataRole.BackgroundRole).color() == BEST_BACKGROUND

    state = window.findChild(QLabel, "searchStateLabel").text()
    assert state.startswith("Finished: 3 trials")
    best_text = window.findChild(QLabel, "searchBestLabel").text()
    assert f"trial {best.number}" in best_text and f"{result.validation_score:.4g}" in best_text
    assert f"RMSE {result.test['rmse']:.4g}" in best_text
    # the chart: one point per complete trial and the running best
    assert len(window.search_panel.canvas.line("trial").get_xdata()) == len(complete)
    assert window.search_panel.canvas.line("best-so-far").get_ydata()[-1] == best.score

    # Export JSON writes the CLI's search.json keys
    target = tmp_path / "found.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    click(qtbot, window, "exportSearchButton")
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["best"]["settings"] == result.best_settings
    assert [t["number"] for t in written["trials"]] == [t.number for t in result.trials]

    # after "Use these settings" the form shows the best settings, and the next Train uses them
    form = window.settings_panel.form
    click(qtbot, window, "useSearchButton")
    shown = form.values()
    for name, value in result.best_settings.items():
        if name not in shown:
            continue  # no field for it (optimizer, weight decay): the Session holds it, below
        if isinstance(value, float):
            widget = form.widgets[name]
            tolerance = 0.005 if name == "dropout" else 10 ** -widget.decimals()
            assert math.isclose(shown[name], value, abs_tol=tolerance), name
        else:
            assert shown[name] == value, name
    for name, value in result.best_settings.items():  # exactly, also where the form rounds (dropout in %)
        assert window.session.settings.values[name] == value, name
    window.session.settings.replan()
    assert window.session.settings.plan.config.hidden == result.best_settings["hidden"]
    # the best settings' run is on the Results tab, ready to save
    if result.experiment is not None:
        assert window.session.models.result is result.experiment
        assert "search's best settings" in window.session.shown.description
        assert window.tabs.currentWidget() is window.results_panel


def test_cancel_stops_a_running_search_and_the_buttons_come_back(qtbot, window):
    open_ausbeer(qtbot, window, epochs=2000, patience=0)  # trials far longer than the test waits
    set_search(window, trials=0, budget_s=3600)
    run, cancel = (window.findChild(QPushButton, n) for n in ("searchRunButton", "searchCancelButton"))
    assert not cancel.isEnabled()
    with qtbot.waitSignal(window.session.search.progress, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "searchRunButton")
    assert not run.isEnabled() and cancel.isEnabled()
    assert not window.run_panel.train_button.isEnabled()  # no training while a search runs
    with qtbot.waitSignal(window.session.search.finished, timeout=SEARCH_TIMEOUT) as finished:
        click(qtbot, window, "searchCancelButton")
    assert finished.args[0].elapsed_s < 600
    assert finished.args[0].cancelled
    assert window.findChild(QLabel, "searchStateLabel").text().startswith("Cancelled after")
    qtbot.waitUntil(lambda: run.isEnabled() and not cancel.isEnabled(), timeout=10_000)
    assert window.run_panel.train_button.isEnabled()


def test_search_and_training_refuse_each_other_with_a_sentence(qtbot, window):
    open_ausbeer(qtbot, window, epochs=5000, patience=0)
    run = window.findChild(QPushButton, "searchRunButton")
    assert run.isEnabled()
    with qtbot.waitSignal(window.session.training.started, timeout=10_000):
        click(qtbot, window, "trainButton")
    qtbot.waitUntil(lambda: not run.isEnabled(), timeout=5_000)
    assert run.toolTip() == "A model is training: cancel it (Esc) before searching for settings."
    # the menu's way there is open, the run itself is refused and the status bar says why
    window.commands["search"].trigger()
    assert window.tabs.currentWidget() is window.search_panel
    set_search(window, trials=1, budget_s=60)
    assert not window.search_panel.run()
    assert window.statusBar().currentMessage() == "A model is training: cancel it (Esc) before searching for settings."
    assert not window.session.search.running
    with qtbot.waitSignal(window.session.training.finished, timeout=SEARCH_TIMEOUT):
        window.run_panel.cancel()
    qtbot.waitUntil(run.isEnabled, timeout=10_000)

    # and the other way round: a running search refuses training
    set_search(window, trials=0, budget_s=3600)
    with qtbot.waitSignal(window.session.search.started, timeout=10_000):
        click(qtbot, window, "searchRunButton")
    assert not window.run_panel.train_button.isEnabled()
    assert not window.session.training.start()
    assert window.statusBar().currentMessage() == (
        "A settings search is running: cancel it on the Search tab before training.")
    with qtbot.waitSignal(window.session.search.finished, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "searchCancelButton")


def test_the_search_form_is_remembered_between_runs(qtbot):
    from gui import MainWindow

    first = MainWindow(warm_up_engine=False)
    qtbot.addWidget(first)
    panel = first.search_panel
    set_search(first, trials=7, budget_s=45, jobs=0, seed=11)
    panel.storage_edit.setText("sqlite:////tmp/shared.sqlite3")
    panel.searched_checks["hidden"].setChecked(False)
    first.close()  # saves the window's settings

    second = MainWindow(warm_up_engine=False)
    qtbot.addWidget(second)
    again = second.search_panel
    assert (again.budget_spin.value(), again.budget_unit.currentText()) == (45, "seconds")
    assert (again.trials_spin.value(), again.jobs_spin.text(), again.seed_spin.value()) == (7, "0 (in this window)", 11)
    assert again.storage_edit.text() == "sqlite:////tmp/shared.sqlite3"
    assert again.advanced.isVisibleTo(again)  # the Advanced fields in use are shown, not hidden away
    assert not again.searched_checks["hidden"].isChecked() and again.searched_checks["cell"].isChecked()
    assert again.fixed() == ("hidden",)


def test_closing_the_window_during_a_search_asks_then_stops_it(qtbot, window, questions):
    open_ausbeer(qtbot, window, epochs=2000, patience=0)
    set_search(window, trials=0, budget_s=3600)
    with qtbot.waitSignal(window.session.search.progress, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "searchRunButton")
    questions.answer = QMessageBox.StandardButton.Cancel
    assert not window.close()  # "Cancel": the search goes on
    assert questions.asked == ["Stop the search and quit?"] and window.session.search.running
    questions.answer = QMessageBox.StandardButton.Discard
    assert window.close()  # stops the search and waits for its thread
    assert not window.session.search.running


def test_your_own_settings_are_trial_0_and_the_models_from_them_record_the_search(qtbot, window, tmp_path,
                                                                                 monkeypatch):
    from core.model.bundle import load_bundle
    from core.search import write_search

    open_ausbeer(qtbot, window)
    set_search(window, trials=1, budget_s=300)  # one trial: the form's own settings, nothing to beat them
    window.commands["search"].trigger()
    qtbot.mouseClick(window.findChild(QCheckBox, "searched_ensembleCheck"), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(window.session.search.finished, timeout=SEARCH_TIMEOUT) as finished:
        click(qtbot, window, "searchRunButton")
    result = finished.args[0]
    own = result.trials[0]
    assert own.baseline and own.settings["hidden"] == 32 and result.baseline_is_best
    best_text = window.findChild(QLabel, "searchBestLabel").text()
    assert best_text.startswith(f"No setting tried beat your own settings (trial 0) on validation (RMSE "
                                f"{own.score:.4g}); keep them.\nScored once on the test split: RMSE ")
    model = window.findChild(QTableView, "searchTrialsTable").model()
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole).startswith("Your own settings")
    assert list(window.search_panel.canvas.line("your-settings").get_ydata()) == [own.score, own.score]

    # Export offers JSON and CSV; the CSV is the command line's search.csv for this result
    answers = iter([str(tmp_path / "tab.csv"), str(tmp_path / "tab.json")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (next(answers), ""))
    click(qtbot, window, "exportSearchButton")
    click(qtbot, window, "exportSearchButton")
    write_search(result, tmp_path / "cli.json", tmp_path / "cli.csv")  # what `main.py search` writes
    assert (tmp_path / "tab.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()
    assert (tmp_path / "tab.csv").read_text(encoding="utf-8").splitlines()[0].startswith(
        "number,state,score,seconds,worker,reason,window,")
    assert json.loads((tmp_path / "tab.json").read_text(encoding="utf-8"))["baseline"]["number"] == 0

    # "Use these settings": the form keeps its own (window automatic), their run is shown and saves
    # with the search's record; the notes say where the settings came from
    click(qtbot, window, "useSearchButton")
    assert window.settings_panel.form.values()["window"] is None
    notes = window.results_panel.notes_label.text()
    assert f"A settings search (study {result.study}, 1 trial) found no settings better" in notes

    def save(name: str) -> dict:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / name), ""))
        window.commands["save_model"].trigger()
        return load_bundle(tmp_path / name).meta

    shown = save("shown.lstmf")
    assert shown["search"]["study"] == result.study and shown["search"]["baseline_best"] is True
    assert shown["search"]["validation_score"] == own.score and shown["search"]["best_trial"] == 0

    # trained with the settings the search chose, unchanged: recorded too
    with qtbot.waitSignal(window.session.training.finished, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "trainButton")
    assert save("trained.lstmf")["search"]["study"] == result.study
    # after any edit of the form the settings are the user's, not the search's: no record
    window.settings_panel.form.widgets["hidden"].setValue(20)
    with qtbot.waitSignal(window.session.training.finished, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "trainButton")
    edited = save("edited.lstmf")
    assert "search" not in edited and edited["config"]["hidden"] == 20
