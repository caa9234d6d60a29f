"""Find the date/time column of a table and turn it into tz-naive datetimes.

Detection works on a sample of string values; the plan it produces (format, day-first,
time zones, year column) is then applied to the whole column in one vectorised pass.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from core.i18n import _

YEAR_MIN, YEAR_MAX = 1000, 2300
AUTO_SHARE = 0.9   # share of sample values that must parse for an auto-detected column
USER_SHARE = 0.5   # ... for a column the user named

_TIME_WORDS = {
    "date", "dates", "time", "times", "datetime", "timestamp", "ts", "dt", "day", "days",
    "daily", "month", "months", "monthly", "quarter", "quarters", "qtr", "year", "years", "yr",
    "yyyy", "week", "weeks", "hour", "period", "fecha", "datum", "jahr", "monat", "zeit",
    "annee", "mois", "jour",
}
_YEAR_WORDS = {"year", "years", "yr", "yyyy", "jahr", "annee", "ano"}
_CJK_TIME = ("日期", "时间", "時間", "年份", "月份", "季度", "年度", "年", "月", "日", "时刻")
_CJK_YEAR = ("年份", "年度", "年")

_DMY = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{2}|\d{4})(?!\d)")
_DMY_PATTERN = r"^\s*\d{1,2}([/.\-])\d{1,2}\1(?:\d{2}|\d{4})(?!\d)"
_TZ = re.compile(r"(?:\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$",
                 re.IGNORECASE)
_QUARTER_YQ = r"^(\d{4})\s*[-/ ]?\s*[Qq]([1-4])$"
_QUARTER_QY = r"^[Qq]([1-4])\s*[-/ ]?\s*(\d{4})$"
_CJK_DATE = re.compile(r"\d{2,4}\s*年")
# Strict ISO 8601 shape; pandas' "ISO8601" format alone also accepts '01.02.2024' (as 2 Jan).
_ISO = (r"^\d{4}-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
        r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?$")


def _words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return {w for w in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if w}


def name_hints_time(name: str) -> bool:
    """Does the column name suggest a date or time (English words, a few others, Chinese)?"""
    return bool(_words(name) & _TIME_WORDS) or any(k in name for k in _CJK_TIME)


def name_hints_year(name: str) -> bool:
    return bool(_words(name) & _YEAR_WORDS) or any(k in name for k in _CJK_YEAR)


@dataclass
class DatePlan:
    """How to parse one column into datetimes."""

    column: str
    kind: str                 # "year" | "yyyymmdd" | "text"
    dayfirst: bool = False
    format: str | None = None  # strptime format or "ISO8601"; None -> per-value ("mixed")
    rewrite: bool = False      # quarters ("1990 Q1") or Chinese dates ("2024年1月5日") present
    has_tz: bool = False
    example: str = ""
    ambiguous_order: str | None = None   # "sequence" | "convention" when values fit both orders

    def describe(self) -> str:
        """Plain-English description of the format, for the import report."""
        if self.kind == "year":
            text = _("whole years such as {example}")
        elif self.kind == "yyyymmdd":
            text = _("dates written as YYYYMMDD such as {example}")
        elif not _DMY.match(self.example):
            text = _("dates such as '{example}'")
        elif self.ambiguous_order == "sequence":
            text = (_("day-first dates such as '{example}' (the values alone don't say which; chose the order "
                      "that keeps the rows in sequence)") if self.dayfirst else
                    _("month-first dates such as '{example}' (the values alone don't say which; chose the order "
                      "that keeps the rows in sequence)"))
        elif self.ambiguous_order == "convention":
            text = (_("day-first dates such as '{example}' (the values alone don't say which; this is the usual "
                      "order for such files; choose the format if it is wrong)") if self.dayfirst else
                    _("month-first dates such as '{example}' (the values alone don't say which; this is the "
                      "usual order for such files; choose the format if it is wrong)"))
        else:
            text = (_("day-first dates such as '{example}'") if self.dayfirst
                    else _("month-first dates such as '{example}'"))
        return text.format(example=self.example)


def _rewrite(values: pd.Series) -> pd.Series:
    """Turn quarter labels and Chinese dates into strings pandas can parse."""
    s = values.str.strip()
    s = s.str.replace(_QUARTER_YQ, lambda m: f"{m.group(1)}-{3 * int(m.group(2)) - 2:02d}-01",
                      regex=True)
    s = s.str.replace(_QUARTER_QY, lambda m: f"{m.group(2)}-{3 * int(m.group(1)) - 2:02d}-01",
                      regex=True)
    if s.str.contains("年", regex=False).any():
        s = (s.str.replace(r"\s*[年月]\s*", "-", regex=True)
             .str.replace("日", "", regex=False).str.rstrip("-"))
    return s


def _needs_rewrite(values: pd.Series) -> bool:
    return bool(values.str.match(_QUARTER_YQ).any() or values.str.match(_QUARTER_QY).any()
                or values.str.contains(_CJK_DATE).any())


def has_zone(values: pd.Series) -> pd.Series:
    """Which date strings end in a time zone ('...T10:00+02:00', '... 10:00 Z', '... UTC')."""
    return values.str.contains(_TZ).fillna(False).astype(bool)


def _to_naive_utc(parsed: pd.Series) -> pd.Series:
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed


def _parse(values: pd.Series, fmt: str | None, dayfirst: bool) -> pd.Series:
    """Parse strings; NaT where a value can't be read. Always tz-naive (UTC if zoned)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt is not None:
            out = pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
            out = _to_naive_utc(out)
            failed = out.isna() & values.notna()
            if not failed.any():
                return out
            out = out.copy()
            out[failed] = _parse(values[failed], None, dayfirst)
            return out
        # Per-value parsing. dayfirst only for d/m/y-shaped values: dateutil with dayfirst
        # turns the year-first '2024-01-06' into June 1st.
        dmy = values.str.match(_DMY_PATTERN).fillna(False).astype(bool)
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
        for mask, first in ((dmy, dayfirst), (~dmy, False)):
            if mask.any():
                part = pd.to_datetime(values[mask], format="mixed", dayfirst=first,
                                      errors="coerce", utc=True)
                out[mask] = _to_naive_utc(part).astype("datetime64[us]")
        return out


def _sane(parsed: pd.Series) -> pd.Series:
    """Parsed values inside the plausible year range (dateutil reads 'may' as 0001-05-01)."""
    years = parsed.dt.year
    return parsed.notna() & (years >= YEAR_MIN) & (years <= YEAR_MAX)


def _out_of_order(parsed: pd.Series) -> int:
    d = parsed.dropna()
    return int((d.diff() < pd.Timedelta(0)).sum())


def _decide_dayfirst(values: pd.Series, prefer_dayfirst: bool) -> tuple[bool, str | None]:
    """(dayfirst, how it was decided if the values alone were ambiguous) for the sample.

    A first field above 12 means day-first, a second field above 12 month-first. If all
    values fit both orders, keep the order that leaves the rows in sequence; failing that,
    day-first for '01.02.2024' or decimal-comma files, else month-first.
    """
    parts = values.str.extract(_DMY)
    parts = parts.dropna()
    if parts.empty:
        return False, None
    first = parts[0].astype(int)
    second = parts[2].astype(int)
    day_first_votes = int((first > 12).sum())
    month_first_votes = int((second > 12).sum())
    if day_first_votes or month_first_votes:
        return day_first_votes >= month_first_votes, None
    by_day = _out_of_order(_parse(values, None, True))
    by_month = _out_of_order(_parse(values, None, False))
    if by_day != by_month:
        return by_day < by_month, "sequence"
    separator = parts[1].iloc[0]
    return (prefer_dayfirst or separator == "."), "convention"


def plan_text_column(name: str, values: pd.Series, *, share: float = AUTO_SHARE,
                     prefer_dayfirst: bool = False, strict: bool = False) -> DatePlan | None:
    """A plan if at least ``share`` of the (non-missing, string) sample values are dates.

    ``strict`` (for columns whose name doesn't suggest time): values must also show a
    year (four digits, or a d/m/yy shape), so scores like '3-1' are not read as dates.
    """
    values = values.dropna().astype(str).str.strip()
    values = values[values != ""]
    if values.empty:
        return None
    # A date has digits; this keeps words such as 'May' or 'north' out.
    if values.str.contains(r"\d", regex=True).mean() < share:
        return None
    if strict:
        has_year = values.str.contains(r"\d{4}", regex=True) | values.str.match(_DMY_PATTERN)
        if has_year.mean() < share:
            return None
    rewrite = _needs_rewrite(values)
    if rewrite:
        values = _rewrite(values)
    example = str(values.iloc[0])
    has_tz = bool(values.str.contains(_TZ).any())
    needed = share * len(values)

    if values.str.match(_ISO).all():
        iso = _parse(values, "ISO8601", False)
        if _sane(iso).sum() >= needed and iso.notna().all():
            return DatePlan(name, "text", False, "ISO8601", rewrite, has_tz, example)

    dayfirst, ambiguous = _decide_dayfirst(values, prefer_dayfirst)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fmt = guess_datetime_format(example, dayfirst=dayfirst)
    if fmt is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            strict = pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
        if strict.notna().all() and _sane(_to_naive_utc(strict)).sum() >= needed:
            return DatePlan(name, "text", dayfirst, fmt, rewrite, has_tz, example, ambiguous)
    mixed = _parse(values, None, dayfirst)
    if _sane(mixed).sum() >= needed:
        return DatePlan(name, "text", dayfirst, None, rewrite, has_tz, example, ambiguous)
    return None


def _as_integers(values: pd.Series) -> np.ndarray | None:
    nums = pd.to_numeric(values.dropna(), errors="coerce")
    if nums.empty or nums.isna().any():
        return None
    arr = nums.to_numpy(dtype=float)
    if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
        return None
    return arr.astype(np.int64)


def plan_integer_column(name: str, values: pd.Series, *, first: bool,
                        user: bool = False) -> DatePlan | None:
    """A year (or YYYYMMDD) plan for a column of whole numbers, if it is one.

    A year column: every value in 1000..2300 and either the name says 'year' (or the
    user chose it), or it is the first column and the values rise, mostly by one.
    """
    ints = _as_integers(values)
    if ints is None or len(ints) == 0:
        return None
    example = str(int(ints[0]))
    if np.all((ints >= YEAR_MIN) & (ints <= YEAR_MAX)):
        if user or name_hints_year(name):
            return DatePlan(name, "year", example=example)
        if first and len(ints) >= 3:
            steps = np.diff(ints)
            if np.all(steps > 0) and np.mean(steps == 1) >= 0.8:
                return DatePlan(name, "year", example=example)
        return None
    if (user or name_hints_time(name)) and np.all((ints >= 10_000_101) & (ints <= 23_001_231)):
        parsed = pd.to_datetime(pd.Series(ints).astype(str), format="%Y%m%d", errors="coerce")
        if parsed.notna().all():
            return DatePlan(name, "yyyymmdd", format="%Y%m%d", example=example)
    return None


def in_read_csv(plan: DatePlan) -> str | None:
    """The ``date_format`` to let pandas.read_csv parse this column itself, or None.

    Only for one known format without time zones: that is the fast path for big files.
    pandas leaves the column as strings if any value doesn't fit; apply_plan then runs.
    """
    if plan.kind == "text" and plan.format is not None and not plan.rewrite and not plan.has_tz:
        return plan.format
    return None


def apply_plan(values: pd.Series, plan: DatePlan) -> pd.Series:
    """Parse a whole column (strings) with ``plan``; NaT where a value can't be read."""
    if plan.kind in ("year", "yyyymmdd"):
        nums = pd.to_numeric(values, errors="coerce")
        whole = nums.notna() & (nums == nums.round())
        if plan.kind == "year":
            whole &= (nums >= YEAR_MIN) & (nums <= YEAR_MAX)
            text = nums.where(whole).astype("Int64").astype(str)
            return _parse(text.where(whole), "%Y", False).astype("datetime64[us]")
        text = nums.where(whole).astype("Int64").astype(str)
        return _parse(text.where(whole), "%Y%m%d", False).astype("datetime64[us]")
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = _to_naive_utc(values)
    else:
        strings = values.astype(str).where(values.notna())
        if plan.rewrite:
            strings = _rewrite(strings)
        parsed = _parse(strings, plan.format, plan.dayfirst)
        failed = parsed.isna() & strings.notna()
        if failed.any():   # try again without surrounding spaces (rare, so only those values)
            again = strings[failed].str.strip()
            parsed = parsed.copy()
            parsed[failed] = _parse(again.where(again != ""), plan.format, plan.dayfirst)
    parsed = parsed.astype("datetime64[us]")
    return parsed.where(_sane(parsed))
