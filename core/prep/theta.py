"""The Theta method (Assimakopoulos & Nikolopoulos 2000), additive, as statsmodels' ThetaModel fits it.

Theta won the M3 competition and is one half of the strongest simple combination on monthly
competition data (the mean of ETS and Theta). Fit on the training rows: a seasonality test, an
additive classical decomposition, the slope b0 of a straight line through the deseasonalized
values, and simple exponential smoothing (weight alpha, started at the first value). The forecast
h steps after n rows is the smoothed level + b0/2 * (h - 1 + 1/alpha - (1 - alpha)^n / alpha),
plus the season. tests/core/test_theta.py checks it equals
`statsmodels.tsa.forecasting.theta.ThetaModel(y, period=m, method="additive").fit().forecast(h)`.

The seasonal indices are fit parameters tied to the phase of the fit's first row: `anchors` reads
`values[0]` as that phase, so callers pass rows that start a whole number of seasons after it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

from core.errors import DamagedValue
from core.i18n import _

# statsmodels' threshold: the 90% point of a chi-squared with one degree of freedom (1.645 ** 2)
SEASONALITY_CRITICAL = 2.705543454095404


@dataclass(frozen=True)
class Theta:
    alpha: float  # the smoothing weight of the level, in (0, 1]
    drift: float  # b0: the slope of the straight line through the deseasonalized training rows
    seasonal: tuple[float, ...]  # additive indices by phase (row % m); () without a season

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "theta", "alpha": self.alpha, "drift": self.drift, "seasonal": list(self.seasonal)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Theta:
        alpha, drift, seasonal = data.get("alpha"), data.get("drift"), data.get("seasonal")
        if not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or not 0.0 < alpha <= 1.0:
            raise DamagedValue(_("theta 'alpha' must be above 0 and at most 1 (got {value!r})").format(value=alpha))
        if not isinstance(drift, (int, float)) or isinstance(drift, bool) or not math.isfinite(drift):
            raise DamagedValue(_("theta 'drift' must be a finite number (got {value!r})").format(value=drift))
        if (not isinstance(seasonal, list) or len(seasonal) == 1 or len(seasonal) > 10_000
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                           for v in seasonal)):
            raise DamagedValue(_("theta 'seasonal' must be a list of finite numbers, one per phase of the season"))
        return cls(float(alpha), float(drift), tuple(float(v) for v in seasonal))

    def anchors(self, values: np.ndarray, horizon: int) -> np.ndarray:
        """(rows, horizon): row t holds the forecasts of rows t+1..t+horizon from rows 0..t."""
        y = np.asarray(values, dtype=np.float64)
        n, m = len(y), len(self.seasonal)
        if n == 0:
            return np.empty((0, horizon))
        pattern = np.asarray(self.seasonal) if m else np.zeros(1)
        m = max(m, 1)
        adjusted = y - pattern[np.arange(n) % m]
        a = self.alpha
        # the smoothed level after each row, started at the first value: l_t = a*y_t + (1-a)*l_(t-1)
        level = smoothed_levels(adjusted, a)
        steps = np.arange(1, horizon + 1, dtype=np.float64)
        seen = np.arange(1, n + 1, dtype=np.float64)  # rows the forecast from row t has seen
        trend = (steps[None, :] - 1.0 + 1.0 / a - ((1.0 - a) ** seen)[:, None] / a) * (self.drift / 2.0)
        phase = (np.arange(n)[:, None] + steps.astype(np.int64)[None, :]) % m
        return level[:, None] + trend + pattern[phase]


def smoothed_levels(y: np.ndarray, alpha: float) -> np.ndarray:
    """Simple exponential smoothing started at the first value: l_t = alpha*y_t + (1-alpha)*l_(t-1).
    (A plain loop: scipy.signal's lfilter does the same, but would add scipy.signal to the installer.)"""
    levels, level, keep = [], float(y[0]), 1.0 - alpha
    for value in y.tolist():
        level = alpha * value + keep * level
        levels.append(level)
    return np.asarray(levels)


def _acf(y: np.ndarray, lags: int) -> np.ndarray:
    x = y - y.mean()
    denom = float(np.dot(x, x))
    if denom == 0.0:
        return np.zeros(lags + 1)
    return np.array([np.dot(x[: len(x) - k], x[k:]) for k in range(lags + 1)]) / denom


def is_seasonal(y: np.ndarray, m: int) -> bool:
    """statsmodels' test: n * r_m^2 / sum_(k<m) r_k^2 above the 90% point of chi-squared(1)."""
    rho = _acf(y, m)
    denom = float(np.sum(rho[:m] ** 2))
    return denom > 0 and len(y) * rho[m] ** 2 / denom > SEASONALITY_CRITICAL


def seasonal_indices(y: np.ndarray, m: int) -> np.ndarray:
    """Additive classical decomposition (a centred moving average; 2 x m for even m): the mean
    detrended value of each phase, centred to sum to zero."""
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    half = len(weights) // 2
    trend = np.full(len(y), np.nan)
    trend[half: len(y) - half] = np.convolve(y, weights, mode="valid")
    detrended = y - trend
    means = np.array([np.nanmean(detrended[phase::m]) for phase in range(m)])
    return means - means.mean()


def _ses_sse(alpha: float, y: np.ndarray) -> float:
    level = smoothed_levels(y, alpha)
    errors = y[1:] - level[:-1]
    return float(np.dot(errors, errors))


def fit_theta(values: np.ndarray, season: int | None) -> Theta:
    """The Theta model fit on `values` (the training rows)."""
    y = np.asarray(values, dtype=np.float64)
    m = season if season and season > 1 and len(y) >= 2 * season else 0
    pattern = seasonal_indices(y, m) if m and is_seasonal(y, m) else np.zeros(0)
    adjusted = y - pattern[np.arange(len(y)) % len(pattern)] if len(pattern) else y
    t = np.arange(len(y), dtype=np.float64)
    drift = float(np.polyfit(t, adjusted, 1)[0]) if len(y) > 1 else 0.0
    if len(y) > 2 and np.ptp(adjusted) > 0:
        alpha = float(minimize_scalar(_ses_sse, bounds=(1e-4, 1.0), args=(adjusted,), method="bounded",
                                      options={"xatol": 1e-8}).x)
    else:
        alpha = 1.0
    return Theta(alpha, drift, tuple(float(v) for v in pattern))
