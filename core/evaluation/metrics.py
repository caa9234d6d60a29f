"""Forecast accuracy measures, from scikit-learn where it has them."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import (
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    r2_score,
)

METRIC_NAMES = ("rmse", "mae", "mape", "r2", "mase")


def naive_scale(training_target: np.ndarray) -> float:
    """In-sample MAE of the one-step naive forecast on the training rows: MASE's denominator."""
    values = np.asarray(training_target, dtype=np.float64)
    if len(values) < 2:
        return math.nan
    return float(np.mean(np.abs(np.diff(values))))


def forecast_metrics(actual: np.ndarray, predicted: np.ndarray, scale: float) -> dict[str, float | None]:
    """RMSE, MAE, MAPE (percent, zero actuals skipped), R² and MASE over all steps.

    Values that can't be computed (MAPE with only zero actuals, R² of a constant, MASE
    with a zero scale) are None, which JSON writes as null.
    """
    actual = np.asarray(actual, dtype=np.float64).ravel()
    predicted = np.asarray(predicted, dtype=np.float64).ravel()
    if len(actual) == 0:
        return {name: None for name in METRIC_NAMES}
    mae = float(mean_absolute_error(actual, predicted))
    nonzero = actual != 0
    mape = (
        float(mean_absolute_percentage_error(actual[nonzero], predicted[nonzero]) * 100)
        if nonzero.any()
        else None
    )
    r2 = float(r2_score(actual, predicted)) if len(actual) > 1 and np.ptp(actual) > 0 else None
    return {
        "rmse": float(math.sqrt(mean_squared_error(actual, predicted))),
        "mae": mae,
        "mape": mape,
        "r2": r2,
        "mase": mae / scale if scale and math.isfinite(scale) and scale > 0 else None,
    }


def model_beats_naive(metrics: dict[str, dict[str, float | None]]) -> bool | None:
    """Whether the model's RMSE is below the naive forecast's in a table of scores (as
    ExperimentResult.beats_naive for a run); None when either score is missing."""
    model, naive = metrics.get("model", {}).get("rmse"), metrics.get("naive", {}).get("rmse")
    if model is None or naive is None:
        return None
    return model < naive
