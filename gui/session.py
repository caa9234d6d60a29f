"""What the window shows, without the window: the loaded table and how it was read, the settings
as the user asked them, the plan, the running jobs and the shown result. Panels listen to its
signals and call its methods; nothing here touches a widget (napari's ViewerModel, Mu's Editor).
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.data.columns import default_target, is_index_like
from core.data.csv_reader import LoadedTable, read_csv
from core.data.options import ReadOptions
from core.errors import ForecasterError
from core.evaluation.metrics import model_beats_naive, per_step_scores, settings_advice
from core.files import file_sha256, refuse_overwriting_input
from core.i18n import N_, _, ngettext
from core.model.bundle import BUNDLE_SUFFIX, LoadedBundle, bundle_of_result, save_bundle, search_note
from core.outputs.export import csv_bytes, metrics_table, predictions_and_forecast, save_figure, write_bytes
from core.pipeline import ExperimentResult, RunPlan, default_threads, plan_run
from core.settings.config import ForecastConfig
from gui.jobs import Job, JobRunner

STATUS_WORDS = {"completed": N_("Finished"), "early_stopped": N_("Stopped early (no better validation loss)"),
                "cancelled": N_("Cancelled: the best model so far is shown"), "diverged": N_("Diverged")}
PLAN_DELAY_MS = 150  # settings change in bursts (a spin box held down): plan once they settle
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShownOutput:
    """What the Results panel shows, kept so it can be exported as it is."""

    target: str
    description: str  # plain text after the target's name: where these numbers come from
    predictions: pd.DataFrame
    forecast: pd.DataFrame | None
    level: float
    dates: bool
    metrics: dict
    coverage: float | None
    assumption: str
    beats_naive: bool | None  # None: no naive score to compare with
    source: str | None
    verdict: str = ""  # one sentence: the model against the best baseline (core's verdict_sentence)
    beats_best_baseline: bool | None = None
    models: str = ""  # which model made the scores and which the forecast
    notes: tuple[str, ...] = ()  # the engine's notes on this output, plain sentences
    advice: str = ""  # what to change, fitting the settings of the run ("" when nothing)
    horizon: int = 1  # steps each window predicts: the step selector's range
    seasonal: bool = True  # a season exists, so seasonal naive differs from naive
    step_scores: pd.DataFrame | None = None  # per_step_scores on the test split (None: not scored)


@dataclass(frozen=True)
class OpenedModel:
    """A saved model read from disk with its forecast from its own last rows."""

    path: str
    bundle: LoadedBundle
    forecast: pd.DataFrame


@dataclass(frozen=True)
class AppliedModel:
    """A model applied to a CSV: its predictions for every window, then the forecast."""

    path: str
    bundle: LoadedBundle
    loaded: LoadedTable
    table: pd.DataFrame


class Session(QObject):
    dataLoaded = Signal(object)  # LoadedTable, read from `source_path` with `read_options`
    loadFailed = Signal(str)  # reading a file failed: the message the user sees
    planChanged = Signal(object)  # RunPlan, or None when there is none (`problem` says why, if it can)
    trainingStarted = Signal(object)  # ForecastConfig of the run that starts (resolved by the plan)
    trainingProgress = Signal(object)  # EpochProgress, once per epoch
    trainingFinished = Signal(object)  # ExperimentResult: completed, stopped early, cancelled or diverged
    trainingFailed = Signal(str)  # training raised: the message the user sees
    resultShown = Signal(object)  # ShownOutput: the output to show (trained, opened or applied)
    modelSaved = Signal(str)  # the path of the saved model file
    modelOpened = Signal(object)  # LoadedBundle, after its output is shown
    modelApplied = Signal(object)  # DataFrame: the applied model's predictions, then its forecast
    modelFailed = Signal(str)  # opening, applying or saving a model failed: the message
    busyChanged = Signal()  # a job started or ended: what may be done now changed
    refused = Signal(str)  # a request refused while a job runs: the reason, for the user
    problem = Signal(str, object, str)  # for the one error path: dialog title, exception, traceback or ""
    status = Signal(str, int)  # a passing note for the status bar; ms to show it (0: until replaced)
    engineReady = Signal()  # torch and scikit-learn are loaded (see core.warmup)
    backtestStarted = Signal(object)  # the BacktestRequest that starts
    backtestProgress = Signal(object)  # core.backtest.BacktestProgress: a fold starts, or one of its epochs
    backtestFinished = Signal(object)  # core.backtest.BacktestResult (also when cancelled: the finished folds)
    backtestFailed = Signal(str)  # the backtest raised or was refused by the data: the message
    settingsAdopted = Signal(dict)  # settings chosen outside the form (a search's best), by name: the form shows them
    searchStarted = Signal(object)  # SearchRequest of the search that starts
    searchProgress = Signal(object)  # SearchProgress, whenever a trial reports or ends
    searchFinished = Signal(object)  # SearchResult: finished, out of time or cancelled
    searchFailed = Signal(str)  # the search raised: the message the user sees

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loaded: LoadedTable | None = None
        self.source_path: str | None = None
        self.read_options = ReadOptions()
        self.target = ""
        self.features: tuple[str, ...] = ()
        self.settings: dict[str, Any] = {}  # ForecastConfig keywords besides the columns (the form's)
        self.plan: RunPlan | None = None
        self.problem_text = ""  # why there is no plan
        self.result: ExperimentResult | None = None
        self.bundle: LoadedBundle | None = None  # a saved model opened from disk
        self.shown: ShownOutput | None = None
        self.training_seconds = 0.0  # of the current or last run
        self.search_result = None  # SearchResult of the last settings search (core.search)
        # "Use these settings" was pressed: (the columns and settings right after, the search's record
        # for a model's bundle). A model trained while they are unchanged records that search.
        self._adopted_search: tuple[tuple, dict] | None = None
        self._training_search: dict | None = None  # the record of the run being trained
        self.result_search: dict | None = None  # the search record of `result`, saved with it
        self.engine_loading = False  # the current run loads torch first (no warm-up finished)
        self._train_started = 0.0
        self._pending: tuple[str, ReadOptions] | None = None
        self._closing = False
        self.model_saved = False  # the trained result was saved since it finished
        self.backtest = None  # core.backtest.BacktestResult of the last backtest
        # asked before the shown model is discarded (a new file replaces it): the window sets it
        self.confirm_discard: Callable[[], bool] | None = None
        self.jobs = JobRunner(self)
        self.jobs.progress.connect(self._on_progress)
        self.jobs.succeeded.connect(self._on_succeeded)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.busyChanged.connect(self.busyChanged)
        self._plan_timer = QTimer(self, singleShot=True, interval=PLAN_DELAY_MS)
        self._plan_timer.timeout.connect(self.replan)

    # ---------------------------------------------------------------- what may be done now
    def may(self, job: Job) -> bool:
        return self.jobs.refusal(job) is None

    def is_training(self) -> bool:
        return self.jobs.is_running(Job.TRAIN)

    def is_searching(self) -> bool:
        return self.jobs.is_running(Job.SEARCH)

    def can_search(self) -> bool:
        return self.loaded is not None and bool(self.target) and self.may(Job.SEARCH)

    def can_train(self) -> bool:
        return self.plan is not None and self.may(Job.TRAIN)

    def can_apply(self) -> bool:
        return (self.bundle is not None or self.result is not None) and self.may(Job.MODEL)

    def engine_loaded(self) -> bool:
        return "torch" in sys.modules and not self.jobs.is_running(Job.WARM_UP)

    def _start(self, job: Job, work, note: str = "") -> bool:
        reason = self.jobs.refusal(job)
        if reason is not None:
            if job is not Job.WARM_UP:
                self.refused.emit(reason)
            return False
        if note:
            self.status.emit(note, 0)
        return self.jobs.start(job, work)

    # ---------------------------------------------------------------- data
    def open_csv(self, path: str | Path, options: ReadOptions | None = None) -> bool:
        """Reads `path` in the background; `dataLoaded` or `loadFailed` follows. False if refused."""
        path, options = str(path), options or ReadOptions()
        if self.jobs.refusal(Job.LOAD) is None and self.has_unsaved_model() and self.confirm_discard is not None \
                and not self.confirm_discard():
            return False

        def work(report, cancel):
            return read_csv(path, encoding=options.encoding, delimiter=options.delimiter,
                            decimal=options.decimal, date_column=options.date_column)

        if not self._start(Job.LOAD, work, _("Reading {path}…").format(path=path)):
            return False
        self._pending = (path, options)
        return True

    def reread(self, **changes: Any) -> bool:
        """Reads the open file again with some read options changed (encoding, delimiter, decimal,
        date_column); the others stay as the file was read."""
        if self.source_path is None or self.loaded is None:
            return False
        r = self.loaded.report
        read_as = ReadOptions(r.encoding, r.delimiter, r.decimal, r.date_column)
        return self.open_csv(self.source_path, replace(read_as, **changes))

    def _on_loaded(self, loaded: LoadedTable) -> None:
        previous = self.source_path if self.loaded is not None else None
        self.source_path, self.read_options = self._pending or (None, ReadOptions())
        same_file = previous is not None and previous == self.source_path
        self.loaded, self.result, self.shown = loaded, None, None
        self.backtest = None  # it scored another table
        self.search_result = None  # its settings were found for the previous file
        self._adopted_search = None
        usable = loaded.report.numeric_columns()
        # a new file starts at a real measurement, never at a column that only numbers the rows
        keep = self.target in usable and (same_file or not is_index_like(self.target, loaded.frame[self.target]))
        self.target = self.target if keep else default_target(loaded.frame, usable)
        self.features = ()
        self.status.emit(ngettext("Read {file}: {rows:,} row.", "Read {file}: {rows:,} rows.", loaded.report.rows)
                         .format(file=Path(self.source_path or "").name, rows=loaded.report.rows), 5000)
        self.dataLoaded.emit(loaded)
        self.replan()

    # ---------------------------------------------------------------- settings and plan
    def set_columns(self, target: str, features: list[str] | tuple[str, ...]) -> None:
        """The target and the extra input columns (the target itself is never a feature)."""
        self.target = target
        self.features = tuple(f for f in features if f != target)
        self.schedule_replan()

    def set_settings(self, values: dict[str, Any]) -> None:
        """All ForecastConfig keywords besides the columns, as the settings form gives them."""
        self.settings = dict(values)
        self.schedule_replan()

    def update_settings(self, **values: Any) -> None:
        self.set_settings({**self.settings, **values})

    def adopt_settings(self, values: dict[str, Any]) -> None:
        """Settings chosen elsewhere than the form (a search's best): they replace those keys, the
        plan follows, and `settingsAdopted` tells the form to show them."""
        self.set_settings({**self.settings, **values})
        self.settingsAdopted.emit(dict(values))

    def _form_state(self) -> tuple:
        return (self.target, self.features, tuple(sorted(self.settings.items())))

    def settings_search_record(self) -> dict | None:
        """The search the current settings came from: "Use these settings" was pressed and neither
        the columns nor any setting changed since (any edit ends it: the search scored those exactly)."""
        if self._adopted_search is None or self._adopted_search[0] != self._form_state():
            return None
        return self._adopted_search[1]

    def asked_config(self) -> ForecastConfig:
        """The settings as asked (window None = auto); raises ForecasterError with a readable message."""
        if self.loaded is None or not self.target:
            raise ForecasterError(_("Open a CSV file with at least one numeric column."))
        # torch threads: every core but one, so the UI thread keeps a core (bench/bench_engine.py)
        return ForecastConfig(target=self.target, features=self.features,
                              date_column=self.loaded.report.date_column, threads=default_threads(),
                              **self.settings)

    def schedule_replan(self) -> None:
        self._plan_timer.start()

    @Slot()
    def replan(self) -> bool:
        """Checks the settings against the data now; `planChanged` says what came of it."""
        self._plan_timer.stop()
        self.plan, self.problem_text = None, ""
        if self.loaded is not None:
            try:
                self.plan = plan_run(self.loaded.frame, self.asked_config())
            except ForecasterError as exc:
                self.problem_text = str(exc)
        self.planChanged.emit(self.plan)
        return self.plan is not None

    # ---------------------------------------------------------------- training
    def start_training(self) -> bool:
        """Trains with the current plan in the background; `trainingFinished` or `trainingFailed`
        follows. False if there is no plan or a job refuses it."""
        reason = self.jobs.refusal(Job.TRAIN)
        if reason is not None:
            self.refused.emit(reason)
            return False
        if not self.replan():
            return False
        config, frame = self.plan.config, self.loaded.frame
        source_info = self.loaded.source_info(self.source_path)

        def work(progress, cancel):
            from core.pipeline import run_experiment  # torch loads here, on the worker thread

            return run_experiment(frame, config, progress, cancel, source_info)

        self.engine_loading = not self.engine_loaded()
        if not self._start(Job.TRAIN, work, _("Training…")):
            return False
        self._train_started = time.perf_counter()
        self.training_seconds = 0.0
        self._training_search = self.settings_search_record()
        self.trainingStarted.emit(config)
        return True

    def has_unsaved_model(self) -> bool:
        """A trained model is shown and was not saved: opening another file would lose it."""
        return self.result is not None and not self.model_saved

    def cancel_training(self) -> None:
        if self.is_training():
            self.jobs.cancel(Job.TRAIN)

    def _on_progress(self, job: Job, value: object) -> None:
        if job is Job.BACKTEST:
            self.backtestProgress.emit(value)
        elif job is Job.TRAIN:
            self.training_seconds = time.perf_counter() - self._train_started
            self.trainingProgress.emit(value)
        elif job is Job.SEARCH:
            self.searchProgress.emit(value)

    def _on_trained(self, result: ExperimentResult) -> None:
        self.training_seconds = time.perf_counter() - self._train_started
        name = Path(self.source_path).name if self.source_path else _("the data")
        trained = result.history.epochs_run > 0
        description = (_("{cell} trained on {file}").format(cell=result.config.cell.upper(), file=name) if trained
                       else _("Exponential smoothing on {file}").format(file=name))
        self._show_experiment(result, description, self._training_search)
        status = result.history.status
        self.status.emit(_(STATUS_WORDS[status]) if status in STATUS_WORDS else status, 5000)
        if result.history.status == "diverged":
            self.problem.emit(_("Training diverged"), ForecasterError(result.history.message), "")
        self.trainingFinished.emit(result)

    def _show_experiment(self, result: ExperimentResult, description: str, search: dict | None = None) -> None:
        """Shows a trained model's output on the Results tab; it becomes the model to save (with
        `search`, the record of the settings search its settings came from, if any)."""
        self.result = result
        self.result_search = search
        self.model_saved = False
        notes = tuple(result.plan.notes) + tuple(n for n in (search_note({"search": search}),) if n)
        c = result.config
        verdict = result.verdict()
        self._show(ShownOutput(
            target=c.target, description=description,
            predictions=result.predictions,
            forecast=result.forecast, level=c.interval_level, dates=bool(c.date_column),
            metrics=result.test_metrics, coverage=result.coverage["overall"],
            assumption=result.predictor.assumption(), beats_naive=result.beats_naive(),
            source=self.source_path, verdict=verdict["sentence"], beats_best_baseline=verdict["beats_best_baseline"],
            models=result.models_sentence(),
            notes=notes, horizon=c.horizon, seasonal=bool(c.season),
            advice=settings_advice(result.test_metrics, c.target_mode, verdict["beats_best_baseline"],
                                   result.history.epochs_run, c.epochs),
            step_scores=per_step_scores(result.predictions, "test")))

    def _show(self, shown: ShownOutput) -> None:
        self.shown = shown
        self.resultShown.emit(shown)

    # ---------------------------------------------------------------- backtest
    def is_backtesting(self) -> bool:
        return self.jobs.is_running(Job.BACKTEST)

    def can_backtest(self) -> bool:
        return self.loaded is not None and bool(self.target) and self.may(Job.BACKTEST)

    def start_backtest(self, request) -> bool:
        """Runs a rolling-origin backtest (core.backtest.BacktestRequest) of the current data, columns
        and settings in the background; `backtestFinished` or `backtestFailed` follows. False if refused."""
        reason = self.jobs.refusal(Job.BACKTEST)
        if reason is not None:
            self.refused.emit(reason)
            return False
        try:
            config = self.asked_config()
            request.check()
        except ForecasterError as exc:
            self.backtestFailed.emit(str(exc))
            return False
        frame, source_info = self.loaded.frame, self.loaded.source_info(self.source_path)

        def work(progress, cancel):
            from core.backtest import run_backtest  # torch loads here, on the worker thread

            return run_backtest(frame, config, request, progress, cancel, source_info)

        if not self._start(Job.BACKTEST, work, _("Backtesting…")):
            return False
        self.backtestStarted.emit(request)
        return True

    def cancel_backtest(self) -> None:
        if self.is_backtesting():
            self.jobs.cancel(Job.BACKTEST)

    def _on_backtested(self, result) -> None:
        self.backtest = result
        self.status.emit(_("Backtest cancelled.") if result.cancelled else _("Backtest finished."), 5000)
        self.backtestFinished.emit(result)

    def export_backtest(self, path: str | Path) -> bool:
        """The last backtest as backtest.json (a .json path) or backtest.csv (any other), as the CLI writes them."""
        from core.backtest import write_backtest

        result = self.backtest
        if result is None:
            return False
        as_json = str(path).lower().endswith(".json")
        return self._write_export(path, lambda p: write_backtest(result, p if as_json else None,
                                                                 None if as_json else p))

    # ---------------------------------------------------------------- settings search
    def start_search(self, request) -> bool:
        """Searches the searchable settings around the form's (core.search, `request`: SearchRequest)
        in the background; `searchFinished` or `searchFailed` follows. False if refused."""
        reason = self.jobs.refusal(Job.SEARCH)
        if reason is not None:
            self.refused.emit(reason)
            return False
        try:
            config = self.asked_config()
        except ForecasterError as exc:
            self.refused.emit(str(exc))
            return False
        frame = self.loaded.frame

        def work(progress, cancel):
            from core.search import run_search  # optuna and torch load here, on the worker thread

            return run_search(frame, config, request, progress, cancel)

        if not self._start(Job.SEARCH, work, _("Searching for settings…")):
            return False
        self.search_result = None
        self.searchStarted.emit(request)
        return True

    def cancel_search(self) -> None:
        """Stops the search at its next check (between epochs); the trials so far are kept."""
        if self.is_searching():
            self.jobs.cancel(Job.SEARCH)

    def use_search_result(self) -> bool:
        """The best settings of the last search go into the form, so the next Train uses them; the
        best settings' final run is shown on the Results tab, unless that would drop an unsaved model."""
        found = self.search_result
        if found is None or not found.best_settings or self.is_training():
            return False
        own = found.baseline_is_best  # the best settings are the form's own: adopting them changes nothing
        self.adopt_settings(found.best_settings)
        record = found.provenance()
        self._adopted_search = (self._form_state(), record)
        experiment = getattr(found, "experiment", None)
        name = Path(self.source_path).name if self.source_path else _("the data")
        if experiment is None:
            self.status.emit(_("No trial beat your own settings: the form is unchanged.") if own else
                             _("The best settings are in the form: Train uses them."), 8000)
        elif self.has_unsaved_model():
            self.status.emit(_("The best settings are in the form. Their run is not shown: save or discard the "
                               "trained model on the Results tab first."), 10000)
        elif own:
            self._show_experiment(experiment, _("{cell} with the search's best settings, your own (no trial beat "
                                                "them), on {file}").format(cell=experiment.config.cell.upper(),
                                                                           file=name), record)
            self.status.emit(_("No trial beat your own settings: the form is unchanged, and their run is on the "
                               "Results tab."), 8000)
        else:
            self._show_experiment(experiment, _("{cell} with the search's best settings on {file}").format(
                cell=experiment.config.cell.upper(), file=name), record)
            self.status.emit(_("The best settings are in the form, and their run is on the Results tab."), 8000)
        return True

    def export_search(self, path: str | Path) -> bool:
        """The last search as search.json (a .json path) or search.csv (any other), as the CLI writes them."""
        from core.search import write_search

        found = self.search_result
        if found is None:
            return False
        as_json = str(path).lower().endswith(".json")
        return self._write_export(path, lambda p: write_search(found, p if as_json else None, None if as_json else p))

    def _on_searched(self, result) -> None:
        self.search_result = result
        self.status.emit(_("The search was cancelled.") if result.cancelled else _("The search has finished."), 5000)
        self.searchFinished.emit(result)

    # ---------------------------------------------------------------- models
    def save_model(self, path: str | Path) -> bool:
        """Saves the trained model as one .lstmf file (the suffix is added if missing)."""
        if self.result is None:
            return False
        path = str(path)
        if not path.lower().endswith(BUNDLE_SUFFIX):
            path += BUNDLE_SUFFIX
        try:
            refuse_overwriting_input([path], self._input_files())
            checksum = file_sha256(self.source_path) if self.source_path else None
            save_bundle(self.result, path, data_sha256=checksum, search=self.result_search)
        except (ForecasterError, OSError) as exc:
            self.problem.emit(_("Can't save the model"), exc, "")
            self.modelFailed.emit(str(exc))
            return False
        self.model_saved = True
        self.status.emit(_("Saved the model to {path}.").format(path=path), 5000)
        self.modelSaved.emit(path)
        return True

    def open_model(self, path: str | Path) -> bool:
        """Loads a saved model in the background and shows its forecast; `modelOpened` follows."""
        path = str(path)

        def work(report, cancel):
            from core.apply import forecast_table
            from core.model.bundle import load_bundle

            bundle = load_bundle(path)
            return OpenedModel(path, bundle, forecast_table(bundle))

        return self._start(Job.MODEL, work, _("Opening {file}…").format(file=Path(path).name))

    def apply_model(self, csv_path: str | Path) -> bool:
        """Predicts every window of a CSV with the open (or just trained) model; `modelApplied` follows."""
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

        return self._start(Job.MODEL, work, _("Applying the model to {file}…").format(file=Path(csv_path).name))

    def _on_opened(self, opened: OpenedModel) -> None:
        from core.apply import recent_rows

        bundle, c, name = opened.bundle, opened.bundle.config, Path(opened.path).name
        self.bundle = bundle
        metrics = bundle.meta.get("test_metrics") or {}
        self._show(ShownOutput(
            target=c.target, description=ngettext(
                "saved model {file} (window {window}, horizon {horizon}): the last {rows} row of the file it was "
                "trained on, then its forecast. The scores are from that file's test split.",
                "saved model {file} (window {window}, horizon {horizon}): the last {rows} rows of the file it was "
                "trained on, then its forecast. The scores are from that file's test split.", len(bundle.tail)).format(
                file=name, window=c.window, horizon=c.horizon, rows=len(bundle.tail)),
            predictions=recent_rows(bundle), forecast=opened.forecast, level=c.interval_level,
            dates=bool(c.date_column), metrics=metrics, coverage=(bundle.meta.get("coverage") or {}).get("overall"),
            assumption=bundle.predictor.assumption(), beats_naive=model_beats_naive(metrics), source=opened.path,
            horizon=c.horizon, seasonal=bool(c.season), notes=tuple(n for n in (search_note(bundle.meta),) if n)))
        self.status.emit(_("Opened {file}. Use File > Apply model to new data to predict a CSV.").format(file=name),
                         8000)
        self.modelOpened.emit(bundle)

    def _on_applied(self, applied: AppliedModel) -> None:
        from core.apply import applied_coverage, applied_metrics, training_overlap

        c, name, table = applied.bundle.config, Path(applied.path).name, applied.table
        known = table[table["actual"].notna()]
        metrics = applied_metrics(known, applied.loaded.frame[c.target])
        report = applied.loaded.report
        notes = [_("On new data only the model and the naive forecast are scored: the linear and seasonal "
                   "baselines are not saved with a model.")]
        overlap = training_overlap(applied.bundle, applied.loaded.frame, report.date_column, report.date_is_year)
        if overlap is not None:
            notes.insert(0, _("⚠ {file} has rows up to {overlap} or earlier, which the model was trained on: "
                              "its scores on those rows are not a fair test.").format(file=name, overlap=overlap))
        self._show(ShownOutput(
            target=c.target, description=ngettext(
                "the model applied to {file} ({count:,} prediction with a known value, then the forecast)",
                "the model applied to {file} ({count:,} predictions with known values, then the forecast)",
                len(known)).format(file=name, count=len(known)), predictions=known,
            forecast=table[table["actual"].isna()].drop(columns=["actual"]), level=c.interval_level,
            dates=bool(applied.loaded.report.date_column), metrics=metrics, coverage=applied_coverage(known),
            assumption=applied.bundle.predictor.assumption(), beats_naive=model_beats_naive(metrics),
            source=applied.path, notes=tuple(notes), horizon=c.horizon, seasonal=False,
            step_scores=per_step_scores(known, "")))
        self.status.emit(_("Applied the model to {file}.").format(file=name), 5000)
        self.modelApplied.emit(table)

    def _input_files(self) -> list[str]:
        """The files this window read (the CSV, and the model or data of what is shown): never
        written over by a save or an export, whatever name the dialog was given."""
        shown = self.shown.source if self.shown is not None else None
        return [path for path in (self.source_path, shown) if path]

    # ---------------------------------------------------------------- exports of what is shown
    def _export(self, path: str | Path, write) -> bool:
        """Writes an export of the shown output; False (with the reason shown) if it can't."""
        return self.shown is not None and self._write_export(path, write)

    def _write_export(self, path: str | Path, write) -> bool:
        """`write(path)` after refusing to overwrite an input file; problems go to the one error path."""
        try:
            refuse_overwriting_input([path], self._input_files())
            write(str(path))
        except (ForecasterError, OSError, ValueError) as exc:
            self.problem.emit(_("Can't export"), exc, "")
            return False
        self.status.emit(_("Wrote {path}.").format(path=path), 5000)
        return True

    def export_predictions(self, path: str | Path) -> bool:
        s = self.shown
        return self._export(path, lambda p: write_bytes(p, csv_bytes(predictions_and_forecast(s.predictions,
                                                                                               s.forecast))))

    def export_metrics(self, path: str | Path) -> bool:
        s = self.shown
        return self._export(path, lambda p: write_bytes(p, csv_bytes(metrics_table(s.metrics, s.coverage,
                                                                                   s.level))))

    def export_chart(self, path: str | Path, figure) -> bool:
        """Saves `figure` (the Results panel's matplotlib Figure) as PNG, SVG or PDF by suffix."""
        return self._export(path, lambda p: save_figure(figure, p))

    # ---------------------------------------------------------------- jobs' outcomes
    @Slot(object, object)
    def _on_succeeded(self, job: Job, value: object) -> None:
        if job is Job.LOAD:
            self._on_loaded(value)
        elif job is Job.TRAIN:
            self._on_trained(value)
        elif job is Job.BACKTEST:
            self._on_backtested(value)
        elif job is Job.SEARCH:
            self._on_searched(value)
        elif isinstance(value, OpenedModel):
            self._on_opened(value)
        elif isinstance(value, AppliedModel):
            self._on_applied(value)
        elif job is Job.WARM_UP:
            self.engineReady.emit()

    @Slot(object, object, str)
    def _on_failed(self, job: Job, exc: BaseException, details: str) -> None:
        """The one failure path of background work: a dialog (unless closing) and the job's signal."""
        if job is Job.WARM_UP:  # not the user's problem yet: training loads the same libraries and says
            log.warning("Loading the engine in the background failed:\n%s", details)
            return
        title, signal, note = {Job.LOAD: (_("Can't open the file"), self.loadFailed, _("The file could not be read.")),
                               Job.TRAIN: (_("Training failed"), self.trainingFailed, _("Training failed.")),
                               Job.MODEL: (_("Model"), self.modelFailed, _("That did not work.")),
                               Job.BACKTEST: (_("Backtest failed"), self.backtestFailed,
                                              _("The backtest failed.")),
                               Job.SEARCH: (_("The settings search failed"), self.searchFailed,
                                            _("The settings search failed."))}[job]
        self.status.emit(note, 5000)
        if not self._closing:
            self.problem.emit(title, exc, details)
        signal.emit(str(exc))

    # ---------------------------------------------------------------- the engine and closing
    def warm_up(self) -> bool:
        """Imports torch and scikit-learn on a worker thread while the user picks a file."""
        if self._closing:
            return False

        def work(report, cancel):
            from core.warmup import warm_up

            warm_up(default_threads())

        return self._start(Job.WARM_UP, work)

    def shutdown(self) -> None:
        """Stops every job and waits for its thread; failures after this show no dialog."""
        self._closing = True
        self.jobs.stop_all()
