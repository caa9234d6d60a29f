"""Model files: the trained model to save, and saved models opened or applied to a CSV (the MODEL job)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import Signal

from core.data.reader import read_table
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
    ShownOutput,
    shown_from_applied,
    shown_from_bundle,
    shown_from_experiment,
    shown_with_future,
)

if TYPE_CHECKING:
    from gui.session import Session


@dataclass(frozen=True)
class ForecastFrom:
    """What the shown forecast continues: the model, and the table it forecasts after (None: the
    model's own data), with the output as first shown (feature values held)."""

    bundle: LoadedBundle
    base: ShownOutput
    frame: pd.DataFrame | None = None
    date_column: str | None = None
    date_is_year: bool = False

    @property
    def where(self) -> dict:
        """core.apply's arguments for the table the forecast continues."""
        if self.frame is None:
            return {}
        return {"frame": self.frame, "date_column": self.date_column, "date_is_year": self.date_is_year}


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
        self.result_shown: ShownOutput | None = None  # what the Results tab showed for `result`
        self.bundle: LoadedBundle | None = None  # a saved model opened from disk
        # what the Results tab shows, for a report: the trained `result`, an OpenedModel or an AppliedModel
        self.reported: ExperimentResult | OpenedModel | AppliedModel | None = None
        self.forecast_from: ForecastFrom | None = None  # what the shown forecast continues
        self.opened_path: str | None = None  # where `bundle` was opened from
        self._opened_members: dict[str, bytes] | None = None  # its file's members, saved as opened
        session.data.finished.connect(self._forget)  # a new table: its model is still to train

    def _forget(self, _loaded: object) -> None:
        self.result = self.result_shown = None
        self.reported = None
        self.forecast_from = None

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
        self.reported = result
        self.result_shown = shown_from_experiment(result, description, self.session.data.source_path, search)
        self.forecast_from = ForecastFrom(bundle_of_result(result), self.result_shown)
        self.session.show(self.result_shown)

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
            return OpenedModel(path, bundle, forecast_table(bundle), read_members(Path(path), optional=True))

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

    def can_give_future(self) -> bool:
        """A forecast is shown whose model reads feature columns, and no model job runs."""
        f = self.forecast_from
        return (f is not None and f.base.forecast is not None and bool(f.bundle.config.features)
                and self.session.shown is not None and self.refusal() is None)

    def give_future(self, path: str | Path) -> bool:
        """Forecasts again from the shown model (no retraining) with the feature columns' future
        values in `path`, checked against the series; the output is shown again saying so."""
        source = self.forecast_from
        if source is None:
            return False
        path = str(path)

        def work(report, cancel):
            from core.apply import forecast_table, future_for

            future = future_for(source.bundle, path, **source.where)
            return future, forecast_table(source.bundle, steps=None, future=future, **source.where)

        def on_done(value) -> None:
            future, forecast = value
            self.session.show(shown_with_future(source.base, forecast, future, source.bundle))
            self.session.status.emit(_("Forecast again with the future feature values in {file}.").format(
                file=future.file), 8000)

        return self.run(work, _("Reading {file}…").format(file=Path(path).name), on_done)

    def save_future_template(self, path: str | Path) -> bool:
        """Writes the future dates of the shown forecast with its feature columns empty (a CSV to fill)."""
        from core.apply import future_template_for
        from core.files import atomic_write_bytes
        from core.outputs.export import csv_bytes

        source = self.forecast_from
        if source is None:
            return False
        return self.session.write_export(path, lambda p: atomic_write_bytes(
            p, csv_bytes(future_template_for(source.bundle, **source.where))))

    def _on_opened(self, opened: OpenedModel) -> None:
        self.result, self.result_search, self.result_saved = None, None, False  # asked before opening
        self.bundle, self.opened_path, self._opened_members = opened.bundle, opened.path, opened.members
        self.reported = opened
        shown = shown_from_bundle(opened)
        self.forecast_from = ForecastFrom(opened.bundle, shown)
        self.session.show(shown)
        self.session.status.emit(_("Opened {file}. Use File > Apply model to new data to predict a CSV.").format(
            file=Path(opened.path).name), 8000)
        self.opened.emit(opened.bundle)

    def _on_applied(self, applied: AppliedModel) -> None:
        self.reported = applied
        shown = shown_from_applied(applied)
        report = applied.loaded.report
        self.forecast_from = ForecastFrom(applied.bundle, shown, applied.loaded.frame, report.date_column,
                                          report.date_is_year)
        self.session.show(shown)
        self.session.status.emit(_("Applied the model to {file}.").format(file=Path(applied.path).name), 5000)
        self.applied.emit(applied.table)

    # ---------------------------------------------------------------- reports
    def can_report(self) -> bool:
        """Something is shown that a report can describe: a trained run, an opened or applied model."""
        return self.reported is not None and self.session.shown is not None and not self.session.training.running

    def report_stem(self) -> str:
        """The dataset's name (or the model's, when none was read) for a report's file name."""
        reported, data = self.reported, self.session.data.source_path
        path = (reported.path if isinstance(reported, (AppliedModel, OpenedModel)) else data) or "report"
        return Path(path).stem

    def report_content(self):
        """What a report of the Results tab says (core.report.ReportContent), in the UI's language; a
        trained run's has a section for the backtest and the search when they ran. None: nothing shown."""
        from core.report import from_bundle, from_result

        reported, s = self.reported, self.session
        if reported is None:
            return None
        if isinstance(reported, ExperimentResult):
            source, loaded = s.data.source_path, s.data.loaded
            search = s.search.result if s.search.result is not None and not s.search.running else self.result_search
            return from_result(reported, source=source, import_report=loaded.report if loaded else None,
                               checksum=file_sha256(source) if source else None,
                               backtest=s.backtest.result if not s.backtest.running else None, search=search)
        if isinstance(reported, AppliedModel):
            return from_bundle(reported.bundle, self._model_path(), reported.loaded, reported.path,
                               file_sha256(reported.path))
        return from_bundle(reported.bundle, reported.path)

    def _model_path(self) -> str:
        return self.opened_path if self.bundle is not None and self.opened_path else _("the trained model")
