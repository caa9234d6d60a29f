"""What a run returns: the numbers, the models that made them, and the words both faces show."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.i18n import _, ngettext
from core.model.predictor import Predictor
from core.model.progress import TrainingHistory
from core.pipeline.credit import NETWORK, Credit
from core.pipeline.plan import RunPlan
from core.prep.future import FutureFeatures, features_future_code
from core.prep.split import SPLITS
from core.prep.timeindex import TimeIndex, time_labels
from core.settings.config import ForecastConfig


@dataclass
class ExperimentResult:
    plan: RunPlan
    history: TrainingHistory  # of the first network of the scoring model
    predictor: Predictor  # the forecast model: refit on every row (or the scoring model when not refit)
    # every scored window, compact; `predictions` (the table: time, step, actual, predicted, lower,
    # upper, split, origin, target_row) is built from it when first asked, not by the run
    scored: ScoredWindows
    test_metrics: dict[str, dict[str, float | None]]
    ridge_windows: int
    data_info: dict[str, Any]
    coverage: dict[str, Any]  # interval coverage on the test split: overall and per step
    forecast: pd.DataFrame | None  # past the end: time, step, predicted, lower, upper, method
    time_index: TimeIndex
    tail: pd.DataFrame  # the last `window` rows (date and input columns): enough to forecast again
    scoring_predictor: Predictor | None = None  # trained on the training rows only: made every score
    models: dict[str, Any] = field(default_factory=dict)  # which model made which numbers, in words
    val_metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)
    credit: Credit | None = None  # what made the forecast, with the anchor alone scored beside it
    # the user's cancel cut a network or the refit short: what trained so far is kept (the first
    # network's `history` may still say it stopped early, when a later one was cancelled)
    cancelled: bool = False
    future: FutureFeatures | None = None  # the feature columns' future values the forecast read (None: held)
    # every value of the target with its time (time, actual): the chart's real line, the rows before
    # the first window and those of a file too short for any window included
    actual: pd.DataFrame | None = None
    # the scoring model's predictions of the windows no split holds (straddling a split boundary, or
    # running past the last row): time, step, predicted, target_row. The chart draws them so a
    # step's line has no gap; they are never scored or exported
    bridge: pd.DataFrame | None = None
    scoring_histories: list[TrainingHistory] = field(default_factory=list)  # every scoring network's
    resumed_from: str | None = None  # the bundle a continued run's networks came from (CLI --resume)
    _predictions: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def predictions(self) -> pd.DataFrame:
        """Every scored window's steps as a table, built on first use and kept (the faces show it);
        a view of one split or step, or a CSV in chunks, needs no whole table: `scored.table`."""
        if self._predictions is None:
            self._predictions = self.scored.table()
        return self._predictions

    @property
    def config(self) -> ForecastConfig:
        return self.plan.config

    @property
    def model(self):
        return self.predictor.model

    @property
    def target_scaler(self):
        return self.predictor.target_scaler

    @property
    def feature_scaler(self):
        return self.predictor.feature_scaler

    def beats_naive(self) -> bool | None:
        """Whether the model's test RMSE is below the naive forecast's; None when nothing was scored."""
        from core.evaluation.metrics import model_beats_naive

        return model_beats_naive(self.test_metrics)

    def verdict(self) -> dict[str, Any]:
        """How the model compares with the best baseline on the test split, for both faces."""
        from core.evaluation.metrics import verdict, verdict_sentence
        from core.outputs.summary import made_by_sentence

        result = verdict(self.test_metrics, seasonal=bool(self.config.season))
        if self.credit is not None:
            result["made_by"] = self.credit.made_by
        if self.plan.forecast_only:
            return result | {"sentence": _("Nothing was scored: the data has too few rows to hold out a test split. "
                                           "Treat the forecast as exponential smoothing's best guess.")}
        sentence = verdict_sentence(result, network_made_it=self.credit is None or self.credit.made_by == NETWORK)
        lead = made_by_sentence(self.credit) if self.credit is not None else ""
        if lead:  # the verdict credits whatever made the forecast, not "the model" in the abstract
            sentence = _("{made_by} {verdict}").format(made_by=lead, verdict=sentence)
        return result | {"sentence": sentence}

    def assumption(self) -> str:
        """What the forecast assumed about the future, in words (the feature values given, or held)."""
        return self.predictor.assumption(None, self.future)

    def models_sentence(self) -> str:
        """Which model made the scores and which the forecast, in one line for both faces."""
        if self.plan.forecast_only:
            return _("The forecast is {forecast}.").format(forecast=self.models["forecast"])
        return _("Scores: the model {scores}. Forecast: {forecast}.").format(scores=self.models["scores"],
                                                                            forecast=self.models["forecast"])

    def metrics_dict(self) -> dict[str, Any]:
        scoring = self.scoring_predictor or self.predictor
        return {
            "config": self.config.to_dict(),
            "data": self.data_info,
            "training": self.history.to_dict() | ({"resumed_from": self.resumed_from} if self.resumed_from else {}),
            "test": self.test_metrics,
            "validation": self.val_metrics,
            "verdict": self.verdict(),
            "models": self.models,
            "coverage": self.coverage["overall"],
            "intervals": {
                "level": self.config.interval_level,
                "test_coverage": self.coverage["overall"],
                "test_coverage_per_step": self.coverage["per_step"],
                "half_widths": scoring.half_widths.tolist(),
                "calibrated_on": scoring.interval_source,
                "forecast_half_widths": self.predictor.half_widths.tolist(),
                "forecast_calibrated_on": self.predictor.interval_source,
                "forecast_scale": self.predictor.interval_scale,
                "method": "split-conformal, per step",
            },
            "forecast": {"steps": 0 if self.forecast is None else len(self.forecast),
                         "assumes": self.assumption(),
                         "features_future": features_future_code(self.config.features, self.predictor.steps(),
                                                                 self.config.horizon, self.future),
                         "features_future_file": None if self.future is None else self.future.file,
                         "model": self.models.get("forecast"),
                         "made_by": None if self.credit is None else self.credit.made_by,
                         "time": self.time_index.describe()},
            # what made the forecast; the anchor alone scored beside the model, and its own forecast
            "anchor": None if self.credit is None else self.credit.to_dict(),
            "notes": self.plan.notes,
        }



def model_words(plan: RunPlan, rows: int, histories: list, refit: bool) -> dict[str, str]:
    """Which model made the scores and which the forecast, in words (metrics.json's `models`).

    `histories`: the scoring networks' (their best epochs are what the refit trained for);
    `refit`: whether the forecast model was retrained on every row.
    """
    c = plan.config
    if plan.forecast_only:
        return {"scores": _("nothing: too few rows to hold out a test split"),
                "forecast": _("exponential smoothing fit on all {rows} rows (too few rows to train a network)")
                .format(rows=rows)}
    last = plan.bounds.train_end
    if plan.smoothing_alone:
        scores = _("(exponential smoothing, no network) fit on rows 1-{last} (the training split); validation and "
                   "test rows never fit it").format(last=last)
    else:
        scores = _("trained on rows 1-{last} (the training split); validation and test rows never trained "
                   "it").format(last=last)
    if not refit:
        forecast = _("the scoring model (trained on the training split only)")
    elif plan.smoothing_alone:
        forecast = _("exponential smoothing refit on all {rows} rows").format(rows=rows)
    elif histories and all(h.best_epoch == 0 for h in histories):
        # "refit for 0, 0, 0 epochs" reads like a fault: say what the forecast is
        forecast = _("refit on all {rows} rows, training no network (every one kept its starting "
                     "point)").format(rows=rows)
    else:
        forecast = ngettext(
            "refit on all {rows} rows for {epochs} epochs ({count} network)",
            "refit on all {rows} rows for {epochs} epochs ({count} networks)", c.ensemble).format(
            rows=rows, epochs=", ".join(str(h.best_epoch) for h in histories), count=c.ensemble)
    return {"scores": scores, "forecast": forecast}


def actual_frame(frame: pd.DataFrame, plan: RunPlan, date_is_year: bool) -> pd.DataFrame:
    """Every row's target value and time label, as the chart's real line draws them."""
    c = plan.config
    return pd.DataFrame({"time": time_labels(frame, c.date_column, np.arange(len(frame)), date_is_year),
                         "actual": frame[c.target].to_numpy(dtype=np.float64)})


def bridge_frame(frame: pd.DataFrame, plan: RunPlan, predictor: Predictor, date_is_year: bool) -> pd.DataFrame | None:
    """The scoring model's predictions of every window that no split holds, at the steps whose rows
    exist (None with one step: then every window is in a split). A few windows per boundary."""
    c = plan.config
    if c.horizon <= 1:  # asked first: the set difference below sorts a million origins
        return None
    scored = np.concatenate([plan.origins[s] for s in SPLITS])
    extra = np.setdiff1d(np.arange(c.window - 1, len(frame) - 1, dtype=np.int64), scored)
    if not len(extra):
        return None
    predicted = predictor.predict(predictor.series(frame), extra)
    rows = extra[:, None] + np.arange(1, c.horizon + 1)[None, :]
    inside = rows < len(frame)
    return pd.DataFrame({"time": time_labels(frame, c.date_column, rows[inside], date_is_year),
                         "step": np.broadcast_to(np.arange(1, c.horizon + 1), rows.shape)[inside],
                         "predicted": predicted[inside], "target_row": rows[inside]})


@dataclass
class ScoredWindows:
    """Every scored window's results, compact: ~13 bytes a window at one step (origin, split code,
    predicted value), where the pandas table of the same windows takes 53 a row. The table is
    built from it when asked, whole or one split's or step's view or a slice of windows
    (issue 25 item 5: a million windows' table is not built by the run, nor kept by a CSV export)."""
    origins: np.ndarray  # (N,) row of each window's last input, train then validation then test
    split_codes: np.ndarray  # (N,) int8 index into SPLITS
    predicted: np.ndarray  # (N, H) by the scoring model, in the target's units
    half_widths: np.ndarray  # (H,) the scoring model's interval half-widths
    rows: pd.DataFrame  # every row's time label and target value (time, actual): read, never copied

    @property
    def horizon(self) -> int:
        return self.predicted.shape[1]

    def __len__(self) -> int:
        """Rows of the whole table: one per window and step."""
        return self.predicted.size

    def table(self, split: str | None = None, step: int | None = None, start: int = 0,
              stop: int | None = None) -> pd.DataFrame:
        """time, step, actual, predicted, lower, upper, split, origin, target_row of the windows
        `start:stop` (of `split` only, when given) at every step (at `step` only, when given)."""
        chosen = slice(start, stop)
        origins, codes, predicted = self.origins[chosen], self.split_codes[chosen], self.predicted[chosen]
        if split is not None:
            keep = codes == SPLITS.index(split)
            origins, codes, predicted = origins[keep], codes[keep], predicted[keep]
        steps = np.arange(1, self.horizon + 1) if step is None else np.array([step])
        predicted = predicted[:, steps - 1]
        half = self.half_widths[steps - 1]
        target_rows = (origins[:, None] + steps[None, :]).ravel()
        return pd.DataFrame({
            "time": self.rows["time"].to_numpy()[target_rows],
            "step": np.tile(steps.astype(np.int32), len(origins)),
            "actual": self.rows["actual"].to_numpy()[target_rows],
            "predicted": predicted.ravel(),
            "lower": (predicted - half).ravel(),
            "upper": (predicted + half).ravel(),
            "split": pd.Categorical.from_codes(np.repeat(codes, len(steps)), categories=SPLITS),
            "origin": np.repeat(origins.astype(np.int32), len(steps)),
            "target_row": target_rows.astype(np.int32),
        }, copy=False)  # the arrays above are fresh: no second copy

    def times(self) -> np.ndarray:
        """The whole table's time column alone."""
        rows = self.origins[:, None] + np.arange(1, self.horizon + 1)[None, :]
        return self.rows["time"].to_numpy()[rows.ravel()]

    def chunks(self, windows: int = 100_000) -> Iterator[pd.DataFrame]:
        """The whole table in slices of `windows` windows, in order (a CSV written piece by piece);
        one empty table when there are no windows, so a writer still writes the header."""
        for begin in range(0, max(len(self.origins), 1), windows):
            yield self.table(start=begin, stop=begin + windows)


def data_info(frame: pd.DataFrame, plan: RunPlan, ridge_windows: int, time_index: TimeIndex,
              source_info: dict[str, Any] | None) -> dict[str, Any]:
    """metrics.json's `data`: rows, splits, windows, shapes, columns and how the file was read."""
    return {
        "rows": len(frame),
        "split_rows": plan.bounds.sizes,
        "windows": {s: len(plan.origins[s]) for s in SPLITS},
        "shapes": plan.shapes,
        **plan.shapes,
        "input_columns": plan.config.input_columns,
        "ridge_training_windows": ridge_windows,
        "second_season": plan.second_season,
        "time_index": time_index.to_dict(),
        **(source_info or {}),
    }
