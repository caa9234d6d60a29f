"""The settings search as a job, and taking its best settings into the form."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ForecasterError
from core.evaluation.search_verdict import OVERFIT, OWN_BEST
from core.i18n import N_, _
from gui.jobs import Job
from gui.session.channel import JobChannel

if TYPE_CHECKING:
    from gui.session import Session


class SearchChannel(JobChannel):
    """`started` brings the SearchRequest, `progress` a SearchProgress whenever a trial reports or
    ends, `finished` the SearchResult (finished, out of time or cancelled)."""

    job = Job.SEARCH
    failure_title = N_("The settings search failed")
    failure_note = N_("The settings search failed.")

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        session.data.finished.connect(self._forget)  # its settings were found for the previous file

    def _forget(self, _loaded: object) -> None:
        self.result = None

    def can_start(self) -> bool:
        data = self.session.data
        return data.loaded is not None and bool(data.target) and self.refusal() is None

    def start(self, request) -> bool:
        """Searches the searchable settings around the form's (core.search, `request`: SearchRequest)
        in the background; `finished` or `failed` follows. False if refused."""
        if self.refused():
            return False
        try:
            config = self.session.settings.asked_config()
        except ForecasterError as exc:
            self.session.refused.emit(str(exc))
            return False
        frame = self.session.data.loaded.frame

        def work(progress, cancel):
            from core.search import run_search  # optuna and torch load here, on the worker thread

            return run_search(frame, config, request, progress, cancel)

        if not self.run(work, _("Searching for settings…")):
            return False
        self.result = None
        self.started.emit(request)
        return True

    def done(self, result) -> None:
        self.session.status.emit(_("The search was cancelled.") if result.cancelled else
                                 _("The search has finished."), 5000)
        super().done(result)

    def can_use_result(self) -> bool:
        found = self.result
        return (found is not None and bool(found.best_settings) and not self.session.training.running
                and self.use_refusal() is None)

    def use_refusal(self) -> str | None:
        """Why "Use these settings" has nothing to offer after the last search, or None: the user's
        own settings won on validation, or the best trial's lost to them on the test split (the
        search overfit the validation split). The disabled button shows it as its tooltip."""
        found = self.result
        if found is None or not found.best_settings:
            return None
        verdict = found.verdict
        if verdict.code == OWN_BEST:
            return _("No trial beat your own settings on validation: the form already has the best settings found.")
        if verdict.code == OVERFIT:
            return _("The search overfit the validation split: its best settings score worse than your own on the "
                     "test split, so keep your settings.")
        return None

    def use_result(self) -> bool:
        """The best settings of the last search go into the form, so the next Train uses them; the
        best settings' final run is shown on the Results tab, unless that would drop an unsaved model.
        Refused (use_refusal) when the user's own settings stand: nothing better to use."""
        if not self.can_use_result():
            return False
        s, found = self.session, self.result
        record = found.provenance()
        s.settings.adopt(found.best_settings, search=record)
        experiment, name = found.experiment, s.data.file_name()
        if experiment is None:
            s.status.emit(_("The best settings are in the form: Train uses them."), 8000)
        elif s.models.unsaved():
            s.status.emit(_("The best settings are in the form. Their run is not shown: save or discard the "
                            "trained model on the Results tab first."), 10000)
        else:
            s.models.show_experiment(experiment, _("{cell} with the search's best settings on {file}").format(
                cell=experiment.config.cell.upper(), file=name), record)
            s.status.emit(_("The best settings are in the form, and their run is on the Results tab."), 8000)
        return True

    def export(self, path: str | Path) -> bool:
        """The last search as search.json (a .json path) or search.csv (any other), as the CLI writes them."""
        from core.search import write_search

        found = self.result
        if found is None:
            return False
        as_json = str(path).lower().endswith(".json")
        return self.session.write_export(path, lambda p: write_search(found, p if as_json else None,
                                                                      None if as_json else p))
