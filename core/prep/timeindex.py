"""What the rows are called and what comes after the last one: dates, years or row numbers.

Future timestamps continue the detected frequency of the date column (hourly, 30-minute, daily,
business-daily, weekly, monthly, quarterly, yearly...); without a date column the row numbers
(1-based, as in every output) simply go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.errors import OutOfBoundsDatetime

from core.errors import NoFutureLabels
from core.i18n import N_, _

ROWS, DATES, YEARS = "rows", "dates", "years"


def infer_frequency(dates: pd.Series | pd.DatetimeIndex) -> str | None:
    """A pandas offset alias for regular dates, from the last rows (where the future starts)."""
    index = pd.DatetimeIndex(pd.Series(dates).dropna().iloc[-200:])
    if len(index) < 3:
        return None
    try:
        freq = pd.infer_freq(index)
    except (TypeError, ValueError):
        freq = None
    if freq:
        return freq
    # gaps or a few irregular rows: fall back on the most common step
    steps = pd.Series(index[1:] - index[:-1])
    common = steps.mode().iloc[0]
    days = common / pd.Timedelta(days=1)
    if 27 <= days <= 31:
        return "MS" if (index.day == 1).mean() > 0.8 else "ME"
    if 89 <= days <= 92:
        return "QS" if (index.day == 1).mean() > 0.8 else "QE"
    if 365 <= days <= 366:
        return "YS" if (index.dayofyear == 1).mean() > 0.8 else "YE"
    if common > pd.Timedelta(0) and common % pd.Timedelta(days=7) == pd.Timedelta(0):
        weeks = common // pd.Timedelta(days=7)
        anchor = index[-1].day_name()[:3].upper()
        return f"{weeks if weeks > 1 else ''}W-{anchor}"
    if common > pd.Timedelta(0) and common % pd.Timedelta(days=1) == pd.Timedelta(0):
        days_step = common // pd.Timedelta(days=1)
        return f"{days_step if days_step > 1 else ''}D"
    if common > pd.Timedelta(0):
        return pd.tseries.frequencies.to_offset(common).freqstr
    return None


@dataclass(frozen=True)
class TimeIndex:
    kind: str  # rows | dates | years
    rows: int  # rows in the table it describes
    last: str | int  # the last row's label: ISO date, year, or 1-based row number
    freq: str | None = None  # pandas offset alias, for dates

    @classmethod
    def of(cls, frame: pd.DataFrame, date_column: str | None, date_is_year: bool = False) -> TimeIndex:
        rows = len(frame)
        if date_column is None or date_column not in frame.columns:
            return cls(ROWS, rows, rows)
        dates = pd.DatetimeIndex(frame[date_column])
        if date_is_year:
            return cls(YEARS, rows, int(dates[-1].year))
        return cls(DATES, rows, dates[-1].isoformat(), infer_frequency(dates))

    def future(self, steps: int) -> np.ndarray:
        """Labels of the `steps` rows after the last one; NoFutureLabels (a ValueError) with the reason
        in words when there are none."""
        if self.kind == ROWS:
            return np.arange(int(self.last) + 1, int(self.last) + 1 + steps)
        if self.kind == YEARS:
            return np.arange(int(self.last) + 1, int(self.last) + 1 + steps)
        if not self.freq:
            raise NoFutureLabels(_("the dates have no regular frequency"))
        try:
            return pd.date_range(pd.Timestamp(self.last), periods=steps + 1, freq=self.freq)[1:].to_numpy()
        except (OutOfBoundsDatetime, OverflowError):  # pandas words these in English: the reason is ours
            raise NoFutureLabels(_("the dates would pass the last one that can be held ({last})").format(
                last=pd.Timestamp.max.strftime("%Y-%m-%d"))) from None
        except ValueError:
            raise NoFutureLabels(_("the dates can't be continued every {freq!r}").format(freq=self.freq)) from None

    def describe(self) -> str:
        if self.kind == ROWS:
            return _("row numbers")
        if self.kind == YEARS:
            return _("years")
        if not self.freq:
            return _("irregular dates")
        unit = self.freq.split("-")[0]
        return _("dates every {unit}").format(unit=_(FREQUENCY_NAMES[unit]) if unit in FREQUENCY_NAMES else self.freq)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows, "last": self.last, "freq": self.freq}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimeIndex:
        return cls(data["kind"], int(data["rows"]), data["last"], data.get("freq"))


FREQUENCY_NAMES = {
    "min": N_("minute"), "h": N_("hour"), "D": N_("day"), "B": N_("business day"), "W": N_("week"),
    "MS": N_("month (start)"), "ME": N_("month (end)"), "QS": N_("quarter (start)"), "QE": N_("quarter (end)"),
    "YS": N_("year (start)"), "YE": N_("year (end)"), "s": N_("second"),
}


def format_time(value: Any) -> str:
    """A row's label for people: a date without a midnight time, or a year or row number as is."""
    if isinstance(value, (int, float, np.integer, np.floating)):
        return str(value)
    stamp = pd.Timestamp(value)
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.isoformat(sep=" ")


def time_labels(frame: pd.DataFrame, date_column: str | None, rows: np.ndarray,
                date_is_year: bool = False) -> np.ndarray:
    """What a row is called in outputs: its date, its year, or its 1-based row number."""
    if date_column is None:
        return rows + 1
    dates = pd.DatetimeIndex(frame[date_column].to_numpy()[rows])
    if date_is_year:
        return dates.year.to_numpy()
    return dates.to_numpy()
