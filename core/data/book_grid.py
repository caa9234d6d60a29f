"""A sheet's grid of cells before it is a table: where the column names are (after a title or notes
rows), names from merged header cells (two header rows, 'Sales' over 'Beijing' and 'Shanghai'), and
each cell as the text a CSV would hold, for the decisions the CSV reader makes on text."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from core.data.notes import refuse
from core.i18n import _

HEADER_SCAN_ROWS = 60
Merge = tuple[tuple[int, int], tuple[int, int]]   # ((first row, first column), (last row, last column)), 0-based


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str:
    """A cell as text: whole numbers without '.0', dates as ISO dates, empty as ''."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, dt.date, dt.datetime)) and not isinstance(value, bool)


class Header(NamedTuple):
    """Which rows name the columns (none, one, or two when merged cells span the top one), where the
    data starts, and how many rows above the names were skipped (a title, notes)."""

    rows: tuple[int, ...]
    first_data: int
    skipped: int
    merged: bool


def expanded(rows: Sequence[Sequence[object]], merges: Sequence[Merge], upto: int) -> list[list[object]]:
    """The first `upto` rows with each merged range's value copied into all of its cells."""
    top = [list(r) for r in rows[:upto]]
    for (r0, c0), (r1, c1) in merges:
        if r0 >= len(top) or not top[r0] or c0 >= len(top[r0]):
            continue
        value = top[r0][c0]
        for r in range(r0, min(r1, len(top) - 1) + 1):
            for c in range(c0, min(c1, len(top[r]) - 1) + 1):
                top[r][c] = value
    return top


def find_header(rows: Sequence[Sequence[object]], merges: Sequence[Merge], wanted: int | None,
                file: str) -> Header:
    """The header of a sheet: the user's row (`wanted`, counted from 1), else the first row that
    fills most of the table's width with more than one cell of its own (a title merged across the
    table is still one cell); no header when that row holds only numbers and dates."""
    scan = rows[:HEADER_SCAN_ROWS]
    wide = expanded(scan, merges, len(scan))
    own = [sum(not blank(v) for v in r) for r in scan]
    filled = [sum(not blank(v) for v in r) for r in wide]
    if wanted is not None:
        if not 1 <= wanted <= len(rows):
            raise refuse(_("'{file}' has no row {row} to take the column names from (the sheet has {count:,} "
                           "rows).").format(file=file, row=wanted, count=len(rows)))
        h = wanted - 1
    else:
        counts = Counter(f for f in filled if f)
        if not counts:
            raise refuse(_("'{file}' has an empty sheet.").format(file=file))
        width = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
        need = 1 if width == 1 else max(2, math.ceil(0.6 * width))
        h = next((i for i, f in enumerate(filled) if f >= need and (own[i] >= 2 or width == 1)),
                 next(i for i, f in enumerate(filled) if f))
    skipped = sum(1 for f in filled[:h] if f)
    if wanted is None and all(_is_number(v) for v in scan[h] if not blank(v)):
        return Header((), h, skipped, False)
    two = (h + 1 < len(scan) and any(r0 == h and c1 > c0 for (r0, c0), (_r1, c1) in merges)
           and filled[h + 1] > 0 and not any(_is_number(v) for v in scan[h + 1] if not blank(v)))
    return Header((h, h + 1) if two else (h,), h + (2 if two else 1), skipped, two)


def header_texts(rows: Sequence[Sequence[object]], merges: Sequence[Merge], header: Header,
                 width: int) -> list[str]:
    """One name per column: the header rows' texts (merged cells spread over their columns) joined."""
    if not header.rows:
        return [""] * width
    wide = expanded(rows, merges, header.rows[-1] + 1)
    names = []
    for c in range(width):
        parts: list[str] = []
        for r in header.rows:
            text = as_text(wide[r][c]).strip() if c < len(wide[r]) else ""
            if text and text not in parts:
                parts.append(text)
        names.append(" ".join(parts))
    return names


def used_columns(rows: Sequence[Sequence[object]], names: Sequence[str], first_data: int) -> list[int]:
    """The columns with a name or a value (empty margins of the sheet are layout, not data)."""
    width = len(names)
    used = [bool(names[c]) for c in range(width)]
    for row in rows[first_data:]:
        for c in range(width):
            if not used[c] and c < len(row) and not blank(row[c]):
                used[c] = True
        if all(used):
            break
    return [c for c in range(width) if used[c]]
