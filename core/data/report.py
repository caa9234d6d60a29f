"""What a read returns: the cleaned table, and the report of every decision made reading it."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class ColumnInfo:
    """One column of the imported table.

    ``missing`` counts values missing after cleaning (stray non-numeric tokens count as
    missing; dropped duplicate rows don't) and BEFORE filling. ``min``, ``max`` and
    ``mean`` are computed at the same point: after cleaning, before filling.
    """

    name: str
    kind: str            # "numeric" | "datetime" | "text"
    missing: int
    min: float | None
    max: float | None
    mean: float | None
    usable: bool         # can be a target/feature (numeric, not all-missing)
    reason: str | None   # why not usable, in plain words


@dataclass
class ImportReport:
    """Every decision the reader made, for the user and for saved runs."""

    path: str
    encoding: str
    delimiter: str
    decimal: str
    thousands: str | None
    date_column: str | None
    date_is_year: bool
    rows: int
    rows_read: int
    columns: list[ColumnInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # the notes above that changed values or rows (filled, dropped, sorted, re-read numbers):
    # what a user must hear about before training on the table
    changes: list[str] = field(default_factory=list)
    duplicates_dropped: int = 0
    sorted_by_date: bool = False
    filled: dict[str, int] = field(default_factory=dict)
    # a workbook's: the sheet read, every worksheet's name, the row the column names came from
    # (counted from 1; None: no header row), and the error cells (#N/A, #DIV/0!) read as missing
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    header_row: int | None = None
    error_cells: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-able dict (NaN and infinities become None); a CSV's has no workbook fields."""
        d = asdict(self)
        if self.sheet is None:
            for key in _WORKBOOK_FIELDS:
                d.pop(key)
        else:   # a workbook has no encoding or delimiter
            d["encoding"] = d["delimiter"] = None
        return _jsonable(d)

    def numeric_columns(self) -> list[str]:
        """Usable numeric columns, in file order."""
        return [c.name for c in self.columns if c.kind == "numeric" and c.usable]

    def column(self, name: str) -> ColumnInfo:
        for info in self.columns:
            if info.name == name:
                return info
        raise KeyError(name)


_WORKBOOK_FIELDS = ("sheet", "sheets", "header_row", "error_cells")


@dataclass
class LoadedTable:
    """The cleaned table and the report of how it was read.

    ``frame`` is chronological with a RangeIndex; the date column (if any) is
    datetime64[us], tz-naive; numeric columns are float64 with missing values filled
    (a column with no values at all stays NaN); text columns hold strings.
    """

    frame: pd.DataFrame
    report: ImportReport
    # the rows (positions) of each numeric column whose value was missing and filled in, so the
    # preview can mark them; not in the report's JSON (a long series may have many)
    filled_rows: dict[str, np.ndarray] = field(default_factory=dict)
    # SHA-256 of the bytes read, when the source was read into memory (a pipe can't be read
    # a second time to checksum it); None for a regular file
    sha256: str | None = None

    def source_info(self, path: str | Path | None) -> dict[str, Any]:
        """How the table was read, for a run's data_info (core.pipeline.run_experiment's source_info)."""
        r = self.report
        sheet = {"sheet": r.sheet} if r.sheet is not None else {}
        return {**sheet, "encoding": r.encoding, "delimiter": r.delimiter, "decimal": r.decimal,
                "date_column": r.date_column, "date_is_year": r.date_is_year,
                # a pipe such as /dev/stdin is named as given, not as the /proc path it resolves to
                "source": (str(Path(path).resolve()) if Path(path).is_file() else str(path)) if path else None}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value
