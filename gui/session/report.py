"""File > Export report… as a background job: the content is gathered from the Session on the UI
thread (cheap), then drawn and written on a worker thread (the charts take a few seconds) by the
caller's `write` (core.report.output draws with matplotlib, which the Session never imports)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ForecasterError
from core.files import refuse_overwriting_input
from core.i18n import N_, _
from gui.jobs import Job
from gui.session.channel import JobChannel

if TYPE_CHECKING:
    from gui.session import Session

EXPECTED = (ForecasterError, OSError, ValueError)  # a sentence for the user, not a traceback (as other exports)


class ReportChannel(JobChannel):
    """`finished` brings the path written; a failure goes to the one error path as other exports'."""

    job = Job.REPORT
    failure_title = N_("Can't export")
    failure_note = N_("The report was not written.")

    def __init__(self, session: Session) -> None:
        super().__init__(session)

    def export(self, path: str | Path, write: Callable[[Any, str], object]) -> bool:
        """Starts `write(content, path)` on a worker thread: the report of what the Results tab shows
        (core.report.ReportContent), HTML or PDF by the suffix; False, with the reason shown, when it
        can't start."""
        from core.report import check_suffix

        s, path = self.session, str(path)
        if not s.models.can_report() or self.refused():
            return False
        try:
            refuse_overwriting_input([path], s.input_files())
            check_suffix(Path(path).suffix)  # before the contents are gathered
            content = s.models.report_content()
        except EXPECTED as exc:
            s.problem.emit(_("Can't export"), exc, "")
            return False

        def work(report, cancel) -> str:
            write(content, path)
            return path

        return self.run(work, _("Writing the report…"))

    def done(self, result: object) -> None:
        self.session.status.emit(_("Wrote {path}.").format(path=result), 5000)
        super().done(result)

    def fail(self, exc: BaseException, details: str) -> None:
        super().fail(exc, "" if isinstance(exc, EXPECTED) else details)
