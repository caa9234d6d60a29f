"""Read a CSV as it comes from Excel and other tools into a clean, chronological table.

Everything is decided on a sample (the first 64 KB): encoding, delimiter, decimal and
thousands separators, column kinds and the date column. The whole file is then read in
ONE ``pandas.read_csv`` call with the C engine, and cleaned with vectorised steps: date
parsing, sorting, duplicate timestamps, stray tokens in numeric columns, and filling of
missing values. Every decision goes into ``ImportReport.notes`` as a plain sentence.

The user's file is only ever opened for reading. Every problem with the file surfaces as
``core.errors.DataError`` with a one-line message naming the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import warnings
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.data import dates
from core.data import encoding as enc
from core.data.options import AUTO, ReadOptions  # noqa: F401 (AUTO re-exported)
from core.errors import DataError
from core.i18n import N_, _, ngettext

SAMPLE_BYTES = 64 * 1024
# A line longer than this is not a row of a table (a file without line breaks, a dump): refused
# before pandas would tokenise it, which costs many times its size in memory.
MAX_LINE_BYTES = 4 << 20
SCAN_CHUNK_BYTES = 16 << 20
# a pipe or FIFO can be read only once, so it is read into memory: up to this much
MAX_STREAM_BYTES = 2 << 30
SAMPLE_ROWS = 5000
DELIMITER_ROWS = 200
MIN_ROWS = 3
NA_TOKENS = ["", "NA", "N/A", "n/a", "na", "NaN", "nan", "-", "--", "null", "NULL", "Null",
             "None", "none", "#N/A", "#NA"]
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": N_("comma"), ";": N_("semicolon"), "\t": N_("tab"), "|": N_("vertical bar"),
                    " ": N_("space")}
_DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|",
                      "space": " "}
_NA_SET = frozenset(NA_TOKENS)
_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f]")
_FIELDS_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_ERROR = re.compile(r"EOF inside string starting at row (\d+)")

# Share of a column's values that must be numbers for it to count as numeric.
NUMERIC_SHARE = 0.75
# ... or this share, if the non-numbers are a few repeated placeholders ("n.a.", "?").
NUMERIC_SHARE_FEW_TOKENS = 0.5


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

    def to_dict(self) -> dict:
        """A JSON-able dict (NaN and infinities become None)."""
        return _jsonable(asdict(self))

    def numeric_columns(self) -> list[str]:
        """Usable numeric columns, in file order."""
        return [c.name for c in self.columns if c.kind == "numeric" and c.usable]

    def column(self, name: str) -> ColumnInfo:
        for info in self.columns:
            if info.name == name:
                return info
        raise KeyError(name)


@dataclass
class LoadedTable:
    """The cleaned table and the report of how it was read.

    ``frame`` is chronological with a RangeIndex; the date column (if any) is
    datetime64[us], tz-naive; numeric columns are float64 with missing values filled
    (a column with no values at all stays NaN); text columns hold strings.
    """

    frame: pd.DataFrame
    report: ImportReport
    # SHA-256 of the bytes read, when the source was read into memory (a pipe can't be read
    # a second time to checksum it); None for a regular file
    sha256: str | None = None

    def source_info(self, path: str | Path | None) -> dict[str, Any]:
        """How the table was read, for a run's data_info (core.pipeline.run_experiment's source_info)."""
        r = self.report
        return {"encoding": r.encoding, "delimiter": r.delimiter, "decimal": r.decimal,
                "date_column": r.date_column, "date_is_year": r.date_is_year,
                # a pipe such as /dev/stdin is named as given, not as the /proc path it resolves to
                "source": (str(Path(path).resolve()) if Path(path).is_file() else str(path)) if path else None}


def read_csv(path, *, encoding: str | None = None, delimiter: str | None = None,
             decimal: str | None = None, date_column: str | None = AUTO) -> LoadedTable:
    """Read a CSV file; see the module docstring. Raises DataError for any bad file.

    ``encoding``/``delimiter``/``decimal``: None detects, a value overrides.
    ``date_column``: AUTO detects, None means no date column, a name uses that column.
    """
    p = Path(path)
    try:
        reader = _Reader(p, encoding, delimiter, decimal, date_column)
        loaded = reader.run()
        if reader.data is not None:
            loaded.sha256 = hashlib.sha256(reader.data).hexdigest()
        return loaded
    except DataError:
        raise
    except MemoryError as exc:
        raise DataError(_("'{file}' is too large to read into memory.").format(file=p.name)) from exc
    except UnicodeError as exc:
        raise DataError(_("Can't decode '{file}': {problem}; try choosing the encoding.").format(
            file=p.name, problem=_one_line(exc))) from exc
    except (OSError, csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError,
            ValueError, OverflowError) as exc:
        raise DataError(_("Can't read '{file}': {problem}").format(file=p.name, problem=_one_line(exc))) from exc


# --------------------------------------------------------------------------- helpers


def _short(value, limit: int = 30) -> str:
    """A value for a one-line message: whitespace collapsed, long text cut."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _jsonable(value):
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


def _finite(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _mean(values: np.ndarray) -> float | None:
    """The mean without overflowing on values near the float64 limit (1e308)."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = values.mean()
        if not np.isfinite(mean):
            mean = (values / values.size).sum()
    return _finite(mean)


def _quote_list(names, limit: int = 8) -> str:
    names = list(names)
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


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


_P = {name: re.compile(rx) for name, rx in {
    "comma_dec": r"^[-+]?\d+,(?:\d{1,2}|\d{4,})$",
    "comma_dec_grouped": r"^[-+]?\d{1,3}(?:\.\d{3})+,\d+$",
    "dot_groups_multi": r"^[-+]?\d{1,3}(?:\.\d{3}){2,}$",
    "zero_comma": r"^[-+]?0?,\d+$",
    "dot_dec": r"^[-+]?\d+\.(?:\d{1,2}|\d{4,})(?:[eE][-+]?\d+)?$",
    "dot_dec_grouped": r"^[-+]?\d{1,3}(?:,\d{3})+\.\d+$",
    "comma_groups_multi": r"^[-+]?\d{1,3}(?:,\d{3}){2,}$",
    "zero_dot": r"^[-+]?0?\.\d+(?:[eE][-+]?\d+)?$",
    "comma_amb": r"^[-+]?[1-9]\d{0,2},\d{3}$",
    "dot_amb": r"^[-+]?[1-9]\d{0,2}\.\d{3}$",
}.items()}


def detect_decimal(values: list[str], delimiter: str,
                   decimal: str | None = None) -> tuple[str, str | None, str, str]:
    """(decimal, thousands, example number, example with thousands) from sample values.

    Unambiguous shapes vote: '1234,5' or '1.234,5' for a decimal comma, '1234.5' or
    '1,234.5' for a decimal point. '1,500' alone is ambiguous: read as 1.5 in a
    semicolon-separated file (the European Excel convention), else as 1500.
    """
    counts = Counter()
    examples: dict[str, str] = {}
    for v in values:
        v = v.strip()
        if not v or len(v) > 40 or not v[-1].isdigit():
            continue
        for name, rx in _P.items():
            if rx.match(v):
                counts[name] += 1
                examples.setdefault(name, v)
    comma = (counts["comma_dec"] + counts["comma_dec_grouped"] + counts["dot_groups_multi"]
             + counts["zero_comma"])
    dot = (counts["dot_dec"] + counts["dot_dec_grouped"] + counts["comma_groups_multi"]
           + counts["zero_dot"])
    if decimal is None:
        if comma > dot:
            decimal = ","
        elif dot > comma:
            decimal = "."
        else:
            only_commas = counts["comma_amb"] and not counts["dot_amb"]
            decimal = "," if (only_commas and delimiter == ";") else "."
    if decimal == ",":
        grouped = ("comma_dec_grouped", "dot_groups_multi", "dot_amb")
        evidence = ("comma_dec", "zero_comma", "comma_dec_grouped", "comma_amb")
    else:
        grouped = ("dot_dec_grouped", "comma_groups_multi", "comma_amb")
        evidence = ("dot_dec", "zero_dot", "dot_dec_grouped")
    thousands = ("." if decimal == "," else ",") if any(counts[k] for k in grouped) else None
    example = next((examples[k] for k in evidence + grouped if k in examples), "")
    thousands_example = next((examples[k] for k in grouped if k in examples), "")
    return decimal, thousands, example, thousands_example


def _number_pattern(decimal: str, thousands: str | None) -> str:
    """Regex for a plain number written with these separators ('1.234,5', '-3e4', ',5')."""
    d = re.escape(decimal)
    whole = (rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+)" if thousands
             else r"\d+")
    return rf"^[-+]?(?:{whole}(?:{d}\d*)?|{d}\d+)(?:[eE][-+]?\d+)?$"


def _to_numbers(values: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    """Strings -> floats (NaN where not a number), honouring the separators.

    Only well-formed, finite numbers count: with '.' as thousands separator the date
    '01.02.2024' is not a number (pandas alone would make it 1022024), nor is 'inf'.
    """
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) not in (
            "string", "empty"):
        # pandas infers types per chunk: a column can mix parsed floats with strings.
        is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool,
                             count=len(values))
        out = pd.Series(np.nan, index=values.index, dtype="float64")
        out[~is_str] = pd.to_numeric(values[~is_str], errors="coerce")
        if is_str.any():
            out[is_str] = _to_numbers(values[is_str].astype(str), decimal, thousands)
        return out.where(np.isfinite(out))
    if thousands is None:
        # Fast path (C speed): only the values pandas can't read get the strict check.
        text = values if decimal == "." else values.str.replace(decimal, ".", regex=False)
        out = pd.to_numeric(text, errors="coerce").astype("float64")
        out = out.where(np.isfinite(out))
        retry = out.isna() & values.notna()
        if retry.any():
            out[retry] = _to_numbers_strict(values[retry], decimal, thousands)
        return out
    return _to_numbers_strict(values, decimal, thousands)


def _to_numbers_strict(values: pd.Series, decimal: str, thousands: str | None) -> pd.Series:
    s = values.astype(str).str.strip()
    ok = s.str.match(_number_pattern(decimal, thousands)).fillna(False).astype(bool)
    ok &= values.notna()
    if thousands:
        s = s.str.replace(thousands, "", regex=False)
    if decimal != ".":
        s = s.str.replace(decimal, ".", regex=False)
    out = pd.to_numeric(s.where(ok), errors="coerce").astype("float64")
    return out.where(np.isfinite(out))


_CURRENCY = "$€£¥"


def _number_body(decimal: str, thousands: str | None) -> str:
    """An unsigned number written with these separators, unanchored (see _number_pattern)."""
    d = re.escape(decimal)
    whole = (rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+)" if thousands else r"\d+")
    return rf"(?:{whole}(?:{d}\d*)?|{d}\d+)(?:[eE][-+]?\d+)?"


def _decorated_numbers(values: pd.Series, decimal: str, thousands: str | None):
    """Numbers in accounting parentheses '(100.25)', with a currency symbol '$100', '-€5',
    '100 €', or a percent sign '9.6%': (numbers, {kind: mask}). Only unambiguous shapes: one
    pair of parentheses and no sign inside them, one currency symbol, one sign."""
    cur = re.escape(_CURRENCY)
    pattern = (rf"^(?P<open>\()?\s*(?P<sign>[-+])?\s*(?P<cur>[{cur}])?\s*(?P<sign2>[-+])?\s*"
               rf"(?P<num>{_number_body(decimal, thousands)})\s*(?P<pct>%)?\s*(?P<cur2>[{cur}])?"
               rf"\s*(?P<close>\))?$")
    # '(1,200.50)' in a file that has no other grouped number: grouping is plain once a
    # decimal mark follows it, so the other separator is accepted as thousands here
    thousands = thousands or ("," if decimal == "." else ".")
    pattern = pattern.replace(_number_body(decimal, None), _number_body(decimal, thousands))
    m = values.astype(str).str.strip().str.extract(pattern)
    paren = m["open"].notna() & m["close"].notna()
    has_sign = m["sign"].notna() | m["sign2"].notna()
    currency = m["cur"].notna() | m["cur2"].notna()
    valid = (m["num"].notna() & (m["open"].isna() == m["close"].isna())
             & ~(paren & has_sign) & ~(m["sign"].notna() & m["sign2"].notna())
             & ~(m["cur"].notna() & m["cur2"].notna()) & ~(currency & m["pct"].notna()))
    decorated = valid & (paren | currency | m["pct"].notna()) & values.notna()
    number = _to_numbers_strict(m["num"].where(decorated), decimal, thousands)
    negative = paren | (m["sign"] == "-") | (m["sign2"] == "-")
    number = number.where(~negative, -number).where(decorated)
    masks = {"parentheses": paren & decorated, "currency": currency & decorated,
             "percent": m["pct"].notna() & decorated}
    return number, masks


def _classify(values: pd.Series, decimal: str, thousands: str | None):
    """('numeric' | 'text' | 'empty', numbers, bad-token mask, decorated) for a column of strings.

    Blank values and NA tokens (also with spaces around them) are missing, not bad. Numbers in
    accounting parentheses, with a currency symbol or a percent sign are numbers; `decorated`
    maps each of those kinds to the mask of values read that way (empty when there are none).
    """
    present = values.notna().to_numpy().copy()
    if not present.any():
        return "empty", None, None, {}
    nums = _to_numbers(values, decimal, thousands)
    decorated: dict[str, pd.Series] = {}
    leftover = present & nums.isna().to_numpy()
    if leftover.any():
        extra, masks = _decorated_numbers(values[leftover], decimal, thousands)
        if extra.notna().any():
            nums = nums.copy()
            nums[extra.index[extra.notna()]] = extra[extra.notna()]
            decorated = {kind: mask.reindex(values.index, fill_value=False)
                         for kind, mask in masks.items() if mask.any()}
            leftover = present & nums.isna().to_numpy()
    if leftover.any():
        rest = values[leftover].astype(str).str.strip()
        blank = ((rest == "") | rest.isin(_NA_SET)).to_numpy()
        present[np.flatnonzero(leftover)[blank]] = False
        if not present.any():
            return "empty", None, None, {}
    bad = pd.Series(present & nums.isna().to_numpy(), index=values.index)
    share = 1.0 - bad.sum() / present.sum()
    few_tokens = values[bad].astype(str).str.strip().nunique() <= 3
    if share >= NUMERIC_SHARE or (share >= NUMERIC_SHARE_FEW_TOKENS and few_tokens):
        return "numeric", nums, bad, decorated
    return "text", None, None, {}


# --------------------------------------------------------------------------- reader


class _Reader:
    """One read of one file (kept as an object so a re-detect can simply start over)."""

    def __init__(self, path: Path, encoding, delimiter, decimal, date_column):
        self.path = path
        self.name = path.name
        self.user_encoding = encoding
        self.user_delimiter = delimiter
        self.user_decimal = decimal
        self.user_date = date_column
        self.notes: list[str] = []
        self.changes: list[str] = []
        self.data: bytes | None = None  # the whole file, when it can only be read once
        self.raw_names: list[str] = []

    # -- errors -------------------------------------------------------------------------
    def fail(self, message: str) -> DataError:
        return DataError(" ".join(message.split()))

    def change(self, note: str) -> None:
        """A note about something that changed values or rows (also in `changes`)."""
        self.notes.append(note)
        self.changes.append(note)

    # -- steps --------------------------------------------------------------------------
    def run(self, forced_codec: str | None = None, retry_note: str | None = None) -> LoadedTable:
        self.notes = []
        self.changes = []
        head, complete = self._read_head()
        codec = self._choose_encoding(head, complete, forced_codec, retry_note)
        text = self._decode_sample(head, codec, complete)
        text, skip_first, delimiter = self._delimiter(text)
        self.skip_first = skip_first
        rows = self._sample_rows(text, delimiter, complete)
        decimal, thousands = self._separators(rows, delimiter)
        has_header = self._has_header(rows, decimal, thousands)
        self.has_header = has_header
        header = rows[0] if has_header else [""] * len(rows[0])
        data_rows = rows[1:] if has_header else rows
        if not data_rows and complete:
            raise self.fail(_("'{file}' has column names but no data rows.").format(file=self.name))
        names, raw_unnamed = self._column_names(header, data_rows, has_header)
        sample = self._sample_frame(names, data_rows)
        kinds = {c: _classify(sample[c], decimal, thousands)[0] for c in names}
        plan = self._date_plan(sample, names, kinds, decimal)

        date_format = dates.in_read_csv(plan) if plan is not None else None
        date_col = plan.column if plan is not None else None
        str_cols = [c for c in names
                    if (c == date_col and date_format is None)
                    or (c != date_col and kinds[c] == "text")]
        try:
            frame = self._read_all(codec, delimiter, decimal, thousands, names,
                                   has_header, skip_first, str_cols,
                                   {plan.column: date_format} if date_format else None)
        except UnicodeDecodeError as exc:
            if self.user_encoding is not None or forced_codec is not None:
                raise self.fail(_("Can't decode '{file}' as {encoding}: {problem}; choose another encoding.")
                                .format(file=self.name, encoding=enc.describe(codec), problem=_one_line(exc))) from exc
            data = self.data if self.data is not None else self.path.read_bytes()
            new_codec, note = enc.detect(data, complete=True)
            if new_codec == codec:
                raise self.fail(_("Can't decode '{file}' as {encoding}: {problem}").format(
                    file=self.name, encoding=enc.describe(codec), problem=_one_line(exc))) from exc
            note = _("Encoding detected as {encoding} (the start of the file looked like {first_guess}, but later "
                     "bytes don't fit it).").format(encoding=enc.describe(new_codec), first_guess=enc.describe(codec))
            return self.run(forced_codec=new_codec, retry_note=note)

        return self._clean(frame, codec, delimiter, decimal, thousands, names, raw_unnamed,
                           kinds, plan)

    def _read_head(self) -> tuple[bytes, bool]:
        p = self.path
        if not p.exists():
            raise self.fail(_("File '{file}' was not found ({path}).").format(file=self.name, path=p))
        if p.is_dir():
            raise self.fail(_("'{file}' is a folder, not a CSV file.").format(file=self.name))
        if self.data is None and not p.is_file():  # a pipe, a FIFO, /dev/stdin: one read only
            self.data = self._read_once(p)
        if self.data is not None:
            head, complete = self.data[:SAMPLE_BYTES], len(self.data) <= SAMPLE_BYTES
        else:
            with open(p, "rb") as fh:
                head = fh.read(SAMPLE_BYTES)
                complete = fh.read(1) == b""
                if not complete:
                    fh.seek(0)
                    self._check_lines(iter(lambda: fh.read(SCAN_CHUNK_BYTES), b""))
        if self.data is None and complete:
            self._check_lines([head])
        if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
            raise self.fail(_("'{file}' is empty.").format(file=self.name))
        reason = enc.binary_reason(head)
        if reason:
            raise self.fail(_("Can't read '{file}': {reason}.").format(file=self.name, reason=reason))
        return head, complete

    def _read_once(self, p: Path) -> bytes:
        """All of a stream, in memory, with its lines checked as it arrives."""
        chunks: list[bytes] = []
        total = 0

        def arriving():
            nonlocal total
            with open(p, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_STREAM_BYTES:
                        raise self.fail(_("'{file}' is a stream of more than {size} GB; save it to a file "
                                          "first.").format(file=self.name, size=MAX_STREAM_BYTES >> 30))
                    chunks.append(chunk)
                    yield chunk

        self._check_lines(arriving())
        return b"".join(chunks)

    def _check_lines(self, chunks) -> None:
        """Refuses a line longer than MAX_LINE_BYTES, reading chunk by chunk (bounded memory)."""
        longest = run = 0
        for chunk in chunks:
            data = np.frombuffer(chunk, dtype=np.uint8)
            breaks = np.flatnonzero((data == 10) | (data == 13))
            if len(breaks) == 0:
                run += len(chunk)
            else:
                longest = max(longest, run + int(breaks[0]))
                if len(breaks) > 1:
                    longest = max(longest, int(np.diff(breaks).max()) - 1)
                run = len(chunk) - int(breaks[-1]) - 1
            if max(longest, run) > MAX_LINE_BYTES:
                raise self.fail(_("Can't read '{file}': it has a line longer than {size} MB, so it is not a "
                                  "table of rows (a file without line breaks?).").format(
                    file=self.name, size=MAX_LINE_BYTES >> 20))

    def _choose_encoding(self, head, complete, forced, retry_note) -> str:
        if forced is not None:
            self.notes.append(retry_note or _("Encoding: {encoding}.").format(encoding=enc.describe(forced)))
            return forced
        if self.user_encoding is not None:
            try:
                codec = enc.canonical(self.user_encoding)
            except LookupError as exc:
                if "text encoding" in str(exc):
                    problem = _("Unknown encoding '{encoding}' for '{file}' (not a text encoding).")
                else:
                    problem = _("Unknown encoding '{encoding}' for '{file}' (unknown).")
                raise self.fail(problem.format(encoding=self.user_encoding, file=self.name)) from None
            if codec == "utf-8" and head.startswith(b"\xef\xbb\xbf"):
                codec = "utf-8-sig"
            self.notes.append(_("Encoding set to {encoding} (your choice).").format(encoding=enc.describe(codec)))
            return codec
        codec, note = enc.detect(head, complete)
        self.notes.append(note)
        return codec

    def _decode_sample(self, head, codec, complete) -> str:
        try:
            text = enc.decode_sample(head, codec, complete)
        except UnicodeDecodeError as exc:
            raise self.fail(_("Can't decode '{file}' as {encoding}: byte {byte} can't be read; choose another "
                              "encoding.").format(file=self.name, encoding=enc.describe(codec),
                                                  byte=_bad_byte(exc))) from exc
        text = text.lstrip("\ufeff")
        if not complete:
            cut = text.rfind("\n")
            if cut > 0:
                text = text[:cut + 1]
        if not text.strip():
            raise self.fail(_("'{file}' is empty.").format(file=self.name))
        if len(_CONTROL_TEXT.findall(text)) > max(2, len(text) // 200):
            raise self.fail(_("Can't read '{file}': it contains binary data, not text.").format(file=self.name))
        return text

    def _delimiter(self, text: str) -> tuple[str, int, str]:
        skip_first = 0
        first_line, _newline, rest = text.partition("\n")
        sep_line = _SEP_LINE.match(first_line.rstrip("\r"))
        if sep_line:
            text, skip_first = rest, 1
        if self.user_delimiter is not None:
            d = _DELIMITER_ALIASES.get(self.user_delimiter.lower(), self.user_delimiter)
            if len(d) != 1 or d in "\r\n\"":
                raise self.fail(_("Delimiter {delimiter!r} for '{file}' must be a single character such as ',' "
                                  "or ';'.").format(delimiter=self.user_delimiter, file=self.name))
            self.notes.append(_("Delimiter set to {delimiter} (your choice).").format(delimiter=_show_delim(d)))
            return text, skip_first, d
        if sep_line:
            d = sep_line.group(1)
            self.notes.append(_("Delimiter is {delimiter}, as the file's first line 'sep={mark}' says.").format(
                delimiter=_show_delim(d), mark=d))
            return text, skip_first, d
        d = detect_delimiter(text)
        if d is None:
            self.notes.append(_("No delimiter found: the file has a single column."))
            return text, skip_first, ","
        self.notes.append(_("Delimiter detected as {delimiter}.").format(delimiter=_show_delim(d)))
        return text, skip_first, d

    def _sample_rows(self, text: str, delimiter: str, complete: bool) -> list[list[str]]:
        rows: list[list[str]] = []
        self.line_numbers: list[int] = []   # physical line (1-based) where each row ends
        offset = 1 if self.skip_first else 0
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            for row in reader:
                if row and (len(row) > 1 or row[0].strip()):
                    rows.append(row)
                    self.line_numbers.append(reader.line_num + offset)
                if len(rows) > SAMPLE_ROWS:
                    break
        except csv.Error:
            if not rows:
                raise
        if not rows:
            raise self.fail(_("'{file}' is empty.").format(file=self.name))
        return rows

    def _separators(self, rows, delimiter) -> tuple[str, str | None]:
        user = self.user_decimal
        if user is not None and user not in (".", ","):
            raise self.fail(_("Decimal separator {decimal!r} for '{file}' must be '.' or ','.").format(
                decimal=user, file=self.name))
        values = [f for row in rows[1:] for f in row]
        decimal, thousands, example, grouped = detect_decimal(values, delimiter, user)
        if user is not None:
            self.notes.append(_("Decimal separator set to '{decimal}' (your choice).").format(decimal=decimal))
        elif decimal == ",":
            self.notes.append(_("Decimal separator detected as ',' (comma) (e.g. '{example}').").format(example=example)
                              if example else _("Decimal separator detected as ',' (comma)."))
        else:
            self.notes.append(_("Decimal separator is '.' (point)."))
        if thousands:
            self.notes.append(
                _("Numbers use '{separator}' as a thousands separator (e.g. '{example}').").format(
                    separator=thousands, example=grouped) if grouped
                else _("Numbers use '{separator}' as a thousands separator.").format(separator=thousands))
        return decimal, thousands

    def _has_header(self, rows, decimal, thousands) -> bool:
        first = pd.Series(rows[0], dtype=object)
        if len(rows) < 2 or (first.str.strip() == "").any():
            return True
        if _to_numbers(first, decimal, thousands).notna().all():
            self.notes.append(_("The first row holds numbers, not column names; named the columns column_1, "
                                "column_2, ..."))
            return False
        return True

    def _column_names(self, header, data_rows, has_header) -> tuple[list[str], set[str]]:
        width = len(header)
        if data_rows:
            widths = Counter(len(r) for r in data_rows)
            common = widths.most_common(1)[0][0]
            if not has_header:
                width = max(width, common)
            elif common > width:
                extra_filled = [i for i, r in enumerate(data_rows)
                                if any(f.strip() for f in r[width:])]
                if extra_filled:
                    i = extra_filled[0]
                    line = self.line_numbers[i + 1]
                    raise self.fail(_("Can't read '{file}': line {line} has {fields} fields but the header has "
                                      "{width}; check the delimiter.").format(
                        file=self.name, line=line, fields=len(data_rows[i]), width=width))
                self.notes.append(_("Ignored an extra delimiter at the end of the data rows."))
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
            self.notes.append(ngettext("Removed spaces around {count} column name.",
                                       "Removed spaces around {count} column names.", stripped).format(count=stripped))
        self.raw_names = ["" if nm in unnamed else nm for nm in names]
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
                self.notes.append(_("Renamed duplicate column names so each is unique: {renamed} and {count} more.")
                                  .format(renamed=", ".join(renamed[:20]), count=len(renamed) - 20))
            else:
                self.notes.append(_("Renamed duplicate column names so each is unique: {renamed}.").format(
                    renamed=", ".join(renamed)))
        return names, unnamed

    def _sample_frame(self, names, data_rows) -> pd.DataFrame:
        width = len(names)
        fixed = [(r + [None] * width)[:width] for r in data_rows]
        frame = pd.DataFrame(fixed, columns=names, dtype=object)
        return frame.where(~frame.isin(_NA_SET), None)

    def _date_plan(self, sample: pd.DataFrame, names, kinds, decimal):
        want = self.user_date
        if want is None:
            self.notes.append(_("No date column used (as chosen); rows are kept in file order."))
            return None
        prefer_dayfirst = decimal == ","
        if want != AUTO:
            col = want if want in names else (want.strip() if want.strip() in names else None)
            if col is None:
                raise self.fail(_("'{file}' has no column named '{column}' (columns: {columns}).").format(
                    file=self.name, column=want, columns=_quote_list(names)))
            values = sample[col].dropna()
            if values.empty:
                raise self.fail(_("Column '{column}' in '{file}' has no values, so it can't be the date "
                                  "column.").format(column=col, file=self.name))
            plan = None
            if kinds[col] == "numeric":
                plan = dates.plan_integer_column(col, values, first=True, user=True)
            if plan is None:
                plan = dates.plan_text_column(col, values, share=dates.USER_SHARE,
                                              prefer_dayfirst=prefer_dayfirst)
            if plan is None:
                raise self.fail(_("Column '{column}' in '{file}' doesn't hold dates (e.g. '{example}').").format(
                    column=col, file=self.name, example=_short(values.iloc[0])))
            return plan
        hinted = [c for c in names if dates.name_hints_time(c)]
        others = [c for c in names if c not in hinted]
        candidates = (
            [(c, "text") for c in hinted if kinds[c] == "text"]
            + [(c, "int") for c in hinted if kinds[c] == "numeric"]
            + [(c, "text") for c in others if kinds[c] == "text"]
            + [(names[0], "int")] * (kinds[names[0]] == "numeric")
        )
        for col, how in candidates:
            values = sample[col].dropna()
            if how == "text":
                plan = dates.plan_text_column(col, values, prefer_dayfirst=prefer_dayfirst,
                                              strict=col not in hinted)
            else:
                plan = dates.plan_integer_column(col, values, first=(col == names[0]))
            if plan is not None:
                return plan
        self.notes.append(_("No date column found; rows are kept in file order."))
        return None

    def _read_all(self, codec, delimiter, decimal, thousands, names, has_header,
                  skip_first, str_cols, date_format) -> pd.DataFrame:
        kwargs = dict(
            sep=delimiter, decimal=decimal, thousands=thousands, encoding=codec,
            header=0 if has_header else None, names=names,
            skiprows=skip_first or None, na_values=NA_TOKENS, keep_default_na=False,
            dtype={c: str for c in str_cols}, index_col=False, engine="c",
            compression=None, skip_blank_lines=True,
        )
        if date_format:
            kwargs.update(parse_dates=list(date_format), date_format=date_format)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                source = io.BytesIO(self.data) if self.data is not None else self.path
                return pd.read_csv(source, **kwargs)
            except pd.errors.EmptyDataError as exc:
                raise self.fail(_("'{file}' has no data rows.").format(file=self.name)) from exc
            except pd.errors.ParserError as exc:
                m = _FIELDS_ERROR.search(str(exc))
                if m:
                    raise self.fail(_("Can't read '{file}': line {line} has {fields} fields but the header has "
                                      "{width}; check the delimiter.").format(
                        file=self.name, line=m.group(2), fields=m.group(3), width=m.group(1))) from exc
                m = _EOF_ERROR.search(str(exc))
                if m:
                    raise self.fail(_("Can't read '{file}': the quoted value starting on line {line} is never "
                                      "closed (a '\"' without its partner).").format(
                        file=self.name, line=int(m.group(1)) + 1 + self.skip_first)) from exc
                raise self.fail(_("Can't read '{file}': {problem}").format(
                    file=self.name, problem=_one_line(exc))) from exc

    # -- cleaning -----------------------------------------------------------------------
    def _clean(self, frame, codec, delimiter, decimal, thousands, names, unnamed, kinds,
               plan) -> LoadedTable:
        notes = self.notes
        rows_read = len(frame)
        if rows_read == 0:
            raise self.fail(_("'{file}' has column names but no data rows.").format(file=self.name))

        empty_unnamed = [c for c in names if c in unnamed and frame[c].isna().all()]
        if empty_unnamed:
            frame = frame.drop(columns=empty_unnamed)
            notes.append(ngettext("Dropped {count} empty column without a name (Excel often adds these at the "
                                  "end of each row).",
                                  "Dropped {count} empty columns without a name (Excel often adds these at the "
                                  "end of each row).", len(empty_unnamed)).format(count=len(empty_unnamed)))
        blank = np.ones(len(frame), dtype=bool)
        for c in frame.columns:   # stops at the first column without gaps (usually the first)
            blank &= frame[c].isna().to_numpy()
            if not blank.any():
                break
        if blank.any():
            frame = frame.loc[~blank]
            notes.append(ngettext("Dropped {count} empty row.", "Dropped {count} empty rows.",
                                  int(blank.sum())).format(count=int(blank.sum())))
        frame = self._drop_repeated_headers(frame, names, plan)

        kind_of: dict[str, str] = {}
        for col in frame.columns:
            if plan is not None and col == plan.column:
                kind_of[col] = "datetime"
                continue
            s = frame[col]
            if kinds.get(col) == "text" or pd.api.types.is_bool_dtype(s):
                kind_of[col] = "text"
                if pd.api.types.is_bool_dtype(s):
                    frame[col] = s.astype(str)
                continue
            if pd.api.types.is_numeric_dtype(s):
                values = s.to_numpy(dtype="float64")
                infinite = np.isinf(values)   # 'inf', 'Infinity', or too large (1e309)
                if infinite.any():
                    values = np.where(infinite, np.nan, values)
                    count = int(infinite.sum())
                    self.change(ngettext("Column '{column}': treated {count} infinite value ('inf', or a number "
                                         "past 1.8e308) as missing.",
                                         "Column '{column}': treated {count} infinite values ('inf', or a number "
                                         "past 1.8e308) as missing.", count).format(column=col, count=count))
                if infinite.any() or s.dtype != np.float64:
                    frame[col] = values
                kind_of[col] = "numeric"
                continue
            # Numbers mixed with stray tokens came back as strings.
            kind, nums, bad, decorated = _classify(s, decimal, thousands)
            if kind == "text":
                kind_of[col] = "text"
                continue
            kind_of[col] = "numeric"
            frame[col] = nums.astype("float64") if nums is not None else np.nan
            if decorated:
                self._note_decorated(col, s, nums, decorated)
            if bad is not None and bad.any():
                tokens = s[bad].astype(str).str.strip()
                shown = _quote_list([_short(t) for t in tokens.value_counts().index[:3]], 3)
                count = int(bad.sum())
                self.change(ngettext("Column '{column}': treated {count} value that is not a number as missing "
                                     "(e.g. {examples}).",
                                     "Column '{column}': treated {count} values that are not a number as "
                                     "missing (e.g. {examples}).", count).format(
                    column=col, count=count, examples=shown))

        date_col = None
        date_missing = 0
        if plan is not None:
            date_col = plan.column
            frame, date_missing = self._parse_dates(frame, plan)

        sorted_by_date = False
        duplicates = 0
        if date_col is not None:
            d = frame[date_col].to_numpy()
            if len(d) > 1 and not (d[1:] >= d[:-1]).all():
                back = int((d[1:] < d[:-1]).sum())
                frame = frame.sort_values(date_col, kind="stable")
                d = frame[date_col].to_numpy()
                sorted_by_date = True
                self.change(ngettext("Sorted the {rows} rows by date because {count} row was out of order.",
                                     "Sorted the {rows} rows by date because {count} rows were out of order.",
                                     back).format(rows=len(frame), count=back))
            # Sorted (stably), so equal timestamps are neighbours in file order: keep the last.
            dup = np.zeros(len(d), dtype=bool)
            dup[:-1] = d[1:] == d[:-1]
            duplicates = int(dup.sum())
            if duplicates:
                first = d[dup][0]
                frame = frame.loc[~dup]
                self.change(ngettext("Dropped {count} row with duplicate timestamps (kept the last of each; e.g. "
                                     "{example}).",
                                     "Dropped {count} rows with duplicate timestamps (kept the last of each; "
                                     "e.g. {example}).", duplicates).format(
                    count=duplicates, example=_show_stamp(first, plan)))
        frame = frame.reset_index(drop=True)

        if len(frame) < MIN_ROWS:
            raise self.fail(ngettext("'{file}' has only {count} data row after cleaning; at least {needed} are "
                                     "needed.",
                                     "'{file}' has only {count} data rows after cleaning; at least {needed} are "
                                     "needed.", len(frame)).format(file=self.name, count=len(frame), needed=MIN_ROWS))

        columns, filled = self._describe_and_fill(frame, kind_of, date_col, date_missing)
        report = ImportReport(
            path=str(self.path), encoding=codec, delimiter=delimiter, decimal=decimal,
            thousands=thousands, date_column=date_col,
            date_is_year=bool(plan is not None and plan.kind == "year"),
            rows=len(frame), rows_read=rows_read, columns=columns, notes=notes,
            changes=self.changes, duplicates_dropped=duplicates, sorted_by_date=sorted_by_date, filled=filled,
        )
        return LoadedTable(frame=frame, report=report)

    def _drop_repeated_headers(self, frame, names, plan) -> pd.DataFrame:
        """Rows that repeat the header (files glued together, or exported page by page): their
        words would become missing values and then be filled, a fabricated row."""
        if not getattr(self, "has_header", False) or not len(frame):
            return frame
        repeat = np.ones(len(frame), dtype=bool)
        for col, raw_name in zip(names, self.raw_names):
            if col not in frame.columns:
                continue
            s = frame[col]
            if not _holds_text(s):  # a column pandas read as numbers or dates has no words in it
                return frame
            text = s.astype(str).str.strip()
            same = (s.isna() | (text == "")) if raw_name == "" else (text == raw_name)
            repeat &= same.to_numpy()
            if not repeat.any():
                return frame
        lines = [self.line_numbers[i + 1] for i in np.flatnonzero(repeat)[:3]
                 if i + 1 < len(self.line_numbers)]
        count = int(repeat.sum())
        if lines:
            self.change(ngettext("Dropped {count} row that repeats the column names (line {lines}).",
                                 "Dropped {count} rows that repeat the column names (line {lines}).", count)
                        .format(count=count, lines=", ".join(map(str, lines))))
        else:
            self.change(ngettext("Dropped {count} row that repeats the column names.",
                                 "Dropped {count} rows that repeat the column names.", count).format(count=count))
        return frame.loc[~repeat]

    def _refuse_mixed_zones(self, col: str, raw: pd.Series) -> None:
        """Times with an offset beside times without one: the naive ones can't be placed (they
        were taken as UTC, re-sorted, and real rows dropped as duplicates)."""
        text = raw.dropna().astype(str).str.strip()
        zoned = dates.has_zone(text)
        if zoned.any() and not zoned.all():
            with_zone = _short(text[zoned].iloc[0])
            without = _short(text[~zoned & (text != "")].iloc[0]) if (~zoned & (text != "")).any() else ""
            if without:
                raise self.fail(
                    _("Column '{column}' in '{file}' mixes times with a time zone (e.g. '{with_zone}') and "
                      "without one (e.g. '{without}'), so they can't be put in order; give every value an "
                      "offset, or none.").format(column=col, file=self.name, with_zone=with_zone,
                                                 without=without))

    def _note_decorated(self, col: str, raw: pd.Series, nums: pd.Series, decorated) -> None:
        for kind, mask in decorated.items():
            count = int(mask.sum())
            if not count:
                continue
            first = mask.to_numpy().nonzero()[0][0]
            if kind == "parentheses":
                sentence = ngettext("Column '{column}': read {count} value in parentheses as negative numbers "
                                    "(accounting style; e.g. '{text}' as {number}).",
                                    "Column '{column}': read {count} values in parentheses as negative numbers "
                                    "(accounting style; e.g. '{text}' as {number}).", count)
            elif kind == "currency":
                sentence = ngettext("Column '{column}': read {count} value with a currency symbol as plain "
                                    "numbers (e.g. '{text}' as {number}).",
                                    "Column '{column}': read {count} values with a currency symbol as plain "
                                    "numbers (e.g. '{text}' as {number}).", count)
            else:
                sentence = ngettext("Column '{column}': read {count} value with '%' as numbers of percent "
                                    "(e.g. '{text}' as {number}).",
                                    "Column '{column}': read {count} values with '%' as numbers of percent "
                                    "(e.g. '{text}' as {number}).", count)
            self.change(sentence.format(column=col, count=count, text=_short(raw.iloc[first]),
                                        number=f"{nums.iloc[first]:g}"))
        percent = decorated.get("percent")
        if percent is not None and percent.any():
            present = raw.notna() & (raw.astype(str).str.strip() != "") & nums.notna()
            plain = present & ~percent
            if plain.any():
                self.change(_("Warning: column '{column}' mixes values with '%' and without (e.g. '{example}'); "
                              "values with '%' were read as percent, so check that the others are percent "
                              "too.").format(column=col, example=_short(raw[plain].iloc[0])))

    def _parse_dates(self, frame, plan) -> tuple[pd.DataFrame, int]:
        col = plan.column
        raw = frame[col]
        if _holds_text(raw):
            self._refuse_mixed_zones(col, raw)
        parsed = dates.apply_plan(raw, plan)
        failed = parsed.isna().to_numpy()
        n_absent = n_bad = 0
        example = ""
        if failed.any():
            absent = raw.isna().to_numpy().copy()
            unreadable = failed & ~absent
            if unreadable.any():   # spaces only count as no date
                blank = raw[unreadable].astype(str).str.strip() == ""
                absent[np.flatnonzero(unreadable)[blank.to_numpy()]] = True
                unreadable &= ~absent
            n_absent, n_bad = int(absent.sum()), int(unreadable.sum())
            if n_bad:
                example = _short(raw[unreadable].iloc[0])
        if n_absent + n_bad == len(raw) or n_bad > 0.5 * max(1, len(raw) - n_absent):
            raise self.fail(_("Column '{column}' in '{file}' doesn't hold dates in most rows (e.g. '{example}').")
                            .format(column=col, file=self.name, example=example))
        chosen = self.user_date != AUTO
        if plan.kind == "year":
            note = (_("Using '{column}' as the date column (your choice): {dates}, each read as 1 January of that "
                      "year.") if chosen else
                    _("Using '{column}' as the date column: {dates}, each read as 1 January of that year."))
        else:
            note = (_("Using '{column}' as the date column (your choice): {dates}.") if chosen
                    else _("Using '{column}' as the date column: {dates}."))
        self.notes.append(note.format(column=col, dates=plan.describe()))
        if plan.has_tz:
            self.change(_("Dates in '{column}' carry time zones; converted them to UTC and dropped the zone.")
                        .format(column=col))
        frame[col] = parsed
        if n_absent:
            self.change(ngettext("Dropped {count} row with no date.", "Dropped {count} rows with no date.",
                                 n_absent).format(count=n_absent))
        if n_bad:
            self.change(ngettext("Dropped {count} row whose date could not be read (e.g. '{example}').",
                                 "Dropped {count} rows whose date could not be read (e.g. '{example}').",
                                 n_bad).format(count=n_bad, example=example))
        if n_absent or n_bad:
            frame = frame.loc[~failed]
        return frame, n_absent + n_bad

    def _describe_and_fill(self, frame, kind_of, date_col, date_missing):
        columns: list[ColumnInfo] = []
        filled: dict[str, int] = {}
        index = pd.DatetimeIndex(frame[date_col]) if date_col is not None else None
        for col in frame.columns:
            kind = kind_of[col]
            s = frame[col]
            if kind == "datetime":
                columns.append(ColumnInfo(col, "datetime", date_missing, None, None, None,
                                          False, _("the date column")))
                continue
            missing = int(s.isna().sum())
            if kind == "text":
                present = s.dropna()
                example = _short(present.iloc[0]) if len(present) else ""
                reason = (_("text values such as '{example}'").format(example=example) if example
                          else _("no values"))
                columns.append(ColumnInfo(col, "text", missing, None, None, None, False, reason))
                continue
            values = s.to_numpy(dtype="float64")
            finite = values[~np.isnan(values)]
            if finite.size == 0:
                columns.append(ColumnInfo(col, "numeric", missing, None, None, None, False,
                                          "no values"))
                continue
            columns.append(ColumnInfo(col, "numeric", missing, _finite(finite.min()),
                                      _finite(finite.max()), _mean(finite), True, None))
            if missing:
                frame[col] = self._fill(col, s, index)
                filled[col] = missing
        return columns, filled

    def _fill(self, col: str, s: pd.Series, index) -> pd.Series:
        missing = int(s.isna().sum())
        with np.errstate(over="ignore", invalid="ignore"):   # between -1e308 and 1e308
            if index is not None:
                inside = pd.Series(s.to_numpy(), index=index).interpolate(
                    method="time", limit_area="inside")
                how = _("time-weighted interpolation")
            else:
                inside = s.interpolate(method="linear", limit_area="inside")
                how = _("linear interpolation between neighbouring rows")
            inside = inside.where(np.isfinite(inside))
        inner = missing - int(inside.isna().sum())
        edge = missing - inner
        out = inside.ffill().bfill().to_numpy()
        if inner and edge:
            self.change(ngettext("Filled {count} missing value in '{column}': {inner} by {how}, {edge} at the "
                                 "start or end with the nearest value.",
                                 "Filled {count} missing values in '{column}': {inner} by {how}, {edge} at "
                                 "the start or end with the nearest value.", missing).format(
                count=missing, column=col, inner=inner, how=how, edge=edge))
        elif inner:
            self.change(ngettext("Filled {count} missing value in '{column}' by {how}.",
                                 "Filled {count} missing values in '{column}' by {how}.", missing).format(
                count=missing, column=col, how=how))
        else:
            self.change(ngettext("Filled {count} missing value at the start or end of '{column}' with the "
                                 "nearest value.",
                                 "Filled {count} missing values at the start or end of '{column}' with the "
                                 "nearest value.", missing).format(count=missing, column=col))
        return pd.Series(out, index=s.index, dtype="float64")


def _holds_text(s: pd.Series) -> bool:
    """Strings (pandas 3's str dtype) or Python objects, not numbers or datetimes."""
    return pd.api.types.is_object_dtype(s) or pd.api.types.is_string_dtype(s)


def _show_delim(d: str) -> str:
    name = _(_DELIMITER_NAMES[d]) if d in _DELIMITER_NAMES else None
    shown = "\\t" if d == "\t" else d
    return f"'{shown}' ({name})" if name else f"'{shown}'"


def _show_stamp(ts, plan) -> str:
    ts = pd.Timestamp(ts)
    if plan is not None and plan.kind == "year":
        return str(ts.year)
    if ts == ts.normalize():
        return ts.strftime("%Y-%m-%d")
    return str(ts)


def _bad_byte(exc: UnicodeDecodeError) -> str:
    try:
        return _("0x{byte:02X} at position {position}").format(byte=exc.object[exc.start], position=exc.start)
    except (AttributeError, IndexError, TypeError):
        return _("a byte")
