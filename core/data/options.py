"""How to read a table: what the user overrides, and what is left to detection."""

from __future__ import annotations

from dataclasses import dataclass

AUTO = "auto"   # sentinel for "detect"


@dataclass(frozen=True)
class ReadOptions:
    """How to read a CSV: None detects; `date_column` AUTO detects, None means no date column."""

    encoding: str | None = None
    delimiter: str | None = None
    decimal: str | None = None
    date_column: str | None = AUTO
