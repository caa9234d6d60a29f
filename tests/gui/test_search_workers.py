"""The Search tab's workers spin box offers no more workers than the engine accepts (issue 27)."""

from PySide6.QtCore import Qt

import gui.panels.search as search_panel
from core.runtime import available_cores


def test_the_workers_box_stops_at_the_usable_cores(qtbot, monkeypatch):
    from gui.main_window import MainWindow

    monkeypatch.setattr(search_panel, "available_cores", lambda: 3)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    try:
        spin = win.search_panel.jobs_spin
        assert spin.maximum() == 3
        spin.setFocus()
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin, "64")
        qtbot.keyClick(spin, Qt.Key.Key_Return)
        assert spin.value() <= 3
        spin.setValue(64)
        assert spin.value() == 3
    finally:
        win.session.jobs.stop_all()


def test_the_workers_box_uses_the_cores_this_machine_allows(window):
    spin = window.search_panel.jobs_spin
    spin.setValue(64)
    assert spin.value() == min(64, available_cores())
