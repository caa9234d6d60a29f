"""Model files: the trained model to save, and saved models opened or applied to a CSV (the MODEL job)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from core.data.reader import read_table
from core.errors import ForecasterError
from core.files import file_sha256, refuse_overwriting_input
from core.i18n import N_, _
from core.model.bundle import BUNDLE_SUFFIX, LoadedBundle, bundle_of_result, save_bundle
from core.pipeline import ExperimentResult
from gui.jobs import Job
from gui.session.channel import JobChannel
from gui.session.shown import (
    AppliedModel,
    OpenedModel,
    ShownOutput,
    shown_from_applied,
    shown_from_bundle,
    shown_from_experiment,
)

if TYPE_CHECKING:
    from gui.session import Session


class ModelFiles(JobChannel):
    """Opening and applying share the MODEL job; each start brings its own outcome handler."""

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
        self.result_shown: ShownOutput | None = None  # what the Results tab showed for `result`
        self.bundle: LoadedBundle | None = None  # a saved model opened from disk
        session.data.finished.connect(self._forget)  # a new table: its model is still to train

    def _forget(self, _loaded: object) -> None:
        self.result = self.result_shown = None

    def unsaved(self) -> bool:
        """A trained model is shown and was not saved: opening another file would lose it."""
        return self.result is not None and not self.result_saved

    def can_apply(self) -> bool:
        return (self.bundle is not None or self.result is not None) and self.refusal() is None

    def show_experiment(self, result: ExperimentResult, description: str, search: dict | None = None) -> None:
        """Shows a trained model's output on the Results tab; it becomes the model to save (with
        `search`, the record of the settings search its settings came from, if any)."""
        self.result, self.result_search, self.result_saved = result, search, False
        self.result_shown = shown_from_experiment(result, description, self.session.data.source_path, search)
        self.session.show(self.result_shown)

    def save(self, path: str | Path) -> bool:
        """Saves the trained model as one .lstmf file (the suffix is added if missing)."""
        if self.result is None:
            return False
        path, s = str(path), self.session
        if not path.lower().endswith(BUNDLE_SUFFIX):
            path += BUNDLE_SUFFIX
        try:
            refuse_overwriting_input([path], s.input_files())
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
        """Loads a saved model in the background and shows its forecast; `opened` follows."""
        path = str(path)

        def work(report, cancel):
            from core.apply import forecast_table
            from core.model.bundle import load_bundle

            bundle = load_bundle(path)
            return OpenedModel(path, bundle, forecast_table(bundle))

        return self.run(work, _("Opening {file}…").format(file=Path(path).name), self._on_opened)

    def apply(self, csv_path: str | Path) -> bool:
        """Predicts every window of a CSV with the open (or just trained) model; `applied` follows."""
        csv_path = str(csv_path)
        bundle = self.bundle or (bundle_of_result(self.result) if self.result is not None else None)
        if bundle is None:
            return False

        def work(report, cancel):
            from core.apply import predict_table

            loaded = read_table(csv_path)
            table = predict_table(bundle, loaded.frame, loaded.report.date_column, loaded.report.date_is_year,
                                  source=Path(csv_path).name)
            return AppliedModel(csv_path, bundle, loaded, table)

        return self.run(work, _("Applying the model to {file}…").format(file=Path(csv_path).name), self._on_applied)

    def _on_opened(self, opened: OpenedModel) -> None:
        self.bundle = opened.bundle
        self.session.show(shown_from_bundle(opened))
        self.session.status.emit(_("Opened {file}. Use File > Apply model to new data to predict a CSV.").format(
            file=Path(opened.path).name), 8000)
        self.opened.emit(opened.bundle)

    def _on_applied(self, applied: AppliedModel) -> None:
        self.session.show(shown_from_applied(applied))
        self.session.status.emit(_("Applied the model to {file}.").format(file=Path(applied.path).name), 5000)
        self.applied.emit(applied.table)
