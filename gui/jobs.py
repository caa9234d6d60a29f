"""The session's background jobs: one BackgroundTask per kind of job, and the rules of which jobs
may not run together (no two trainings; no reading a file or opening a model while a model trains;
no training or reading a file while a settings search runs, nor the reverse), each refusal with a
sentence a user can read. Each start brings its own callbacks (anki's CollectionOp, Orange's
concurrent `start(task)`): the runner delivers a job's outcome to whoever started it, so adding a
job is one `Job` row, one `RULES` row and the channel that starts it (gui/session/channel.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

from PySide6.QtCore import QObject, Signal

from core.i18n import N_, _
from gui.tasks import BackgroundTask, TaskFunction


class Job(Enum):
    LOAD = auto()  # reading a file
    TRAIN = auto()
    MODEL = auto()  # opening or applying a saved model
    WARM_UP = auto()  # loading torch and scikit-learn
    BACKTEST = auto()
    SEARCH = auto()  # a settings search
    REPORT = auto()  # writing a report (File > Export report…)


# the job asked for -> the jobs that refuse it while they run, and the reason shown to the user
RULES: dict[Job, tuple[tuple[Job, str], ...]] = {
    Job.TRAIN: ((Job.TRAIN, N_("A model is already training.")),
                (Job.LOAD, N_("Still reading the file: train once it is shown.")),
                (Job.BACKTEST, N_("A backtest is running: cancel it before training.")),
                (Job.SEARCH, N_("A settings search is running: cancel it on the Search tab before training."))),
    Job.LOAD: ((Job.TRAIN, N_("A model is training: cancel it (Esc) before opening another file.")),
               (Job.LOAD, N_("Still reading the previous file…")),
               (Job.BACKTEST, N_("A backtest is running: cancel it before opening another file.")),
               (Job.SEARCH, N_("A settings search is running: cancel it on the Search tab before opening "
                               "another file."))),
    Job.MODEL: ((Job.TRAIN, N_("A model is training: cancel it (Esc) before opening or applying a model.")),
                (Job.MODEL, N_("Still opening or applying a model…"))),
    Job.WARM_UP: ((Job.TRAIN, N_("Training loads the engine itself.")),
                  (Job.WARM_UP, N_("The engine is already loading.")),
                  (Job.BACKTEST, N_("The backtest loads the engine itself.")),
                  (Job.SEARCH, N_("The search loads the engine itself."))),
    Job.BACKTEST: ((Job.BACKTEST, N_("A backtest is already running.")),
                   (Job.TRAIN, N_("A model is training: wait for it or cancel it (Esc) before a backtest.")),
                   (Job.LOAD, N_("Still reading the file: run the backtest once it is shown.")),
                   (Job.SEARCH, N_("A settings search is running: cancel it on the Search tab before a backtest."))),
    Job.SEARCH: ((Job.SEARCH, N_("A settings search is already running.")),
                 (Job.TRAIN, N_("A model is training: cancel it (Esc) before searching for settings.")),
                 (Job.LOAD, N_("Still reading the file: search once it is shown.")),
                 (Job.BACKTEST, N_("A backtest is running: cancel it on the Backtest tab before searching for "
                                   "settings."))),
    Job.REPORT: ((Job.REPORT, N_("Still writing the report…")),),
}


def _ignore(*_args: Any) -> None:
    pass


@dataclass(frozen=True)
class _Callbacks:
    on_done: Callable[[Any], None] = _ignore  # the work's return value
    on_failed: Callable[[BaseException, str], None] = _ignore  # the exception, its formatted traceback
    on_progress: Callable[[Any], None] = _ignore  # what the work reported (e.g. EpochProgress)


class JobRunner(QObject):
    busyChanged = Signal()  # a job started, delivered or its thread ended: what may start changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = {job: BackgroundTask(self) for job in Job}
        self._callbacks = {job: _Callbacks() for job in Job}  # of each job's current (or last) start
        for job, task in self._tasks.items():
            task.progress.connect(lambda value, j=job: self._callbacks[j].on_progress(value))
            task.succeeded.connect(lambda value, j=job: self._deliver(self._callbacks[j].on_done, value))
            task.failed.connect(lambda exc, text, j=job: self._deliver(self._callbacks[j].on_failed, exc, text))
            task.finished.connect(self.busyChanged)

    def _deliver(self, callback: Callable[..., None], *args: Any) -> None:
        callback(*args)
        self.busyChanged.emit()

    def refusal(self, job: Job) -> str | None:
        """Why `job` can't start now, or None if it can."""
        return next((_(reason) for other, reason in RULES[job] if self.is_running(other)), None)

    def start(self, job: Job, work: TaskFunction, on_done: Callable[[Any], None] = _ignore,
              on_failed: Callable[[BaseException, str], None] = _ignore,
              on_progress: Callable[[Any], None] = _ignore) -> bool:
        """Runs `work(report, cancel)` on a worker thread; False (nothing started) if refused. On the
        UI thread later: `on_progress(value)` for each report, then `on_done(value)` or
        `on_failed(exception, traceback)`."""
        if self.refusal(job) is not None or self._tasks[job].is_running():
            return False
        self._callbacks[job] = _Callbacks(on_done, on_failed, on_progress)
        if not self._tasks[job].start(work):
            return False
        self.busyChanged.emit()
        return True

    def is_running(self, job: Job) -> bool:
        return self._tasks[job].is_running()

    def cancel(self, job: Job) -> None:
        """Asks the job's work to stop at its next check; it keeps what it has."""
        self._tasks[job].cancel()

    def task(self, job: Job) -> BackgroundTask:
        """The task behind a kind of job (benchmarks listen to it directly)."""
        return self._tasks[job]

    def stop_all(self) -> None:
        """Cancels every job, then waits for each thread (closing the window). An import in progress
        can't be interrupted: closing during the warm-up waits for it, a second or two."""
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            task.cancel_and_wait()
