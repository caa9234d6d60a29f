"""Issue 27, the Search tab: its storage URL is kept in settings.ini without its password, and
settings.ini is readable by its owner only (N11); a worker process that died is said (N14)."""

from __future__ import annotations

from pathlib import Path


def _files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_the_search_form_is_kept_without_the_storage_password():
    """settings.ini (mode 0644) held search_form with "postgresql://u:s3cret@host/db"."""
    import os

    from gui.app_settings import AppSettings

    data = Path(os.environ["LSTM_FORECASTER_DATA_DIR"])
    settings = AppSettings()
    settings.set_search_values({"budget_s": 60, "storage": "postgresql://u:s3cret@host/db"})
    settings.sync()
    assert _files_holding(data, "s3cret") == []
    assert AppSettings().search_values()["storage"] == "postgresql://u@host/db"
    assert Path(settings.path()).stat().st_mode & 0o777 == 0o600


def test_the_search_tab_says_when_a_worker_process_died(qtbot, window, monkeypatch):
    """Issue 27 N14: the trials table showed a failed trial 0 and nothing said a worker had died."""
    import threading

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    import core.search
    from core.search.records import SearchProgress, SearchResult, TrialRecord

    died = "Search worker host:123 was killed (signal 9); its trial is marked failed."
    seen = threading.Event()

    def search_with_a_death(frame, config, request, progress, cancel):
        failed = TrialRecord(0, {"hidden": 32}, None, "FAIL", 3.0, reason="the worker process running it died",
                             baseline=True)
        running = TrialRecord(1, {"hidden": 8}, None, "RUNNING", 1.0)
        progress(SearchProgress((failed, running), 5.0, 300.0, None, (died,)))
        seen.wait(30)  # until the tab has shown it
        own = TrialRecord(2, {"hidden": 32}, 20.0, "COMPLETE", 1.0, baseline=True)
        return SearchResult({"hidden": 32}, config, 20.0, {}, [failed, own], 300, 6.0, "study-x", "sqlite://",
                            cancelled=True, space={"hidden": {"low": 4, "high": 256, "log": True}},
                            best_number=2, baseline=own)

    monkeypatch.setattr(core.search, "run_search", search_with_a_death)
    from tests.gui.test_search_tab import open_ausbeer, set_search

    open_ausbeer(qtbot, window)
    set_search(window, trials=3, budget_s=300)
    window.commands["search"].trigger()
    with qtbot.waitSignal(window.session.search.progress, timeout=30_000):
        qtbot.mouseClick(window.findChild(QPushButton, "searchRunButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: died in window.search_panel.state_label.text(), timeout=10_000)
    assert window.search_panel.state_label.text() == "Searching: 1 trial running. " + died
    with qtbot.waitSignal(window.session.search.finished, timeout=30_000):
        seen.set()
