"""Rolling-origin backtest: the same settings trained and scored at several cutoffs near the end.

Fold i forecasts the `horizon` rows after its cutoff; the last fold's forecast ends at the last
row and earlier cutoffs step back `fold_step` rows each. A fold that retrains runs the ordinary
`run_experiment` on the rows up to its forecast, with a test split of exactly the horizon, so
everything fit from data (scalers, the smoothing anchor, Ridge, the networks) is fit on that
fold's training rows only. A fold that reuses a model (`retrain_every` > 1, or 0) predicts from
its own cutoff with the last trained predictor. The baselines and MASE's scale of every fold are
fit on that fold's own training rows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError, ForecasterError
from core.evaluation.metrics import forecast_metrics
from core.files import atomic_write_bytes, write_json
from core.i18n import _, ngettext
from core.model.predictor import Predictor
from core.model.progress import EpochProgress
from core.pipeline import RunPlan, fit_baselines, plan_run, resolve_transform, run_experiment
from core.prep.timeindex import format_time, time_labels
from core.settings.config import ForecastConfig, ResolvedConfig
from core.settings.requests import BacktestRequest  # re-exported: declared with the settings

FORECASTERS = ("model", "naive", "seasonal_naive", "linear")
# filled: the actual value was filled in while reading (a gap in the file), not measured
CSV_COLUMNS = ["cutoff", "time", "step", "actual", "predicted", "filled"]
JSON_FILE, CSV_FILE = "backtest.json", "backtest.csv"


@dataclass
class FoldResult:
    fold: int  # 1-based
    cutoff: Any  # time label of the last row before the forecast (a date, a year or a 1-based row number)
    cutoff_row: int  # 0-based count of rows before the forecast
    train_rows: int  # rows before the cutoff the fold learns from (validation rows included)
    seconds: float
    retrained: bool
    scores: dict[str, dict[str, float | None]]  # FORECASTERS -> rmse, mae, mape, r2, mase
    train_start: int = 0  # 0-based first training row (above 0 only when sliding)
    fit_rows: int = 0  # rows the fold's scalers, Ridge and MASE scale were fit on (before validation)

    def to_dict(self) -> dict[str, Any]:
        return {"fold": self.fold, "cutoff": _json_label(self.cutoff), "cutoff_row": self.cutoff_row,
                "train_rows": self.train_rows, "seconds": self.seconds, "retrained": self.retrained,
                "train_start": self.train_start, "fit_rows": self.fit_rows,
                **{name: self.scores[name] for name in FORECASTERS}}


@dataclass
class BacktestResult:
    request: BacktestRequest
    config: ResolvedConfig  # as the folds ran (window, season, horizon fixed; test size = horizon)
    folds: list[FoldResult]
    pooled: dict[str, dict[str, float | None]]  # FORECASTERS -> metrics over every fold's forecasts
    forecasts: pd.DataFrame  # fold, cutoff, time, step, actual, predicted
    trainings: int
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False  # stopped before every fold ran: `folds` holds the finished ones
    # time, actual: the target from as many rows before the first cutoff as the folds span, to the
    # last row (what a chart of the folds shows behind them)
    actual: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"time": [], "actual": []}))

    @property
    def seasonal(self) -> bool:
        return bool(self.config.season and self.config.season > 1)

    def verdict(self) -> dict[str, Any]:
        """The conclusion in one sentence, as both faces show it (core.evaluation.backtest_verdict)."""
        from core.evaluation.backtest_verdict import backtest_verdict

        return backtest_verdict(self.pooled, [f.scores for f in self.folds], self.seasonal)

    def to_dict(self) -> dict[str, Any]:
        """What backtest.json holds."""
        return {"folds": [f.to_dict() for f in self.folds], "pooled": self.pooled, "verdict": self.verdict(),
                "trainings": self.trainings, "cancelled": self.cancelled,
                "request": dataclasses.asdict(self.request), "config": self.config.to_dict(),
                "notes": self.notes}

    def csv_bytes(self) -> bytes:
        """What backtest.csv holds: one row per fold forecast step."""
        return self.forecasts[CSV_COLUMNS].to_csv(index=False).encode("utf-8")


@dataclass(frozen=True)
class BacktestProgress:
    fold: int  # 1-based
    folds: int
    epoch: EpochProgress | None  # None when the fold starts (or reuses a model), or has finished
    done: FoldResult | None = None  # the fold just finished, scored: a table can show it at once
    seasonal: bool = True  # a season exists (without one, seasonal naive is the naive forecast)


def write_backtest(result: BacktestResult, json_path: str | Path | None, csv_path: str | Path | None,
                   extra: dict[str, Any] | None = None) -> None:
    """backtest.json and/or backtest.csv, each written atomically (both faces use this). With both,
    backtest.json records backtest.csv's SHA-256 and `extra` (the run id, the import notes): a pair
    of different runs left side by side by a kill between the two moves can be told apart."""
    data = result.to_dict()
    if csv_path is not None:
        table = result.csv_bytes()
        atomic_write_bytes(csv_path, table)
        data["csv_sha256"] = hashlib.sha256(table).hexdigest()
    data.update(extra or {})
    if json_path is not None:
        write_json(json_path, data)


def _json_label(label: Any) -> Any:
    if isinstance(label, (int, np.integer)):
        return int(label)
    return format_time(label)


@dataclass(frozen=True)
class _Layout:
    horizon: int
    step: int
    cutoffs: list[int]  # 0-based row where each fold's forecast starts
    starts: list[int]  # 0-based first training row of each fold


def _layout(rows: int, horizon: int, request: BacktestRequest, folds: int | None = None) -> _Layout:
    folds = request.folds if folds is None else folds
    step = request.fold_step or horizon
    cutoffs = [rows - horizon - (folds - 1 - i) * step for i in range(folds)]
    starts = [0 if request.expanding else cutoff - cutoffs[0] for cutoff in cutoffs]
    return _Layout(horizon, step, cutoffs, starts)


def _transform_of(config: ForecastConfig, values: np.ndarray, fold_rows: slice) -> str:
    """The automatic transform decided on the fold's rows: its training rows and also its forecast
    rows, since the log of an actual value that is not above zero can't be scored."""
    return resolve_transform(config.transform, values[fold_rows])


def _fold_zero_plan(frame: pd.DataFrame, config: ForecastConfig, layout: _Layout) -> RunPlan:
    """The first fold's plan: window, season and target mode decided on its training rows."""
    start, cutoff, horizon = layout.starts[0], layout.cutoffs[0], layout.horizon
    if cutoff - start < 2:
        raise ConfigError(_("No rows are left to train on before the first cutoff."))
    values = frame[config.target].to_numpy(dtype=np.float64)
    transform = _transform_of(config, values, slice(start, cutoff + horizon))
    fold_config = config.replace(horizon=horizon, forecast_steps=None, test_size=horizon, train_size=None, refit=False,
                                 transform=transform)
    return plan_run(frame.iloc[start:cutoff + horizon], fold_config, season_rows=cutoff - start)


def _most_folds(frame: pd.DataFrame, config: ForecastConfig, request: BacktestRequest, horizon: int,
                limit: int) -> int:
    """The most folds these settings can run on this data (0: not even one), by bisection below
    `limit` (known not to fit): fewer folds leave the first fold more training rows."""
    def fits(folds: int) -> bool:
        try:
            _fold_zero_plan(frame, config, _layout(len(frame), horizon, request, folds))
        except ForecasterError:
            return False
        return True

    low, high = 0, limit - 1  # fits(low) is taken as true, fits(limit) is false
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _resolve(frame: pd.DataFrame, config: ForecastConfig, request: BacktestRequest) -> tuple[_Layout, RunPlan]:
    horizon = config.horizon or config.forecast_steps or 1
    # the most folds that leave the first fold 2 training rows, by arithmetic: no list of cutoffs is
    # built past it (a billion folds took gigabytes before the refusal)
    ceiling = max(1, (len(frame) - horizon - 2) // (request.fold_step or horizon) + 1)
    layout = _layout(len(frame), horizon, request, min(request.folds, ceiling))
    try:
        if request.folds > ceiling:
            raise ConfigError(_("No rows are left to train on before the first cutoff."))
        plan = _fold_zero_plan(frame, config, layout)
    except ConfigError as exc:
        most = _most_folds(frame, config, request, horizon, min(request.folds, ceiling + 1))
        if not most:
            raise ConfigError(_("Not even one fold fits: {reason}").format(reason=exc)) from None
        steps = ngettext("{count} step", "{count} steps", horizon).format(count=horizon)
        raise ConfigError(ngettext(
            "{rows} rows hold at most {most} fold of {steps}, {step} rows apart, with these settings; "
            "ask for fewer folds or a smaller fold step.",
            "{rows} rows hold at most {most} folds of {steps}, {step} rows apart, with these settings; "
            "ask for fewer folds or a smaller fold step.", most).format(
            rows=len(frame), most=most, steps=steps, step=layout.step)) from None
    return layout, plan


def run_backtest(frame: pd.DataFrame, config: ForecastConfig, request: BacktestRequest,
                 progress: Callable[[BacktestProgress], None] | None = None,
                 cancel: threading.Event | None = None,
                 source_info: dict[str, Any] | None = None,
                 filled_rows: np.ndarray | None = None) -> BacktestResult:
    """Trains and scores `config` at `request.folds` rolling origins over the end of `frame`.

    Raises ConfigError (saying the most folds that fit) when the data is too short. A cancel
    stops between or within folds; the result then holds the folds that finished.
    `source_info` (from the reader) says whether dates are years, for the time labels;
    `filled_rows`: the target's rows the reader filled in (core.data LoadedTable.filled_rows), marked
    in the forecasts table and named in a note when a fold is scored against one.
    """
    from core.model.training import CANCELLED, DIVERGED

    request.check()
    layout, plan0 = _resolve(frame, config, request)
    c0 = plan0.config
    date_is_year = bool((source_info or {}).get("date_is_year", False))
    values = frame[config.target].to_numpy(dtype=np.float64)
    # window, season, target mode, ensemble and batch size are chosen on the first fold's training
    # rows and kept, so every fold runs the same model; season 1 stands for "none" (it makes
    # seasonal naive naive)
    fixed = config.replace(window=c0.window, season=c0.season or 1, horizon=c0.horizon, forecast_steps=None,
                           test_size=c0.horizon, train_size=None, refit=False, target_mode=c0.target_mode,
                           threads=c0.threads, ensemble=c0.ensemble, batch_size=c0.batch_size)
    notes = list(plan0.notes)
    notes.append(_("Window {window}, season {season} and the target mode were chosen on the first fold's training "
                   "rows and kept for every fold, so the folds are comparable.").format(
        window=c0.window, season=c0.season or _("none")))
    notes.append(_("Pooled MASE is the mean of each fold's MASE: every fold scales its errors by the naive "
                   "forecast's error on its own training rows."))
    folds: list[FoldResult] = []
    parts: list[pd.DataFrame] = []
    pooled_forecasts: dict[str, list[np.ndarray]] = {name: [] for name in FORECASTERS}
    pooled_actual: list[np.ndarray] = []
    pooled_scaled_errors: dict[str, list[np.ndarray]] = {name: [] for name in FORECASTERS}
    predictor: Predictor | None = None
    trainings = 0
    cancelled = False
    resolved = c0
    total = request.folds
    for index, (start, cutoff) in enumerate(zip(layout.starts, layout.cutoffs, strict=True)):
        if cancel is not None and cancel.is_set():
            cancelled = True
            break
        fold_started = time.perf_counter()
        number = index + 1
        if progress is not None:
            progress(BacktestProgress(number, total, None))
        fold_rows = slice(start, cutoff + layout.horizon)
        fold_frame = frame.iloc[fold_rows]
        fold_config = fixed.replace(transform=_transform_of(config, values, fold_rows))
        retrain = request.retrains(index) or predictor is None
        if retrain:
            def report(p: EpochProgress, fold: int = number) -> None:
                if progress is not None:
                    progress(BacktestProgress(fold, total, p))

            run = run_experiment(fold_frame, fold_config, report, cancel, source_info)
            trainings += 1
            if run.history.status == CANCELLED:
                cancelled = True
                break
            if run.history.status == DIVERGED:
                raise ConfigError(_("Training diverged on fold {fold}: {reason}").format(
                    fold=number, reason=run.history.message or ""))
            predictor, plan = run.scoring_predictor or run.predictor, run.plan
            resolved = plan.config
        else:
            plan = plan_run(fold_frame, fold_config)
        origin = cutoff - start - 1  # the fold's last row before the forecast, in the fold's rows
        # the baselines of every fold are fit on its own training rows, whichever model predicts
        origins = np.array([origin], dtype=np.int64)
        baselines = fit_baselines(fold_frame, plan)
        predicted = {"model": predictor.predict(predictor.series(fold_frame), origins)[0],
                     **{name: forecast[0] for name, forecast in baselines.forecasts(origins).items()}}
        actual = values[cutoff:cutoff + layout.horizon]
        scale = baselines.scale
        scores = {name: forecast_metrics(actual, predicted[name], scale) for name in FORECASTERS}
        label = time_labels(frame, config.date_column, np.array([cutoff - 1]), date_is_year)[0]
        target_rows = np.arange(cutoff, cutoff + layout.horizon)
        parts.append(pd.DataFrame({
            "fold": number, "cutoff": np.repeat(label, layout.horizon),
            "time": time_labels(frame, config.date_column, target_rows, date_is_year),
            "step": np.arange(1, layout.horizon + 1), "actual": actual, "predicted": predicted["model"],
            "filled": np.isin(target_rows, filled_rows if filled_rows is not None else [])}))
        pooled_actual.append(actual)
        for name in FORECASTERS:
            pooled_forecasts[name].append(predicted[name])
            errors = np.abs(actual - predicted[name]) / scale if scale and np.isfinite(scale) and scale > 0 \
                else np.full(len(actual), np.nan)
            pooled_scaled_errors[name].append(errors)
        folds.append(FoldResult(number, label, cutoff, cutoff - start, time.perf_counter() - fold_started,
                                retrain, scores, train_start=start, fit_rows=plan.bounds.train_end))
        if progress is not None:
            progress(BacktestProgress(number, total, None, folds[-1], bool(fixed.season > 1)))
    if cancelled:
        notes.append(ngettext("Cancelled: {done} of {folds} fold finished.", "Cancelled: {done} of {folds} folds "
                              "finished.", request.folds).format(done=len(folds), folds=request.folds))
    pooled: dict[str, dict[str, float | None]] = {}
    if folds:
        actual_all = np.concatenate(pooled_actual)
        for name in FORECASTERS:
            metrics = forecast_metrics(actual_all, np.concatenate(pooled_forecasts[name]), float("nan"))
            scaled = np.concatenate(pooled_scaled_errors[name])
            metrics["mase"] = float(np.mean(scaled)) if np.isfinite(scaled).all() else None
            pooled[name] = metrics
    forecasts = (pd.concat(parts, ignore_index=True) if parts else
                 pd.DataFrame({"fold": [], "cutoff": [], "time": [], "step": [], "actual": [], "predicted": [],
                               "filled": []}))
    notes += filled_actual_notes(forecasts)
    first_shown = max(0, 2 * layout.cutoffs[0] - len(frame))
    shown_rows = np.arange(first_shown, len(frame))
    actual = pd.DataFrame({"time": time_labels(frame, config.date_column, shown_rows, date_is_year),
                           "actual": values[first_shown:]})
    return BacktestResult(request, resolved, folds, pooled, forecasts, trainings, notes, cancelled, actual)


def filled_actual_notes(forecasts: pd.DataFrame) -> list[str]:
    """Names the scored actual values the reader filled in: those folds are scored against a fill."""
    filled = forecasts[forecasts["filled"].astype(bool)]
    if filled.empty:
        return []
    times = ", ".join(str(t) for t in filled["time"].iloc[:5]) + (", …" if len(filled) > 5 else "")
    return [ngettext("{count} actual value a fold is scored against was filled in while reading, not measured "
                     "({times}; the column filled of the forecasts table).",
                     "{count} actual values the folds are scored against were filled in while reading, not "
                     "measured ({times}; the column filled of the forecasts table).", len(filled)).format(
        count=len(filled), times=times)]
