"""Scikit-learn scalers fit on training rows only, and their parameters as plain JSON.

Saved models hold the fitted statistics as numbers, never a pickled scaler; `scaler_from_dict`
rebuilds an equivalent scikit-learn object. scikit-learn is imported on first use (it costs
seconds at start-up), and scalers are fit and applied in row chunks so a million-row table
never gets a second full-size float64 copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.errors import DamagedValue
from core.i18n import _

Scaler = Any  # sklearn.preprocessing.StandardScaler | MinMaxScaler
CHUNK_ROWS = 65_536


def fit_scaler(kind: str, training_values, columns: list[str] | None = None) -> Scaler:
    """Fit on training rows only: a (rows, columns) array, or a DataFrame and the `columns` to
    use, read in row chunks."""
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    scaler: Scaler = StandardScaler() if kind == "standard" else MinMaxScaler()
    rows = len(training_values)
    if rows <= CHUNK_ROWS:
        return scaler.fit(_float64(training_values, 0, rows, columns))
    for start in range(0, rows, CHUNK_ROWS):
        scaler.partial_fit(_float64(training_values, start, min(rows, start + CHUNK_ROWS), columns))
    return scaler


def transform_into(scaler: Scaler, values, out: np.ndarray, columns: list[str] | None = None) -> np.ndarray:
    """`scaler.transform(values[columns])` written into `out` (e.g. float32) chunk by chunk."""
    for start in range(0, len(values), CHUNK_ROWS):
        stop = min(len(values), start + CHUNK_ROWS)
        out[start:stop] = scaler.transform(_float64(values, start, stop, columns))
    return out


def _float64(values, start: int, stop: int, columns: list[str] | None = None) -> np.ndarray:
    part = values.iloc[start:stop] if hasattr(values, "iloc") else values[start:stop]
    if columns is not None:
        part = part[columns]
    return np.asarray(part, dtype=np.float64)


def scaler_to_dict(scaler: Scaler) -> dict[str, Any]:
    if hasattr(scaler, "mean_"):
        return {"kind": "standard", "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()}
    return {
        "kind": "minmax",
        "data_min": scaler.data_min_.tolist(),
        "data_max": scaler.data_max_.tolist(),
    }


def scaler_from_dict(data: dict[str, Any]) -> Scaler:
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

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
    raise DamagedValue(_("unknown scaler kind {kind!r}").format(kind=data["kind"]))
