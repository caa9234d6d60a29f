"""The forecasting recipe: plan, fit, predict, calibrate, score, refit, forecast, assemble.

`run_experiment` is that sequence of named stages; each stage is public so the backtest and the
search can reuse it rather than restate it. Every score comes from the model fit on the training
rows only; the forecast past the end comes from the same settings retrained on every row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.evaluation.intervals import (
    EVERY,
    HISTORY,
    UNSEEN,
    interval_coverage,
    interval_widths,
    log_interval_widths,
    source_code,
)
from core.i18n import _
from core.model.memory import release_freed_memory
from core.model.predictor import LOG, Predictor
from core.numbers import figures
from core.pipeline.credit import Credit, judge_credit, made_by, rmse
from core.pipeline.fit import fit_baselines, fit_ensemble
from core.pipeline.plan import RunPlan, plan_run, validation_windows_needed
from core.pipeline.result import (
    ExperimentResult,
    ScoredWindows,
    actual_frame,
    bridge_frame,
    data_info,
    model_words,
)
from core.prep.future import FutureFeatures, features_future_sentence
from core.prep.split import SPLITS
from core.prep.timeindex import TimeIndex
from core.settings.config import ForecastConfig


def run_experiment(
    frame: pd.DataFrame,
    config: ForecastConfig,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
    source_info: dict[str, Any] | None = None,
    future: FutureFeatures | None = None,
) -> ExperimentResult:
    """Trains and evaluates a model, then refits it on every row for the forecast.

    Every score comes from the model trained on the training rows only; the forecast past the
    end comes from the same settings retrained on all rows for the epochs early stopping chose.
    `source_info` (encoding, delimiter...) goes into data_info; `future`: the feature columns'
    future values for the forecast (core.prep.future.read_future), else they are held.
    """
    plan = plan_run(frame, config)
    scoring = fit_scoring_model(frame, plan, progress, cancel)
    return finish_experiment(frame, plan, scoring, progress, cancel, source_info, future)


def finish_experiment(frame: pd.DataFrame, plan: RunPlan, scoring: ScoringModel, progress: Callable | None = None,
                      cancel: threading.Event | None = None, source_info: dict[str, Any] | None = None,
                      future: FutureFeatures | None = None) -> ExperimentResult:
    """Every stage after the scoring model's fit: a first run and a continued one share them.

    Between stages the C heap's free pages go back to the system (release_freed_memory): what one
    stage freed would otherwise stay in the process under the next one's peak (issue 25 item 5)."""
    release_freed_memory()
    windows = predict_windows(frame, plan, scoring)
    release_freed_memory()
    anchored = predict_anchor_windows(plan, scoring)
    calibrate_intervals(scoring.predictor, windows, plan)
    scores = score_splits(frame, plan, scoring, windows)
    scoring.series = None  # the scaled inputs (rows x F float32) are not needed any more
    release_freed_memory()
    time_index = TimeIndex.of(frame, plan.config.date_column, date_is_year(source_info))
    forecaster = refit_on_all_rows(frame, plan, scoring, windows, progress, cancel)
    forecast = forecast_past_end(frame, forecaster or scoring.predictor, plan, time_index, future)
    result = assemble(frame, plan, scoring, forecaster, windows, scores, forecast, time_index, source_info)
    result.future = future
    result.credit = credit_of(frame, plan, scoring, forecaster, windows, anchored, scores, forecast, future)
    result.cancelled = was_cancelled(scoring, plan, forecaster, cancel)
    return result


def was_cancelled(scoring: ScoringModel, plan: RunPlan, forecaster: Predictor | None,
                  cancel: threading.Event | None) -> bool:
    """Whether the cancel cut the run short: a network of the scoring model, or the refit on every
    row (asked for, not made, with the cancel set)."""
    from core.model.training import CANCELLED

    if any(h.status == CANCELLED for h in scoring.histories):
        return True
    # asked last: the cancel is polled once per batch, and a finished run polls nothing more
    return bool(plan.refits and forecaster is None and cancel is not None and cancel.is_set())


@dataclass
class ScoringModel:
    """The model fit on the training rows only: it makes every score."""
    predictor: Predictor
    histories: list  # core.model.training.TrainingHistory, one per network trained
    epochs_run: int  # epochs trained so far over every network (the refit's progress goes on from here)
    series: Any  # the table scaled with the training statistics, as windows; None once scored

    @property
    def history(self):
        return self.histories[0]

    @property
    def stopped(self) -> bool:
        """Cancelled or diverged: nothing more is trained after it."""
        from core.model.training import CANCELLED, DIVERGED

        return self.history.status in (CANCELLED, DIVERGED)


@dataclass
class Windows:
    """Every window of the plan (train, then validation, then test) with its predicted steps; their
    actual values are read from the target column when asked, not kept beside a million windows."""
    origins: np.ndarray  # (N,) row of each window's last input
    split_codes: np.ndarray  # (N,) int8 index into SPLITS: one byte per window, not a string
    predicted: np.ndarray  # (N, H) by the scoring model
    target: np.ndarray  # (rows,) every row's target value, float64 (the frame's column, not a copy)

    @property
    def target_rows(self) -> np.ndarray:
        """(N, H) rows each window forecasts: computed when asked, not kept beside a million windows."""
        return self.origins[:, None] + np.arange(1, self.predicted.shape[1] + 1)[None, :]

    def actual(self, mask: np.ndarray | None = None) -> np.ndarray:
        """(n, H) actual values of the windows in `mask` (of every window without one)."""
        origins = self.origins if mask is None else self.origins[mask]
        return self.target[origins[:, None] + np.arange(1, self.predicted.shape[1] + 1)[None, :]]

    def mask(self, split: str) -> np.ndarray:
        return self.split_codes == SPLITS.index(split)

    def residuals(self, mask: np.ndarray) -> np.ndarray:
        return self.actual(mask) - self.predicted[mask]


@dataclass
class Scores:
    test: dict[str, dict[str, float | None]]  # forecaster -> metrics, on the test windows
    val: dict[str, dict[str, float | None]]  # the same on the validation windows
    coverage: dict[str, Any]  # interval coverage on the test windows: overall and per step
    ridge_windows: int


def date_is_year(source_info: dict[str, Any] | None) -> bool:
    return bool((source_info or {}).get("date_is_year", False))


def fit_scoring_model(frame: pd.DataFrame, plan: RunPlan, progress: Callable | None = None,
                      cancel: threading.Event | None = None) -> ScoringModel:
    """Scalers, anchor and networks fit on the training rows. Without enough validation windows to
    show the network improves on exponential smoothing (fitting its few training windows only made
    forecasts worse on M1 and Tourism quarterly), the smoothing stands alone: no network is trained.
    A run cut short keeps the networks that trained, and `plan.config` says how many."""
    from core.model.training import CANCELLED, DIVERGED

    c = plan.config
    alone = plan.smoothing_alone
    if alone and not plan.forecast_only:
        needed = validation_windows_needed(c.horizon)
        plan.notes.append(_("There are too few validation windows ({count} of the {needed} needed) to show whether "
                            "the network improves on the exponential smoothing: the forecast is the smoothing "
                            "alone.").format(count=len(plan.origins["val"]), needed=needed))
    predictor, histories, series, done = fit_ensemble(
        frame, c, plan.bounds.train_end, plan.origins["train"], plan.origins["val"], progress, cancel,
        epochs=[0] * c.ensemble if alone else None, progress_total=plan.total_epochs,
        linear_start=False if alone else None)
    if predictor.config.ensemble != c.ensemble:
        why = {CANCELLED: _("cancelled"), DIVERGED: _("diverged")}.get(histories[0].status, _("stopped"))
        plan.notes.append(_("Only {trained} of {asked} networks were trained ({why}).").format(
            trained=predictor.config.ensemble, asked=c.ensemble, why=why))
        plan.config = c.replace(ensemble=predictor.config.ensemble)
    return ScoringModel(predictor, histories, done, series)


def predict_windows(frame: pd.DataFrame, plan: RunPlan, scoring: ScoringModel) -> Windows:
    """The scoring model's forecast of every window of every split, beside the actual values."""
    c = plan.config
    origins = np.concatenate([plan.origins[s] for s in SPLITS])
    split_codes = np.repeat(np.arange(len(SPLITS), dtype=np.int8), [len(plan.origins[s]) for s in SPLITS])
    predicted = scoring.predictor.predict(scoring.series, origins)
    return Windows(origins, split_codes, predicted, frame[c.target].to_numpy(dtype=np.float64))


def predict_anchor_windows(plan: RunPlan, scoring: ScoringModel) -> dict[str, np.ndarray] | None:
    """The scoring model's anchor alone (its network's output taken as zero) on the validation and
    test windows, in the order of `plan.origins`; None when the target mode has no anchor."""
    anchored = {split: scoring.predictor.predict_anchor(scoring.series, plan.origins[split])
                for split in ("val", "test")}
    return None if any(values is None for values in anchored.values()) else anchored


def credit_of(frame: pd.DataFrame, plan: RunPlan, scoring: ScoringModel, forecaster: Predictor | None,
              windows: Windows, anchored: dict[str, np.ndarray] | None, scores: Scores,
              forecast: pd.DataFrame | None, future: FutureFeatures | None = None) -> Credit:
    """What made the forecast, with the anchor alone scored on the same windows as the model and
    its own forecast past the end from the model that made the forecast."""
    predictor = forecaster or scoring.predictor
    c = plan.config
    kind = made_by(plan.smoothing_alone, [h.best_epoch for h in scoring.histories])
    anchor_scores = {split: rmse(windows.actual(windows.mask(split)), values)
                     for split, values in (anchored or {}).items()}
    model_scores = {split: table.get("model", {}).get("rmse") for split, table in (("val", scores.val),
                                                                                  ("test", scores.test))}
    anchor_forecast = predictor.anchor_forecast(frame, future=future) if forecast is not None else None
    return judge_credit(kind, predictor, tuple(c.features), c.highway, anchor_scores, model_scores,
                        None if forecast is None else forecast["predicted"].to_numpy(), anchor_forecast)


def calibrate_intervals(predictor: Predictor, windows: Windows, plan: RunPlan) -> None:
    """Split-conformal intervals on the validation windows (the training windows when there are none)."""
    calibration = "val" if len(plan.origins["val"]) else "train"
    predictor.half_widths, how = interval_widths(windows.residuals(windows.mask(calibration)),
                                                 plan.config.interval_level)
    predictor.interval_source = source_code(HISTORY if plan.forecast_only else calibration, how)
    if plan.forecast_only:  # nothing is scored: the forecast's intervals may use every window
        smoothing_alone_intervals(predictor, windows, plan)
    if calibration == "train" and not plan.forecast_only:
        plan.notes.append(_("Intervals on the scored windows were calibrated on training windows because there is "
                            "no validation split; expect them to be too narrow."))


def smoothing_alone_intervals(predictor: Predictor, windows: Windows, plan: RunPlan) -> None:
    """When the smoothing stands alone, the forecast's intervals come from its forecasts from every
    earlier row, as ratios (core.evaluation.intervals.log_interval_widths), if the values allow a log.
    Only the predictor that makes the forecast past the end gets them: every scored window's interval
    stays calibrated on windows before it."""
    found = log_interval_widths(windows.actual(), windows.predicted, plan.config.interval_level)
    if found is not None:
        predictor.half_widths, how = found
        predictor.interval_source, predictor.interval_scale = source_code(EVERY, how), LOG


def score_splits(frame: pd.DataFrame, plan: RunPlan, scoring: ScoringModel, windows: Windows) -> Scores:
    """The model and the baselines on exactly the same targets: test, and validation."""
    from core.evaluation.metrics import forecast_metrics

    baselines = fit_baselines(frame, plan, scoring.predictor, scoring.series)

    def scores(split: str) -> dict[str, dict[str, float | None]]:
        origins = plan.origins[split]
        if not len(origins):
            return {}
        release_freed_memory()  # each split's forecasts on a heap without the last one's
        mask = windows.mask(split)
        actual = windows.actual(mask)
        forecasts = {"model": windows.predicted[mask], **baselines.forecasts(origins)}
        return {name: forecast_metrics(actual, values, baselines.scale) for name, values in forecasts.items()}

    test = windows.mask("test")
    coverage = interval_coverage(windows.actual(test), windows.predicted[test], scoring.predictor.half_widths)
    return Scores(scores("test"), scores("val"), coverage, baselines.ridge_windows)


def refit_on_all_rows(frame: pd.DataFrame, plan: RunPlan, scoring: ScoringModel, windows: Windows,
                      progress: Callable | None = None, cancel: threading.Event | None = None) -> Predictor | None:
    """The same settings retrained on every row for the epochs early stopping chose, with intervals
    from every window the scoring model had not seen (validation and test). None when the plan
    doesn't refit, or the refit was stopped (the scoring model then makes the forecast)."""
    c = plan.config
    if not plan.refits or scoring.stopped:
        return None
    everything = np.arange(c.window - 1, len(frame) - c.horizon, dtype=np.int64)
    best = [h.best_epoch for h in scoring.histories]
    forecaster, _histories, _series, _done = fit_ensemble(
        frame, c, len(frame), everything, np.empty(0, dtype=np.int64), progress, cancel, epochs=best,
        progress_offset=scoring.epochs_run, linear_start=scoring.predictor.linear_start,
        progress_total=scoring.epochs_run + sum(best))
    if forecaster.config.ensemble != c.ensemble:
        plan.notes.append(_("The refit on every row was stopped; the forecast comes from the scoring model."))
        return None
    forecaster.half_widths, how = interval_widths(windows.residuals(~windows.mask("train")), c.interval_level)
    forecaster.interval_source = source_code(UNSEEN, how)
    if plan.smoothing_alone:
        smoothing_alone_intervals(forecaster, windows, plan)
    forecaster.config = c
    return forecaster


def forecast_past_end(frame: pd.DataFrame, predictor: Predictor, plan: RunPlan,
                      time_index: TimeIndex, future: FutureFeatures | None = None) -> pd.DataFrame | None:
    """The forecast after the last row; None (with a note) when the dates have no future labels.
    What it assumed of the feature columns' future (`future`: their values given) goes into the notes."""
    try:
        forecast = predictor.forecast(frame, time_index, future=future)
    except ValueError as exc:  # irregular dates: no future timestamps to give
        plan.notes.append(_("No forecast past the end: {reason}.").format(reason=exc))
        return None
    c = predictor.config
    said = features_future_sentence(c.features, len(forecast), c.horizon, future)
    plan.notes.extend([*(future.notes if future is not None else ()), *([said] if said else [])])
    return forecast


def assemble(frame: pd.DataFrame, plan: RunPlan, scoring: ScoringModel, forecaster: Predictor | None,
             windows: Windows, scores: Scores, forecast: pd.DataFrame | None, time_index: TimeIndex,
             source_info: dict[str, Any] | None) -> ExperimentResult:
    """The result, with the notes that compare the model with its baselines."""
    from core.evaluation.metrics import BASELINE_NAMES, verdict

    c = plan.config
    predictor = forecaster or scoring.predictor
    columns = [col for col in [c.date_column] if col] + c.input_columns
    actual = actual_frame(frame, plan, date_is_year(source_info))
    scored = ScoredWindows(windows.origins, windows.split_codes, windows.predicted,
                           np.array(scoring.predictor.half_widths, dtype=np.float64), actual)
    result = ExperimentResult(
        plan, scoring.history, predictor, scored,
        scores.test, scores.ridge_windows, data_info(frame, plan, scores.ridge_windows, time_index, source_info),
        scores.coverage, forecast, time_index,
        tail=frame[columns].iloc[predictor.context_start(len(frame)):].reset_index(drop=True),
        scoring_predictor=scoring.predictor,
        models=model_words(plan, len(frame), scoring.histories, forecaster is not None), val_metrics=scores.val,
        actual=actual,
        bridge=bridge_frame(frame, plan, scoring.predictor, date_is_year(source_info)),
        scoring_histories=list(scoring.histories))
    if 0 < scores.ridge_windows < len(plan.origins["train"]):
        plan.notes.append(_("The linear baseline was fit on {used:,} evenly spaced training windows of {all:,} to "
                            "bound memory.").format(used=scores.ridge_windows, all=len(plan.origins["train"])))
    if scores.val:
        on_val = verdict(scores.val, seasonal=bool(c.season))
        if on_val["beats_best_baseline"] is False:
            plan.notes.append(_("On the validation split {baseline} beat the model (RMSE {baseline_rmse:.4g} vs "
                                "{model_rmse:.4g}).").format(baseline=_(BASELINE_NAMES[on_val["best_baseline"]]),
                                                             **figures(baseline_rmse=on_val["baseline_rmse"],
                                                                       model_rmse=on_val["model_rmse"])))
    return result
