"""Fitting from data: the scalers and smoothing anchor, the ensemble of networks, and the baselines.

Everything here is fit on rows [0, fit_rows) only; the run, the backtest and the search call these
same functions, so a spy on `fit_scaling` here sees every scaler any of them fits.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.predictor import Predictor
from core.pipeline.plan import RunPlan
from core.settings.config import MAX_SEED, ForecastConfig, ResolvedConfig


def torch_from(values: np.ndarray):
    """A torch tensor sharing a contiguous copy of `values` (loads torch)."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(values))


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
        zero = float(target_scaler.transform(np.zeros((1, 1)))[0, 0])  # the target's own 0, scaled
        predictor.smoothing = fit_holt_winters(scaled, c.season, offset=-zero)
    return predictor


def fit_ensemble(frame: pd.DataFrame, c: ForecastConfig, fit_rows: int, train_origins: np.ndarray,
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
    from core.model.memory import release_freed_memory
    from core.model.network import EnsembleForecaster, build_member, output_nothing, start_from_linear
    from core.model.training import CANCELLED, DIVERGED, OUT_OF_TIME, EpochProgress, TrainingHistory, train

    predictor = fit_scaling(frame, c, fit_rows)
    series = predictor.series(frame)
    converted: list = [None, None]  # the last preview from training and its conversion

    def preview_in_units(preview):
        """The training's scaled preview in the target's units, beside the actual values; the same
        object again while the best weights stay (a chart need not repaint)."""
        if preview is None or preview is converted[0]:
            return None if preview is None else converted[1]
        converted[:] = [preview, dataclasses.replace(
            preview, predicted=predictor.to_units(preview.predicted),
            actual=frame[c.target].to_numpy(dtype=np.float64)[preview.rows])]
        return converted[1]

    # the highway starts as the Ridge baseline fit on the same windows: the network adds to it
    linear = fit_ridge(series, train_origins, c.ridge_alpha)[0] if c.highway and linear_start is not False else None
    if linear is not None and linear_start is None:
        linear_start = linear_helps(linear, series, val_origins, c.target_mode)
    if not linear_start:
        linear = None  # the highway starts at zero: the network starts from the anchor alone
    predictor.linear_start = bool(linear_start)
    release_freed_memory()  # Ridge's design matrix and solve: not under training's peak
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
        if epochs is not None and epochs[index] == 0:  # early stopping kept the start (or none trains)
            if linear is None:  # the start is the anchor alone, with or without a highway
                output_nothing(member)
            member.eval()
            members.append(member)
            histories.append(TrainingHistory(threads=c.threads or 1, device=c.device if c.device != "auto" else "cpu"))
            continue

        def report(p: EpochProgress, base: int = done, network: int = index + 1) -> None:
            if progress is not None:  # one count over every network and the refit
                progress(dataclasses.replace(p, network=network, networks=c.ensemble, refit=epochs is not None,
                                             step=base + p.epoch, steps=max(progress_total, base + p.epochs),
                                             preview=preview_in_units(p.preview)))

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


def linear_helps(linear, series, val_origins: np.ndarray, mode: str) -> bool:
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


@dataclass
class Baselines:
    """The baselines of one plan, fit on its training rows: naive, seasonal naive and Ridge."""
    shell: Predictor  # the scalers the series was scaled with (fit on the training rows)
    series: Any  # core.prep.windows.WindowedSeries
    ridge: Any  # sklearn Ridge on the training windows; None when nothing is scored
    ridge_windows: int  # training windows Ridge saw (fewer than all when thinned)
    target: np.ndarray  # the target column in its units
    scale: float  # MASE's scale: the naive forecast's error on the training rows

    def forecasts(self, origins: np.ndarray) -> dict[str, np.ndarray]:
        """naive, seasonal_naive and linear forecasts (N, H) from `origins`."""
        from core.evaluation.baselines import baseline_forecasts

        return baseline_forecasts(self.shell, self.series, self.ridge, self.target, origins)


def fit_baselines(frame: pd.DataFrame, plan: RunPlan, shell: Predictor | None = None,
                  series: Any = None) -> Baselines:
    """The baselines a run scores against, fit on the plan's training rows. `shell` and `series`:
    scalers already fit on those rows and the table they scaled (else they are fit here)."""
    from core.evaluation.baselines import fit_ridge
    from core.evaluation.metrics import naive_scale

    c = plan.config
    train_end = plan.bounds.train_end
    if shell is None:
        shell = fit_scaling(frame, c, train_end)
        series = shell.series(frame)
    ridge, windows = (None, 0) if plan.forecast_only else fit_ridge(series, plan.origins["train"], c.ridge_alpha)
    target = frame[c.target].to_numpy(dtype=np.float64)
    return Baselines(shell, series, ridge, windows, target, naive_scale(target[:train_end]))
