"""What the rows are called and what comes after the last one: dates, years or row numbers.

Future timestamps continue the detected frequency of the date column (hourly, 30-minute, daily,
business-daily, weekly, monthly, quarterly, yearly...); without a date column the row numbers
(1-based, as in every output) simply go on.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.errors import OutOfBoundsDatetime
from pandas.tseries.offsets import CustomBusinessDay

from core.errors import NoFutureLabels
from core.i18n import N_, _

ROWS, DATES, YEARS = "rows", "dates", "years"


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # pandas' weekmask words, Monday first
MONDAY_TO_FRIDAY = "Mon Tue Wed Thu Fri"
RARE = 0.25  # a weekday (or time of day) seen less than this share of the most common one is an exception
DAY = pd.Timedelta(days=1)
MAX_SESSION_TIMES = 1440  # a session of minutes at most: more is no trading session to continue


@dataclass(frozen=True)
class Calendar:
    """How the dates go on: a pandas offset alias, and for trading-day and shop calendars the
    weekdays that occur (pandas' weekmask words), and for trading sessions the times of day."""

    freq: str | None
    weekmask: str | None = None  # e.g. "Mon Tue Wed Thu Fri Sat"; None: every day (or what freq says)
    times: tuple[str, ...] | None = None  # "HH:MM:SS" of an intraday session; None: round the clock


def infer_frequency(dates: pd.Series | pd.DatetimeIndex) -> str | None:
    """A pandas offset alias for regular dates, from the last rows (where the future starts)."""
    return infer_calendar(dates).freq


def infer_calendar(dates: pd.Series | pd.DatetimeIndex) -> Calendar:
    """The frequency of the last rows, with the weekdays (and session hours) they keep to.

    Trading days with holidays missing defeat pandas' inference (the steps are 1 or 3 days, and 2
    or 4 around a holiday); the set of weekdays that occur is what continues: holidays to come
    can't be known, weekends can."""
    present = pd.DatetimeIndex(pd.Series(dates).dropna().iloc[-5000:])
    index = present[-200:]
    if len(index) < 3:
        return Calendar(None)
    # the weekdays and hours kept need a few weeks, more than 200 rows of an hourly series hold
    recent = present[present >= min(index[0], present[-1] - pd.Timedelta(days=56))]
    try:
        with warnings.catch_warnings():  # pandas 3 warns that infer_freq will return an offset
            warnings.filterwarnings("ignore", message=".*infer_freq.*")
            freq = pd.infer_freq(index)
    except (TypeError, ValueError):
        freq = None
    if freq is not None and not isinstance(freq, str):  # an offset (pandas 4): its name
        freq = freq.freqstr
    if freq:
        return Calendar(freq)
    # gaps or a few irregular rows: fall back on the most common step
    steps = pd.Series(index[1:] - index[:-1])
    common = steps.mode().iloc[0]
    days = common / DAY
    if 27 <= days <= 31:
        return Calendar("MS" if (index.day == 1).mean() > 0.8 else "ME")
    if 89 <= days <= 92:
        return Calendar("QS" if (index.day == 1).mean() > 0.8 else "QE")
    if 365 <= days <= 366:
        return Calendar("YS" if (index.dayofyear == 1).mean() > 0.8 else "YE")
    if common > pd.Timedelta(0) and common % pd.Timedelta(days=7) == pd.Timedelta(0):
        weeks = common // pd.Timedelta(days=7)
        anchor = index[-1].day_name()[:3].upper()
        return Calendar(f"{weeks if weeks > 1 else ''}W-{anchor}")
    if common > pd.Timedelta(0) and common % DAY == pd.Timedelta(0):
        days_step = common // DAY
        weekmask = _weekdays(recent, span_days=14 * days_step)
        if weekmask == MONDAY_TO_FRIDAY:
            return Calendar("B")
        if weekmask is not None:
            return Calendar("C", weekmask)
        return Calendar(f"{days_step if days_step > 1 else ''}D")
    if common > pd.Timedelta(0):
        freq = pd.tseries.frequencies.to_offset(common).freqstr
        return Calendar(freq, _weekdays(recent, span_days=14), _session(recent, common))
    return Calendar(None)


def _weekdays(index: pd.DatetimeIndex, span_days: int) -> str | None:
    """The weekdays the dates keep to as a weekmask, or None for every day of the week (or too
    short a span to tell: each weekday needs two chances to show up)."""
    if (index[-1] - index[0]) < pd.Timedelta(days=span_days):
        return None
    counts = pd.Series(index.normalize().unique().day_of_week).value_counts()
    kept = sorted(day for day, count in counts.items() if count >= RARE * counts.max())
    return None if len(kept) == 7 else " ".join(WEEKDAYS[day] for day in kept)


def _session(index: pd.DatetimeIndex, step: pd.Timedelta) -> tuple[str, ...] | None:
    """The times of day of an intraday series that keeps to a session (trading hours), or None
    when the rows go round the clock (or span under a week: too short to tell)."""
    if (index[-1] - index[0]) < pd.Timedelta(days=7):
        return None
    counts = pd.Series(index - index.normalize()).value_counts()
    # a session's times recur day after day; irregular stamps (ticks) are no session
    kept = sorted(t for t, count in counts.items() if count >= max(2, RARE * counts.max()))
    if not kept or len(kept) >= DAY / step or len(kept) > MAX_SESSION_TIMES:
        return None
    if counts[kept].sum() < 0.9 * counts.sum():  # most rows must fall on the session's times
        return None
    return tuple(_clock(t) for t in kept)


def _clock(offset: pd.Timedelta) -> str:
    seconds = int(offset.total_seconds())
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class TimeIndex:
    kind: str  # rows | dates | years
    rows: int  # rows in the table it describes
    last: str | int  # the last row's label: ISO date, year, or 1-based row number
    freq: str | None = None  # pandas offset alias, for dates
    weekmask: str | None = None  # the weekdays the dates keep to (Calendar.weekmask)
    times: tuple[str, ...] | None = None  # the times of day of an intraday session (Calendar.times)

    @classmethod
    def of(cls, frame: pd.DataFrame, date_column: str | None, date_is_year: bool = False) -> TimeIndex:
        rows = len(frame)
        if date_column is None or date_column not in frame.columns:
            return cls(ROWS, rows, rows)
        dates = pd.DatetimeIndex(frame[date_column])
        if date_is_year:
            return cls(YEARS, rows, int(dates[-1].year))
        calendar = infer_calendar(dates)
        return cls(DATES, rows, dates[-1].isoformat(), calendar.freq, calendar.weekmask, calendar.times)

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
            last = pd.Timestamp(self.last)
            if self.times or (self.weekmask and self.freq != "C"):
                return _on_calendar(last, steps, self.freq, self.weekmask, self.times)
            if self.freq in ("B", "C"):  # from an off-calendar last date the range starts on the next one
                offset = CustomBusinessDay(weekmask=self.weekmask or MONDAY_TO_FRIDAY)
                dates = pd.date_range(last, periods=steps + 1, freq=offset)
                return dates[dates > last][:steps].to_numpy()
            return pd.date_range(last, periods=steps + 1, freq=self.freq)[1:].to_numpy()
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
        text = _("dates every {unit}").format(unit=_(FREQUENCY_NAMES[unit]) if unit in FREQUENCY_NAMES else self.freq)
        if self.weekmask:
            days = _(", ").join(_(DAY_NAMES[day]) for day in self.weekmask.split() if day in DAY_NAMES)
            text = _("{dates} ({days})").format(dates=text, days=days)
        if self.times:
            text = _("{dates}, {first} to {last}").format(dates=text, first=self.times[0][:5], last=self.times[-1][:5])
        return text

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "rows": self.rows, "last": self.last, "freq": self.freq}
        if self.weekmask:  # written only when there is one: older versions read the rest as before
            out["weekmask"] = self.weekmask
        if self.times:
            out["times"] = list(self.times)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimeIndex:
        times = data.get("times")
        return cls(data["kind"], int(data["rows"]), data["last"], data.get("freq"), data.get("weekmask") or None,
                   tuple(str(t) for t in times) if times else None)


def _on_calendar(last: pd.Timestamp, steps: int, freq: str, weekmask: str | None,
                 times: tuple[str, ...] | None) -> np.ndarray:
    """Intraday stamps after `last` on the calendar's weekdays: the session's times of day on each
    such day, or every `freq` step that falls on one."""
    days_kept = {WEEKDAYS.index(day) for day in (weekmask or " ".join(WEEKDAYS)).split()}
    out: list[pd.Timestamp] = []
    if times:
        clock = [pd.Timedelta(t) for t in times]
        day = last.normalize()
        while len(out) < steps:
            if day.day_of_week in days_kept:
                out.extend(stamp for stamp in (day + t for t in clock) if stamp > last)
            day += DAY
    else:
        start = last
        while len(out) < steps:
            candidates = pd.date_range(start, periods=4 * steps + 8, freq=freq)[1:]
            out.extend(candidates[np.isin(candidates.day_of_week, list(days_kept))])
            start = candidates[-1]
    return pd.DatetimeIndex(out[:steps]).to_numpy()


DAY_NAMES = dict(zip(WEEKDAYS, (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun")),
                     strict=True))
FREQUENCY_NAMES = {
    "min": N_("minute"), "h": N_("hour"), "D": N_("day"), "B": N_("business day"), "C": N_("working day"),
    "W": N_("week"),
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
