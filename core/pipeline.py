"""One forecasting run from a cleaned table: plan, scale, window, train, evaluate.

`plan_run` is cheap (no torch, no training) and tells what the settings produce: the effective
settings, split sizes, tensor shapes and parameter count. The GUI calls it on every edit;
`run_experiment` calls it first and then does the work.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import ConfigError, DataError
from core.model.memory import check_training_memory
from core.model.predictor import Predictor, conformal_half_widths, interval_coverage
from core.prep.season import detect_season
from core.prep.split import SPLITS, SplitBounds, chronological_split, window_origins
from core.prep.timeindex import TimeIndex
from core.settings.config import ForecastConfig

DEFAULT_WINDOW = 12
MIN_AUTO_WINDOW = 4


def available_cores() -> int:
    """Cores this process may run on (a container or `taskset` may allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def default_threads(cores: int | None = None) -> int:
    """Torch threads for training: every core but one, at least 1, at most 4.

    One core is left for the UI thread and whatever else runs: torch's OpenMP threads spin
    waiting for each other, so when one of them shares its core with a busy process every
    step waits for it. bench/bench_engine.py measured a small LSTM on 2 cores at 7.6x slower
    with 2 threads than with 1 on a shared machine, and at most 1.6x faster on an idle one.
    Small recurrent nets gain nothing past 4.
    """
    cores = available_cores() if cores is None else cores
    return max(1, min(4, cores - 1))


def recurrent_parameter_count(config: ForecastConfig, n_features: int) -> int:
    """Parameters of the network `core.model.network.build_model` makes, computed without torch."""
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[config.cell]
    directions = 2 if config.bidirectional else 1
    hidden = config.hidden
    total = 0
    layer_input = n_features
    for _ in range(config.layers):
        # weight_ih, weight_hh and two bias vectors per direction, as torch lays them out
        total += directions * gates * hidden * (layer_input + hidden + 2)
        layer_input = hidden * directions
    summary = hidden * directions
    if config.head_width > 0:
        total += summary * config.head_width + config.head_width
        total += config.head_width * config.horizon + config.horizon
    else:
        total += summary * config.horizon + config.horizon
    return total


@dataclass
class RunPlan:
    config: ForecastConfig  # effective: window, season and threads filled in
    bounds: SplitBounds
    origins: dict[str, np.ndarray]
    parameters: int
    notes: list[str] = field(default_factory=list)

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
        if name not in frame.columns:
            raise DataError(f"There is no column named {name!r} (asked for as the {role}). "
                            f"Columns: {', '.join(map(str, frame.columns))}.")
        if not pd.api.types.is_numeric_dtype(frame[name]):
            raise DataError(f"Column {name!r} is not numeric, so it can't be the {role}.")
        if frame[name].isna().all():
            raise DataError(f"Column {name!r} has no values, so it can't be the {role}.")
        values = frame[name].to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise DataError(f"Column {name!r} has missing or infinite values; the reader "
                            "fills gaps, so check the file for 'inf' or huge numbers.")
        with np.errstate(over="ignore", invalid="ignore"):
            computable = bool(np.isfinite(values.std()))
        if not computable:  # squares overflow: no scaler or loss can work with these numbers
            largest = float(np.abs(values).max())
            raise DataError(f"Column {name!r} holds numbers too large to compute with (up to "
                            f"{largest:.3g}); divide the column by a power of ten first.")
    if config.date_column is not None and config.date_column not in frame.columns:
        raise DataError(f"There is no date column named {config.date_column!r}.")


def plan_run(frame: pd.DataFrame, config: ForecastConfig) -> RunPlan:
    """Resolves automatic settings and checks the settings against the data.

    Raises ConfigError/DataError with a message that says what to change.
    """
    _check_columns(frame, config)
    rows = len(frame)
    notes: list[str] = []
    bounds = chronological_split(rows, config.val_fraction, config.test_fraction, config.test_size)
    train_target = frame[config.target].to_numpy(dtype=np.float64)[: bounds.train_end]
    dates = frame[config.date_column].iloc[: bounds.train_end] if config.date_column else None

    season = config.season
    if season is None:
        season = detect_season(train_target, dates)
        notes.append(f"Season detected: {season} rows." if season
                     else "No seasonal pattern detected; seasonal naive equals naive.")
    window = config.window
    if window is None:
        cap = max(2, (bounds.train_end - config.horizon) // 3)
        window = min(max(2 * season if season else DEFAULT_WINDOW, MIN_AUTO_WINDOW), cap)
        notes.append(f"Window set to {window} rows" + (f" (two seasons of {season})."
                                                       if season and window == 2 * season else "."))
    threads = config.threads or default_threads()
    effective = config.replace(window=window, season=season, threads=threads)
    origins = window_origins(bounds, window, config.horizon)
    sizes = bounds.sizes
    span = window + config.horizon
    if len(origins["train"]) < 2:
        raise ConfigError(
            f"Window ({window}) + horizon ({config.horizon}) = {span} rows is too long for the "
            f"{sizes['train']} training rows: fewer than 2 training windows. Use a smaller "
            "window or horizon, or less validation/test data."
        )
    if len(origins["test"]) < 1:
        raise ConfigError(
            f"The test split has {sizes['test']} rows, fewer than the horizon "
            f"({config.horizon}): no test window fits. Use a larger test split or a shorter horizon."
        )
    if sizes["val"] > 0 and len(origins["val"]) < 1:
        raise ConfigError(
            f"The validation split has {sizes['val']} rows, fewer than the horizon "
            f"({config.horizon}): no validation window fits. Use a larger validation fraction, "
            "a shorter horizon, or 0 for no validation."
        )
    n_features = len(effective.input_columns)
    parameters = recurrent_parameter_count(effective, n_features)
    notes += check_training_memory(effective, rows, len(origins["train"]), parameters)
    return RunPlan(effective, bounds, origins, parameters, notes)


@dataclass
class ExperimentResult:
    plan: RunPlan
    history: Any  # core.model.training.TrainingHistory
    predictor: Predictor
    predictions: pd.DataFrame  # time, step, actual, predicted, lower, upper, split (+ origin, target_row)
    test_metrics: dict[str, dict[str, float | None]]
    ridge_windows: int
    data_info: dict[str, Any]
    coverage: dict[str, Any]  # interval coverage on the test split: overall and per step
    forecast: pd.DataFrame | None  # past the end: time, step, predicted, lower, upper, method
    time_index: TimeIndex
    tail: pd.DataFrame  # the last `window` rows (date and input columns): enough to forecast again

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

    def beats_naive(self) -> bool:
        model, naive = self.test_metrics["model"]["rmse"], self.test_metrics["naive"]["rmse"]
        return model is not None and naive is not None and model < naive

    def metrics_dict(self) -> dict[str, Any]:
        return {
            "config": self.config.to_dict(),
            "data": self.data_info,
            "training": self.history.to_dict(),
            "test": self.test_metrics,
            "coverage": self.coverage["overall"],
            "intervals": {
                "level": self.config.interval_level,
                "test_coverage": self.coverage["overall"],
                "test_coverage_per_step": self.coverage["per_step"],
                "half_widths": self.predictor.half_widths.tolist(),
                "calibrated_on": self.predictor.interval_source,
                "method": "split-conformal, per step",
            },
            "forecast": {"steps": 0 if self.forecast is None else len(self.forecast),
                         "assumes": self.predictor.assumption(),
                         "time": self.time_index.describe()},
            "notes": self.plan.notes,
        }


def run_experiment(
    frame: pd.DataFrame,
    config: ForecastConfig,
    progress: Callable | None = None,
    cancel: threading.Event | None = None,
    source_info: dict[str, Any] | None = None,
) -> ExperimentResult:
    """Trains and evaluates one model; `source_info` (encoding, delimiter...) goes into data_info."""
    import torch  # imported here so planning and the GUI's start-up never pay for it

    from core.evaluation.baselines import fit_ridge, naive_forecast, ridge_outputs, seasonal_naive_forecast
    from core.evaluation.metrics import forecast_metrics, naive_scale
    from core.model.network import build_model
    from core.model.training import train
    from core.prep.scaling import fit_scaler

    plan = plan_run(frame, config)
    c = plan.config
    bounds = plan.bounds
    train_rows = slice(0, bounds.train_end)

    target = frame[c.target].to_numpy(dtype=np.float64)
    target_scaler = fit_scaler(c.scaler, target[train_rows, None])
    feature_names = c.input_columns[1:]
    feature_scaler = (fit_scaler(c.scaler, frame.iloc[train_rows], feature_names)
                      if feature_names else None)
    torch.manual_seed(c.seed)
    model = build_model(c, len(c.input_columns))
    predictor = Predictor(c, model, target_scaler, feature_scaler, np.full(c.horizon, np.nan))
    series = predictor.series(frame)
    origins = {split: torch.from_numpy(plan.origins[split]) for split in SPLITS}
    history = train(model, series, origins["train"], origins["val"], c, progress, cancel)

    all_origins = np.concatenate([plan.origins[s] for s in SPLITS])
    # one byte per window naming its split (strings would cost ~60 bytes per row at 10^6 rows)
    split_codes = np.repeat(np.arange(len(SPLITS), dtype=np.int8),
                            [len(plan.origins[s]) for s in SPLITS])
    predicted = predictor.predict(series, all_origins)
    target_rows = all_origins[:, None] + np.arange(1, c.horizon + 1)[None, :]
    actual = target[target_rows]

    # intervals: split-conformal on the validation windows (training windows when there are none)
    calibration = "val" if len(plan.origins["val"]) else "train"
    held_out = split_codes == SPLITS.index(calibration)
    predictor.half_widths = conformal_half_widths(actual[held_out] - predicted[held_out], c.interval_level)
    predictor.interval_source = "validation" if calibration == "val" else "training (no validation split)"
    if calibration == "train":
        plan.notes.append("Intervals were calibrated on training windows because there is no "
                          "validation split; expect them to be too narrow.")

    # baselines on exactly the test targets the model is scored on
    test_mask = split_codes == SPLITS.index("test")
    test_origins = plan.origins["test"]
    ridge, ridge_windows = fit_ridge(series, plan.origins["train"], c.ridge_alpha)
    ridge_out = ridge_outputs(ridge, series, test_origins)
    ridge_levels = series.to_levels(torch.from_numpy(test_origins),
                                    torch.from_numpy(ridge_out.astype(np.float32))).numpy().astype(np.float64)
    ridge_units = target_scaler.inverse_transform(ridge_levels.reshape(-1, 1)).reshape(ridge_levels.shape)
    scale = naive_scale(target[train_rows])
    test_actual = actual[test_mask]
    test_metrics = {
        "model": forecast_metrics(test_actual, predicted[test_mask], scale),
        "naive": forecast_metrics(test_actual, naive_forecast(target, test_origins, c.horizon), scale),
        "seasonal_naive": forecast_metrics(
            test_actual, seasonal_naive_forecast(target, test_origins, c.horizon, c.season), scale),
        "linear": forecast_metrics(test_actual, ridge_units, scale),
    }
    coverage = interval_coverage(test_actual, predicted[test_mask], predictor.half_widths)
    del series, ridge, test_actual  # the scaled inputs (rows x F float32) are not needed any more

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
    try:
        forecast = predictor.forecast(frame, time_index)
    except ValueError as exc:  # irregular dates: no future timestamps to give
        forecast = None
        plan.notes.append(f"No forecast past the end: {exc}.")
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
    if ridge_windows < len(plan.origins["train"]):
        plan.notes.append(f"The linear baseline was fit on {ridge_windows:,} evenly spaced "
                          f"training windows of {len(plan.origins['train']):,} to bound memory.")
    return ExperimentResult(plan, history, predictor, predictions, test_metrics, ridge_windows,
                            data_info, coverage, forecast, time_index,
                            tail=frame[[col for col in [c.date_column] if col] + c.input_columns]
                            .iloc[-c.window:].reset_index(drop=True))


def time_labels(frame: pd.DataFrame, date_column: str | None, rows: np.ndarray,
                date_is_year: bool = False) -> np.ndarray:
    """What a row is called in outputs: its date, its year, or its 1-based row number."""
    if date_column is None:
        return rows + 1
    dates = pd.DatetimeIndex(frame[date_column].to_numpy()[rows])
    if date_is_year:
        return dates.year.to_numpy()
    return dates.to_numpy()
