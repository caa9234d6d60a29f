"""A trained model with everything needed to apply it: scalers, interval widths, the time index.

`run_experiment` builds one after training; a saved bundle loads back into one. Both faces use it
to predict every window of a table and to forecast past its end with split-conformal intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.errors import DataError
from core.i18n import _, ngettext
from core.prep.future import FutureFeatures, features_future_sentence
from core.prep.timeindex import TimeIndex
from core.settings.config import ForecastConfig

PREDICT_BATCH = 4096
# how half-widths apply: in the target's units (predicted ± w), or on its log (predicted · e^±w)
ABSOLUTE, LOG = "absolute", "log"
INTERVAL_SCALES = (ABSOLUTE, LOG)
DIRECT, RECURSIVE = "direct", "recursive"


@dataclass
class Predictor:
    config: ForecastConfig
    model: Any  # core.model.network.RecurrentForecaster, in eval mode
    target_scaler: Any
    feature_scaler: Any | None
    half_widths: np.ndarray  # (H,) interval half-widths in the target's units
    interval_source: str = "val"  # which residuals calibrated them: a code of core.evaluation.intervals
    smoothing: Any = None  # core.prep.smoothing.SmoothingAverage (or HoltWinters) when the target mode is "smoothing"
    linear_start: bool = False  # the networks started at the Ridge solution (else at the anchor alone)
    interval_scale: str = ABSOLUTE  # half_widths in the target's units, or LOG: on its log

    @property
    def context_rows(self) -> int:
        """Rows a forecast reads before its end: the window, or the smoothing's history too."""
        from core.prep.smoothing import MAX_FIT_ROWS

        return MAX_FIT_ROWS if self.config.target_mode == "smoothing" else self.config.window

    def context_start(self, rows: int) -> int:
        """Where the rows a forecast reads begin in a table of `rows` rows: the last context_rows, or a
        few more so that they start a whole number of seasons after row 0 (the smoothing's seasonal
        indices belong to the phase of the rows it was fit on)."""
        from core.prep.smoothing import aligned_start

        keep = max(self.config.window, self.context_rows)
        season = self.config.season if self.config.target_mode == "smoothing" else None
        return aligned_start(rows, keep, season)

    @property
    def columns(self) -> list[str]:
        return self.config.input_columns

    def check_columns(self, frame: pd.DataFrame, source: str | None = None) -> None:
        """DataError unless `frame` has the model's columns, numeric; `source` names it (default: "the data")."""
        source = source or _("the data")
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise DataError(ngettext("{source} lacks the column the model was trained on: {columns}.",
                                     "{source} lacks the columns the model was trained on: {columns}.",
                                     len(missing)).format(source=source,
                                                          columns=", ".join(repr(c) for c in missing)))
        for column in self.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                raise DataError(_("Column {column!r} in {source} is not numeric.").format(column=column, source=source))

    def transformed_target(self, frame: pd.DataFrame, source: str | None = None) -> np.ndarray:
        """The target column as the model sees it before scaling: its log when the settings say so."""
        source = source or _("the data")
        values = frame[self.config.target].to_numpy(dtype=np.float64)
        if self.config.transform != "log":
            return values
        if len(values) and not (values > 0).all():
            raise DataError(_("The model works on the logarithm of {column!r}, so every value must be above zero, "
                              "and {source} holds {count} that are not. Train a model with the transform set to "
                              "'none' for such data.").format(column=self.config.target, source=source,
                                                              count=int((values <= 0).sum())))
        return np.log(values)

    def to_units(self, scaled_levels: np.ndarray) -> np.ndarray:
        """Scaled target levels (any shape) -> the target's own units."""
        shape = scaled_levels.shape
        units = self.target_scaler.inverse_transform(np.asarray(scaled_levels, dtype=np.float64)
                                                     .reshape(-1, 1)).reshape(shape)
        return np.exp(units) if self.config.transform == "log" else units

    def series(self, frame: pd.DataFrame):
        """The table scaled with the *training* statistics, as windows."""
        import torch

        from core.prep.scaling import transform_into
        from core.prep.windows import WindowedSeries

        c = self.config
        inputs = np.empty((len(frame), len(self.columns)), dtype=np.float32)
        transform_into(self.target_scaler, self.transformed_target(frame)[:, None], inputs[:, :1])
        scaled_target = inputs[:, 0].copy()
        if len(self.columns) > 1:
            transform_into(self.feature_scaler, frame, inputs[:, 1:], self.columns[1:])
        anchors = None
        if c.target_mode == "smoothing":  # forecasts from the rows up to each t, in the scaled units
            anchors = torch.from_numpy(self.smoothing.anchors(scaled_target, c.horizon).astype(np.float32))
        return WindowedSeries(torch.from_numpy(inputs), torch.from_numpy(scaled_target),
                              c.window, c.horizon, mode=c.target_mode, season=c.season, anchor_table=anchors)

    def predict(self, series, origins: np.ndarray) -> np.ndarray:
        """(N, H) forecasts in the target's units for windows ending at `origins`, batched."""
        import torch

        from core.model.training import eval_batch

        # one preallocated output: per-batch results kept in a list pin small blocks between
        # the large transient batch buffers, and the heap grew by ~3x as much (bench_memory.py)
        scaled = np.empty((len(origins), self.config.horizon), dtype=np.float64)
        out = torch.from_numpy(scaled)
        size = min(PREDICT_BATCH, eval_batch(self.model, series))
        with torch.no_grad():
            for start in range(0, len(origins), size):
                batch = torch.from_numpy(np.ascontiguousarray(origins[start:start + size]))
                out[start:start + size] = series.to_levels(batch, self.model(series.x(batch)))
        if not len(scaled):
            return scaled
        return self.to_units(scaled)

    def predict_anchor(self, series, origins: np.ndarray) -> np.ndarray | None:
        """(N, H) the anchor's own forecasts in the target's units: what `predict` gives with the
        network's output taken as zero. None in target mode "level" (nothing to add to)."""
        import torch

        if self.config.target_mode == "level":
            return None
        scaled = np.empty((len(origins), self.config.horizon), dtype=np.float64)
        for start in range(0, len(origins), PREDICT_BATCH):
            batch = torch.from_numpy(np.ascontiguousarray(origins[start:start + PREDICT_BATCH]))
            scaled[start:start + len(batch)] = series.to_levels(
                batch, torch.zeros((len(batch), self.config.horizon))).numpy()
        return self.to_units(scaled) if len(scaled) else scaled

    def _future_values(self, frame: pd.DataFrame, steps: int, anchor: bool = False,
                       future: FutureFeatures | None = None) -> np.ndarray:
        """The next `steps` values: direct up to the horizon, then fed back (recursive), with the
        feature columns at the `future` values given, else held at their last values."""
        c = self.config
        given = self._given(future, steps)
        if len(frame) < c.window:
            raise DataError(_("Forecasting needs at least the last {window} rows (the window); the data has "
                              "{rows}.").format(window=c.window, rows=len(frame)))
        work = frame.iloc[self.context_start(len(frame)):][self.columns].reset_index(drop=True)  # not a full-table copy
        predicted: list[float] = []
        while len(predicted) < steps:
            origin = np.array([len(work) - 1])
            levels = (self.predict_anchor if anchor else self.predict)(self.series(work), origin)[0]
            predicted.extend(levels.tolist())
            future_rows = pd.DataFrame({col: np.repeat(work[col].iloc[-1], c.horizon) for col in self.columns})
            if given is not None:  # the rows of these steps; past the last step (never read) the last given
                rows = np.minimum(np.arange(len(predicted) - len(levels), len(predicted)), len(given) - 1)
                for col in c.features:
                    future_rows[col] = given[col].to_numpy()[rows]
            future_rows[c.target] = levels
            work = pd.concat([work, future_rows], ignore_index=True)
            work = work.iloc[self.context_start(len(work)):].reset_index(drop=True)
        return np.asarray(predicted[:steps])

    def _given(self, future: FutureFeatures | None, steps: int) -> pd.DataFrame | None:
        """The future feature values to read, checked to cover the model's features and the steps."""
        if future is None or not self.config.features:
            return None
        absent = [f for f in self.config.features if f not in future.values.columns]
        if absent or len(future.values) < steps:
            raise DataError(_("The future feature values in {file} don't fit this forecast ({steps} steps of "
                              "{columns}); check the file again.").format(
                file=future.file, steps=steps, columns=", ".join(self.config.features)))
        return future.values

    def anchor_forecast(self, frame: pd.DataFrame, steps: int | None = None,
                        future: FutureFeatures | None = None) -> np.ndarray | None:
        """The anchor's own forecast of the next `steps` rows (as `forecast` makes it, with the
        network's output taken as zero, its own values fed back past the horizon); None in
        target mode "level"."""
        if self.config.target_mode == "level":
            return None
        return self._future_values(frame, steps or self.steps(), anchor=True, future=future)

    def steps(self, steps: int | None = None) -> int:
        """The steps a forecast makes: those asked, else the settings' forecast steps, else the horizon."""
        return steps or self.config.forecast_steps or self.config.horizon

    def forecast(self, frame: pd.DataFrame, time_index: TimeIndex, steps: int | None = None,
                 future: FutureFeatures | None = None) -> pd.DataFrame:
        """The next `steps` rows after the last one: time, step, predicted, lower, upper, method.

        Steps up to the horizon come straight from the network (direct). Further steps feed
        forecasts back as if observed, with the feature columns at the `future` values given (else
        held at their last values), and widen the interval by the square root of how many times
        that was done (recursive).
        """
        c = self.config
        steps = self.steps(steps)
        predicted_arr = self._future_values(frame, steps, future=future)
        if not np.isfinite(predicted_arr).all():  # e.g. a damaged scaler in an edited model file
            raise DataError(_("The forecast came out too large to represent (infinite or not a number): the model "
                              "file may be damaged, or the data is far outside what the model was trained on."))
        step = np.arange(1, steps + 1)
        rounds = (step - 1) // c.horizon  # 0 for direct steps
        widths = self.half_widths[(step - 1) % c.horizon] * np.sqrt(rounds + 1)
        lower, upper = interval_bounds(predicted_arr, widths, self.interval_scale)
        return pd.DataFrame({
            "time": time_index.future(steps),
            "step": step,
            "predicted": predicted_arr,
            "lower": lower,
            "upper": upper,
            "method": np.where(rounds == 0, DIRECT, RECURSIVE),
        })

    def assumption(self, steps: int | None = None, future: FutureFeatures | None = None) -> str:
        """In words: what a forecast of `steps` steps assumes about the future (`future`: the
        feature values given for it, if any)."""
        c = self.config
        steps = self.steps(steps)
        direct = min(steps, c.horizon)
        sentences = [_("Steps 1-{last} use only observed data.").format(last=direct) if direct > 1
                     else _("Step 1 uses only observed data.")]
        if steps > c.horizon:
            sentences.append(_("Steps {first}-{last} feed forecasts back as inputs (recursive), so errors compound "
                               "and the intervals are widened.").format(first=c.horizon + 1, last=steps))
        features = features_future_sentence(c.features, steps, c.horizon, future)
        return " ".join(sentences + [features] * bool(features))


def interval_bounds(predicted: np.ndarray, widths: np.ndarray, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of `predicted` with half-widths `widths` on `scale` (ABSOLUTE or LOG)."""
    if scale == LOG:
        return predicted * np.exp(-widths), predicted * np.exp(widths)
    return predicted - widths, predicted + widths
