"""Baselines scored on exactly the model's test targets: naive, seasonal naive, linear (Ridge)."""

from __future__ import annotations

import threading
import weakref

import numpy as np
import torch
from sklearn.linear_model import Ridge

from core.model.predictor import Predictor
from core.prep.windows import WindowedSeries, inference_batch

# Ridge's design matrix is the only place windows are flattened into a real array; above
# this many values its training windows are thinned evenly, so memory stays bounded.
RIDGE_MAX_VALUES = 4_000_000
PREDICT_BATCH = 4096


def naive_forecast(target: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """Every step forecasts the last observed value: (N, H)."""
    return np.repeat(target[origins][:, None], horizon, axis=1)


def seasonal_naive_forecast(target: np.ndarray, origins: np.ndarray, horizon: int,
                            season: int | None) -> np.ndarray:
    """Step h repeats the latest observed value one (or more) seasons before t+h: (N, H).

    Where that value lies before the first row (early windows), the naive value stands in.
    """
    if not season or season < 1:
        return naive_forecast(target, origins, horizon)
    steps = np.arange(1, horizon + 1)
    back = season * np.ceil(steps / season).astype(np.int64)  # smallest multiple of season >= h
    source = origins[:, None] + steps[None, :] - back[None, :]
    fallback = np.broadcast_to(origins[:, None], source.shape)
    return target[np.where(source >= 0, source, fallback)]


def _flat(series: WindowedSeries, origins: np.ndarray) -> np.ndarray:
    return series.x(torch.as_tensor(origins)).reshape(len(origins), -1).numpy()


# the last fit, by the identity of its series and origins: a run fits Ridge for the highway's
# start and again for the baselines on the same windows; the second is this one, not a second
# design matrix and solve at the run's busiest moment. Weak references: nothing is kept alive.
_last_fit: tuple[weakref.ref, weakref.ref, float, tuple[Ridge, int]] | None = None
_last_fit_lock = threading.Lock()


def fit_ridge(series: WindowedSeries, train_origins: np.ndarray, alpha: float) -> tuple[Ridge, int]:
    """Ridge on the same (scaled, windowed) inputs and outputs as the network.

    Returns the model and how many training windows it saw (fewer than all when thinned). Asked
    again for the same series and origins objects and alpha, returns the same fit.
    """
    global _last_fit
    with _last_fit_lock:
        last = _last_fit
    if last is not None and last[0]() is series and last[1]() is train_origins and last[2] == alpha:
        return last[3]
    fitted = _fit_ridge(series, train_origins, alpha)
    with _last_fit_lock:
        _last_fit = (weakref.ref(series), weakref.ref(train_origins), alpha, fitted)
    return fitted


def _fit_ridge(series: WindowedSeries, train_origins: np.ndarray, alpha: float) -> tuple[Ridge, int]:
    per_window = series.window * series.n_features
    limit = max(1, RIDGE_MAX_VALUES // per_window)
    chosen = train_origins
    if len(train_origins) > limit:
        chosen = train_origins[np.linspace(0, len(train_origins) - 1, limit).astype(np.int64)]
    # copy_X=False: the design matrix is ours and fresh, so Ridge may center it in place
    ridge = Ridge(alpha=alpha, copy_X=False).fit(_flat(series, chosen),
                                                 series.y(torch.as_tensor(chosen)).numpy())
    return ridge, len(chosen)


def ridge_outputs(ridge: Ridge, series: WindowedSeries, origins: np.ndarray) -> np.ndarray:
    """Ridge predictions in the network's output representation, batched: (N, H)."""
    size = min(PREDICT_BATCH, inference_batch(series.window, series.n_features))
    # into one output made at the first batch (its dtype is Ridge's): per-batch results kept in a
    # list pin small blocks between the batches' design matrices, and on 150k test windows the
    # heap grew by 38 MB (bench_memory.py)
    out = None
    for start in range(0, len(origins), size):
        part = ridge.predict(_flat(series, origins[start:start + size])).reshape(-1, series.horizon)
        if out is None:
            out = np.empty((len(origins), series.horizon), dtype=part.dtype)
        out[start:start + len(part)] = part
    return out if out is not None else np.empty((0, series.horizon))


def baseline_forecasts(shell: Predictor, series: WindowedSeries, ridge: Ridge | None, target: np.ndarray,
                       origins: np.ndarray) -> dict[str, np.ndarray]:
    """Naive, seasonal naive and linear (Ridge) forecasts (N, H) in the target's units from `origins`.

    `shell` holds the scalers (fit on the training rows) that `series` was scaled with and that turn
    Ridge's outputs back into units; `ridge` is fit on the same training windows (see fit_ridge).
    """
    c = shell.config
    outputs = ridge_outputs(ridge, series, origins)
    levels = series.to_levels(torch.from_numpy(np.ascontiguousarray(origins)),
                              torch.from_numpy(np.ascontiguousarray(outputs.astype(np.float32))))
    return {"naive": naive_forecast(target, origins, c.horizon),
            "seasonal_naive": seasonal_naive_forecast(target, origins, c.horizon, c.season),
            "linear": shell.to_units(levels.numpy())}
