"""The Data tab as the analyst reads it (issue 23, item 23): filled-in values are marked in the
preview, a midnight keeps its time in a column with times of day, and the import report shows
its notes whole instead of cutting them mid-line."""

from PySide6.QtCore import Qt

from tests.gui.window_steps import open_file


def half_hours_csv(tmp_path):
    """Half-hourly readings over midnight: one value missing, rows out of order, a repeated
    timestamp and a text column, so the import has notes to report."""
    path = tmp_path / "half_hours.csv"
    lines = ["time,load,site"]
    stamps = [f"2000-06-04 {h:02d}:{m:02d}:00" for h in range(20, 24) for m in (0, 30)] + \
             [f"2000-06-05 {h:02d}:{m:02d}:00" for h in range(0, 4) for m in (0, 30)]
    for i, stamp in enumerate(stamps):
        value = "" if i == 9 else f"{100 + i * 3}"
        lines.append(f"{stamp},{value},north")
    lines[3], lines[4] = lines[4], lines[3]  # out of order
    lines.append(lines[6])  # a repeated timestamp
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, stamps


def test_filled_values_are_marked_and_midnight_keeps_its_time(qtbot, window, tmp_path):
    path, _stamps = half_hours_csv(tmp_path)
    open_file(qtbot, window, path)
    model = window.data_panel.preview_model
    frame = window.session.data.loaded.frame
    times = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "2000-06-05 00:00:00" in times and "2000-06-05" not in times, times
    load = list(frame.columns).index("load")
    filled = [r for r in range(model.rowCount()) if model.index(r, load).data(Qt.ItemDataRole.BackgroundRole)]
    assert filled == [9], filled  # the one missing value, and only it
    tip = model.index(9, load).data(Qt.ItemDataRole.ToolTipRole)
    assert tip and tip.startswith("Filled in"), tip
    assert model.index(8, load).data(Qt.ItemDataRole.ToolTipRole) is None


def test_the_import_report_shows_its_notes_whole(qtbot, window, tmp_path):
    path, _stamps = half_hours_csv(tmp_path)
    window.resize(1024, 700)
    open_file(qtbot, window, path)
    window.tabs.setCurrentWidget(window.data_panel)
    qtbot.waitExposed(window)
    report = window.data_panel.report_view
    notes = window.session.data.loaded.report.notes
    assert len(notes) >= 3, notes
    assert report.verticalScrollBar().maximum() == 0  # nothing below the box's edge
    assert report.height() < window.data_panel.height() / 2  # the rows keep the room
