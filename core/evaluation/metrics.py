"""Forecast accuracy measures, from scikit-learn where it has them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import (
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    r2_score,
)

from core.i18n import N_, _, ngettext
from core.numbers import figures

METRIC_NAMES = ("rmse", "mae", "mape", "r2", "mase")


def naive_scale(training_target: np.ndarray) -> float:
    """In-sample MAE of the one-step naive forecast on the training rows: MASE's denominator."""
    values = np.asarray(training_target, dtype=np.float64)
    if len(values) < 2:
        return math.nan
    steps = np.diff(values)
    return float(np.mean(np.abs(steps, out=steps)))  # in place: one temporary of the training rows, not two


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


BASELINE_NAMES = {"naive": N_("the naive forecast"), "seasonal_naive": N_("seasonal naive"),
                  "linear": N_("linear regression (Ridge) on the same window")}


def verdict(metrics: dict[str, dict[str, float | None]], seasonal: bool = True) -> dict[str, Any]:
    """The model against the best baseline (lowest RMSE) in a table of scores.

    Seasonal naive counts only when there is a season (without one it is the naive forecast).
    """
    model = metrics.get("model", {}).get("rmse")
    scored = [(name, m["rmse"]) for name, m in metrics.items()
              if name in BASELINE_NAMES and m.get("rmse") is not None
              and (seasonal or name != "seasonal_naive")]
    if model is None or not scored:
        return {"beats_best_baseline": None, "best_baseline": None}
    name, rmse = min(scored, key=lambda item: item[1])
    return {"beats_best_baseline": bool(model < rmse), "best_baseline": name, "model_rmse": model,
            "baseline_rmse": rmse}


def verdict_sentence(result: dict[str, Any], network_made_it: bool = True) -> str:
    """One plain sentence for both faces: how the model did against the best baseline.

    `network_made_it`: False when no network changed the forecast (the smoothing alone, or every
    network at its starting point): a tie then says nothing about what a network adds."""
    if result.get("best_baseline") is None:
        return _("No baseline could be scored on these rows.")
    name = result["best_baseline"]
    model, baseline = result["model_rmse"], result["baseline_rmse"]
    if result["beats_best_baseline"] and model > 0.98 * baseline:
        return _("The model scores about the same as {baseline_name}, the best baseline, on the test split "
                 "(RMSE {model:.4g} vs {baseline:.4g}).").format(baseline_name=_(BASELINE_NAMES[name]),
                                                                 **figures(model=model, baseline=baseline))
    if result["beats_best_baseline"]:
        return _("The model's test RMSE ({model:.4g}) is {better:.0%} lower than that of {baseline_name}, the best "
                 "baseline ({baseline:.4g}).").format(better=1 - model / baseline,
                                                      baseline_name=_(BASELINE_NAMES[name]),
                                                      **figures(model=model, baseline=baseline))
    # the baseline leads the sentence: one sentence per baseline, so no capitalising of a fragment
    if baseline > 0 and model / baseline < 1.02:
        tie = {
            "naive": N_("The naive forecast scores about the same as the model on the test split (RMSE "
                        "{baseline:.4g} vs {model:.4g}): the network adds little to it on this series."),
            "seasonal_naive": N_("Seasonal naive scores about the same as the model on the test split (RMSE "
                                 "{baseline:.4g} vs {model:.4g}): the network adds little to it on this series."),
            "linear": N_("Linear regression (Ridge) on the same window scores about the same as the model on the "
                         "test split (RMSE {baseline:.4g} vs {model:.4g}): the network adds little to it on this "
                         "series."),
        }[name]
        if not network_made_it:
            tie = {
                "naive": N_("The naive forecast scores about the same as the model on the test split (RMSE "
                            "{baseline:.4g} vs {model:.4g})."),
                "seasonal_naive": N_("Seasonal naive scores about the same as the model on the test split (RMSE "
                                     "{baseline:.4g} vs {model:.4g})."),
                "linear": N_("Linear regression (Ridge) on the same window scores about the same as the model on "
                             "the test split (RMSE {baseline:.4g} vs {model:.4g})."),
            }[name]
        return _(tie).format(**figures(baseline=baseline, model=model))
    beaten = {
        "naive": N_("The naive forecast beats the model on the test split: RMSE {baseline:.4g} vs {model:.4g}"
                    "{times}."),
        "seasonal_naive": N_("Seasonal naive beats the model on the test split: RMSE {baseline:.4g} vs "
                             "{model:.4g}{times}."),
        "linear": N_("Linear regression (Ridge) on the same window beats the model on the test split: RMSE "
                     "{baseline:.4g} vs {model:.4g}{times}."),
    }[name]
    times = _(" ({ratio:.2f}×)").format(ratio=model / baseline) if baseline > 0 else ""
    return _(beaten).format(times=times, **figures(baseline=baseline, model=model))


def per_step_scores(predictions: pd.DataFrame, split: str = "test") -> pd.DataFrame:
    """The model's scores at each step of the horizon on one split: step, windows, RMSE, MAE,
    MAPE (percent, zero actuals skipped) and the share of actual values inside the interval.

    `predictions`: time, step, actual, predicted, lower, upper (and split) as a run or an applied
    model makes them; rows without an actual value are left out. Empty when no row fits.
    """
    rows = predictions
    if "split" in rows and split:
        rows = rows[rows["split"] == split]
    rows = rows[rows["actual"].notna() & rows["predicted"].notna()]
    out = []
    for step, part in rows.groupby("step", sort=True):
        actual = part["actual"].to_numpy(dtype=np.float64)
        predicted = part["predicted"].to_numpy(dtype=np.float64)
        errors = predicted - actual
        nonzero = actual != 0
        lower, upper = (part[c].to_numpy(dtype=np.float64) if c in part else np.full(len(part), np.nan)
                        for c in ("lower", "upper"))
        bounded = np.isfinite(lower) & np.isfinite(upper)
        out.append({
            "step": int(step), "windows": len(part),
            "rmse": float(np.sqrt(np.mean(errors ** 2))), "mae": float(np.mean(np.abs(errors))),
            "mape": float(np.mean(np.abs(errors[nonzero] / actual[nonzero])) * 100) if nonzero.any() else None,
            "coverage": float(np.mean((actual >= lower) & (actual <= upper))) if bounded.all() else None,
        })
    return pd.DataFrame(out, columns=["step", "windows", "rmse", "mae", "mape", "coverage"])


VERY_NEGATIVE_R2 = -1.0  # worse than predicting the mean by more than the series' own variance


def settings_advice(metrics: dict[str, dict[str, float | None]], target_mode: str | None,
                    beats_best_baseline: bool | None, epochs_run: int | None = None,
                    epochs: int | None = None) -> str:
    """One sentence of advice that fits the settings of the run, or "" when there is none.

    In 'level' mode a network that extrapolates badly scores a very negative R²: predicting the
    change from the last value fixes that far more surely than more epochs.
    """
    r2 = metrics.get("model", {}).get("r2")
    if target_mode == "level" and r2 is not None and r2 < VERY_NEGATIVE_R2:
        return _("The model predicts the level itself and scores R² {r2:.3g}: set the target mode to 'change from "
                 "last value', which keeps forecasts near the last known value.").format(r2=r2)
    if beats_best_baseline is not False:
        return ""
    if epochs_run is not None and epochs is not None and epochs_run >= epochs:
        return ngettext("Training used all {epochs} epoch without stopping early: more epochs may help, or use "
                        "the best baseline.",
                        "Training used all {epochs} epochs without stopping early: more epochs may help, or use "
                        "the best baseline.", epochs).format(epochs=epochs)
    if target_mode == "level":
        return _("Try the target mode 'change from last value', a longer window or more data.")
    return _("Try a longer window, other features or more data, or use the best baseline.")


# intervals that hold this much less often than their level promise are too narrow to trust:
# 90% intervals below 75%. Sampling alone rarely goes that far with COVERAGE_MIN_VALUES values.
COVERAGE_SHORTFALL = 0.15
COVERAGE_MIN_VALUES = 10  # fewer actual values (overall, or at one step) say too little to warn on


def coverage_warnings(predictions: pd.DataFrame, level: float | None, split: str = "test") -> list[str]:
    """Sentences for both faces when the prediction intervals covered far fewer of the `split`'s
    actual values than their level, overall or at some steps ([] when they held well enough, or
    there are too few values to tell). `predictions` as per_step_scores takes them."""
    if not level or predictions is None or not len(predictions):
        return []
    steps = per_step_scores(predictions, split)
    steps = steps[steps["coverage"].notna() & (steps["windows"] >= COVERAGE_MIN_VALUES)]
    if steps.empty:
        return []
    floor = level - COVERAGE_SHORTFALL
    overall = float(np.average(steps["coverage"], weights=steps["windows"]))
    low = steps[steps["coverage"] < floor]
    said = []
    if overall < floor:
        said.append(_("The {level:.0%} prediction intervals covered only {coverage:.0%} of the actual values on the "
                      "test split: they are too narrow, so the real uncertainty is larger than they show.").format(
            level=level, coverage=overall))
    if len(low) and (overall >= floor or len(low) < len(steps)):  # steps worse than the rest: name them
        numbers = ", ".join(str(int(s)) for s in low["step"])
        said.append(ngettext("At step {steps} the {level:.0%} intervals covered only {coverage:.0%} of the test "
                             "split's actual values.",
                             "At steps {steps} the {level:.0%} intervals covered as little as {coverage:.0%} of "
                             "the test split's actual values.", len(low)).format(
            steps=numbers, level=level, coverage=float(low["coverage"].min())))
    return said
