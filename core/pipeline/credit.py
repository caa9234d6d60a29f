"""What made a run's forecast: the anchor alone, the networks' starting point, or a trained network.

The network learns a change from an anchor (exponential smoothing, the seasonal profile, the
last value). When no network was trained, or early stopping kept every network's starting point
(best epoch 0), the forecast is that anchor (corrected by the linear start, when it started
there): crediting "the LSTM" with it would be false, and ticked feature columns may have changed
nothing. `Credit` records which it was, the anchor's own scores and forecast beside the model's,
and whether the feature columns could have mattered; core.outputs.summary words it for both faces.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

SMOOTHING_ALONE, STARTING_POINT, NETWORK = "smoothing alone", "starting point", "network"
MADE_BY = (SMOOTHING_ALONE, STARTING_POINT, NETWORK)
# where the networks started: the Ridge solution, the anchor alone (highway and head at zero), or
# an untrained network's output (no highway: the head is not zeroed)
LINEAR_START, ANCHOR_START, UNTRAINED_START = "linear start", "anchor", "untrained"
ANCHORED_MODES = ("smoothing", "seasonal", "delta")  # target modes whose outputs add to an anchor
SAME_FORECAST_RTOL = 1e-6  # relative to the forecast's size: float32 rounding, not a change


@dataclass
class Credit:
    """What made the forecast, with the anchor alone scored beside the model (target units)."""

    made_by: str  # one of MADE_BY
    anchor: str | None  # the anchor's target mode ("smoothing", "seasonal", "delta"); None for "level"
    start: str  # where the networks started: LINEAR_START, ANCHOR_START or UNTRAINED_START
    features: tuple[str, ...] = ()  # the feature columns the settings name
    features_used: bool = False  # whether they could have changed the forecast
    val_rmse: float | None = None  # the anchor alone, on the validation windows
    test_rmse: float | None = None  # and on the test windows
    model_val_rmse: float | None = None
    model_test_rmse: float | None = None
    forecast: list[float] | None = None  # the anchor's own forecast past the end
    forecast_change: float | None = None  # the largest |forecast - anchor's forecast|

    @property
    def network_made_it(self) -> bool:
        return self.made_by == NETWORK

    @property
    def network_change_pct(self) -> float | None:
        """How much lower the model's validation RMSE is than the anchor's alone, in percent
        (negative: higher); None when either is unknown or the anchor's is zero."""
        if self.val_rmse is None or self.model_val_rmse is None or not self.val_rmse > 0:
            return None
        return 100.0 * (self.val_rmse - self.model_val_rmse) / self.val_rmse

    @property
    def forecast_is_anchor(self) -> bool | None:
        """Whether the forecast is the anchor's own to float rounding; None when not known."""
        if self.forecast_change is None or self.forecast is None:
            return None
        size = max((abs(v) for v in self.forecast), default=0.0)
        return self.forecast_change <= SAME_FORECAST_RTOL * max(size, 1e-12)

    def to_dict(self) -> dict[str, Any]:
        """metrics.json's and model.json's `anchor`: the record, its change and its sentences."""
        from core.outputs.summary import anchor_words, credit_lines, maker_words

        record = asdict(self)
        record["name"] = record.pop("anchor")
        record["features"] = list(self.features)
        return {**record, "words": anchor_words(self.anchor), "made_by_words": maker_words(self),
                "network_change_pct": self.network_change_pct, "sentences": credit_lines(self)}

    @classmethod
    def from_dict(cls, data: Any) -> Credit | None:
        """A record read back (a saved model's); None when absent (an older model) or unreadable."""
        if not isinstance(data, dict) or data.get("made_by") not in MADE_BY:
            return None
        number = _number_or_none
        try:
            forecast = data.get("forecast")
            forecast = None if forecast is None else [float(v) for v in forecast]
            return cls(made_by=data["made_by"], anchor=data.get("name") if data.get("name") in ANCHORED_MODES
                       else None, start=str(data.get("start", ANCHOR_START)),
                       features=tuple(str(f) for f in data.get("features") or ()),
                       features_used=bool(data.get("features_used", False)),
                       val_rmse=number(data.get("val_rmse")), test_rmse=number(data.get("test_rmse")),
                       model_val_rmse=number(data.get("model_val_rmse")),
                       model_test_rmse=number(data.get("model_test_rmse")),
                       forecast=forecast, forecast_change=number(data.get("forecast_change")))
        except (TypeError, ValueError):
            return None


def _number_or_none(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def made_by(smoothing_alone: bool, best_epochs: list[int]) -> str:
    """SMOOTHING_ALONE when no network was trained, STARTING_POINT when every network kept its
    start (best epoch 0), else NETWORK."""
    if smoothing_alone:
        return SMOOTHING_ALONE
    return STARTING_POINT if best_epochs and all(epoch == 0 for epoch in best_epochs) else NETWORK


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Over every step of every window, as core.evaluation.metrics scores the model; None when empty."""
    from core.evaluation.metrics import forecast_metrics

    return forecast_metrics(actual, predicted, 1.0)["rmse"] if np.size(actual) else None


def judge_credit(kind: str, predictor, features: tuple[str, ...], highway: bool,
                 anchor_scores: dict[str, float | None], model_scores: dict[str, float | None],
                 forecast: np.ndarray | None, anchor_forecast: np.ndarray | None) -> Credit:
    """The record of one run. `predictor`: the model that made the forecast (its target mode and
    linear start); `anchor_scores` / `model_scores`: RMSE by split ("val", "test")."""
    mode = predictor.config.target_mode
    # a network that is not trained adds nothing (core.pipeline.fit zeroes it), highway or not
    start = (LINEAR_START if predictor.linear_start else
             ANCHOR_START if highway or kind != NETWORK else UNTRAINED_START)
    used = bool(features) and (kind == NETWORK or start != ANCHOR_START)
    change = None
    if forecast is not None and anchor_forecast is not None and len(forecast) == len(anchor_forecast):
        change = float(np.max(np.abs(np.asarray(forecast, dtype=np.float64) - anchor_forecast), initial=0.0))
    return Credit(kind, mode if mode in ANCHORED_MODES else None, start, tuple(features), used,
                  anchor_scores.get("val"), anchor_scores.get("test"), model_scores.get("val"),
                  model_scores.get("test"),
                  None if anchor_forecast is None else [float(v) for v in anchor_forecast], change)
