"""The app's one way to run work off the UI thread: a function on a QThread, with signals.

Pattern after Orange's concurrent utilities and Mu's QObject-on-QThread wiring: the function
gets a plain `report(value)` callback and a `threading.Event` to poll, so it can be core code
that knows nothing of Qt. One task at a time per BackgroundTask; starting another while one
runs is refused (the caller decides whether to cancel first). Be careful not to touch widgets
from the function: it runs on the worker thread.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

TaskFunction = Callable[[Callable[[Any], None], threading.Event], Any]


class _Runner(QObject):
    """Lives on the worker thread; calls the function once."""

    # every signal carries the task's token, so the owner can ignore a task it has abandoned
    progress = Signal(int, object)  # token, whatever the function reports (e.g. EpochProgress)
    succeeded = Signal(int, object)  # token, the function's return value
    failed = Signal(int, object, str)  # token, the exception, its formatted traceback
    done = Signal(int)  # token; always emitted last, success or not

    def __init__(self, function: TaskFunction, cancel: threading.Event, token: int) -> None:
        super().__init__()
        self._function = function
        self._cancel = cancel
        self._token = token

    def _report(self, value: object) -> None:
        self.progress.emit(self._token, value)

    @Slot()
    def run(self) -> None:
        try:
            result = self._function(self._report, self._cancel)
        except BaseException as exc:
            self.failed.emit(self._token, exc, "".join(traceback.format_exception(exc)))
        else:
            self.succeeded.emit(self._token, result)
        finally:
            self.done.emit(self._token)


class BackgroundTask(QObject):
    """Owner-side handle, living on the UI thread; its signals arrive on the UI thread."""

    progress = Signal(object)  # relayed from the worker, queued onto the UI thread
    succeeded = Signal(object)  # the function's return value
    failed = Signal(object, str)  # exception, traceback text
    finished = Signal()  # the thread has ended; a new task may start

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._runner: _Runner | None = None
        self._cancel = threading.Event()
        self._delivered = False  # the result (or failure) has reached the owner
        self._token = 0  # the current task's; signals of older tasks are dropped

    def is_running(self) -> bool:
        """True until the result is delivered; the thread may take a moment more to end."""
        return self._thread is not None and not self._delivered

    def start(self, function: TaskFunction) -> bool:
        """Runs `function(report, cancel)` on a new thread; False if a task is still running."""
        if self.is_running():
            return False
        if self._thread is not None:  # the previous thread delivered and is ending
            self._end_thread()
        self._cancel = threading.Event()
        self._delivered = False
        self._token += 1
        thread = QThread()
        runner = _Runner(function, self._cancel, self._token)
        runner.moveToThread(thread)
        thread.started.connect(runner.run)
        runner.progress.connect(self._relay_progress)
        runner.succeeded.connect(self._relay_succeeded)
        runner.failed.connect(self._relay_failed)
        # direct: quit() is thread-safe, and a queued call would wait for the UI thread, which
        # may itself be blocked waiting for this thread (closing the window)
        runner.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        runner.done.connect(self._on_runner_done)  # queued onto the UI thread
        self._thread, self._runner = thread, runner
        thread.start()
        return True

    def cancel(self) -> None:
        """Asks the function to stop at its next check; it keeps what it has."""
        self._cancel.set()

    def cancel_and_wait(self, timeout_ms: int = 60_000) -> bool:
        """Cancel, then block until the thread ends (closing the window). True if it ended."""
        if self._thread is None:
            return True
        self.cancel()
        ended = self._thread.wait(timeout_ms)
        if ended:
            self._token += 1  # whatever it still has queued for us is stale now
            self._end_thread()
        return ended

    @Slot(int, object)
    def _relay_progress(self, token: int, value: object) -> None:
        if token == self._token:
            self.progress.emit(value)

    @Slot(int, object)
    def _relay_succeeded(self, token: int, value: object) -> None:
        if token == self._token:
            self._delivered = True
            self.succeeded.emit(value)

    @Slot(int, object, str)
    def _relay_failed(self, token: int, exc: object, text: str) -> None:
        if token == self._token:
            self._delivered = True
            self.failed.emit(exc, text)

    @Slot(int)
    def _on_runner_done(self, token: int) -> None:
        # only the current task's: a late "done" of a thread that start() already ended must not
        # make the UI thread wait for the next task's thread (it would block for a whole run)
        if token == self._token:
            self._end_thread()

    def _end_thread(self) -> None:
        if self._thread is None:
            return
        thread, runner = self._thread, self._runner
        # the function has returned and quit() is called: the thread ends in a moment. Wait for
        # that before the last Python reference goes, or Qt aborts with "Destroyed while thread
        # is still running"
        thread.wait()
        self._thread = self._runner = None
        del thread, runner
        self.finished.emit()
