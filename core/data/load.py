"""The whole file in ONE pandas.read_csv call (the C engine), as the plan says; pandas' errors in plain words."""

from __future__ import annotations

import re
import warnings

import pandas as pd

from core.data.notes import one_line, refuse
from core.data.numbers import NA_TOKENS
from core.data.plan import ReadPlan
from core.data.source import Source
from core.i18n import _

_FIELDS_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_ERROR = re.compile(r"EOF inside string starting at row (\d+)")


def read_all(source: Source, plan: ReadPlan) -> pd.DataFrame:
    """Every row, typed as the plan says. A UnicodeDecodeError (bytes past the head that don't fit the
    encoding) is left to the caller, which may detect the encoding again on the whole file."""
    date_format = plan.date_format
    kwargs = dict(
        sep=plan.delimiter, decimal=plan.decimal, thousands=plan.thousands, encoding=plan.codec,
        header=0 if plan.has_header else None, names=list(plan.names),
        skiprows=plan.skip_rows or None, na_values=NA_TOKENS, keep_default_na=False,
        dtype={c: str for c in plan.text_columns}, index_col=False, engine="c",
        compression=None, skip_blank_lines=True,
    )
    if date_format:
        kwargs.update(parse_dates=[plan.date_column], date_format={plan.date_column: date_format})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.read_csv(source.opened(), **kwargs)
        except pd.errors.EmptyDataError as exc:
            raise refuse(_("'{file}' has no data rows.").format(file=plan.file)) from exc
        except pd.errors.ParserError as exc:
            raise _parser_problem(exc, plan) from exc


def _parser_problem(exc: pd.errors.ParserError, plan: ReadPlan) -> Exception:
    m = _FIELDS_ERROR.search(str(exc))
    if m:
        return refuse(_("Can't read '{file}': line {line} has {fields} fields but the header has "
                        "{width}; check the delimiter.").format(
            file=plan.file, line=m.group(2), fields=m.group(3), width=m.group(1)))
    m = _EOF_ERROR.search(str(exc))
    if m:
        return refuse(_("Can't read '{file}': the quoted value starting on line {line} is never "
                        "closed (a '\"' without its partner).").format(
            file=plan.file, line=int(m.group(1)) + 1 + plan.skip_rows))
    return refuse(_("Can't read '{file}': {problem}").format(file=plan.file, problem=one_line(exc)))
