"""Prediction intervals: split-conformal half-widths per step, the normal fallback, coverage, and
which residuals calibrated them (a code stored in metrics.json and bundles, worded for display).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.i18n import N_, _

# which held-out residuals calibrated an interval; NORMAL is appended when there were too few of
# them for conformal widths and a normal approximation stood in
VAL, TRAIN, HISTORY, UNSEEN, EVERY = "val", "train", "history", "val+test", "every"
NORMAL = "+normal"
SOURCE_WORDS = {
    VAL: N_("the validation windows"),
    TRAIN: N_("the training windows (no validation split)"),
    HISTORY: N_("the smoothing's forecasts from earlier rows (nothing held out)"),
    UNSEEN: N_("the validation and test windows of the scoring model"),
    EVERY: N_("the smoothing's forecasts from every earlier row, in proportion to the level"),
}
# the smoothing's forecasts from the rows it was fit on are partly in-sample: their errors run a little
# small. Chosen on the dev set's even-keyed half (the smallest widening holding 85-95% in every group;
# 1.1 with the three-member anchor, 1.15 since CES joined it: bench/interval_accuracy.py)
IN_SAMPLE_WIDENING = 1.15
# what models saved before the codes stored: English prose (", normal approximation..." appended)
_LEGACY_SOURCES = {
    "validation": VAL,
    "training (no validation split)": TRAIN,
    "the smoothing's forecasts from earlier rows (nothing held out)": HISTORY,
    "validation and test windows of the scoring model": UNSEEN,
}
_LEGACY_NORMAL = ", normal approximation"


def conformal_half_widths(residuals: np.ndarray, level: float) -> np.ndarray:
    """Split-conformal half-widths per step from absolute residuals (n, H) of held-out windows.

    The ceil((n+1)·level)-th smallest residual, so intervals cover at least `level` of new
    windows when they behave like the held-out ones. NaN where there are too few residuals.
    """
    residuals = np.abs(np.asarray(residuals, dtype=np.float64))
    n = residuals.shape[0]
    rank = math.ceil((n + 1) * level)
    if n == 0 or rank > n:
        return np.full(residuals.shape[1], np.nan)
    return np.sort(residuals, axis=0)[rank - 1]


def interval_coverage(actual: np.ndarray, predicted: np.ndarray, half_widths: np.ndarray) -> dict[str, Any]:
    """Share of actual values inside predicted ± half-width, overall and per step."""
    if len(actual) == 0 or not np.isfinite(half_widths).all():
        return {"overall": None, "per_step": [None] * len(half_widths)}
    inside = np.abs(np.asarray(actual) - np.asarray(predicted)) <= half_widths[None, :]
    return {"overall": float(inside.mean()), "per_step": inside.mean(axis=0).tolist()}


def interval_widths(residuals: np.ndarray, level: float) -> tuple[np.ndarray, str]:
    """Per-step half-widths from out-of-sample residuals (n, H): split-conformal when there are
    enough, else a normal approximation so every forecast gets an interval. Returns the widths and
    how they were made ("conformal", "normal", or "none" without residuals).

    With few windows one residual per step says little, so the approximation pools every step:
    errors are taken to grow like the square root of the step (as a random walk's do), one scale
    is estimated from all n·H residuals, and Student's t with n - 1 degrees of freedom stands in
    for the normal quantile: the H errors of one window move together, so the evidence is n
    windows, not n·H numbers (with n·H, 90% intervals held 73-80% on the dev set; with n, 91%).
    """
    from scipy.stats import t as student_t

    widths = conformal_half_widths(residuals, level)
    if np.isfinite(widths).all():
        return widths, "conformal"
    n, horizon = residuals.shape
    if n == 0:
        return widths, "none"
    growth = np.sqrt(np.arange(1, horizon + 1))
    count = n  # the steps of one window share their errors: independent evidence is per window
    scale = np.sqrt(np.mean(np.square(residuals / growth[None, :])))
    quantile = student_t.ppf(0.5 + level / 2, df=max(1, count - 1))
    return quantile * scale * growth * np.sqrt(1 + 1 / count), "normal"


def log_interval_widths(actual: np.ndarray, predicted: np.ndarray, level: float) -> tuple[np.ndarray, str] | None:
    """Half-widths on the log of the target from the errors of every earlier window of a smoothing
    that stands alone (no network), widened for the rows it was fit on; None when a value is not above
    zero (no log).

    Why: with the smoothing alone, the held-out windows are few (a median of 2 on the dev set), and the
    normal approximation from them made 90% intervals 1.7 times too wide by the interval score while
    covering 95-98%. Errors of a positive series grow with its level, so they pool across windows as
    ratios. Dev set, odd-keyed half (no choice made there): coverage 94.8% -> 90.3%, the scaled interval
    score (MSIS) 16.8 -> 10.8 (bench/interval_accuracy.py; M1 quarterly holds 84.4%)."""
    if len(actual) == 0 or not ((actual > 0).all() and (predicted > 0).all()):
        return None
    widths, how = interval_widths(np.log(actual) - np.log(predicted), level)
    return widths * IN_SAMPLE_WIDENING, how


def source_code(residuals: str, how: str) -> str:
    """The stored code for intervals calibrated on `residuals` (VAL, TRAIN...) by `how`
    (interval_widths' second value)."""
    return residuals + (NORMAL if how == "normal" else "")


def source_words(source: str) -> str:
    """An interval source for display, in the user's language. Takes a code, or the English text
    older models stored (shown as it is when it is none of the known ones)."""
    normal = source.endswith(NORMAL)
    base = source.removesuffix(NORMAL)
    if base not in SOURCE_WORDS:  # an older model's prose
        legacy_normal = _LEGACY_NORMAL in source
        legacy = _LEGACY_SOURCES.get(source.split(_LEGACY_NORMAL)[0])
        if legacy is None:
            return source
        base, normal = legacy, legacy_normal
    words = _(SOURCE_WORDS[base])
    if normal:
        return _("{source}, normal approximation (too few windows for conformal)").format(source=words)
    return words
