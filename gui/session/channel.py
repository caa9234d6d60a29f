"""One kind of background job as the panels see it: signals for its start, progress and outcome,
and the one failure path (a status note, a dialog unless the window closes, the `failed` signal).
Each job's part of the Session is a JobChannel subclass that knows how to start its work."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QObject, Signal

from core.i18n import _
from gui.jobs import Job
from gui.tasks import TaskFunction

if TYPE_CHECKING:
    from gui.session import Session


class JobChannel(QObject):
    started = Signal(object)  # what starts: the request or the resolved config (None if nothing to say)
    progress = Signal(object)  # what the work reports (EpochProgress, BacktestProgress, SearchProgress)
    finished = Signal(object)  # the work's result (also when cancelled: what it has so far)
    failed = Signal(str)  # the work raised or the request was refused by the data: the message

    job: ClassVar[Job]
    failure_title: ClassVar[str] = ""  # N_ text: the dialog's title when the work raises
    failure_note: ClassVar[str] = ""  # N_ text: the status bar's note then

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.session = session
        self.result: Any = None  # of the last run that finished (None: none since the data changed)

    @property
    def running(self) -> bool:
        return self.session.jobs.is_running(self.job)

    def refusal(self) -> str | None:
        """Why this job can't start now (another job runs), or None."""
        return self.session.jobs.refusal(self.job)

    def cancel(self) -> None:
        """Asks the work to stop at its next check; it keeps what it has."""
        if self.running:
            self.session.jobs.cancel(self.job)

    def refused(self) -> bool:
        """Tells the user why this job can't start now, if it can't."""
        reason = self.refusal()
        if reason is not None:
            self.session.refused.emit(reason)
        return reason is not None

    def run(self, work: TaskFunction, note: str = "", on_done: Callable[[Any], None] | None = None) -> bool:
        """Starts `work(report, cancel)`; `on_done` (else `done`) gets its result. False if refused."""
        if self.refused():
            return False
        if note:
            self.session.status.emit(note, 0)
        return self.session.jobs.start(self.job, work, on_done=on_done or self.done, on_failed=self.fail,
                                       on_progress=self.report)

    def report(self, value: object) -> None:
        self.progress.emit(value)

    def done(self, result: object) -> None:
        self.result = result
        self.finished.emit(result)

    def fail(self, exc: BaseException, details: str) -> None:
        """The one failure path of background work: a note, a dialog (unless closing), `failed`."""
        self.session.status.emit(_(self.failure_note), 5000)
        if not self.session.closing:
            self.session.problem.emit(_(self.failure_title), exc, details)
        self.failed.emit(str(exc))
