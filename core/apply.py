"""Applying a saved model to a table: predictions for every window, then the future."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import DataError, ForecasterError
from core.evaluation.metrics import forecast_metrics, naive_scale
from core.i18n import _
from core.model.bundle import LoadedBundle
from core.model.predictor import interval_bounds
from core.prep.future import FutureFeatures, future_template, read_future
from core.prep.timeindex import TimeIndex, time_labels
from core.settings.config import check_forecast_steps

OUTPUT_COLUMNS = ["time", "step", "actual", "predicted", "lower", "upper"]


def _checked(bundle: LoadedBundle, frame: pd.DataFrame, source: str) -> None:
    bundle.predictor.check_columns(frame, source)
    c = bundle.config
    if len(frame) < c.window:
        raise DataError(_("{source} has {rows} rows; the model reads windows of {window} rows.").format(
                            source=source, rows=len(frame), window=c.window))


def predict_table(bundle: LoadedBundle, frame: pd.DataFrame, date_column: str | None,
                  date_is_year: bool = False, source: str | None = None,
                  forecast_steps: int | None = None) -> pd.DataFrame:
    """time, step, actual, predicted, lower, upper for every window with known targets,
    followed by the forecast past the last row (actual left empty). `source` names the table in
    messages (default: "the data", translated)."""
    check_forecast_steps(forecast_steps)
    source = source or _("the data")
    _checked(bundle, frame, source)
    p = bundle.predictor
    c = p.config
    origins = np.arange(c.window - 1, len(frame) - c.horizon, dtype=np.int64)
    parts = []
    if len(origins):
        predicted = p.predict(p.series(frame), origins)
        rows = origins[:, None] + np.arange(1, c.horizon + 1)[None, :]
        lower, upper = interval_bounds(predicted.ravel(), np.tile(p.half_widths, len(origins)), p.interval_scale)
        parts.append(pd.DataFrame({
            "time": time_labels(frame, date_column, rows.ravel(), date_is_year),
            "step": np.tile(np.arange(1, c.horizon + 1), len(origins)),
            "actual": frame[c.target].to_numpy(dtype=np.float64)[rows.ravel()],
            "predicted": predicted.ravel(),
            "lower": lower,
            "upper": upper,
            "origin": np.repeat(origins, c.horizon),  # row of the last value each window saw
        }))
    future = forecast_table(bundle, frame, date_column, date_is_year, source, forecast_steps)
    # the forecast's rows keep how each was made (direct or recursive): the window's Method column
    parts.append(future.assign(actual=np.nan)[OUTPUT_COLUMNS + [c for c in ("method",) if c in future]])
    return pd.concat(parts, ignore_index=True)


def forecast_table(bundle: LoadedBundle, frame: pd.DataFrame | None = None,
                   date_column: str | None = None, date_is_year: bool = False,
                   source: str | None = None, steps: int | None = None,
                   future: FutureFeatures | None = None) -> pd.DataFrame:
    """The future after the last row of `frame`, or after the data the model was trained on, with
    the feature columns at the `future` values given (future_for), else held at their last values."""
    check_forecast_steps(steps)
    if frame is None:
        try:
            return bundle.predictor.forecast(bundle.tail, bundle.time_index, steps, future)
        except ValueError as exc:  # e.g. dates past what pandas can hold (year 2262)
            raise DataError(_("Can't label the forecast after the model's last row: {reason}.").format(
                reason=_reason(exc))) from None
    source = source or _("the data")
    _checked(bundle, frame, source)
    index = TimeIndex.of(frame, date_column, date_is_year)
    try:
        return bundle.predictor.forecast(frame, index, steps, future)
    except ValueError as exc:
        raise DataError(_("Can't label the forecast after the last row of {source}: {reason}.").format(
            source=source, reason=_reason(exc))) from None


def future_for(bundle: LoadedBundle, path: str | Path, frame: pd.DataFrame | None = None,
               date_column: str | None = None, date_is_year: bool = False, steps: int | None = None,
               sheet: str | None = None) -> FutureFeatures:
    """The future feature values in `path` checked for the forecast forecast_table makes with the
    same arguments: after the last row of `frame`, else after the model's own data."""
    index, date_column = _future_index(bundle, frame, date_column, date_is_year, steps)
    return read_future(path, list(bundle.config.features), index, bundle.predictor.steps(steps), date_column, sheet)


def future_template_for(bundle: LoadedBundle, frame: pd.DataFrame | None = None, date_column: str | None = None,
                        date_is_year: bool = False, steps: int | None = None) -> pd.DataFrame:
    """The future rows forecast_table would forecast (after `frame`, else after the model's own
    data) with the feature columns empty, for the user to fill."""
    index, date_column = _future_index(bundle, frame, date_column, date_is_year, steps)
    return future_template(list(bundle.config.features), index, bundle.predictor.steps(steps), date_column)


def _future_index(bundle: LoadedBundle, frame: pd.DataFrame | None, date_column: str | None, date_is_year: bool,
                  steps: int | None) -> tuple[TimeIndex, str | None]:
    """The time index the forecast continues (of `frame`, else the model's own data) and its date column."""
    check_forecast_steps(steps)
    if frame is None:
        return bundle.time_index, bundle.config.date_column
    return TimeIndex.of(frame, date_column, date_is_year), date_column


def _reason(exc: ValueError) -> str:
    """The reason no labels follow: ours in words (NoFutureLabels), never a library's English text."""
    return str(exc) if isinstance(exc, ForecasterError) else _("the dates can't be continued")


def applied_metrics(known: pd.DataFrame, target: pd.Series) -> dict[str, dict[str, float | None]]:
    """The model and the naive forecast scored on a new file's windows (no Ridge: it isn't saved).

    `known`: predict_table's rows with a known actual value; `target`: the file's target column.
    """
    if known.empty:
        return {}
    values = target.to_numpy(dtype=float)
    naive = values[known["origin"].to_numpy(dtype=np.int64)]  # the last value each window saw
    actual = known["actual"].to_numpy()
    scale = naive_scale(values)
    return {"model": forecast_metrics(actual, known["predicted"].to_numpy(), scale),
            "naive": forecast_metrics(actual, naive, scale)}


def applied_coverage(known: pd.DataFrame) -> float | None:
    """Share of known actual values inside their prediction intervals; None without intervals."""
    if known.empty or not np.isfinite(known["lower"]).all():
        return None
    inside = (known["actual"] >= known["lower"]) & (known["actual"] <= known["upper"])
    return float(inside.mean())


def recent_rows(bundle: LoadedBundle) -> pd.DataFrame:
    """The saved model's last training rows as a predictions table (time, step, actual, predicted
    left empty), so a chart can show where its forecast starts."""
    c = bundle.config
    tail = bundle.tail
    times = (tail[c.date_column].to_numpy() if c.date_column and c.date_column in tail
             else np.arange(bundle.time_index.rows - len(tail) + 1, bundle.time_index.rows + 1))
    return pd.DataFrame({"time": times, "step": 1, "actual": tail[c.target].to_numpy(), "predicted": np.nan})


def training_overlap(bundle: LoadedBundle, frame: pd.DataFrame, date_column: str | None,
                     date_is_year: bool = False) -> str | None:
    """The last label the model was trained on when `frame` has rows up to or before it (its scores
    there are no fair test: the model has seen those values), else None. Needs dates on both."""
    index = bundle.time_index
    if date_column is None or date_column not in frame.columns or index.kind == "rows" or not len(frame):
        return None
    dates = pd.DatetimeIndex(frame[date_column])
    if index.kind == "years":
        first, last = int(dates.min().year), int(index.last)
        return str(last) if first <= last else None
    last_trained = pd.Timestamp(index.last)
    if dates.min() <= last_trained:
        return last_trained.strftime("%Y-%m-%d") if last_trained == last_trained.normalize() else str(last_trained)
    return None
