"""One forecasting run from a cleaned table: plan, scale, window, train, evaluate.

`plan_run` is cheap (no torch, no training) and tells what the settings produce: the effective
settings, split sizes, tensor shapes and parameter count. The GUI calls it on every edit;
`run_experiment` calls it first and then does the work.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError, DataError
from core.i18n import _, ngettext
from core.model.memory import check_training_memory
from core.model.predictor import Predictor, conformal_half_widths, interval_coverage
from core.prep.season import detect_season
from core.prep.split import SPLITS, SplitBounds, multi_step_split, window_origins
from core.prep.timeindex import TimeIndex
from core.runtime import available_cores, default_threads  # noqa: F401 (re-exported)
from core.settings.config import MAX_SEED, ForecastConfig, ResolvedConfig

DEFAULT_WINDOW = 12
# exponential smoothing anchors runs of up to this many rows (its fit is a Python loop); longer
# series have windows enough for the seasonal profile or the last value
SMOOTHING_MAX_ROWS = 5000
# validation windows needed before the network may change the smoothing's forecast: at least 4,
# and 3 horizons' worth. Fewer choose epochs by noise: on M1 quarterly (1-2 windows) sMAPE 33.1
# trained vs 29.0 for the smoothing; on Tourism quarterly (8 windows of 8 steps) 13.64 vs 12.78
MIN_VALIDATION_WINDOWS = 4
VALIDATION_HORIZONS = 3
MIN_FORECAST_ONLY_ROWS = 4  # the fewest rows the smoothing forecasts from when nothing can be scored
WINDOW_SEASONS = 2  # seasons in the automatic window (3 measured no better on the dev set)
MIN_AUTO_WINDOW = 4


def recurrent_parameter_count(config: ForecastConfig, n_features: int) -> int:
    """Parameters of the network `core.model.network.build_model` makes, computed without torch."""
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[config.cell]
    directions = 2 if config.bidirectional else 1
    hidden = config.hidden
    total = 0
    layer_input = n_features
    for _layer in range(config.layers):
        # weight_ih, weight_hh and two bias vectors per direction, as torch lays them out
        total += directions * gates * hidden * (layer_input + hidden + 2)
        layer_input = hidden * directions
    summary = hidden * directions
    if config.head_width > 0:
        total += summary * config.head_width + config.head_width
        total += config.head_width * config.horizon + config.horizon
    else:
        total += summary * config.horizon + config.horizon
    if config.highway and config.window:  # without a window (not planned yet) there is no highway
        total += config.window * n_features * config.horizon + config.horizon
    return total * config.ensemble


def validation_windows_needed(horizon: int) -> int:
    """Validation windows the network needs before it may change the smoothing's forecast."""
    return max(MIN_VALIDATION_WINDOWS, VALIDATION_HORIZONS * horizon)


@dataclass
class RunPlan:
    config: ResolvedConfig  # effective: window, horizon, season and threads filled in
    bounds: SplitBounds
    origins: dict[str, np.ndarray]
    parameters: int
    notes: list[str] = field(default_factory=list)
    # too few rows to hold out a test split: nothing is scored, the forecast is the smoothing
    # fit on every row (see _forecast_only_plan)
    forecast_only: bool = False

    @property
    def smoothing_alone(self) -> bool:
        """Whether the forecast will be the exponential smoothing alone, no network trained: too
        few rows to score, or too few validation windows to show the network improves on it."""
        return self.forecast_only or (self.config.target_mode == "smoothing"
                                      and len(self.origins["val"]) < validation_windows_needed(self.config.horizon))

    def smoothing_alone_reason(self) -> str | None:
        """Why no network will be trained, in one sentence for the faces; None when one will."""
        if not self.smoothing_alone:
            return None
        why = (_("too few rows to hold out a test split") if self.forecast_only else
               _("too few validation windows ({count} of {needed}) to show it helps").format(
                   count=len(self.origins["val"]), needed=validation_windows_needed(self.config.horizon)))
        return _("No network will be trained ({why}): the forecast will be the exponential smoothing alone.").format(
            why=why)

    @property
    def n_features(self) -> int:
        return len(self.config.input_columns)

    @property
    def shapes(self) -> dict[str, list[int]]:
        c = self.config
        out: dict[str, list[int]] = {}
        for split in SPLITS:
            n = len(self.origins[split])
            out[f"X_{split}"] = [n, c.window, self.n_features]
            out[f"y_{split}"] = [n, c.horizon]
        return out

    def summary_line(self) -> str:
        """One line for humans: X (N, T, F) -> y (N, H) per split, and the parameter count."""
        parts = []
        for split in SPLITS:
            x, y = self.shapes[f"X_{split}"], self.shapes[f"y_{split}"]
            parts.append(f"{split} X {tuple(x)} -> y {tuple(y)}")
        return "; ".join(parts) + f"; {self.parameters:,} parameters"


def _check_columns(frame: pd.DataFrame, config: ForecastConfig) -> None:
    for role, name in [("target", config.target)] + [("feature", f) for f in config.features]:
        target = role == "target"
        if name not in frame.columns:
            message = (_("There is no column named {column!r} (asked for as the target). Columns: {columns}.")
                       if target else
                       _("There is no column named {column!r} (asked for as a feature). Columns: {columns}."))
            raise DataError(message.format(column=name, columns=", ".join(map(str, frame.columns))))
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise DataError((_("Column {column!r} is not numeric, so it can't be the target.") if target
                             else _("Column {column!r} is not numeric, so it can't be a feature.")).format(column=name))
        if frame[name].isna().all():
            raise DataError((_("Column {column!r} has no values, so it can't be the target.") if target
                             else _("Column {column!r} has no values, so it can't be a feature.")).format(column=name))
        values = frame[name].to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise DataError(_("Column {column!r} has missing or infinite values; the reader fills gaps, so check "
                              "the file for 'inf' or huge numbers.").format(column=name))
        with np.errstate(over="ignore", invalid="ignore"):
            computable = bool(np.isfinite(values.std()))
        if not computable:  # squares overflow: no scaler or loss can work with these numbers
            largest = float(np.abs(values).max())
            raise DataError(_("Column {column!r} holds numbers too large to compute with (up to {largest:.3g}); "
                              "divide the column by a power of ten first.").format(column=name, largest=largest))
    if config.date_column is not None and config.date_column not in frame.columns:
        raise DataError(_("There is no date column named {column!r}.").format(column=config.date_column))


def _resolve_modes(frame: pd.DataFrame, config: ForecastConfig, season: int | None,
                   window: int) -> tuple[str, str, list[str]]:
    """The effective target mode and transform for "auto", with notes saying what was chosen."""
    notes: list[str] = []
    mode = config.target_mode
    if mode == "auto" and len(frame) <= SMOOTHING_MAX_ROWS:
        mode = "smoothing"
        notes.append(_("The network corrects an exponential smoothing forecast (level, damped trend and season "
                       "fitted on the training rows), as the M4 winner ES-RNN did."))
    elif mode == "auto":
        mode = "seasonal" if season and season > 1 and season <= window else "delta"
    elif mode == "seasonal" and not (season and season > 1 and season <= window):
        raise ConfigError(_("Predicting the change from the seasonal naive forecast needs a season of at least 2 "
                            "rows, no longer than the window ({window}); choose another target mode.").format(
            window=window))
    transform = config.transform
    if transform == "auto":
        values = frame[config.target].to_numpy(dtype=np.float64)
        transform = "log" if len(values) and (values > 0).all() else "none"
        if transform == "log":
            notes.append(_("The network models the logarithm of the target (every value is above zero), so growth "
                           "and seasons in proportion to the level are learned as constant."))
    elif transform == "log" and not (frame[config.target].to_numpy(dtype=np.float64) > 0).all():
        raise ConfigError(_("The log transform needs every value of {column!r} above zero; choose the transform "
                            "'none'.").format(column=config.target))
    return mode, transform, notes


def _forecast_only_plan(frame: pd.DataFrame, config: ForecastConfig, season: int | None, horizon: int,
                        notes: list[str]) -> RunPlan | None:
    """A plan for a series too short to hold out a test split, or None to keep the refusal.

    Exponential smoothing needs no training windows, so when the automatic (or smoothing) target
    mode would use it, the run forecasts with the smoothing fit on every row instead of refusing:
    nothing can be scored, and the notes say so. A test size the user set, or a window too long
    where a shorter one would fit, is still refused.
    """
    rows = len(frame)
    if (config.test_size is not None or config.train_size is not None or config.target_mode not in ("auto", "smoothing")
            or rows > SMOOTHING_MAX_ROWS or rows < MIN_FORECAST_ONLY_ROWS):
        return None
    try:  # when the smallest automatic window fits, the window asked for is what to change
        multi_step_split(rows, config.val_fraction, config.test_fraction, None, horizon,
                         MIN_AUTO_WINDOW + horizon + 1)
        return None
    except ConfigError:
        pass
    # the network isn't trained, so the shortest window gives the smoothing the most earlier
    # forecasts to calibrate its intervals on
    window = min(2, rows)
    mode, transform, mode_notes = _resolve_modes(frame, config.replace(target_mode="smoothing"), season, window)
    effective = config.resolved(window=window, horizon=horizon, season=season,
                                threads=config.threads or default_threads(), target_mode=mode, transform=transform)
    bounds = SplitBounds(rows=rows, train_end=rows, val_end=rows)
    origins = window_origins(bounds, window, horizon)  # the smoothing's own forecasts, for intervals
    notes.append(_("{rows} rows are too few to hold out a test split of {horizon} rows and train on the rest: "
                   "nothing is scored, and the forecast is the exponential smoothing fit on every row. Its "
                   "intervals come from its forecasts from earlier rows of the same data.").format(
        rows=rows, horizon=horizon))
    notes += mode_notes  # (the smoothing asked for by name: no note that a network corrects it)
    parameters = recurrent_parameter_count(effective, len(effective.input_columns))
    return RunPlan(effective, bounds, origins, parameters, notes, forecast_only=True)


def plan_run(frame: pd.DataFrame, config: ForecastConfig, season_rows: int | None = None) -> RunPlan:
    """Resolves automatic settings and checks the settings against the data.

    `season_rows`: the first rows an automatic season is detected on (default: those before a
    rough split); a backtest passes its training rows so no forecast row decides the season.
    Raises ConfigError/DataError with a message that says what to change.
    """
    _check_columns(frame, config)
    rows = len(frame)
    notes: list[str] = []
    # multi-step is asked for by the number of forecast steps: one network output per step
    horizon = config.horizon or config.forecast_steps or 1
    season = config.season
    if season is None:
        # before the split (the training rows, when their number is given)
        rough = season_rows or config.train_size or max(2, rows - 2 * max(1, round(rows * config.test_fraction)))
        dates = frame[config.date_column].iloc[:rough] if config.date_column else None
        season = detect_season(frame[config.target].to_numpy(dtype=np.float64)[:rough], dates)
        notes.append(ngettext("Season detected: {rows} row.", "Season detected: {rows} rows.", season).format(
            rows=season) if season else _("No seasonal pattern detected; seasonal naive equals naive."))
    smallest_window = config.window or MIN_AUTO_WINDOW  # a season-long window only where it fits
    try:
        bounds, split_notes = multi_step_split(rows, config.val_fraction, config.test_fraction, config.test_size,
                                               horizon, smallest_window + horizon + 1, config.train_size)
    except ConfigError:
        short = _forecast_only_plan(frame, config, season, horizon, notes)
        if short is None:
            raise
        return short
    notes += split_notes
    window = config.window
    if window is None:
        available = bounds.train_end - horizon  # window + windows - 1
        cap = max(2, available // 3)
        window = min(max(WINDOW_SEASONS * season if season else DEFAULT_WINDOW, MIN_AUTO_WINDOW), cap)
        if season and window < season <= available - 1:
            window = season  # one whole season, so the seasonal anchor fits in the window
        notes.append(_("Window set to {window} rows (two seasons of {season}).").format(window=window, season=season)
                     if season and window == 2 * season else _("Window set to {window} rows.").format(window=window))
    mode, transform, mode_notes = _resolve_modes(frame, config, season, window)
    notes += mode_notes
    threads = config.threads or default_threads()
    effective = config.resolved(window=window, horizon=horizon, season=season, threads=threads,
                                target_mode=mode, transform=transform)
    origins = window_origins(bounds, window, horizon)
    sizes = bounds.sizes
    span = window + horizon
    if len(origins["train"]) < 2:
        raise ConfigError(_(
            "Window ({window}) + horizon ({horizon}) = {span} rows is too long for the {rows} training rows: fewer "
            "than 2 training windows. Use a smaller window or horizon, or less validation/test data."
        ).format(window=window, horizon=horizon, span=span, rows=sizes["train"]))
    if len(origins["test"]) < 1:
        raise ConfigError(_(
            "The test split has {rows} rows, fewer than the horizon ({horizon}): no test window fits. Use a larger "
            "test split or a shorter horizon.").format(rows=sizes["test"], horizon=horizon))
    if sizes["val"] > 0 and len(origins["val"]) < 1:
        raise ConfigError(_(
            "The validation split has {rows} rows, fewer than the horizon ({horizon}): no validation window fits. "
            "Use a larger validation fraction, a shorter horizon, or 0 for no validation.").format(
            rows=sizes["val"], horizon=horizon))
    n_features = len(effective.input_columns)
    parameters = recurrent_parameter_count(effective, n_features)
    notes += check_training_memory(effective, rows, len(origins["train"]), parameters)
    return RunPlan(effective, bounds, origins, parameters, notes)


@dataclass
class ExperimentResult:
    plan: RunPlan
    history: Any  # core.model.training.TrainingHistory of the first network of the scoring model
    predictor: Predictor  # the forecast model: refit on every row (or the scoring model when not refit)
    predictions: pd.DataFrame  # time, step, actual, predicted, lower, upper, split (+ origin, target_row)
    test_metrics: dict[str, dict[str, float | None]]
    ridge_windows: int
    data_info: dict[str, Any]
    coverage: dict[str, Any]  # interval coverage on the test split: overall and per step
    forecast: pd.DataFrame | None  # past the end: time, step, predicted, lower, upper, method
    time_index: TimeIndex
    tail: pd.DataFrame  # the last `window` rows (date and input columns): enough to forecast again
    scoring_predictor: Predictor | None = None  # trained on the training rows only: made every score
    models: dict[str, Any] = field(default_factory=dict)  # which model made which numbers, in words
    val_metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)

    @property
    def config(self) -> ForecastConfig:
        return self.plan.config

    @property
    def model(self):
        return self.predictor.model

    @property
    def target_scaler(self):
        return self.predictor.target_scaler

    @property
    def feature_scaler(self):
        return self.predictor.feature_scaler

    def beats_naive(self) -> bool | None:
        """Whether the model's test RMSE is below the naive forecast's; None when nothing was scored."""
        from core.evaluation.metrics import model_beats_naive

        return model_beats_naive(self.test_metrics)

    def verdict(self) -> dict[str, Any]:
        """How the model compares with the best baseline on the test split, for both faces."""
        from core.evaluation.metrics import verdict, verdict_sentence

        result = verdict(self.test_metrics, seasonal=bool(self.config.season))
        if self.plan.forecast_only:
            return result | {"sentence": _("Nothing was scored: the data has too few rows to hold out a test split. "
                                           "Treat the forecast as exponential smoothing's best guess.")}
        return result | {"sentence": verdict_sentence(result)}

    def models_sentence(self) -> str:
        """Which model made the scores and which the forecast, in one line for both faces."""
        if self.plan.forecast_only:
            return _("The forecast is {forecast}.").format(forecast=self.models["forecast"])
        return _("Scores: the model {scores}. Forecast: {forecast}.").format(scores=self.models["scores"],
                                                                            forecast=self.models["forecast"])

    def metrics_dict(self) -> dict[str, Any]:
        scoring = self.scoring_predictor or self.predictor
        return {
            "config": self.config.to_dict(),
            "data": self.data_info,
            "training": self.history.to_dict(),
            "test": self.test_metrics,
            "validation": self.val_metrics,
            "verdict": self.verdict(),
            "models": self.models,
            "coverage": self.coverage["overall"],
            "intervals": {
                "level": self.config.interval_level,
                "test_coverage": self.coverage["overall"],
                "test_coverage_per_step": self.coverage["per_step"],
                "half_widths": scoring.half_widths.tolist(),
                "calibrated_on": scoring.interval_source,
                "forecast_half_widths": self.predictor.half_widths.tolist(),
                "forecast_calibrated_on": self.predictor.interval_source,
                "method": "split-conformal, per step",
            },
            "forecast": {"steps": 0 if self.forecast is None else len(self.forecast),
                         "assumes": self.predictor.assumption(),
                         "model": self.models.get("forecast"),
                         "time": self.time_index.describe()},
            "notes": self.plan.notes,
        }


def fit_scaling(frame: pd.DataFrame, c: ResolvedConfig, fit_rows: int) -> Predictor:
    """A predictor without a network: the scalers (and the smoothing anchor) fit on rows [0, fit_rows)."""
    from core.prep.scaling import fit_scaler

    rows = slice(0, fit_rows)
    shell = Predictor(c, None, None, None, np.full(c.horizon, np.nan))
    target_scaler = fit_scaler(c.scaler, shell.transformed_target(frame.iloc[rows])[:, None])
    feature_names = c.input_columns[1:]
    feature_scaler = fit_scaler(c.feature_scaler_kind, frame.iloc[rows], feature_names) if feature_names else None
    predictor = Predictor(c, None, target_scaler, feature_scaler, np.full(c.horizon, np.nan))
    if c.target_mode == "smoothing":  # fit on the training rows, in the units the network sees
        from core.prep.smoothing import fit_holt_winters

        scaled = target_scaler.transform(shell.transformed_target(frame.iloc[rows])[:, None])[:, 0]
        predictor.smoothing = fit_holt_winters(scaled, c.season)
    return predictor


def _fit_predictor(frame: pd.DataFrame, c: ForecastConfig, fit_rows: int, train_origins: np.ndarray,
                   val_origins: np.ndarray, progress: Callable | None, cancel: threading.Event | None,
                   epochs: list[int] | None = None, progress_offset: int = 0, progress_total: int = 0,
                   linear_start: bool | None = None, deadline: float | None = None):
    """Scalers fit on rows [0, fit_rows), then `c.ensemble` networks trained from seeds seed, seed+1...

    `epochs` (one per network) trains each for exactly that many epochs with no early stopping:
    the refit on every row repeats what early stopping chose on the scoring run. `linear_start`:
    whether the highway starts at the Ridge solution or at zero (the anchor alone); None decides
    on the validation windows (the refit repeats the decision). Returns the predictor, the
    histories of the networks that were trained, the series and the epochs run so far; the
    decision is in `predictor.linear_start`. `deadline` (time.monotonic): no epoch starts after it.
    """
    import torch

    from core.evaluation.baselines import fit_ridge
    from core.model.network import EnsembleForecaster, build_member, start_from_linear
    from core.model.training import CANCELLED, DIVERGED, OUT_OF_TIME, EpochProgress, TrainingHistory, train

    predictor = fit_scaling(frame, c, fit_rows)
    series = predictor.series(frame)
    # the highway starts as the Ridge baseline fit on the same windows: the network adds to it
    linear = fit_ridge(series, train_origins, c.ridge_alpha)[0] if c.highway and linear_start is not False else None
    if linear is not None and linear_start is None:
        linear_start = _linear_helps(linear, series, val_origins, c.target_mode)
    if not linear_start:
        linear = None  # the highway starts at zero: the network starts from the anchor alone
    predictor.linear_start = bool(linear_start)
    members, histories = [], []
    done = progress_offset
    for index in range(c.ensemble):
        member_config = c.replace(seed=(c.seed + index) % (MAX_SEED + 1))
        if epochs is not None and epochs[index] > 0:
            member_config = member_config.replace(epochs=epochs[index], patience=0)
        torch.manual_seed(member_config.seed)
        member = build_member(member_config, len(c.input_columns))
        if linear is not None:
            start_from_linear(member, linear.coef_, linear.intercept_)
        if epochs is not None and epochs[index] == 0:  # early stopping kept the linear start
            member.eval()
            members.append(member)
            histories.append(TrainingHistory(threads=c.threads or 1))
            continue

        def report(p: EpochProgress, base: int = done, network: int = index + 1) -> None:
            if progress is not None:  # one count over every network and the refit
                progress(dataclasses.replace(p, network=network, networks=c.ensemble, refit=epochs is not None,
                                             step=base + p.epoch, steps=max(progress_total, base + p.epochs)))

        history = train(member, series, torch.from_numpy(train_origins), torch.from_numpy(val_origins),
                        member_config, report, cancel, deadline)
        done += history.epochs_run
        if history.status == DIVERGED and index > 0:
            break  # keep the networks that trained; the first one's failure is the run's
        members.append(member)
        histories.append(history)
        if history.status in (CANCELLED, DIVERGED, OUT_OF_TIME):
            break
    model = EnsembleForecaster(members)
    model.eval()
    predictor.model = model
    predictor.config = c.replace(ensemble=len(members))
    return predictor, histories, series, done


def _linear_helps(linear, series, val_origins: np.ndarray, mode: str) -> bool:
    """Whether starting from the Ridge solution beats the anchor alone (zero change) on the
    validation windows. Without validation: yes for the simple anchors (last value, seasonal
    profile), no for exponential smoothing, which on short series Ridge's few windows only add
    noise to (measured on M1 quarterly: sMAPE 28.97 for the smoothing alone, 32.88 with Ridge)."""
    from core.evaluation.baselines import ridge_outputs

    if not len(val_origins):
        return mode != "smoothing"
    wanted = series.y(torch_from(val_origins)).numpy().astype(np.float64)
    ridge = ridge_outputs(linear, series, val_origins)
    return float(np.mean((ridge - wanted) ** 2)) < float(np.mean(wanted ** 2))


def _interval_widths(residuals: np.ndarray, level: float) -> tuple[np.ndarray, str]:
    """Per-step half-widths from out-of-sample residuals (n, H): split-conformal when there are
    enough, else a normal approximation so every forecast gets an interval. Returns the widths and
    how they were made.

    With few windows one residual per step says little, so the approximation pools every step:
    errors are taken to grow like the square root of the step (as a random walk's do), one scale
    is estimated from all n·H residuals, and Student's t with n - 1 degrees of freedom stands in
    for the normal quantile: the H errors of one window move together, so the evidence is n
    windows, not n·H numbers (with n·H, 90% intervals held 73-80% on the dev set; with n, 91%).
    """
    from scipy.stats import t as student_t

    widths = conformal_half_widths(residuals, level)
    if np.isfinite(widths).all():
        return widths, "conformal"
    n, horizon = residuals.shape
    if n == 0:
        return widths, "none"
    growth = np.sqrt(np.arange(1, horizon + 1))
    count = n  # the steps of one window share their errors: independent evidence is per window
    scale = np.sqrt(np.mean(np.square(residuals / growth[None, :])))
    quantile = student_t.ppf(0.5 + level / 2, df=max(1, count - 1))
    return quantile * scale * growth * np.sqrt(1 + 1 / count), "normal"


def run_experiment(
    frame: pd.DataFrame,
    config: ForecastConfig,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
    source_info: dict[str, Any] | None = None,
) -> ExperimentResult:
    """Trains and evaluates a model, then refits it on every row for the forecast.

    Every score comes from the model trained on the training rows only; the forecast past the
    end comes from the same settings retrained on all rows for the epochs early stopping chose.
    `source_info` (encoding, delimiter...) goes into data_info.
    """
    from core.evaluation.baselines import fit_ridge, naive_forecast, ridge_outputs, seasonal_naive_forecast
    from core.evaluation.metrics import forecast_metrics, naive_scale
    from core.model.training import CANCELLED, DIVERGED

    plan = plan_run(frame, config)
    c = plan.config
    bounds = plan.bounds
    train_rows = slice(0, bounds.train_end)
    refit = c.refit and bounds.train_end < len(frame)
    total_epochs = c.epochs * c.ensemble * (2 if refit else 1)

    # without validation rows nothing honest says whether the network improves on exponential
    # smoothing, and fitting its few training windows only made forecasts worse (M1 quarterly,
    # Tourism quarterly): the smoothing stands alone
    needed = validation_windows_needed(c.horizon)
    smoothing_alone = plan.smoothing_alone
    if smoothing_alone and not plan.forecast_only:
        plan.notes.append(_("There are too few validation windows ({count} of the {needed} needed) to show whether "
                            "the network improves on the exponential smoothing: the forecast is the smoothing "
                            "alone.").format(count=len(plan.origins["val"]), needed=needed))
    predictor, histories, series, done = _fit_predictor(
        frame, c, bounds.train_end, plan.origins["train"], plan.origins["val"], progress, cancel,
        epochs=[0] * c.ensemble if smoothing_alone else None, progress_total=total_epochs,
        linear_start=False if smoothing_alone else None)
    history = histories[0]
    if predictor.config.ensemble != c.ensemble:
        why = {CANCELLED: _("cancelled"), DIVERGED: _("diverged")}.get(history.status, _("stopped"))
        plan.notes.append(_("Only {trained} of {asked} networks were trained ({why}).").format(
            trained=predictor.config.ensemble, asked=c.ensemble, why=why))
        plan.config = c = c.replace(ensemble=predictor.config.ensemble)
    target = frame[c.target].to_numpy(dtype=np.float64)

    all_origins = np.concatenate([plan.origins[s] for s in SPLITS])
    # one byte per window naming its split (strings would cost ~60 bytes per row at 10^6 rows)
    split_codes = np.repeat(np.arange(len(SPLITS), dtype=np.int8),
                            [len(plan.origins[s]) for s in SPLITS])
    predicted = predictor.predict(series, all_origins)
    target_rows = all_origins[:, None] + np.arange(1, c.horizon + 1)[None, :]
    actual = target[target_rows]
    residuals = actual - predicted

    # intervals: split-conformal on the validation windows (training windows when there are none)
    calibration = "val" if len(plan.origins["val"]) else "train"
    held_out = split_codes == SPLITS.index(calibration)
    predictor.half_widths, how = _interval_widths(residuals[held_out], c.interval_level)
    predictor.interval_source = ("validation" if calibration == "val" else "training (no validation split)")
    if plan.forecast_only:
        predictor.interval_source = "the smoothing's forecasts from earlier rows (nothing held out)"
    if how == "normal":
        predictor.interval_source += ", normal approximation (too few windows for conformal)"
    if calibration == "train" and not plan.forecast_only:
        plan.notes.append(_("Intervals on the scored windows were calibrated on training windows because there is "
                            "no validation split; expect them to be too narrow."))

    # baselines on exactly the targets the model is scored on (test), and on validation
    scale = naive_scale(target[train_rows])
    ridge, ridge_windows = (None, 0) if plan.forecast_only else fit_ridge(series, plan.origins["train"],
                                                                          c.ridge_alpha)

    def scores(split: str) -> dict[str, dict[str, float | None]]:
        mask = split_codes == SPLITS.index(split)
        origins = plan.origins[split]
        if not len(origins):
            return {}
        ridge_out = ridge_outputs(ridge, series, origins)
        ridge_levels = series.to_levels(torch_from(origins), torch_from(ridge_out.astype(np.float32)))
        split_actual = actual[mask]
        return {
            "model": forecast_metrics(split_actual, predicted[mask], scale),
            "naive": forecast_metrics(split_actual, naive_forecast(target, origins, c.horizon), scale),
            "seasonal_naive": forecast_metrics(
                split_actual, seasonal_naive_forecast(target, origins, c.horizon, c.season), scale),
            "linear": forecast_metrics(split_actual, predictor.to_units(ridge_levels.numpy()), scale),
        }

    test_metrics = scores("test")
    val_metrics = scores("val")
    test_mask = split_codes == SPLITS.index("test")
    coverage = interval_coverage(actual[test_mask], predicted[test_mask], predictor.half_widths)
    series = ridge = None  # the scaled inputs (rows x F float32) are not needed any more

    date_is_year = bool((source_info or {}).get("date_is_year", False))
    time_index = TimeIndex.of(frame, c.date_column, date_is_year)
    predictions = pd.DataFrame({
        "time": time_labels(frame, c.date_column, target_rows.ravel(), date_is_year),
        "step": np.tile(np.arange(1, c.horizon + 1, dtype=np.int32), len(all_origins)),
        "actual": actual.ravel(),
        "predicted": predicted.ravel(),
        "lower": (predicted - predictor.half_widths).ravel(),
        "upper": (predicted + predictor.half_widths).ravel(),
        "split": pd.Categorical.from_codes(np.repeat(split_codes, c.horizon), categories=SPLITS),
        "origin": np.repeat(all_origins.astype(np.int32), c.horizon),
        "target_row": target_rows.ravel().astype(np.int32),
    }, copy=False)  # the arrays above are fresh: no second copy of a million-row table

    # the forecast model: the same settings retrained on every row, for the epochs chosen above;
    # its intervals come from every window the scoring model had not seen (validation and test)
    scoring = predictor
    if plan.forecast_only:
        models = {"scores": _("nothing: too few rows to hold out a test split"),
                  "forecast": _("exponential smoothing fit on all {rows} rows (too few rows to train a network)")
                  .format(rows=len(frame))}
    else:
        models = {"scores": _("trained on rows 1-{last} (the training split); validation and test rows never "
                              "trained it").format(last=bounds.train_end)}
        if smoothing_alone:
            models["scores"] = _("(exponential smoothing, no network) fit on rows 1-{last} (the training split); "
                                 "validation and test rows never fit it").format(last=bounds.train_end)
    stopped = history.status in (CANCELLED, DIVERGED)
    if refit and not stopped:
        everything = np.arange(c.window - 1, len(frame) - c.horizon, dtype=np.int64)
        forecaster, _histories, _series, _done = _fit_predictor(
            frame, c, len(frame), everything, np.empty(0, dtype=np.int64), progress, cancel,
            epochs=[h.best_epoch for h in histories], progress_offset=done, linear_start=predictor.linear_start,
            progress_total=done + sum(h.best_epoch for h in histories))
        if forecaster.config.ensemble == c.ensemble:
            unseen = split_codes != SPLITS.index("train")
            forecaster.half_widths, how = _interval_widths(residuals[unseen], c.interval_level)
            forecaster.interval_source = ("validation and test windows of the scoring model"
                                          + (", normal approximation" if how == "normal" else ""))
            forecaster.config = c
            predictor = forecaster
            models["forecast"] = ngettext(
                "refit on all {rows} rows for {epochs} epochs ({count} network)",
                "refit on all {rows} rows for {epochs} epochs ({count} networks)", c.ensemble).format(
                rows=len(frame), epochs=", ".join(str(h.best_epoch) for h in histories),
                count=c.ensemble) if not smoothing_alone else _(
                "exponential smoothing refit on all {rows} rows").format(rows=len(frame))
        else:
            plan.notes.append(_("The refit on every row was stopped; the forecast comes from the scoring model."))
    if "forecast" not in models:
        models["forecast"] = _("the scoring model (trained on the training split only)")

    try:
        forecast = predictor.forecast(frame, time_index)
    except ValueError as exc:  # irregular dates: no future timestamps to give
        forecast = None
        plan.notes.append(_("No forecast past the end: {reason}.").format(reason=exc))
    data_info = {
        "rows": len(frame),
        "split_rows": bounds.sizes,
        "windows": {s: len(plan.origins[s]) for s in SPLITS},
        "shapes": plan.shapes,
        **plan.shapes,
        "input_columns": c.input_columns,
        "ridge_training_windows": ridge_windows,
        "time_index": time_index.to_dict(),
        **(source_info or {}),
    }
    if 0 < ridge_windows < len(plan.origins["train"]):
        plan.notes.append(_("The linear baseline was fit on {used:,} evenly spaced training windows of {all:,} to "
                            "bound memory.").format(used=ridge_windows, all=len(plan.origins["train"])))
    result = ExperimentResult(plan, history, predictor, predictions, test_metrics, ridge_windows,
                              data_info, coverage, forecast, time_index,
                              tail=frame[[col for col in [c.date_column] if col] + c.input_columns]
                              .iloc[-predictor.context_rows:].reset_index(drop=True),
                              scoring_predictor=scoring, models=models, val_metrics=val_metrics)
    if val_metrics:
        from core.evaluation.metrics import BASELINE_NAMES, verdict

        on_val = verdict(val_metrics, seasonal=bool(c.season))
        if on_val["beats_best_baseline"] is False:
            plan.notes.append(_("On the validation split {baseline} beat the model (RMSE {baseline_rmse:.4g} vs "
                                "{model_rmse:.4g}).").format(baseline=_(BASELINE_NAMES[on_val["best_baseline"]]),
                                                             baseline_rmse=on_val["baseline_rmse"],
                                                             model_rmse=on_val["model_rmse"]))
    return result


def torch_from(values: np.ndarray):
    import torch

    return torch.from_numpy(np.ascontiguousarray(values))


def time_labels(frame: pd.DataFrame, date_column: str | None, rows: np.ndarray,
                date_is_year: bool = False) -> np.ndarray:
    """What a row is called in outputs: its date, its year, or its 1-based row number."""
    if date_column is None:
        return rows + 1
    dates = pd.DatetimeIndex(frame[date_column].to_numpy()[rows])
    if date_is_year:
        return dates.year.to_numpy()
    return dates.to_numpy()


@dataclass
class ValidationScore:
    rmse: float  # the model's RMSE on the validation windows, in the target's units
    config: ResolvedConfig  # what was trained (target mode and transform resolved)
    histories: list  # core.model.training.TrainingHistory, one per network trained
    origins: dict[str, np.ndarray]  # the "train" and "val" windows used


def validation_score(dev_frame: pd.DataFrame, config: ForecastConfig, train_end: int,
                     progress: Callable | None = None, cancel: threading.Event | None = None,
                     deadline: float | None = None) -> ValidationScore:
    """Trains `config` on rows [0, train_end) and scores it on the validation rows after them.

    What a hyperparameter search compares: `dev_frame` holds only the rows before the test split
    (validation ends where it ends), so no test row can reach a trial. `config` has its window,
    horizon, season and threads planned; "auto" target mode and transform resolve on `dev_frame`.
    `deadline` (time.monotonic): no epoch starts after it.
    """
    _check_columns(dev_frame, config)
    window, horizon = config.window, config.horizon or 1
    if window is None or config.threads is None:
        raise ValueError("validation_score needs a planned window and thread count")
    mode, transform, _notes = _resolve_modes(dev_frame, config, config.season, window)
    c = config.resolved(target_mode=mode, transform=transform, horizon=horizon)
    origins = window_origins(SplitBounds(len(dev_frame), train_end, len(dev_frame)), window, horizon)
    if len(origins["train"]) < 2:
        raise ConfigError(_(
            "Window ({window}) + horizon ({horizon}) = {span} rows is too long for the {rows} training rows: fewer "
            "than 2 training windows. Use a smaller window or horizon, or less validation/test data."
        ).format(window=window, horizon=horizon, span=window + horizon, rows=train_end))
    if not len(origins["val"]):
        raise ConfigError(_(
            "The validation split has {rows} rows, fewer than the horizon ({horizon}): no validation window fits. "
            "Use a larger validation fraction, a shorter horizon, or 0 for no validation.").format(
            rows=len(dev_frame) - train_end, horizon=horizon))
    # the same rule as run_experiment, so a trial trains a network exactly when the final run would
    smoothing_alone = c.target_mode == "smoothing" and len(origins["val"]) < validation_windows_needed(horizon)
    predictor, histories, series, _done = _fit_predictor(
        dev_frame, c, train_end, origins["train"], origins["val"], progress, cancel,
        epochs=[0] * c.ensemble if smoothing_alone else None, linear_start=False if smoothing_alone else None,
        progress_total=c.epochs * c.ensemble, deadline=deadline)
    predicted = predictor.predict(series, origins["val"])
    target = dev_frame[c.target].to_numpy(dtype=np.float64)
    actual = target[origins["val"][:, None] + np.arange(1, horizon + 1)[None, :]]
    return ValidationScore(float(np.sqrt(np.mean((actual - predicted) ** 2))), c, histories, origins)
