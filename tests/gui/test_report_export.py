"""File > Export report… as a user reaches it: disabled until something is shown, then the file
dialog (named after the dataset, in the folder used last), and a report of what the Results tab
shows, HTML or PDF by the filter chosen."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from gui import MainWindow
from gui.resources import sample_path
from tests.gui.window_steps import open_file, set_spins

SALES = sample_path("daily_sales.csv")


def file_menu_action(win, text: str):
    file_menu = next(m for m in win.menuBar().findChildren(QMenu) if m.title() == "&File")
    return next(a for a in file_menu.actions() if a.text() == text)


def answer_save_dialog(monkeypatch, path: Path, chosen_filter: str = "") -> list[tuple[str, str]]:
    """Stands in for the save dialog: answers `path` and records (title, suggested path) asked."""
    asked: list[tuple[str, str]] = []

    def answer(_parent, title, suggested, _filters, *args, **kwargs):
        asked.append((title, suggested))
        return str(path), chosen_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return asked


def wait_written(qtbot, win) -> None:
    """The report is written in the background: waits for its job to end."""
    qtbot.waitUntil(lambda: not win.session.report.running, timeout=60_000)


def test_export_report_from_the_file_menu_after_a_run_and_after_opening_a_model(qtbot, tmp_path, monkeypatch):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    action = file_menu_action(win, "Export re&port…")
    assert not action.isEnabled()  # nothing shown yet
    open_file(qtbot, win, SALES)
    win.columns_panel.target_combo.setCurrentText("sales")
    set_spins(win, window=14, epochs=2, forecastSteps=3, horizon=1, ensemble=1)
    assert not action.isEnabled()
    with qtbot.waitSignal(win.session.training.finished, timeout=120_000):
        win.session.training.start()
    assert action.isEnabled()

    # the HTML: named after the dataset and the target, the numbers the Results tab shows
    asked = answer_save_dialog(monkeypatch, tmp_path / "reports" / "sales.html")
    (tmp_path / "reports").mkdir()
    action.trigger()
    wait_written(qtbot, win)
    assert asked[0][0] == "Export report" and Path(asked[0][1]).name == "daily_sales-sales-report.html"
    html = (tmp_path / "reports" / "sales.html").read_text(encoding="utf-8")
    shown_rmse = win.results_panel.metrics_table.cell_text("model", "rmse")
    assert f'<td class="n">{shown_rmse}</td>' in html and "daily_sales.csv" in html
    pngs = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(pngs) == 3 and all(base64.b64decode(p)[:4] == b"\x89PNG" for p in pngs)
    assert win.statusBar().currentMessage().startswith("Wrote ")

    # a name without an extension takes the chosen filter's; the dialog opens where the last report went
    asked = answer_save_dialog(monkeypatch, tmp_path / "reports" / "sales-print", "PDF document (*.pdf)")
    action.trigger()
    wait_written(qtbot, win)
    assert Path(asked[0][1]).parent == tmp_path / "reports"
    assert (tmp_path / "reports" / "sales-print.pdf").read_bytes()[:5] == b"%PDF-"

    # never over the file that was read, whatever name is given
    problems = []
    win.session.problem.connect(lambda title, exc, details: problems.append(str(exc)))
    before = Path(SALES).read_bytes()
    assert not win.dialogs.export_report(str(SALES))
    assert Path(SALES).read_bytes() == before and problems and "input file" in problems[0]
    for box in QApplication.topLevelWidgets():  # the refusal's dialog
        if isinstance(box, QMessageBox) and box.objectName() == "errorDialog":
            box.close()

    # an opened model: its report says what the model file holds
    model = tmp_path / "sales.lstmf"
    assert win.session.models.save(model)
    with qtbot.waitSignal(win.session.models.opened, timeout=60_000):
        win.session.models.open(model)
    answer_save_dialog(monkeypatch, tmp_path / "opened.html")
    action.trigger()
    wait_written(qtbot, win)
    opened = (tmp_path / "opened.html").read_text(encoding="utf-8")
    assert "The saved model sales.lstmf" in opened and f'<td class="n">{shown_rmse}</td>' in opened
