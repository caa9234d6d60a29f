"""The Search tab driven as a user would, offscreen: open a CSV, set a tiny search, click Run, read
the trials table and the best settings, put them into the form, cancel a search, and see the
search and training refuse each other."""

import json
import math
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLabel, QMessageBox, QPushButton, QTableView

from core.outputs.summary import score_text, verdict_lines
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
        expected = "" if record.score is None else f"{score_text(record.score)}"
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
    assert f"trial {best.number}" in best_text and f"{score_text(result.validation_score)}" in best_text
    assert f"RMSE {score_text(result.test['rmse'])}" in best_text
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

    # the verdict of the test split is in the paragraph, and decides whether "Use these settings" is offered
    verdict = result.verdict
    for line in verdict_lines(verdict):
        assert line in best_text.split("\n")
    use = window.findChild(QPushButton, "useSearchButton")
    assert use.isEnabled() == (not verdict.keep_own)
    if verdict.keep_own:  # this machine's trials lost to trial 0 on test: nothing better to use
        assert use.toolTip() == window.session.search.use_refusal()
        assert not window.session.search.use_result()
        return  # (the settings going into the form: test_a_search_that_overfit_says_keep_your_settings…)

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


def test_your_own_settings_are_trial_0_and_when_they_win_use_is_disabled(qtbot, window, tmp_path, monkeypatch):
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
    lines = best_text.split("\n")
    assert lines[0] == ("No setting tried beat your own settings (trial 0) on validation "
                        f"(RMSE {score_text(own.score)}); keep them.")
    assert f"Scored once on the test split: RMSE {score_text(result.test['rmse'])}" in best_text
    # on test: their own settings beside the best baseline (the best trial is theirs: no third score)
    own_rmse = score_text(result.test["rmse"])
    assert lines[-1].startswith(f"Test RMSE: your own settings (trial 0) {own_rmse}; best baseline, ")
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

    # "Use these settings" has nothing to offer: disabled, and its tooltip says why
    use = window.findChild(QPushButton, "useSearchButton")
    assert not use.isEnabled()
    assert use.toolTip() == ("No trial beat your own settings on validation: the form already has the best settings "
                             "found.")
    assert not window.session.search.use_result()
    assert window.settings_panel.form.values()["window"] is None  # the form keeps its own (window automatic)


BEST = {"hidden": 24, "dropout": 0.137, "lr": 0.00314}  # the injected best trial's settings


def finished_search(verdict: str, experiment=None):
    """A search as run_search returns it, its test scores made by hand: "overfit" (the issue's
    numbers: the best trial loses to trial 0 and to Ridge on test) or "confirmed"."""
    from core.search import SearchResult, TrialRecord
    from core.settings.config import ForecastConfig

    own = TrialRecord(0, {"hidden": 32, "dropout": 0.0, "lr": 0.001}, 20.0, "COMPLETE", 1.0, baseline=True)
    found = TrialRecord(1, dict(BEST), 17.7, "COMPLETE", 1.0)
    best_rmse, own_rmse = (20.46, 18.0) if verdict == "overfit" else (15.0, 18.0)
    baselines = {"naive": {"rmse": 25.0}, "linear": {"rmse": 17.59}}
    return SearchResult(dict(BEST), ForecastConfig(target="megalitres", epochs=2, ensemble=1, **BEST), 17.7,
                        {"rmse": best_rmse, "mae": 12.0, "baselines": baselines}, [own, found], 60, 55,
                        f"study-{verdict}", "sqlite://", best_number=1, baseline=own, own_test={"rmse": own_rmse},
                        experiment=experiment)


def run_injected(qtbot, window, monkeypatch, result):
    """Run search clicked as a user would; the engine's search answers with `result` at once."""
    import core.search

    monkeypatch.setattr(core.search, "run_search", lambda frame, config, request, progress, cancel: result)
    with qtbot.waitSignal(window.session.search.finished, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "searchRunButton")
    qtbot.waitUntil(lambda: window.findChild(QPushButton, "searchRunButton").isEnabled(), timeout=10_000)


def test_a_search_that_overfit_says_keep_your_settings_and_use_is_disabled(qtbot, window, tmp_path, monkeypatch):
    """A finished search injected through the engine's run_search (the Session's real path: Run
    search, the job, its signals); the test split's verdict, not validation, decides."""
    from core.model.bundle import load_bundle

    open_ausbeer(qtbot, window)
    window.commands["search"].trigger()
    run_injected(qtbot, window, monkeypatch, finished_search("overfit"))
    label = window.findChild(QLabel, "searchBestLabel")
    lines = label.text().split("\n")
    assert label.isVisible()
    assert lines[0] == "The best settings beat your own on validation by 11.5% (RMSE 17.70 against 20.00)."
    assert lines[1] == ("The search overfit the validation split: keep your settings. Its best settings (trial 1) "
                        "score worse on the test split than your own (RMSE 20.46 against 18.00).")
    assert lines[-1] == ("Test RMSE: best settings (trial 1) 20.46; your own settings (trial 0) 18.00; best baseline, "
                         "linear regression (Ridge) on the same window, 17.59.")
    use = window.findChild(QPushButton, "useSearchButton")
    assert not use.isEnabled()
    assert use.toolTip() == ("The search overfit the validation split: its best settings score worse than your own "
                             "on the test split, so keep your settings.")
    assert not window.session.search.use_result()
    assert window.settings_panel.form.values()["hidden"] == 32  # untouched

    # the other direction: the best beat trial 0 and every baseline on test, so they may be used
    from core.pipeline import run_experiment

    best_run = run_experiment(window.session.data.loaded.frame, finished_search("confirmed").best_config)
    run_injected(qtbot, window, monkeypatch, finished_search("confirmed", best_run))
    assert ("The test split confirms the search: the best settings score better there than your own and than the "
            "best baseline.") in label.text().split("\n")
    assert "overfit" not in label.text()
    assert use.isEnabled() and use.toolTip().startswith("Put the best settings into the form")
    click(qtbot, window, "useSearchButton")
    form = window.settings_panel.form
    shown = form.values()
    assert shown["hidden"] == 24 and math.isclose(shown["dropout"], 0.137, abs_tol=0.005)
    assert math.isclose(shown["lr"], 0.00314, abs_tol=10 ** -form.widgets["lr"].decimals())
    for name, value in BEST.items():  # exactly, also where the form rounds (dropout in %)
        assert window.session.settings.values[name] == value, name
    # the best settings' run is on the Results tab, and saves with the search's record
    assert window.session.models.result is best_run
    assert "search's best settings" in window.session.shown.description
    assert window.tabs.currentWidget() is window.results_panel

    def save(name: str) -> dict:
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / name), ""))
        window.commands["save_model"].trigger()
        return load_bundle(tmp_path / name).meta

    shown_record = save("shown.lstmf")["search"]
    assert shown_record["study"] == "study-confirmed" and shown_record["best_trial"] == 1
    assert shown_record["baseline_best"] is False and shown_record["validation_score"] == 17.7

    # a model trained with the settings the search chose records the search too; after an edit, not
    with qtbot.waitSignal(window.session.training.finished, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "trainButton")
    record = save("trained.lstmf")["search"]
    assert record["study"] == "study-confirmed" and record["best_trial"] == 1 and record["baseline_best"] is False
    window.settings_panel.form.widgets["hidden"].setValue(20)
    with qtbot.waitSignal(window.session.training.finished, timeout=SEARCH_TIMEOUT):
        click(qtbot, window, "trainButton")
    edited = save("edited.lstmf")
    assert "search" not in edited and edited["config"]["hidden"] == 20
