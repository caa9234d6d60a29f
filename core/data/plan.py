"""Every decision about a file, made on its first 64 KB: the ReadPlan the whole read then follows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from core.data import dates
from core.data.dialect import choose_delimiter, sample_rows
from core.data.header import column_names, has_header
from core.data.notes import Notes, quote_list, refuse, short
from core.data.numbers import NA_SET, classify, detect_decimal
from core.data.options import AUTO, ReadOptions
from core.data.source import Redetected, Source, choose_encoding, decode_sample, read_head
from core.i18n import _


@dataclass(frozen=True)
class ReadPlan:
    """How to read the whole file, and what the sample showed about it."""

    file: str                      # the file's name, for messages
    codec: str
    delimiter: str
    decimal: str
    thousands: str | None
    names: tuple[str, ...]         # unique, in file order
    unnamed: frozenset[str]        # names made up for a blank header field
    raw_names: tuple[str, ...]     # the header's own text per column ('' where blank)
    has_header: bool
    skip_rows: int                 # 1 after Excel's 'sep=' line
    lines: tuple[int, ...]         # physical line where each sample row ends (header included)
    kinds: Mapping[str, str]       # per column: 'numeric' | 'text' | 'empty', from the sample
    date: dates.DatePlan | None
    date_chosen: bool              # the user named the date column

    @property
    def date_column(self) -> str | None:
        return self.date.column if self.date is not None else None

    @property
    def date_format(self) -> str | None:
        """The format pandas parses the date column with while reading (None: parsed afterwards)."""
        return dates.in_read_csv(self.date) if self.date is not None else None

    @property
    def text_columns(self) -> list[str]:
        """Columns read as strings: text ones, and the date column that pandas doesn't parse."""
        date_column, date_format = self.date_column, self.date_format
        return [c for c in self.names
                if (c == date_column and date_format is None) or (c != date_column and self.kinds[c] == "text")]


def sniff(source: Source, options: ReadOptions, notes: Notes, redetected: Redetected | None = None) -> ReadPlan:
    """The plan for reading `source`; each decision goes into `notes`."""
    head = read_head(source)
    codec = choose_encoding(head, options.encoding, notes, redetected)
    dialect = choose_delimiter(decode_sample(head, codec), options.delimiter, head.file, notes)
    rows, lines = sample_rows(dialect, head.file)
    decimal, thousands = choose_separators(rows, dialect.delimiter, options.decimal, notes, file=head.file)
    header_row = has_header(rows, decimal, thousands, notes)
    header = rows[0] if header_row else [""] * len(rows[0])
    data_rows = rows[1:] if header_row else rows
    if not data_rows and head.complete:
        raise refuse(_("'{file}' has column names but no data rows.").format(file=head.file))
    named = column_names(header, data_rows, notes, has_header=header_row, lines=lines, file=head.file)
    sample = _sample_frame(named.names, data_rows)
    kinds = {c: classify(sample[c], decimal, thousands).kind for c in named.names}
    date = choose_date_column(sample, kinds, options.date_column, notes, prefer_dayfirst=decimal == ",",
                              file=head.file)
    return ReadPlan(file=head.file, codec=codec, delimiter=dialect.delimiter, decimal=decimal,
                    thousands=thousands, names=tuple(named.names), unnamed=frozenset(named.unnamed),
                    raw_names=tuple(named.raw_names), has_header=header_row, skip_rows=dialect.skip_rows,
                    lines=tuple(lines), kinds=kinds, date=date, date_chosen=options.date_column != AUTO)


def choose_separators(rows: list[list[str]], delimiter: str, wanted: str | None, notes: Notes, *,
                      file: str) -> tuple[str, str | None]:
    """(decimal mark, thousands separator): the user's decimal mark, or both detected on the sample."""
    if wanted is not None and wanted not in (".", ","):
        raise refuse(_("Decimal separator {decimal!r} for '{file}' must be '.' or ','.").format(
            decimal=wanted, file=file))
    values = [f for row in rows[1:] for f in row]
    decimal, thousands, example, grouped = detect_decimal(values, delimiter, wanted)
    if wanted is not None:
        notes.add(_("Decimal separator set to '{decimal}' (your choice).").format(decimal=decimal))
    elif decimal == ",":
        notes.add(_("Decimal separator detected as ',' (comma) (e.g. '{example}').").format(example=example)
                  if example else _("Decimal separator detected as ',' (comma)."))
    else:
        notes.add(_("Decimal separator is '.' (point)."))
    if thousands:
        notes.add(_("Numbers use '{separator}' as a thousands separator (e.g. '{example}').").format(
            separator=thousands, example=grouped) if grouped
            else _("Numbers use '{separator}' as a thousands separator.").format(separator=thousands))
    return decimal, thousands


def _sample_frame(names: list[str], data_rows: list[list[str]]) -> pd.DataFrame:
    """The sample's data rows as strings, cut or padded to the columns, NA tokens as None."""
    width = len(names)
    fixed = [(r + [None] * width)[:width] for r in data_rows]
    frame = pd.DataFrame(fixed, columns=names, dtype=object)
    return frame.where(~frame.isin(NA_SET), None)


def choose_date_column(sample: pd.DataFrame, kinds: Mapping[str, str], wanted: str | None, notes: Notes, *,
                       prefer_dayfirst: bool, file: str) -> dates.DatePlan | None:
    """The plan for the date column: the user's (AUTO: the first that holds dates; None: no date column)."""
    if wanted is None:
        notes.add(_("No date column used (as chosen); rows are kept in file order."))
        return None
    names = list(sample.columns)
    if wanted != AUTO:
        return _user_date_column(sample, kinds, wanted, prefer_dayfirst=prefer_dayfirst, file=file)
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
    notes.add(_("No date column found; rows are kept in file order."))
    return None


def _user_date_column(sample: pd.DataFrame, kinds: Mapping[str, str], wanted: str, *,
                      prefer_dayfirst: bool, file: str) -> dates.DatePlan:
    names = list(sample.columns)
    col = wanted if wanted in names else (wanted.strip() if wanted.strip() in names else None)
    if col is None:
        raise refuse(_("'{file}' has no column named '{column}' (columns: {columns}).").format(
            file=file, column=wanted, columns=quote_list(names)))
    values = sample[col].dropna()
    if values.empty:
        raise refuse(_("Column '{column}' in '{file}' has no values, so it can't be the date "
                       "column.").format(column=col, file=file))
    plan = None
    if kinds[col] == "numeric":
        plan = dates.plan_integer_column(col, values, first=True, user=True)
    if plan is None:
        plan = dates.plan_text_column(col, values, share=dates.USER_SHARE, prefer_dayfirst=prefer_dayfirst)
    if plan is None:
        raise refuse(_("Column '{column}' in '{file}' doesn't hold dates (e.g. '{example}').").format(
            column=col, file=file, example=short(values.iloc[0])))
    return plan
