"""How a file's fields are separated: the one delimiter table (names, picker labels, what a user may
type), detection on a sample, Excel's 'sep=' first line, and the sample's rows."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

from core.data.notes import Notes, refuse
from core.i18n import N_, _

DELIMITER_ROWS = 200   # rows of the sample that vote on the delimiter
SAMPLE_ROWS = 5000     # rows of the sample kept for the later decisions
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Delimiter:
    """One delimiter: its character, its name word and picker label (msgids, translated where
    shown), what a user may type for it besides the character, and whether detection tries it."""

    char: str
    name: str
    label: str | None   # None: not offered by pickers
    aliases: tuple[str, ...]
    detected: bool = True


DELIMITER_TABLE: tuple[Delimiter, ...] = (
    Delimiter(",", N_("comma"), N_("comma ,"), ("comma",)),
    Delimiter(";", N_("semicolon"), N_("semicolon ;"), ("semicolon",)),
    Delimiter("\t", N_("tab"), N_("tab"), ("tab", "\\t")),
    Delimiter("|", N_("vertical bar"), N_("pipe |"), ("pipe",)),
    Delimiter(" ", N_("space"), None, ("space",), detected=False),
)
# the candidates detection tries, in order of preference when two fit equally well
DELIMITERS = tuple(d.char for d in DELIMITER_TABLE if d.detected)
_BY_CHAR = {d.char: d for d in DELIMITER_TABLE}
_BY_ALIAS = {alias: d.char for d in DELIMITER_TABLE for alias in d.aliases}


def delimiter_from_text(text: str) -> str:
    """The delimiter a user means: 'tab', '\\t', 'Comma', 'pipe' ... or the text itself
    (check it with `is_delimiter`)."""
    return _BY_ALIAS.get(text.lower(), text)


def is_delimiter(char: str) -> bool:
    """A single character that can separate fields (not a line break or the quote)."""
    return len(char) == 1 and char not in "\r\n\""


def delimiter_name(char: str) -> str:
    """The delimiter's name word, translated ('comma', 'tab'); the character itself if it has none."""
    found = _BY_CHAR.get(char)
    return _(found.name) if found else char


def delimiter_choices() -> list[tuple[str, str]]:
    """(label msgid, character) for each delimiter a picker offers, in table order."""
    return [(d.label, d.char) for d in DELIMITER_TABLE if d.label]


def show_delimiter(char: str) -> str:
    """The delimiter as notes show it: "';' (semicolon)", "'\\t' (tab)", "'#'"."""
    shown = "\\t" if char == "\t" else char
    return f"'{shown}' ({delimiter_name(char)})" if char in _BY_CHAR else f"'{shown}'"


def detect_delimiter(text: str) -> str | None:
    """The candidate giving the most consistent field count > 1 over the sample's rows.

    None when no candidate splits the rows (a one-column file).
    """
    best, best_key = None, None
    for order, delim in enumerate(DELIMITERS):
        counts = []
        try:
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
                if row:
                    counts.append(len(row))
                    if len(counts) >= DELIMITER_ROWS:
                        break
        except csv.Error:
            pass
        if not counts:
            continue
        mode, hits = Counter(counts).most_common(1)[0]
        if mode <= 1:
            continue
        key = (round(hits / len(counts), 3), -order)
        if best_key is None or key > best_key:
            best, best_key = delim, key
    return best


class Dialect(NamedTuple):
    """The sample without Excel's 'sep=' line, how many lines that removed, and the delimiter."""

    text: str
    skip_rows: int
    delimiter: str


def choose_delimiter(text: str, wanted: str | None, file: str, notes: Notes) -> Dialect:
    """The user's delimiter, else the file's 'sep=' line, else the detected one (',' for one column)."""
    skip_rows = 0
    first_line, _newline, rest = text.partition("\n")
    sep_line = _SEP_LINE.match(first_line.rstrip("\r"))
    if sep_line:
        text, skip_rows = rest, 1
    if wanted is not None:
        d = delimiter_from_text(wanted)
        if not is_delimiter(d):
            raise refuse(_("Delimiter {delimiter!r} for '{file}' must be a single character such as ',' "
                           "or ';'.").format(delimiter=wanted, file=file))
        notes.add(_("Delimiter set to {delimiter} (your choice).").format(delimiter=show_delimiter(d)))
        return Dialect(text, skip_rows, d)
    if sep_line:
        d = sep_line.group(1)
        notes.add(_("Delimiter is {delimiter}, as the file's first line 'sep={mark}' says.").format(
            delimiter=show_delimiter(d), mark=d))
        return Dialect(text, skip_rows, d)
    d = detect_delimiter(text)
    if d is None:
        notes.add(_("No delimiter found: the file has a single column."))
        return Dialect(text, skip_rows, ",")
    notes.add(_("Delimiter detected as {delimiter}.").format(delimiter=show_delimiter(d)))
    return Dialect(text, skip_rows, d)


class SampleRows(NamedTuple):
    """The sample's non-blank rows, and the physical line (1-based) where each ends."""

    rows: list[list[str]]
    lines: list[int]


def sample_rows(dialect: Dialect, file: str) -> SampleRows:
    """Up to SAMPLE_ROWS + 1 rows of the sample, blank rows skipped."""
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        reader = csv.reader(io.StringIO(dialect.text, newline=""), delimiter=dialect.delimiter)
        for row in reader:
            if row and (len(row) > 1 or row[0].strip()):
                rows.append(row)
                lines.append(reader.line_num + dialect.skip_rows)
            if len(rows) > SAMPLE_ROWS:
                break
    except csv.Error:
        if not rows:
            raise
    if not rows:
        raise refuse(_("'{file}' is empty.").format(file=file))
    return SampleRows(rows, lines)
