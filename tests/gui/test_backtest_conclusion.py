"""Issue 23, item 12: the Backtest tab fills its fold table fold by fold, says its verdict in one
sentence and gives the pooled scores (the conclusion) room of their own, also at 1024x700."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea

TIMEOUT = 120_000


def test_folds_appear_as_they_finish_then_the_verdict_and_the_whole_pooled_table(qtbot, window, data_dir):
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(data_dir / "ausbeer.csv")
    window.session.data.set_columns("megalitres", [])
    window.session.settings.update(horizon=4, epochs=2, ensemble=1)
    window.resize(1024, 700)
    panel = window.backtest_panel
    window.tabs.setCurrentWidget(panel)
    panel.folds_spin.setValue(3)
    rows_when_done: list[tuple[int, int, bool]] = []  # fold, rows shown, verdict shown: as each fold ends
    window.session.backtest.progress.connect(lambda p: rows_when_done.append(
        (p.fold, panel.table.rowCount(), panel.verdict_label.isVisible())) if p.done is not None else None)
    with qtbot.waitSignal(window.session.backtest.finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert rows_when_done == [(1, 1, False), (2, 2, False), (3, 3, False)]
    assert panel.table.item(0, 0).text() == "2005-10-01"

    verdict = window.findChild(QLabel, "backtestVerdict")
    assert verdict.isVisible()
    assert verdict.text().endswith(result.verdict()["sentence"]) and "Over 3 folds" in verdict.text()
    assert verdict.text().startswith("⚠") == (result.verdict()["beats_best_baseline"] is False)

    # the pooled table is not inside a scroll area and shows every row without scrolling
    qtbot.wait(300)
    assert window.width() == 1024
    table, parent = panel.pooled_table, panel.pooled_table.parentWidget()
    while parent is not None:
        assert not isinstance(parent, QScrollArea)
        parent = parent.parentWidget()
    assert table.verticalScrollBar().maximum() == 0
    shown_rows = [r for r in range(table.rowCount()) if not table.isRowHidden(r)]
    assert len(shown_rows) == 4 and table.viewport().height() >= sum(table.rowHeight(r) for r in shown_rows)
    assert panel.canvas.height() >= 120 and panel.table.height() >= 100  # three fold rows and a chart

    # the engine's notes wait behind a button, so the folds and the chart keep the room
    notes = panel.notes_button
    assert not panel.notes_label.isVisible() and notes.text() == f"Notes ({len(result.notes)})"
    qtbot.mouseClick(notes, Qt.MouseButton.LeftButton)
    assert panel.notes_label.isVisible() and panel.notes_label.text() == "\n".join(result.notes)
