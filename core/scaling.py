"""Scikit-learn scalers fit on training rows only, and their parameters as plain JSON.

Saved models hold the fitted statistics as numbers, never a pickled scaler; `scaler_from_dict`
rebuilds an equivalent scikit-learn object.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.preprocessing import MinMaxScaler, StandardScaler

Scaler = StandardScaler | MinMaxScaler


def fit_scaler(kind: str, training_values: np.ndarray) -> Scaler:
    """Fit on training rows only: (rows, columns) float array."""
    scaler: Scaler = StandardScaler() if kind == "standard" else MinMaxScaler()
    return scaler.fit(np.asarray(training_values, dtype=np.float64))


def scaler_to_dict(scaler: Scaler) -> dict[str, Any]:
    if isinstance(scaler, StandardScaler):
        return {"kind": "standard", "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()}
    return {
        "kind": "minmax",
        "data_min": scaler.data_min_.tolist(),
        "data_max": scaler.data_max_.tolist(),
    }


def scaler_from_dict(data: dict[str, Any]) -> Scaler:
    if data["kind"] == "standard":
        scaler = StandardScaler()
        scaler.mean_ = np.asarray(data["mean"], dtype=np.float64)
        scaler.scale_ = np.asarray(data["scale"], dtype=np.float64)
        scaler.var_ = scaler.scale_**2
        scaler.n_features_in_ = len(scaler.mean_)
        scaler.n_samples_seen_ = 0
        return scaler
    if data["kind"] == "minmax":
        # fit on the two extreme rows reproduces exactly the stored statistics
        extremes = np.vstack([data["data_min"], data["data_max"]]).astype(np.float64)
        return MinMaxScaler().fit(extremes)
    raise ValueError(f"unknown scaler kind {data['kind']!r}")
