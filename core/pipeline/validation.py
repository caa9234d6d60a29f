"""Scoring settings on the validation split: what a hyperparameter search compares."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.model.memory import check_training_memory
from core.model.parameters import recurrent_parameter_count
from core.pipeline.fit import fit_ensemble
from core.pipeline.plan import (
    auto_training,
    check_columns,
    check_training_windows,
    check_validation_windows,
    hardware,
    resolve_modes,
    smoothing_stands_alone,
)
from core.prep.split import SplitBounds, window_origins
from core.settings.config import ForecastConfig, ResolvedConfig


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
    check_columns(dev_frame, config)
    window, horizon = config.window, config.horizon or 1
    if window is None or config.threads is None:
        raise ValueError("validation_score needs a planned window and thread count")
    mode, transform, _notes = resolve_modes(dev_frame, config, config.season, window)
    origins = window_origins(SplitBounds(len(dev_frame), train_end, len(dev_frame)), window, horizon)
    training = auto_training(config, len(origins["train"]))
    # the device as a run would choose it (the threads stay the search's: 1 per worker process)
    device = hardware(config, window, len(origins["train"]), training["batch_size"])[0]["device"]
    c = config.resolved(target_mode=mode, transform=transform, horizon=horizon, device=device, **training)
    check_training_windows(origins, window, horizon, train_end)
    check_validation_windows(origins, horizon, len(dev_frame) - train_end)
    # as plan_run does for a run: a trial's drawn size (hidden 4054 x 15 layers) is refused, not allocated
    check_training_memory(c, len(dev_frame), len(origins["train"]), recurrent_parameter_count(c, len(c.input_columns)))
    # the same rule as run_experiment, so a trial trains a network exactly when the final run would
    alone = smoothing_stands_alone(c, len(origins["val"]))
    predictor, histories, series, _done = fit_ensemble(
        dev_frame, c, train_end, origins["train"], origins["val"], progress, cancel,
        epochs=[0] * c.ensemble if alone else None, linear_start=False if alone else None,
        progress_total=c.epochs * c.ensemble, deadline=deadline)
    predicted = predictor.predict(series, origins["val"])
    target = dev_frame[c.target].to_numpy(dtype=np.float64)
    actual = target[origins["val"][:, None] + np.arange(1, horizon + 1)[None, :]]
    return ValidationScore(float(np.sqrt(np.mean((actual - predicted) ** 2))), c, histories, origins)
