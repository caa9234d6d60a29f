"""What the window shows, without the window, composed of parts (napari's ViewerModel of evented
sub-models): `data` (the loaded table, how it was read, the columns), `settings` (the values asked,
the plan), one channel per background job (`training`, `backtest`, `search`, `models`, `report`), and here
what is shown, the status notes, the one error path and the job rules. Panels listen to the parts'
signals and call their methods; nothing here touches a widget.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from core.data.options import ReadOptions
from core.errors import ForecasterError
from core.files import atomic_write_bytes, refuse_overwriting_input
from core.i18n import _
from core.outputs.export import csv_bytes, metrics_table, predictions_and_forecast, save_figure
from core.runtime import default_threads
from gui.jobs import Job, JobRunner
from gui.session.backtest import BacktestChannel
from gui.session.data import DataState
from gui.session.inspector import InspectorState
from gui.session.models import ModelFiles
from gui.session.report import ReportChannel
from gui.session.search import SearchChannel
from gui.session.settings import PLAN_DELAY_MS, SettingsState
from gui.session.shown import AppliedModel, OpenedModel, ShownOutput
from gui.session.training import STATUS_WORDS, TrainingChannel

__all__ = ["PLAN_DELAY_MS", "STATUS_WORDS", "AppliedModel", "OpenedModel", "ReadOptions", "Session", "ShownOutput"]
log = logging.getLogger(__name__)


class Session(QObject):
    resultShown = Signal(object)  # ShownOutput: the output to show (trained, opened or applied)
    busyChanged = Signal()  # a job started or ended: what may be done now changed
    refused = Signal(str)  # a request refused while a job runs: the reason, for the user
    problem = Signal(str, object, str)  # for the one error path: dialog title, exception, traceback or ""
    status = Signal(str, int)  # a passing note for the status bar; ms to show it (0: until replaced)
    engineReady = Signal()  # torch and scikit-learn are loaded (see core.warmup)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.shown: ShownOutput | None = None
        self.closing = False  # shutting down: failures show no dialog
        # asked before the shown model is discarded (a new file replaces it): the window sets it
        self.confirm_discard: Callable[[], bool] | None = None
        self.jobs = JobRunner(self)
        self.jobs.busyChanged.connect(self.busyChanged)
        # the order matters: each part forgets what the previous table gave it before panels hear of a new one
        self.data = DataState(self)
        self.settings = SettingsState(self)
        self.training = TrainingChannel(self)
        self.backtest = BacktestChannel(self)
        self.search = SearchChannel(self)
        self.models = ModelFiles(self)
        self.report = ReportChannel(self)
        self.inspector = InspectorState(self)
        self.data.finished.connect(self._forget_shown)

    def may(self, job: Job) -> bool:
        """No running job refuses `job` now."""
        return self.jobs.refusal(job) is None

    # ---------------------------------------------------------------- what is shown
    def show(self, shown: ShownOutput) -> None:
        self.shown = shown
        self.resultShown.emit(shown)

    def _forget_shown(self, _loaded: object) -> None:
        self.shown = None

    def input_files(self) -> list[str]:
        """The files this window read (the CSV, and the model or data of what is shown): never
        written over by a save or an export, whatever name the dialog was given."""
        shown = self.shown.source if self.shown is not None else None
        return [path for path in (self.data.source_path, shown) if path]

    def write_export(self, path: str | Path, write: Callable[[str], object]) -> bool:
        """`write(path)` after refusing to overwrite an input file; problems go to the one error path."""
        try:
            refuse_overwriting_input([path], self.input_files())
            write(str(path))
        except (ForecasterError, OSError, ValueError) as exc:
            self.problem.emit(_("Can't export"), exc, "")
            return False
        self.status.emit(_("Wrote {path}.").format(path=path), 5000)
        return True

    def _export(self, path: str | Path, write: Callable[[str], object]) -> bool:
        """Writes an export of the shown output; False (with the reason shown) if it can't."""
        return self.shown is not None and self.write_export(path, write)

    def export_predictions(self, path: str | Path) -> bool:
        s = self.shown
        return self._export(path, lambda p: atomic_write_bytes(
            p, csv_bytes(predictions_and_forecast(s.predictions, s.forecast))))

    def export_metrics(self, path: str | Path) -> bool:
        s = self.shown
        return self._export(path, lambda p: atomic_write_bytes(p, csv_bytes(metrics_table(s.metrics, s.coverage,
                                                                                             s.level))))

    def export_chart(self, path: str | Path, figure) -> bool:
        """Saves `figure` (the Results panel's matplotlib Figure) as PNG, SVG or PDF by suffix."""
        return self._export(path, lambda p: save_figure(figure, p))

    # ---------------------------------------------------------------- the engine and closing
    def engine_loaded(self) -> bool:
        return "torch" in sys.modules and not self.jobs.is_running(Job.WARM_UP)

    def warm_up(self) -> bool:
        """Imports torch and scikit-learn on a worker thread while the user picks a file; silent when
        refused (a job that loads them itself runs) or when it fails (training loads the same
        libraries and says what went wrong)."""
        if self.closing:
            return False

        def work(report, cancel):
            from core.warmup import warm_up

            warm_up(default_threads())

        return self.jobs.start(Job.WARM_UP, work, on_done=lambda _value: self.engineReady.emit(),
                               on_failed=lambda _exc, details: log.warning(
                                   "Loading the engine in the background failed:\n%s", details))

    def shutdown(self) -> None:
        """Stops every job and waits for its thread; failures after this show no dialog."""
        self.closing = True
        self.jobs.stop_all()
