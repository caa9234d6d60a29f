"""The backtest as a job: rolling-origin folds of the current data, columns and settings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ForecasterError
from core.i18n import N_, _
from gui.jobs import Job
from gui.session.channel import JobChannel

if TYPE_CHECKING:
    from gui.session import Session


class BacktestChannel(JobChannel):
    """`started` brings the BacktestRequest, `progress` a BacktestProgress (a fold starts, or one of
    its epochs), `finished` the BacktestResult (also when cancelled: the finished folds)."""

    job = Job.BACKTEST
    failure_title = N_("Backtest failed")
    failure_note = N_("The backtest failed.")

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        session.data.finished.connect(self._forget)  # it scored another table

    def _forget(self, _loaded: object) -> None:
        self.result = None

    def can_start(self) -> bool:
        data = self.session.data
        return data.loaded is not None and bool(data.target) and self.refusal() is None

    def start(self, request) -> bool:
        """Runs a rolling-origin backtest (core.backtest.BacktestRequest) in the background;
        `finished` or `failed` follows. False if refused."""
        if self.refused():
            return False
        s = self.session
        try:
            config = s.settings.asked_config()
            request.check()
        except ForecasterError as exc:
            self.failed.emit(str(exc))
            return False
        frame, source_info = s.data.loaded.frame, s.data.loaded.source_info(s.data.source_path)
        filled_rows = s.data.loaded.filled_rows.get(config.target)

        def work(progress, cancel):
            from core.backtest import run_backtest  # torch loads here, on the worker thread

            return run_backtest(frame, config, request, progress, cancel, source_info, filled_rows)

        if not self.run(work, _("Backtesting…")):
            return False
        self.started.emit(request)
        return True

    def done(self, result) -> None:
        self.session.status.emit(_("Backtest cancelled.") if result.cancelled else _("Backtest finished."), 5000)
        super().done(result)

    def export(self, path: str | Path) -> bool:
        """The last backtest as backtest.json (a .json path) or backtest.csv (any other), as the CLI writes them."""
        from core.backtest import write_backtest

        result = self.result
        if result is None:
            return False
        as_json = str(path).lower().endswith(".json")
        return self.session.write_export(path, lambda p: write_backtest(result, p if as_json else None,
                                                                        None if as_json else p))
