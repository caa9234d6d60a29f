"""Tables and charts written out for the user: CSV bytes and figures, always atomically."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import ForecasterError
from core.files import atomic_write_bytes, atomic_write_chunks
from core.i18n import _

FIGURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows Chinese column names and text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def csv_date_format(times: np.ndarray) -> str | None:
    """The format pandas' to_csv gives a whole datetime column, so that a table written piece by
    piece reads the same as written at once: dates alone when every value is a midnight, else whole
    seconds. None for labels that aren't datetimes (row numbers, years): pandas writes those the same
    in any piece. Raises ValueError for sub-second times (their digits depend on the whole column)."""
    if not np.issubdtype(times.dtype, np.datetime64):
        return None
    ticks = times[~np.isnat(times)].astype("datetime64[ns]").astype(np.int64)
    if (ticks % 1_000_000_000).any():
        raise ValueError("sub-second times")
    return "%Y-%m-%d" if not (ticks % 86_400_000_000_000).any() else "%Y-%m-%d %H:%M:%S"


def write_csv_pieces(path: str | Path, pieces: Iterable[pd.DataFrame], columns: list[str],
                     date_format: str | None) -> None:
    """UTF-8 CSV of the pieces one after another, each with `columns`, header once: a million-row
    table is never whole in memory, nor is its text; written atomically, as every file we write."""
    def encoded() -> Iterator[bytes]:
        for index, piece in enumerate(pieces):
            text = piece[columns].to_csv(index=False, header=index == 0, date_format=date_format)
            yield text.encode("utf-8")

    atomic_write_chunks(path, encoded())


EXPORT_SPLITS = {"val": "validation"}  # the split as the chart's legend names it


def predictions_and_forecast(predictions: pd.DataFrame, forecast: pd.DataFrame | None) -> pd.DataFrame:
    """One table: every prediction with its split ('train', 'validation', 'test'), then the future
    steps (split 'forecast')."""
    columns = ["time", "step", "actual", "predicted", "lower", "upper", "split"]
    shown = predictions.reindex(columns=columns)
    shown["split"] = shown["split"].astype(str).replace(EXPORT_SPLITS)
    parts = [shown]
    if forecast is not None and len(forecast):
        parts.append(forecast.assign(actual=float("nan"), split="forecast").reindex(columns=columns))
    return pd.concat(parts, ignore_index=True)


def metrics_table(test_metrics: dict[str, dict[str, float | None]], coverage: float | None = None,
                  level: float | None = None) -> pd.DataFrame:
    rows = [{"forecaster": name, **scores} for name, scores in test_metrics.items()]
    table = pd.DataFrame(rows)
    if coverage is not None and level is not None:
        table["interval_level"] = [level if r["forecaster"] == "model" else None for r in rows]
        table["interval_coverage"] = [coverage if r["forecaster"] == "model" else None for r in rows]
    return table


def save_figure(figure, path: str | Path) -> None:
    """PNG, SVG or PDF by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ForecasterError(_("Charts can be saved as PNG, SVG or PDF, not {suffix}.").format(suffix=suffix)
                              if suffix else _("Charts can be saved as PNG, SVG or PDF; the file name has no "
                                               "extension."))
    buffer = io.BytesIO()
    figure.savefig(buffer, format=FIGURE_FORMATS[suffix], dpi=150)
    atomic_write_bytes(path, buffer.getvalue())
