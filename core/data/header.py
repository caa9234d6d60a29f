"""What the columns are called: whether the first row names them, and names that are clean and unique."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from core.data.notes import Notes, refuse
from core.data.numbers import to_numbers
from core.i18n import _, ngettext


def has_header(rows: list[list[str]], decimal: str, thousands: str | None, notes: Notes) -> bool:
    """False only when every field of the first row is a number (then columns are named column_1, ...)."""
    first = pd.Series(rows[0], dtype=object)
    if len(rows) < 2 or (first.str.strip() == "").any():
        return True
    if to_numbers(first, decimal, thousands).notna().all():
        notes.add(_("The first row holds numbers, not column names; named the columns column_1, "
                    "column_2, ..."))
        return False
    return True


class ColumnNames(NamedTuple):
    """The names the table gets, which of them were made up for a blank header field, and the
    header's own text per column ('' where blank), to spot rows that repeat the header."""

    names: list[str]
    unnamed: set[str]
    raw_names: list[str]


def column_names(header: list[str], data_rows: list[list[str]], notes: Notes, *, has_header: bool,
                 lines: Sequence[int] = (), file: str = "") -> ColumnNames:
    """One name per column: stripped, blank ones made up, duplicates given a suffix ('v', 'v_2').

    `lines` are the physical lines of the rows (header included), for the message about a row wider
    than the header."""
    width = _width(header, data_rows, notes, has_header=has_header, lines=lines, file=file)
    names: list[str] = []
    unnamed: set[str] = set()
    stripped = 0
    for i in range(width):
        raw = header[i] if i < len(header) else ""
        nm = raw.strip().lstrip("\ufeff").strip()
        if nm != raw:
            stripped += 1
        if not nm:
            nm = f"column_{i + 1}" if not has_header else f"Unnamed: {i}"
            unnamed.add(nm)
        names.append(nm)
    if stripped and has_header:
        notes.add(ngettext("Removed spaces around {count} column name.",
                           "Removed spaces around {count} column names.", stripped).format(count=stripped))
    raw_names = ["" if nm in unnamed else nm for nm in names]
    _make_unique(names, unnamed, notes)
    return ColumnNames(names, unnamed, raw_names)


def _width(header: list[str], data_rows: list[list[str]], notes: Notes, *, has_header: bool,
           lines: Sequence[int], file: str) -> int:
    """How many columns: the header's, unless rows are wider (no header, or a trailing delimiter)."""
    width = len(header)
    if not data_rows:
        return width
    common = Counter(len(r) for r in data_rows).most_common(1)[0][0]
    if not has_header:
        return max(width, common)
    if common > width:
        extra_filled = [i for i, r in enumerate(data_rows) if any(f.strip() for f in r[width:])]
        if extra_filled:
            i = extra_filled[0]
            raise refuse(_("Can't read '{file}': line {line} has {fields} fields but the header has "
                           "{width}; check the delimiter.").format(
                file=file, line=lines[i + 1], fields=len(data_rows[i]), width=width))
        notes.add(_("Ignored an extra delimiter at the end of the data rows."))
    return width


def _make_unique(names: list[str], unnamed: set[str], notes: Notes) -> None:
    """Renames repeated names in place ('v', 'v' -> 'v', 'v_2'), skipping suffixes already taken."""
    # linear time: a set of every name in use, and per name the next suffix to try
    # (32,000 copies of one name took 80 s with a list search)
    seen: set[str] = set()
    taken = set(names)
    next_suffix: dict[str, int] = {}
    renamed = []
    for i, nm in enumerate(names):
        if nm in seen:
            k = next_suffix.get(nm, 2)
            while f"{nm}_{k}" in taken:
                k += 1
            new = f"{nm}_{k}"
            next_suffix[nm] = k + 1
            taken.add(new)
            renamed.append(f"'{nm}' -> '{new}'")
            if nm in unnamed:
                unnamed.add(new)
            names[i] = nm = new
        seen.add(nm)
    if renamed:
        if len(renamed) > 20:
            notes.add(_("Renamed duplicate column names so each is unique: {renamed} and {count} more.")
                      .format(renamed=", ".join(renamed[:20]), count=len(renamed) - 20))
        else:
            notes.add(_("Renamed duplicate column names so each is unique: {renamed}.").format(
                renamed=", ".join(renamed)))
