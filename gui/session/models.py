"""Model files: the trained model to save, and saved models opened or applied to a CSV (the MODEL job)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from core.data.csv_reader import read_csv
from core.errors import ForecasterError
from core.files import file_sha256, refuse_overwriting_input
from core.i18n import N_, _
from core.model.bundle import BUNDLE_SUFFIX, LoadedBundle, bundle_of_result, save_bundle, write_bundle
from core.pipeline import ExperimentResult
from gui.jobs import Job
from gui.session.channel import JobChannel
from gui.session.shown import (
    AppliedModel,
    OpenedModel,
    shown_from_applied,
    shown_from_bundle,
    shown_from_experiment,
)

if TYPE_CHECKING:
    from gui.session import Session


class ModelFiles(JobChannel):
    """Opening and applying share the MODEL job; each start brings its own outcome handler.

    One model is current: the trained `result` or the opened `bundle`, never both, so Save and
    Apply use the model whose output the Results tab shows (Save once wrote a hidden trained model
    after Open model had put another on screen)."""

    saved = Signal(str)  # the path of the saved model file
    opened = Signal(object)  # LoadedBundle, after its output is shown
    applied = Signal(object)  # DataFrame: the applied model's predictions, then its forecast

    job = Job.MODEL
    failure_title = N_("Model")
    failure_note = N_("That did not work.")

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self.result: ExperimentResult | None = None  # the trained model shown, the one Save writes
        self.result_search: dict | None = None  # the search record of `result`, saved with it
        self.result_saved = False  # `result` was saved since it was shown
        self.bundle: LoadedBundle | None = None  # a saved model opened from disk
        self.opened_path: str | None = None  # where `bundle` was opened from
        self._opened_members: dict[str, bytes] | None = None  # its file's two members, saved as opened
        session.data.finished.connect(self._forget)  # a new table: its model is still to train

    def _forget(self, _loaded: object) -> None:
        self.result = None

    def unsaved(self) -> bool:
        """A trained model is shown and was not saved: opening another file would lose it."""
        return self.result is not None and not self.result_saved

    def savable(self) -> bool:
        """A model is current (trained or opened), so Save model has something to write."""
        return self.result is not None or self._opened_members is not None

    def can_apply(self) -> bool:
        return (self.bundle is not None or self.result is not None) and self.refusal() is None

    def show_experiment(self, result: ExperimentResult, description: str, search: dict | None = None) -> None:
        """Shows a trained model's output on the Results tab; it becomes the model to save (with
        `search`, the record of the settings search its settings came from, if any)."""
        self.result, self.result_search, self.result_saved = result, search, False
        self.bundle = self.opened_path = self._opened_members = None  # the trained model is the current one
        self.session.show(shown_from_experiment(result, description, self.session.data.source_path, search))

    def save(self, path: str | Path) -> bool:
        """Saves the current model (trained, or opened: as it was read) as one .lstmf file (the
        suffix is added if missing)."""
        if not self.savable():
            return False
        path, s = str(path), self.session
        if not path.lower().endswith(BUNDLE_SUFFIX):
            path += BUNDLE_SUFFIX
        try:
            refuse_overwriting_input([path], s.input_files())
            if self.result is None:
                write_bundle(self._opened_members, path)
            else:
                checksum = file_sha256(s.data.source_path) if s.data.source_path else None
                save_bundle(self.result, path, data_sha256=checksum, search=self.result_search)
        except (ForecasterError, OSError) as exc:
            s.problem.emit(_("Can't save the model"), exc, "")
            self.failed.emit(str(exc))
            return False
        self.result_saved = True
        s.status.emit(_("Saved the model to {path}.").format(path=path), 5000)
        self.saved.emit(path)
        return True

    def open(self, path: str | Path) -> bool:
        """Loads a saved model in the background and shows its forecast; `opened` follows. It
        replaces the trained model, so an unsaved one is offered for saving first."""
        path, s = str(path), self.session
        if self.refusal() is None and self.unsaved() and s.confirm_discard is not None and not s.confirm_discard():
            return False

        def work(report, cancel):
            from core.apply import forecast_table
            from core.model.bundle import load_bundle, read_members

            bundle = load_bundle(path)
            return OpenedModel(path, bundle, forecast_table(bundle), read_members(Path(path)))

        return self.run(work, _("Opening {file}…").format(file=Path(path).name), self._on_opened)

    def apply(self, csv_path: str | Path) -> bool:
        """Predicts every window of a CSV with the open (or just trained) model; `applied` follows."""
        csv_path = str(csv_path)
        bundle = self.bundle or (bundle_of_result(self.result) if self.result is not None else None)
        if bundle is None:
            return False

        def work(report, cancel):
            from core.apply import predict_table

            loaded = read_csv(csv_path)
            table = predict_table(bundle, loaded.frame, loaded.report.date_column, loaded.report.date_is_year,
                                  source=Path(csv_path).name)
            return AppliedModel(csv_path, bundle, loaded, table)

        return self.run(work, _("Applying the model to {file}…").format(file=Path(csv_path).name), self._on_applied)

    def _on_opened(self, opened: OpenedModel) -> None:
        self.result, self.result_search, self.result_saved = None, None, False  # asked before opening
        self.bundle, self.opened_path, self._opened_members = opened.bundle, opened.path, opened.members
        self.session.show(shown_from_bundle(opened))
        self.session.status.emit(_("Opened {file}. Use File > Apply model to new data to predict a CSV.").format(
            file=Path(opened.path).name), 8000)
        self.opened.emit(opened.bundle)

    def _on_applied(self, applied: AppliedModel) -> None:
        self.session.show(shown_from_applied(applied))
        self.session.status.emit(_("Applied the model to {file}.").format(file=Path(applied.path).name), 5000)
        self.applied.emit(applied.table)
