"""BackgroundTask: a task started right after the previous one delivers must not block the UI."""

import threading

from PySide6.QtCore import QTimer

from gui.tasks import BackgroundTask


def test_a_task_started_from_the_previous_result_leaves_the_ui_thread_free(qtbot):
    task = BackgroundTask()
    released = threading.Event()
    results: list = []

    def second(report, cancel):
        # released by a UI-thread timer: only if the UI thread keeps running its event loop
        return "released" if released.wait(10) else "the UI thread was blocked"

    def start_second(_result) -> None:
        # as clicking Train again in the result slot: the first thread's "done" is still queued
        task.succeeded.disconnect(start_second)
        task.succeeded.connect(results.append)
        assert task.start(second)
        QTimer.singleShot(50, released.set)

    ended: list = []
    task.finished.connect(lambda: ended.append(True))
    task.succeeded.connect(start_second)
    assert task.start(lambda report, cancel: "first")
    qtbot.waitUntil(lambda: bool(results), timeout=20_000)
    assert results == ["released"]
    qtbot.waitUntil(lambda: len(ended) == 2, timeout=5_000)  # each thread ended once
    assert not task.is_running()
