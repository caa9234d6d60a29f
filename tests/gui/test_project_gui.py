"""Project files in the window (issue 24 item 3): File > Save project, quit, a new window's File > Open
project brings back the table, the columns, the settings, the tabs' requests and the results as they
were shown; a changed data file is said, a moved one is asked for, a crafted project is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QMenu, QMessageBox, QSpinBox, QWidget

from gui import MainWindow
from gui.resources import sample_path
from tests.gui.window_steps import open_file

BOOKS = Path(__file__).resolve().parents[1] / "data" / "workbooks"


def file_action(win: MainWindow, text: str):
    file_menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "&File")
    return next(a for a in file_menu.actions() if a.text() == text)


def answer_dialogs(monkeypatch, *answers) -> list[str]:
    """Stands in for the file dialogs a user answers, in turn; returns the titles they were asked with."""
    asked: list[str] = []
    queue = list(answers)

    def answer(_parent, title, *_args, **_kwargs):
        asked.append(title)
        return (str(queue.pop(0)) if queue else ""), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return asked


def seen(win: MainWindow) -> dict:
    """What the user sees of the analysis: the table, columns, settings, the tabs' requests, the results."""
    r = win.results_panel
    return {"frame": win.session.data.loaded.frame.copy(), "target": win.columns_panel.target_combo.currentText(),
            "features": win.columns_panel.selected_features(), "settings": dict(win.session.settings.values),
            "epochs spin": win.findChild(QSpinBox, "epochsSpin").value(), "backtest": win.backtest_panel.request(),
            "search": win.search_panel.request(), "rmse": r.metrics_table.cell_text("model", "rmse"),
            "naive rmse": r.metrics_table.cell_text("naive", "rmse"), "title": r.title.text(),
            "verdict": r.verdict_label.text(), "coverage": r.coverage_label.text(),
            "forecast": list(r.canvas.line("forecast").get_ydata())}


@pytest.fixture(scope="module")
def saved(qapp, request, tmp_path_factory):
    """A window trained on a copy of the sales sample, its tabs' requests changed, saved as a project through
    File > Save project…, then closed: (the project, the data file, what the window showed)."""
    from pytestqt.qtbot import QtBot

    folder = tmp_path_factory.mktemp("analysis")
    data = folder / "data" / "sales.csv"
    data.parent.mkdir()
    shutil.copy(sample_path("daily_sales.csv"), data)
    qtbot = QtBot(request)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSTM_FORECASTER_DATA_DIR", str(tmp_path_factory.mktemp("appdata")))
        win = MainWindow(warm_up_engine=False)
        win.show()
        open_file(qtbot, win, data)
        win.columns_panel.target_combo.setCurrentText("sales")
        win.columns_panel.set_features(["temperature"])
        for name, value in dict(window=14, epochs=2, forecastSteps=3, horizon=1, ensemble=1, hidden=12).items():
            win.findChild(QSpinBox, f"{name}Spin").setValue(value)
        win.findChild(QSpinBox, "backtestFolds").setValue(3)
        win.search_panel.trials_spin.setValue(4)
        win.search_panel.budget_unit.setCurrentIndex(win.search_panel.budget_unit.findData(1))
        win.search_panel.budget_spin.setValue(90)
        win.session.settings.replan()
        with qtbot.waitSignal(win.session.training.finished, timeout=120_000):
            win.session.training.start()
        shown = seen(win)
        project = folder / "analysis.lstmproj"
        answer_dialogs(patch, folder / "analysis")  # the suffix is added
        file_action(win, "Save pro&ject…").trigger()
        assert project.is_file()
        assert not win.session.models.unsaved()  # the model is in the project: quitting asks nothing
        win.session.jobs.stop_all()
        win.close()
        win.deleteLater()
    return project, data, shown


def test_a_project_reopens_the_whole_analysis_in_a_new_window(qtbot, window, saved, monkeypatch):
    project, data, before = saved
    # a new window, its own settings: nothing of the analysis is in it until the project is opened
    assert window.session.data.loaded is None
    assert window.session.settings.values != before["settings"] and window.backtest_panel.request().folds != 3
    asked = answer_dialogs(monkeypatch, project)
    with qtbot.waitSignal(window.projects.restored, timeout=60_000):
        file_action(window, "Open projec&t…").trigger()
    assert asked == ["Open project"]  # the data file was where it was: nothing more was asked
    after = seen(window)
    pd.testing.assert_frame_equal(after.pop("frame"), before["frame"])
    assert after == {k: v for k, v in before.items() if k != "frame"}
    assert after["features"] == ["temperature"] and after["settings"]["hidden"] == 12 and after["epochs spin"] == 2
    assert after["search"].budget_s == 90 and after["search"].trials == 4
    assert window.session.data.source_path == str(data)
    assert window.windowTitle().startswith("analysis.lstmproj")
    assert window.projects.note_box is None  # the data file is as it was: nothing to say
    # the model came back with its results: it predicts new data, and saving again keeps it
    assert window.commands["apply_model"].isEnabled()
    again = project.with_name("again.lstmproj")
    assert window.projects.save(again)
    first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (project, again))
    assert second["model"] == first["model"] and second["settings"] == first["settings"]
    # and it is the first of the recent projects
    recent = window.commands.menus["recent_projects"]
    assert next(a.text() for a in recent.actions()) == str(again.resolve())


def test_a_changed_data_file_is_said_and_still_opened(qtbot, window, saved):
    project, data, before = saved
    original = data.read_bytes()
    try:
        data.write_bytes(original + b"2025-01-01,250.0,12.5,0\n")
        with qtbot.waitSignal(window.projects.restored, timeout=60_000):
            assert window.projects.open(project)
            with qtbot.waitSignal(window.session.refused) as refused:
                assert not window.projects.open(project)  # one at a time
        assert refused.args == ["Still opening analysis.lstmproj…"]
        box = window.projects.note_box
        assert box is not None and box.objectName() == "projectSourceNote" and box.isVisible()
        assert "sales.csv has changed since the project was saved (its checksum differs)" in box.text()
        assert len(window.session.data.loaded.frame) == len(before["frame"]) + 1  # the file as it is now
        assert window.results_panel.metrics_table.cell_text("model", "rmse") == before["rmse"]
    finally:
        data.write_bytes(original)


def test_a_moved_data_file_is_asked_for(qtbot, window, saved, monkeypatch, tmp_path):
    project, data, _before = saved
    moved = tmp_path / "moved" / "renamed.csv"
    moved.parent.mkdir()
    shutil.move(data, moved)
    try:
        asked = answer_dialogs(monkeypatch, moved)
        with qtbot.waitSignal(window.projects.restored, timeout=60_000):
            assert window.projects.open(project)
        assert asked == [f"Where is sales.csv now? It is no longer at {data}."]
        assert window.session.data.source_path == str(moved)
        assert "the project now reads it from" in window.projects.note_box.text()
        assert window.session.data.target == "sales" and window.session.data.features == ("temperature",)
    finally:
        shutil.move(moved, data)


def test_cancelling_the_search_for_a_moved_file_keeps_the_window_as_it_was(qtbot, window, saved, monkeypatch):
    project, data, _before = saved
    open_file(qtbot, window, sample_path("daily_sales.csv"))
    loaded, values = window.session.data.loaded, dict(window.session.settings.values)
    hidden = data.with_name("hidden.csv")
    data.rename(hidden)
    try:
        asked = answer_dialogs(monkeypatch)  # Cancel
        assert not window.projects.open(project)
        assert len(asked) == 1 and asked[0].startswith("Where is sales.csv now?")
        qtbot.wait(200)
        assert window.session.data.loaded is loaded and window.session.settings.values == values
        assert window.session.data.source_path == str(sample_path("daily_sales.csv"))
        assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in window.findChildren(QWidget))
    finally:
        hidden.rename(data)


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(version=3), "saved by a newer version of the app (project format 3)"),
    (lambda d: d["settings"].update(hidden="many"), "Hidden size must be a whole number (got 'many')"),
    (lambda d: d["model"]["results"].update(metrics={"model": {"rmse": "17.89"}}), "'metrics' is not of the right"),
    (lambda d: d["model"]["results"]["predictions"]["columns"][3].update(
        values=[[1]] * d["model"]["results"]["predictions"]["rows"]), "the column 'predicted' holds a value of the"),
])
def test_a_crafted_project_is_refused_with_one_message(qtbot, window, saved, tmp_path, change, words):
    project, _data, _before = saved
    data = json.loads(project.read_text(encoding="utf-8"))
    change(data)
    crafted = tmp_path / "crafted.lstmproj"
    crafted.write_text(json.dumps(data), encoding="utf-8")
    assert not window.projects.open(crafted)
    dialogs = [d for d in window.findChildren(QMessageBox) if d.objectName() == "errorDialog" and d.isVisible()]
    assert len(dialogs) == 1
    text = dialogs[0].text()
    assert "crafted.lstmproj" in text and words in text, text
    assert window.session.data.loaded is None and window.session.shown is None  # nothing was opened


def test_a_workbook_project_reopens_its_sheet(qtbot, window, tmp_path, monkeypatch):
    """The read options travel with the project: a workbook's second sheet is read again, not the first."""
    book = tmp_path / "two_sheets.xlsx"
    shutil.copy(BOOKS / "two_sheets.xlsx", book)
    open_file(qtbot, window, book)
    chooser = window.findChild(QComboBox, "sheetChooser")
    window.tabs.setCurrentWidget(window.data_panel)
    chooser.setFocus()
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        qtbot.keyClick(chooser, Qt.Key.Key_Down)
    assert window.session.data.loaded.frame["sales"].iloc[0] == 1100.0
    answer_dialogs(monkeypatch, tmp_path / "book.lstmproj")
    with qtbot.waitSignal(window.session.status, timeout=5000):
        window.commands["save_project"].trigger()
    other = MainWindow(warm_up_engine=False)
    qtbot.addWidget(other)
    with qtbot.waitSignal(other.projects.restored, timeout=30_000):
        assert other.projects.open(tmp_path / "book.lstmproj")
    assert other.session.data.read_as().sheet == "south"
    assert other.session.data.loaded.frame["sales"].iloc[0] == 1100.0
    assert other.findChild(QComboBox, "sheetChooser").currentText() == "south"
    assert other.session.shown is None  # no model was trained: no results to bring back


def test_save_project_has_its_shortcut_and_a_file_is_opened_by_its_suffix(window, tmp_path):
    from PySide6.QtGui import QKeySequence

    assert window.commands["save_project"].shortcut() == QKeySequence("Ctrl+Shift+S")
    assert not window.commands["save_project"].isEnabled()  # nothing to save before a file is open
    assert window.commands["open_project"].isEnabled()
    assert not window.open_path(str(tmp_path / "nowhere.lstmproj"))  # a project path goes to Open project
    assert "There is no project file" in next(d.text() for d in window.findChildren(QMessageBox)
                                             if d.objectName() == "errorDialog")


def test_a_huge_project_is_refused_before_it_is_read(window, tmp_path):
    from core.project import MAX_PROJECT_BYTES

    huge = tmp_path / "huge.lstmproj"
    with open(huge, "wb") as handle:  # sparse: no disk is used
        handle.truncate(MAX_PROJECT_BYTES + 1)
    assert not window.projects.open(huge)
    text = next(d.text() for d in window.findChildren(QMessageBox) if d.objectName() == "errorDialog")
    assert "huge.lstmproj is refused" in text and "far larger than a project file" in text
