"""Planning a run: the effective settings, split sizes, windows and parameter count, and the checks
that say what to change.

`plan_run` is cheap (no torch, no training) and tells what the settings produce. The GUI calls it
on every edit; `run_experiment` calls it first and then does the work. The rules for "auto"
(target mode, transform) live here once, for the backtest and the search too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError, DataError
from core.i18n import _, ngettext
from core.model.device import available_devices, choose_device, reason_text
from core.model.memory import check_training_memory
from core.model.parameters import recurrent_parameter_count
from core.model.timing import TimeEstimate, estimate_training
from core.outputs.summary import total_epochs
from core.prep.season import detect_seasons
from core.prep.split import SPLITS, SplitBounds, multi_step_split, window_origins
from core.runtime import choose_threads
from core.settings.config import (
    BASE_BATCH,
    BASE_ENSEMBLE,
    BASE_LR,
    BASE_PATIENCE,
    MAX_HORIZON,
    SETTINGS_BY_NAME,
    ForecastConfig,
    ResolvedConfig,
)

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
# "auto" ensemble, batch size and learning rate: short series keep 5 networks of batch 32 at
# 0.001; from LONG_WINDOWS training windows on, 2 networks (as accurate as 5 on u_shape and
# threshold_ar, where each network sees many windows) and larger batches (fewer weight updates
# per epoch, which is what a small recurrent network pays for on a CPU). README "Speed", 7.
LONG_ENSEMBLE = 2
# and a shorter patience: on both series the best epoch never came more than 15 epochs after the
# last improvement, so 10 of the 25 epochs of waiting were spent for nothing (same RMSE, 1.2-1.3x
# faster)
LONG_PATIENCE = 15
LONG_WINDOWS = 1000
MAX_AUTO_BATCH = 256


def auto_ensemble(train_windows: int) -> int:
    """The networks "auto" trains: 5 below LONG_WINDOWS training windows, else 2."""
    return BASE_ENSEMBLE if train_windows < LONG_WINDOWS else LONG_ENSEMBLE


def auto_batch_size(train_windows: int) -> int:
    """The batch "auto" trains with: 32 below LONG_WINDOWS training windows, doubled each time the
    windows double, at most MAX_AUTO_BATCH (1,000-1,999 windows: 64; 2,000-3,999: 128), so an
    epoch is at most about 31 weight updates however long the series."""
    batch = BASE_BATCH
    while batch < MAX_AUTO_BATCH and train_windows >= LONG_WINDOWS * batch // BASE_BATCH:
        batch *= 2
    return batch


def auto_lr(batch_size: int) -> float:
    """The learning rate "auto" trains with: BASE_LR at batch 32 (or smaller, or full batch),
    times sqrt(batch / 32) above it (the square-root scaling rule for Adam: a larger batch
    averages away noise, so each step may be longer). Measured on u_shape at batch 128: test
    RMSE 11.32 at 0.001, 10.11 at 0.002 (bench/default_speed.py)."""
    if batch_size <= BASE_BATCH:
        return BASE_LR
    return round(BASE_LR * math.sqrt(batch_size / BASE_BATCH), 6)


def auto_training(config: ForecastConfig, train_windows: int) -> dict[str, Any]:
    """The ensemble, batch size, learning rate and patience a run trains with: the user's values,
    else the automatic ones (the learning rate follows the batch, whoever chose it)."""
    long = train_windows >= LONG_WINDOWS
    batch = auto_batch_size(train_windows) if config.batch_size is None else config.batch_size
    return {"ensemble": auto_ensemble(train_windows) if config.ensemble is None else config.ensemble,
            "batch_size": batch, "lr": auto_lr(batch) if config.lr is None else config.lr,
            "patience": (LONG_PATIENCE if long else BASE_PATIENCE) if config.patience is None else config.patience}


def validation_windows_needed(horizon: int) -> int:
    """Validation windows the network needs before it may change the smoothing's forecast."""
    return max(MIN_VALIDATION_WINDOWS, VALIDATION_HORIZONS * horizon)


def smoothing_stands_alone(config: ForecastConfig, val_windows: int) -> bool:
    """Whether the smoothing target mode has too few validation windows to show that a network
    improves on it: then no network is trained (the final run and every search trial alike)."""
    return config.target_mode == "smoothing" and val_windows < validation_windows_needed(config.horizon or 1)


def log_fits(values: np.ndarray) -> bool:
    """Whether the log transform can work on these target values: every one above zero."""
    return bool(len(values)) and bool((values > 0).all())


def resolve_transform(transform: str, values: np.ndarray) -> str:
    """The transform "auto" means for these target values: the log when it fits, else none."""
    if transform != "auto":
        return transform
    return "log" if log_fits(values) else "none"


def seasonal_fits(season: int | None, window: int | None = None) -> bool:
    """Whether the seasonal target mode can work: a season of 2+ rows, no longer than the window
    (when the window is known)."""
    return bool(season and season > 1 and (window is None or season <= window))


@dataclass
class RunPlan:
    config: ResolvedConfig  # effective: window, horizon, season and threads filled in
    bounds: SplitBounds
    origins: dict[str, np.ndarray]
    parameters: int
    notes: list[str] = field(default_factory=list)
    # too few rows to hold out a test split: nothing is scored, the forecast is the smoothing
    # fit on every row (see forecast_only_plan)
    forecast_only: bool = False
    # a longer season that is a whole number of the first (a week of hours), reported, not modelled
    second_season: int | None = None
    device_reason: str = "asked"  # why config.device was chosen (a key of core.model.device.REASONS)

    def device_sentence(self) -> str:
        """Which device trains and why, for the faces."""
        device = SETTINGS_BY_NAME["device"].choice_text(self.config.device)  # "CPU", "CUDA (NVIDIA GPU)"
        return _("Device: {device} ({reason})").format(device=device, reason=reason_text(self.device_reason))

    @property
    def smoothing_alone(self) -> bool:
        """Whether the forecast will be the exponential smoothing alone, no network trained: too
        few rows to score, or too few validation windows to show the network improves on it."""
        return self.forecast_only or smoothing_stands_alone(self.config, len(self.origins["val"]))

    @property
    def refits(self) -> bool:
        """Whether the forecast model is retrained on every row after scoring."""
        return self.config.refit and self.bounds.train_end < self.bounds.rows

    @property
    def total_epochs(self) -> int:
        """The most epochs the run may train, over every network and the refit (for progress)."""
        return total_epochs(self.config.epochs, self.config.ensemble, self.refits)

    def time_estimate(self) -> TimeEstimate | None:
        """Seconds training will take, about and at most (core.model.timing); None when no network
        is trained."""
        if self.smoothing_alone:
            return None
        c = self.config
        refit_windows = max(0, self.bounds.rows - c.window - c.horizon + 1) if self.refits else 0
        return estimate_training(len(self.origins["train"]), len(self.origins["val"]), refit_windows, c.window,
                                 self.parameters // max(c.ensemble, 1), c.batch_size, c.ensemble, c.epochs,
                                 c.patience, self.bounds.rows)

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


def check_columns(frame: pd.DataFrame, config: ForecastConfig) -> None:
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


def resolve_modes(frame: pd.DataFrame, config: ForecastConfig, season: int | None,
                  window: int) -> tuple[str, str, list[str]]:
    """The effective target mode and transform for "auto", with notes saying what was chosen."""
    notes: list[str] = []
    mode = config.target_mode
    if mode == "auto" and len(frame) <= SMOOTHING_MAX_ROWS:
        mode = "smoothing"
        notes.append(_("The network corrects an exponential smoothing forecast (level, damped trend and season "
                       "fitted on the training rows), as the M4 winner ES-RNN did."))
    elif mode == "auto":
        mode = "seasonal" if seasonal_fits(season, window) else "delta"
    elif mode == "seasonal" and not seasonal_fits(season, window):
        raise ConfigError(_("Predicting the change from the seasonal naive forecast needs a season of at least 2 "
                            "rows, no longer than the window ({window}); choose another target mode.").format(
            window=window))
    values = frame[config.target].to_numpy(dtype=np.float64)
    transform = resolve_transform(config.transform, values)
    if config.transform == "auto" and transform == "log":
        notes.append(_("The network models the logarithm of the target (every value is above zero), so growth "
                       "and seasons in proportion to the level are learned as constant."))
    elif transform == "log" and not log_fits(values):
        raise ConfigError(_("The log transform needs every value of {column!r} above zero; choose the transform "
                            "'none'.").format(column=config.target))
    return mode, transform, notes


def hardware(config: ForecastConfig, window: int, train_windows: int, batch_size: int) -> tuple[dict, str]:
    """The threads and device a run trains with ({"threads", "device"}) and why that device: the
    user's values, else chosen from the size of the work (core.runtime, core.model.device).
    DeviceError when the device asked for isn't on this machine."""
    inputs = len(config.input_columns)
    batch = batch_size if batch_size > 0 else train_windows
    threads = config.threads or choose_threads(batch, config.hidden, inputs, config.layers)
    available = available_devices() if config.device != "cpu" else frozenset({"cpu"})
    device, reason = choose_device(config.device, train_windows, window, config.hidden, available, inputs,
                                   config.layers)
    return {"threads": threads, "device": device}, reason


def forecast_only_plan(frame: pd.DataFrame, config: ForecastConfig, season: int | None, horizon: int,
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
    if horizon > rows:  # a 2e9 horizon allocated the forecast before anything refused it
        raise ConfigError(ngettext(
            "{rows} row is too few to hold out a test split, and {horizon} steps ahead is longer than the data: "
            "forecast at most {rows} step from it.",
            "{rows} rows are too few to hold out a test split, and {horizon} steps ahead is longer than the data: "
            "forecast at most {rows} steps from them.", rows).format(
            rows=rows, horizon=config.horizon or config.forecast_steps or horizon))
    # the network isn't trained, so the shortest window gives the smoothing the most earlier
    # forecasts to calibrate its intervals on
    window = min(2, rows)
    mode, transform, mode_notes = resolve_modes(frame, config.replace(target_mode="smoothing"), season, window)
    bounds = SplitBounds(rows=rows, train_end=rows, val_end=rows)
    origins = window_origins(bounds, window, horizon)  # the smoothing's own forecasts, for intervals
    training = auto_training(config, len(origins["train"]))
    chosen, reason = hardware(config, window, len(origins["train"]), training["batch_size"])
    effective = config.resolved(window=window, horizon=horizon, season=season, target_mode=mode,
                                transform=transform, **training, **chosen)
    if len(origins["train"]):
        notes.append(_("{rows} rows are too few to hold out a test split of {horizon} rows and train on the rest: "
                       "nothing is scored, and the forecast is the exponential smoothing fit on every row. Its "
                       "intervals come from its forecasts from earlier rows of the same data.").format(
            rows=rows, horizon=horizon))
    else:  # not one earlier forecast of {horizon} steps to measure errors on: no interval can be honest
        notes.append(_("{rows} rows are too few to hold out a test split of {horizon} rows and train on the rest: "
                       "nothing is scored, and the forecast is the exponential smoothing fit on every row. They are "
                       "also too few for one forecast of {horizon} steps from earlier rows, so the forecast has no "
                       "intervals.").format(rows=rows, horizon=horizon))
    notes += mode_notes  # (the smoothing asked for by name: no note that a network corrects it)
    parameters = recurrent_parameter_count(effective, len(effective.input_columns))
    return RunPlan(effective, bounds, origins, parameters, notes, forecast_only=True, device_reason=reason)


def plan_run(frame: pd.DataFrame, config: ForecastConfig, season_rows: int | None = None) -> RunPlan:
    """Resolves automatic settings and checks the settings against the data.

    `season_rows`: the first rows an automatic season is detected on (default: those before a
    rough split); a backtest passes its training rows so no forecast row decides the season.
    Raises ConfigError/DataError with a message that says what to change.
    """
    check_columns(frame, config)
    rows = len(frame)
    notes: list[str] = []
    # multi-step is asked for by the number of forecast steps: one network output per step (at
    # most the horizon's bound: further steps are recursive)
    horizon = config.horizon or min(config.forecast_steps or 1, MAX_HORIZON)
    season, second = config.season, None
    if season is not None and season > rows:
        raise ConfigError(ngettext(
            "The season ({season}) is longer than the data's {rows} row: give at most {rows}, or leave it automatic.",
            "The season ({season}) is longer than the data's {rows} rows: give at most {rows}, or leave it automatic.",
            rows).format(season=season, rows=rows))
    if season is None:
        # before the split (the training rows, when their number is given)
        rough = season_rows or config.train_size or max(2, rows - 2 * max(1, round(rows * config.test_fraction)))
        dates = frame[config.date_column].iloc[:rough] if config.date_column else None
        season, second = detect_seasons(frame[config.target].to_numpy(dtype=np.float64)[:rough], dates)
        notes.append(ngettext("Season detected: {rows} row.", "Season detected: {rows} rows.", season).format(
            rows=season) if season else _("No seasonal pattern detected; seasonal naive equals naive."))
    smallest_window = config.window or MIN_AUTO_WINDOW  # a season-long window only where it fits
    try:
        bounds, split_notes = multi_step_split(rows, config.val_fraction, config.test_fraction, config.test_size,
                                               horizon, smallest_window + horizon + 1, config.train_size)
    except ConfigError:
        short = forecast_only_plan(frame, config, season, horizon, notes)
        if short is None:
            raise
        return short
    notes += split_notes + constant_feature_notes(frame, config.features, bounds.train_end)
    window = config.window
    if window is None:
        available = bounds.train_end - horizon  # window + windows - 1
        cap = max(2, available // 3)
        window = min(max(WINDOW_SEASONS * season if season else DEFAULT_WINDOW, MIN_AUTO_WINDOW), cap)
        if season and window < season <= available - 1:
            window = season  # one whole season, so the seasonal anchor fits in the window
        notes.append(_("Window set to {window} rows (two seasons of {season}).").format(window=window, season=season)
                     if season and window == 2 * season else _("Window set to {window} rows.").format(window=window))
    mode, transform, mode_notes = resolve_modes(frame, config, season, window)
    notes += mode_notes
    origins = window_origins(bounds, window, horizon)
    training = auto_training(config, len(origins["train"]))
    chosen, reason = hardware(config, window, len(origins["train"]), training["batch_size"])
    effective = config.resolved(window=window, horizon=horizon, season=season, target_mode=mode,
                                transform=transform, **training, **chosen)
    sizes = bounds.sizes
    check_training_windows(origins, window, horizon, sizes["train"])
    if len(origins["test"]) < 1:
        raise ConfigError(_(
            "The test split has {rows} rows, fewer than the horizon ({horizon}): no test window fits. Use a larger "
            "test split or a shorter horizon.").format(rows=sizes["test"], horizon=horizon))
    if sizes["val"] > 0:
        check_validation_windows(origins, horizon, sizes["val"])
    n_features = len(effective.input_columns)
    parameters = recurrent_parameter_count(effective, n_features)
    notes += check_training_memory(effective, rows, len(origins["train"]), parameters)
    notes += second_season_notes(second, season, window)
    return RunPlan(effective, bounds, origins, parameters, notes, second_season=second, device_reason=reason)


def second_season_notes(second: int | None, season: int | None, window: int) -> list[str]:
    """Says a second season was found, and whether the window is long enough for the network to see it
    (the smoothing models the first season only)."""
    if not second or not season:
        return []
    found = _("A second season was found: {second} rows ({times} seasons of {season}).").format(
        second=second, times=second // season, season=season)
    if window >= second:
        return [found + " " + _("The window ({window} rows) covers it.").format(window=window)]
    return [found + " " + _("The window ({window} rows) is shorter than it; a window of {second} rows would let the "
                            "network see it.").format(window=window, second=second)]


def constant_feature_notes(frame: pd.DataFrame, features: tuple[str, ...], train_end: int) -> list[str]:
    """A note for a feature column with one value on the training rows: the network can't learn
    anything from it (it is accepted, as a later file may vary)."""
    constant = [name for name in features if frame[name].iloc[:train_end].nunique(dropna=True) <= 1]
    if not constant:
        return []
    return [ngettext("The feature column {columns} has one value on every training row: it can't help the "
                     "forecast.",
                     "The feature columns {columns} have one value on every training row: they can't help the "
                     "forecast.", len(constant)).format(columns=", ".join(constant))]


def check_training_windows(origins: dict[str, np.ndarray], window: int, horizon: int, train_rows: int) -> None:
    """Refuses settings that leave fewer than 2 training windows."""
    if len(origins["train"]) < 2:
        raise ConfigError(_(
            "Window ({window}) + horizon ({horizon}) = {span} rows is too long for the {rows} training rows: fewer "
            "than 2 training windows. Use a smaller window or horizon, or less validation/test data."
        ).format(window=window, horizon=horizon, span=window + horizon, rows=train_rows))


def check_validation_windows(origins: dict[str, np.ndarray], horizon: int, val_rows: int) -> None:
    """Refuses validation rows too few for one validation window."""
    if not len(origins["val"]):
        raise ConfigError(_(
            "The validation split has {rows} rows, fewer than the horizon ({horizon}): no validation window fits. "
            "Use a larger validation fraction, a shorter horizon, or 0 for no validation.").format(
            rows=val_rows, horizon=horizon))
