"""model.json: what a bundle says besides its weights, written from a run and checked when read.

Every reason a description is refused is a translated phrase raised where it is found
(DamagedValue); the loader words it into one sentence naming the file. Errors of Python or
pandas, worded in English, never reach the user: they are mapped to the entry being read.
"""

from __future__ import annotations

import json
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core import __version__
from core.errors import BundleError, DamagedValue, ForecasterError
from core.i18n import _, ngettext
from core.model.bundle.archive import MAX_MEMBER_BYTES, META_FILE, Members
from core.model.predictor import ABSOLUTE, INTERVAL_SCALES, LOG
from core.prep.scaling import scaler_from_dict, scaler_to_dict
from core.prep.timeindex import DATES, ROWS, WEEKDAYS, YEARS, TimeIndex
from core.settings.config import ForecastConfig, ResolvedConfig

FORMAT = "lstm-forecaster-model"
BUNDLE_SCHEMA = 3  # the newest this version reads
# 2: intervals may be on the log of the target ("scale": "log"); a model whose intervals are in the
# target's units is still written as 1, so older versions open it, and refuse only what they'd misread
LOG_INTERVALS_SCHEMA = 2
# 3: the smoothing may hold a Complex Exponential Smoothing member ("kind": "ces"), which versions
# before it would call damaged; written only when it does
CES_SCHEMA = 3


def schema_of(predictor) -> int:
    """The oldest schema that reads this predictor right."""
    members = getattr(predictor.smoothing, "members", ())
    if any(member.to_dict().get("kind") == "ces" for member in members):
        return CES_SCHEMA
    return LOG_INTERVALS_SCHEMA if predictor.interval_scale == LOG else 1


def library_versions() -> dict[str, str]:
    import pandas
    import sklearn
    import torch

    return {
        "app": __version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "scikit-learn": sklearn.__version__,
    }


def _tail_to_json(tail: pd.DataFrame, date_column: str | None) -> dict[str, list]:
    out: dict[str, list] = {}
    for column in tail.columns:
        if column == date_column:
            out[column] = [pd.Timestamp(v).isoformat() for v in tail[column]]
        else:
            out[column] = [float(v) for v in tail[column]]
    return out


def build_meta(result, tensors: dict[str, list[int]], data_sha256: str | None) -> dict[str, Any]:
    """model.json of a run (core.pipeline.ExperimentResult) whose network has these tensor shapes."""
    predictor = result.predictor
    c = result.config
    return {
        "format": FORMAT,
        "schema_version": schema_of(predictor),
        "config": c.to_dict(),
        "columns": {"target": c.target, "features": list(c.features),
                    "date_column": c.date_column, "inputs": c.input_columns},
        "scalers": {
            "target": scaler_to_dict(predictor.target_scaler),
            "features": scaler_to_dict(predictor.feature_scaler) if predictor.feature_scaler else None,
        },
        "intervals": {"level": c.interval_level, "half_widths": predictor.half_widths.tolist(),
                      "calibrated_on": predictor.interval_source, "scale": predictor.interval_scale},
        "time_index": result.time_index.to_dict(),
        "tail": _tail_to_json(result.tail, c.date_column),
        # the exponential smoothing the network corrects (target mode "smoothing"); None otherwise
        "smoothing": predictor.smoothing.to_dict() if predictor.smoothing is not None else None,
        # what made the forecast and the anchor alone's scores and forecast (core.pipeline.credit);
        # absent from older models: unknown
        "anchor": result.credit.to_dict() if getattr(result, "credit", None) is not None else None,
        "tensors": tensors,
        "training": result.history.to_dict(),
        "test_metrics": result.test_metrics,
        "coverage": result.coverage,
        "data_sha256": data_sha256,
        "seed": c.seed,
        "versions": library_versions(),
    }


def read_meta(members: Members, path: Path) -> dict[str, Any]:
    """model.json as a dict of this app's format and of a schema this version reads."""
    where = path.name
    try:
        meta = json.loads(members.read(META_FILE, MAX_MEMBER_BYTES[META_FILE]).decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, absurd nesting or numbers
        raise BundleError(_("{file}: its {member} is damaged ({problem}).").format(
                              file=where, member=META_FILE, problem=_json_problem(exc))) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError(_("{file} is not an LSTM Forecaster model description.").format(file=where))
    version = meta.get("schema_version")
    if not isinstance(version, int) or version > BUNDLE_SCHEMA:
        raise BundleError(_("{file} was saved by a newer version of LSTM Forecaster (model schema {version}); "
                            "please update the app to open it.").format(file=where, version=version))
    return meta


def _json_problem(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return _("it is not UTF-8 text")
    if isinstance(exc, RecursionError):
        return _("it is nested too deeply")
    if isinstance(exc, json.JSONDecodeError):
        return _("it is not valid JSON: line {line}, column {column}").format(line=exc.lineno, column=exc.colno)
    return _("it holds a number too long to read")  # int() refuses more than 4300 digits


@dataclass
class MetaParts:
    """What model.json holds that a predictor is built from, read and checked."""

    config: ResolvedConfig
    target_scaler: Any
    feature_scaler: Any | None
    half_widths: np.ndarray
    interval_scale: str  # core.model.predictor.INTERVAL_SCALES; models saved before it: absolute
    time_index: TimeIndex
    tail: pd.DataFrame
    smoothing: Any  # core.prep.smoothing.SmoothingAverage | HoltWinters when the target mode is "smoothing"


def parse_meta(meta: dict[str, Any], where: str) -> MetaParts:
    """The parts of model.json, each checked against the settings before any of it is used."""
    entry = "config"  # the entry being read, named when Python's own error says what went wrong
    try:
        config = ResolvedConfig.from_dict(meta["config"])  # saved as planned: window, threads filled
        entry = "scalers"
        target_scaler = scaler_from_dict(meta["scalers"]["target"])
        features = meta["scalers"].get("features")
        feature_scaler = scaler_from_dict(features) if features else None
        entry = "intervals"
        half_widths = np.asarray(meta["intervals"]["half_widths"], dtype=np.float64)
        interval_scale = meta["intervals"].get("scale", ABSOLUTE)
        if interval_scale not in INTERVAL_SCALES:
            raise DamagedValue(_("the interval scale must be one of {scales} (got {value!r})").format(
                scales=", ".join(INTERVAL_SCALES), value=str(interval_scale)[:40]))
        entry = "time_index"
        time_index = TimeIndex.from_dict(meta["time_index"])
        entry = "tail"
        tail = pd.DataFrame(meta["tail"])
        if config.date_column and config.date_column in tail:
            tail[config.date_column] = pd.to_datetime(tail[config.date_column])
        check_meta(config, target_scaler, feature_scaler, half_widths, time_index, tail)
        smoothing = None
        if config.target_mode == "smoothing":
            from core.prep.smoothing import smoothing_from_dict

            entry = "smoothing"
            smoothing = smoothing_from_dict(meta["smoothing"])
    except ForecasterError as exc:  # worded where it was raised, in the user's language
        problem = str(exc).rstrip(".。")  # a whole sentence (a ConfigError) goes inside the parentheses
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
        if isinstance(exc, KeyError) and exc.args and str(exc.args[0]) != entry:
            problem = _("the entry {entry} lacks {key}").format(entry=f'"{entry}"', key=f'"{str(exc.args[0])[:60]}"')
        else:
            problem = _("the entry {entry} is missing or not valid").format(entry=f'"{entry}"')
    else:
        return MetaParts(config, target_scaler, feature_scaler, half_widths, interval_scale, time_index, tail,
                         smoothing)
    raise BundleError(_("{file} is incomplete or damaged ({problem}).").format(file=where, problem=problem))


# C0 and C1 controls but tab and line breaks (a quoted CSV header may hold those), DEL, and the
# bidirectional overrides and isolates, which reorder what a terminal or label shows
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _scaler_fits(scaler, width: int) -> bool:
    stats = [getattr(scaler, name) for name in ("mean_", "scale_", "data_min_", "data_max_")
             if hasattr(scaler, name)]
    return (getattr(scaler, "n_features_in_", None) == width and bool(stats)
            and all(np.shape(v) == (width,) and np.isfinite(v).all() for v in stats))


def check_meta(config: ForecastConfig, target_scaler, feature_scaler, half_widths: np.ndarray,
               time_index: TimeIndex, tail: pd.DataFrame) -> None:
    """Everything model.json says must fit the settings before any of it is used.

    Raises DamagedValue with the reason (the caller words it as a damaged file).
    """
    n_features = len(config.input_columns) - 1
    for name in [*config.input_columns, config.date_column or ""]:
        if _TERMINAL_CONTROL.search(name):
            # ESC ... BEL printed in "They hold the feature columns (...)" drives the terminal
            # (OSC 52 sets the clipboard); a CSV can't carry them (refused as binary), only a crafted file
            raise DamagedValue(_("a column name holds control characters"))
    if not _scaler_fits(target_scaler, 1):
        raise DamagedValue(_("the target's scaler does not fit one column"))
    for scaler in (target_scaler, feature_scaler):
        # a zero scale divides by zero: every forecast would come out NaN
        if scaler is not None and hasattr(scaler, "mean_") and not (scaler.scale_ > 0).all():
            raise DamagedValue(_("a scaler's scale is zero or negative"))
        if scaler is not None and hasattr(scaler, "data_min_") and not (
                scaler.data_max_ >= scaler.data_min_).all():
            raise DamagedValue(_("a scaler's minimum is above its maximum"))
    if n_features and (feature_scaler is None or not _scaler_fits(feature_scaler, n_features)):
        raise DamagedValue(ngettext("the feature scaler does not fit {count} feature column",
                                    "the feature scaler does not fit {count} feature columns",
                                    n_features).format(count=n_features))
    if half_widths.shape != (config.horizon,) or (half_widths < 0).any():
        raise DamagedValue(_("the interval widths do not match the horizon"))
    if not np.isfinite(half_widths).all():
        raise DamagedValue(_("the interval widths are not finite numbers"))
    _check_time_index(time_index)
    if config.season and config.season > max(time_index.rows, len(tail)):
        raise DamagedValue(_("the season is longer than the rows the model was trained on"))
    if len(tail) < config.window:
        raise DamagedValue(_("fewer stored rows than the window"))
    for column in config.input_columns:
        try:
            values = pd.to_numeric(tail[column], errors="raise").to_numpy(dtype=np.float64)
        except (ValueError, TypeError):
            raise DamagedValue(_("stored rows of {column!r} are not numbers").format(column=column)) from None
        if not np.isfinite(values).all():
            raise DamagedValue(_("stored rows of {column!r} are not finite numbers").format(column=column))


def _check_calendar(time_index: TimeIndex) -> None:
    """The weekdays and session times a trading calendar keeps to (core.prep.timeindex.Calendar)."""
    if time_index.weekmask is not None:
        days = str(time_index.weekmask).split()
        if not days or any(day not in WEEKDAYS for day in days):
            raise DamagedValue(_("the weekdays {days!r} are not a calendar's").format(days=time_index.weekmask))
    for clock in time_index.times or ():
        try:
            offset = pd.Timedelta(clock)
        except (ValueError, TypeError):
            offset = None
        if offset is None or pd.isna(offset) or not pd.Timedelta(0) <= offset < pd.Timedelta(days=1):
            raise DamagedValue(_("the time of day {time!r} is not one").format(time=clock))


def _check_time_index(time_index: TimeIndex) -> None:
    if time_index.kind not in (ROWS, DATES, YEARS) or time_index.rows < 0:
        raise DamagedValue(_("unknown time index {kind!r}").format(kind=time_index.kind))
    if time_index.kind == DATES:
        try:
            last = pd.Timestamp(time_index.last)
        except (ValueError, TypeError, OverflowError):
            raise DamagedValue(_("the last date {date!r} is not a date").format(date=time_index.last)) from None
        if pd.isna(last):
            raise DamagedValue(_("the last date is missing"))
        if time_index.freq is not None:
            try:
                step = pd.tseries.frequencies.to_offset(time_index.freq)
            except (ValueError, TypeError):
                raise DamagedValue(_("the frequency {freq!r} is not one of dates").format(
                    freq=time_index.freq)) from None
            if getattr(step, "n", 1) <= 0:  # future dates would run backwards, or stand still
                raise DamagedValue(_("the frequency {freq!r} does not move forward").format(freq=time_index.freq))
        _check_calendar(time_index)
    elif not isinstance(time_index.last, int) or isinstance(time_index.last, bool):
        raise DamagedValue(_("the last row's label {label!r} is not a whole number").format(label=time_index.last))
