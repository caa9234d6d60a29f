"""How to read a table: what the user overrides, and what is left to detection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

AUTO = "auto"   # sentinel for "detect"


@dataclass(frozen=True)
class ReadOptions:
    """How to read a CSV or a workbook: None detects; `date_column` AUTO detects, None means no date column.

    A workbook's: `sheet`, a name or a position counted from 1 (None: the first sheet with data), and
    `header_row`, the row holding the column names, counted from 1 (None: detected after title rows)."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_column: str | None = AUTO
    sheet: str | None = None
    header_row: int | None = None
    # fewest data rows accepted: a short table of future feature values may hold one
    min_rows: int = 3

    @classmethod
    def from_args(cls, args: Any) -> ReadOptions:
        """The options the command line's reading flags ask for (--encoding, --delimiter, --decimal,
        --date-column, --sheet, --header-row; absent ones detect). '--date-column none' means no date
        column; a delimiter may be named ('tab', 'semicolon'): the reader resolves names (core.data.dialect)."""
        date_column = getattr(args, "date_column", None)
        if date_column is None:
            date_column = AUTO
        elif date_column.lower() == "none":
            date_column = None
        return cls(encoding=getattr(args, "encoding", None), delimiter=getattr(args, "delimiter", None) or None,
                   decimal=getattr(args, "decimal", None), date_column=date_column,
                   sheet=getattr(args, "sheet", None), header_row=getattr(args, "header_row", None))
