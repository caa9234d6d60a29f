"""File > Export report… writes in the background (issue 24): the window answers while the charts
are drawn, under the wait cursor, and a failure takes the exports' one error path."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

import core.report.output
from tests.factories import save_small_model


def open_small_model(qtbot, win, tmp_path):
    model = save_small_model(tmp_path / "small.lstmf", rows=60, window=6, hidden=4)
    with qtbot.waitSignal(win.session.models.opened, timeout=60_000):
        assert win.session.models.open(model)


def answer(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def close_error_boxes() -> None:
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox) and box.objectName() == "errorDialog":
            box.close()


def test_the_report_is_written_in_the_background_under_the_wait_cursor(qtbot, window, tmp_path, monkeypatch):
    open_small_model(qtbot, window, tmp_path)
    action = window.commands["export_report"]
    assert action.isEnabled()
    answer(monkeypatch, tmp_path / "small.html")
    action.trigger()
    # the menu command returned before the report was drawn: its job runs, the command waits for it
    assert window.session.report.running and not action.isEnabled()
    assert QApplication.overrideCursor() is not None
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.WaitCursor
    qtbot.waitUntil(lambda: not window.session.report.running, timeout=60_000)
    assert "small.lstmf" in (tmp_path / "small.html").read_text(encoding="utf-8")
    assert QApplication.overrideCursor() is None and action.isEnabled()
    assert window.statusBar().currentMessage() == f"Wrote {tmp_path / 'small.html'}."


def test_a_report_that_fails_in_the_background_says_why_once(qtbot, window, tmp_path, monkeypatch):
    open_small_model(qtbot, window, tmp_path)

    def disk_full(content, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(core.report.output, "write_report", disk_full)
    problems = []
    window.session.problem.connect(lambda title, exc, details: problems.append((title, str(exc), details)))
    answer(monkeypatch, tmp_path / "full.html")
    window.commands["export_report"].trigger()
    qtbot.waitUntil(lambda: not window.session.report.running, timeout=60_000)
    close_error_boxes()
    assert problems == [("Can't export", "[Errno 28] No space left on device", "")]  # no traceback, as other exports
    assert not (tmp_path / "full.html").exists()
    assert QApplication.overrideCursor() is None and window.commands["export_report"].isEnabled()
