"""Issue 27 N4 in the window: a PostgreSQL storage that accepts the connection and never answers
hung the Search tab (it said the trials were over, Cancel did nothing and training stayed refused).
The connection now gives up after its timeout and the tab says why."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from tests.factories import silent_tcp_server
from tests.gui.test_search_tab import open_ausbeer, set_search


def test_a_storage_that_never_answers_fails_the_search_with_a_sentence(qtbot, window, monkeypatch):
    pytest.importorskip("psycopg2")
    from core.search import storage

    monkeypatch.setattr(storage, "CONNECT_TIMEOUT_S", 2)  # libpq's least; the app waits 10 s
    open_ausbeer(qtbot, window)
    set_search(window, trials=1, budget_s=60)
    panel = window.search_panel
    with silent_tcp_server() as port:
        panel.storage_edit.setText(f"postgresql://u:pw@127.0.0.1:{port}/db")
        run = window.findChild(QPushButton, "searchRunButton")
        with qtbot.waitSignal(window.session.search.failed, timeout=30_000):
            qtbot.mouseClick(run, Qt.MouseButton.LeftButton)
    state = window.findChild(QLabel, "searchStateLabel").text()
    assert state.startswith("The search failed:") and "timeout expired" in state and "pw@" not in state
    qtbot.waitUntil(run.isEnabled, timeout=10_000)
    assert window.run_panel.train_button.isEnabled()
