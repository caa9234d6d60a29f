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


def test_each_start_hears_its_own_outcome_through_the_callbacks_it_gave(qtbot):
    from gui.jobs import Job, JobRunner

    runner = JobRunner()
    heard: dict[str, list] = {"progress": [], "done": [], "failed": [], "other": []}
    go = threading.Event()

    def counting(report, cancel):
        go.wait(10)
        for step in (1, 2):
            report(step)
        return "trained"

    assert runner.start(Job.TRAIN, counting, on_done=heard["done"].append,
                        on_progress=heard["progress"].append,
                        on_failed=lambda exc, details: heard["failed"].append(exc))
    # refused while it runs: a second start neither runs nor takes over the first one's callbacks
    assert not runner.start(Job.TRAIN, lambda report, cancel: "second", on_done=heard["other"].append)
    assert not runner.start(Job.LOAD, lambda report, cancel: "read", on_done=heard["other"].append)
    assert runner.refusal(Job.LOAD) == "A model is training: cancel it (Esc) before opening another file."
    go.set()
    qtbot.waitUntil(lambda: bool(heard["done"]), timeout=10_000)
    assert heard == {"progress": [1, 2], "done": ["trained"], "failed": [], "other": []}

    def broken(report, cancel):
        raise ValueError("no such column")

    qtbot.waitUntil(lambda: not runner.is_running(Job.TRAIN), timeout=5_000)
    assert runner.start(Job.MODEL, broken, on_done=heard["other"].append,
                        on_failed=lambda exc, details: heard["failed"].append((str(exc), "ValueError" in details)))
    qtbot.waitUntil(lambda: bool(heard["failed"]), timeout=10_000)
    assert heard["failed"] == [("no such column", True)] and heard["other"] == []
    runner.stop_all()
