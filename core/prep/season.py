"""Detect a seasonal period from the training rows (and the calendar, when there is one)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
import pandas as pd

# the period a calendar frequency usually repeats with
_CALENDAR_PERIODS = {"h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "Q": 4, "min": 60}


def autocorrelation(values: np.ndarray, max_lag: int) -> np.ndarray:
    """ACF for lags 0..max_lag of a linearly detrended series."""
    x = np.asarray(values, dtype=np.float64)
    t = np.arange(len(x))
    x = x - np.polyval(np.polyfit(t, x, 1), t) if len(x) > 2 else x - x.mean()
    denom = float(np.dot(x, x))
    if denom == 0:
        return np.zeros(max_lag + 1)
    # via FFT: O(n log n), so settings can be re-checked live on a million rows
    size = 1 << int(np.ceil(np.log2(2 * len(x) - 1)))
    spectrum = np.fft.rfft(x, size)
    lagged = np.fft.irfft(spectrum * np.conj(spectrum), size)[: max_lag + 1]
    return lagged / denom


def calendar_period(dates: pd.Series | None) -> int | None:
    """Season implied by a regular date column: quarterly -> 4, monthly -> 12, daily -> 7..."""
    if dates is None or len(dates) < 3:
        return None
    step = pd.Series(dates).diff().dropna().median()
    if pd.isna(step):
        return None
    days = step / pd.Timedelta(days=1)
    for low, high, period in ((0.03, 0.05, 24), (0.9, 1.1, 7), (6.5, 7.5, 52), (27, 32, 12),
                              (85, 95, 4)):
        if low <= days <= high:
            return period
    return None


# recent answers by the values' digest: the settings are re-checked on every edit, and an FFT over
# a million rows costs 0.25 s of the UI thread while hashing them costs ~10 ms
_RECENT: OrderedDict[tuple[bytes, int | None], tuple[int | None, int | None]] = OrderedDict()
_RECENT_SIZE = 8
# the longest second season looked for (a week of half-hours is 336, of quarter-hours 672)
MAX_SECOND_SEASON = 2000


def detect_season(training_values: np.ndarray, dates: pd.Series | None = None) -> int | None:
    """The lag (>= 2) with the strongest significant autocorrelation peak, or None.

    A calendar period (4 for quarterly data...) wins when its autocorrelation is significant,
    because a peak at a multiple of it is usually the same season seen twice.
    """
    return detect_seasons(training_values, dates)[0]


def detect_seasons(training_values: np.ndarray, dates: pd.Series | None = None) -> tuple[int | None, int | None]:
    """The season (as `detect_season`) and a second, longer one that is a whole number of it (the
    week of 168 hours in hourly data whose season is the day), or None for either."""
    values = np.ascontiguousarray(training_values, dtype=np.float64)
    hint = calendar_period(dates)
    key = (hashlib.blake2b(values.data, digest_size=16).digest() + len(values).to_bytes(8, "little"), hint)
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return _RECENT[key]
    season = _detect_season(values, hint)
    found = (season, second_season(values, season))
    _RECENT[key] = found
    if len(_RECENT) > _RECENT_SIZE:
        _RECENT.popitem(last=False)
    return found


def second_season(values: np.ndarray, season: int | None) -> int | None:
    """The first multiple k·season (k >= 2) whose autocorrelation peaks among the multiples: higher,
    by more than noise (1/sqrt(n)), than at (k-1)·season and no lower than at (k+1)·season.

    A single season repeats with autocorrelation that fades from one multiple to the next; a second
    season (weekdays unlike weekends) lifts it again at its own period. Three whole second seasons
    must fit in the rows, as for the first season."""
    n = len(values)
    if not season or season < 2 or 3 * 2 * season > n:
        return None
    max_lag = min(n // 3, MAX_SECOND_SEASON + season)
    acf = autocorrelation(values, max_lag)
    noise, significant = 1.0 / np.sqrt(n), 2.0 / np.sqrt(n)
    for lag in range(2 * season, max_lag - season + 1, season):
        if (acf[lag] > max(significant, 0.2) and acf[lag] > acf[lag - season] + noise
                and acf[lag] >= acf[lag + season] and lag <= MAX_SECOND_SEASON):
            return lag
    return None


def _detect_season(training_values: np.ndarray, hint: int | None) -> int | None:
    n = len(training_values)
    max_lag = min(n // 3, 400)
    if max_lag < 2:
        return None
    acf = autocorrelation(training_values, max_lag)
    significant = 2.0 / np.sqrt(n)
    # the calendar's period wins when a peak sits at it or next to it and its autocorrelation is
    # within noise (one standard error, 1/sqrt(n)) of that peak's: hourly data whose ACF is 0.367 at
    # lag 23 and 0.366 at 24 is daily. A peak, not just a high value: a persistent series (a slowly
    # moving rate) has high, steadily decaying autocorrelation at every short lag without being seasonal.
    if hint is not None and hint + 3 <= max_lag and acf[hint] > max(significant, 0.2):
        near = [lag for lag in range(max(2, hint - 2), hint + 3)
                if acf[lag] > acf[lag - 1] and acf[lag] >= acf[lag + 1]]
        if near and acf[hint] >= max(acf[lag] for lag in near) - 1.0 / np.sqrt(n):
            return hint
    peaks = [
        lag for lag in range(2, max_lag)
        if acf[lag] > acf[lag - 1] and acf[lag] >= acf[lag + 1] and acf[lag] > max(significant, 0.2)
    ]
    if not peaks:
        return None
    # multiples of the true period peak almost as high: take the first near the best
    best = max(acf[lag] for lag in peaks)
    return int(next(lag for lag in peaks if acf[lag] >= 0.9 * best))
