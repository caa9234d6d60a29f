"""Future dates keep the data's calendar: trading days (weekdays, holidays missing) go on Monday
after a Friday, a Monday-to-Saturday shop never opens on Sunday, a daily series keeps every day,
and an hourly trading session continues at the next session's first hour."""

import numpy as np
import pandas as pd
import pytest

from core.errors import DamagedValue
from core.model.bundle.meta import _check_time_index
from core.prep.timeindex import TimeIndex, infer_calendar


def trading_days(start: str = "2023-01-02", end: str = "2024-12-27", holidays_a_year: int = 9,
                 weekmask: str = "Mon Tue Wed Thu Fri", seed: int = 0) -> pd.DatetimeIndex:
    """Days of a calendar minus ~`holidays_a_year` random dates a year (never the last week)."""
    days = pd.bdate_range(start, end, freq="C", weekmask=weekmask)
    years = len(days.year.unique())
    rng = np.random.default_rng(seed)
    holidays = rng.choice(len(days) - 5, holidays_a_year * years, replace=False)
    return days.delete(holidays)


def future_of(dates: pd.DatetimeIndex, steps: int) -> pd.DatetimeIndex:
    index = TimeIndex.of(pd.DataFrame({"d": dates, "v": np.arange(len(dates), dtype=float)}), "d")
    return pd.DatetimeIndex(index.future(steps))


def test_trading_days_with_holidays_ending_on_a_friday_go_on_on_monday_and_never_at_weekends():
    dates = trading_days()
    assert dates[-1].day_name() == "Friday" and len(dates) == 520 - 18  # two years of weekdays, 9 holidays a year
    assert pd.infer_freq(dates) is None  # the holidays defeat pandas' inference: the old 1-day fallback
    future = future_of(dates, 30)
    assert future[0] == pd.Timestamp("2024-12-30")  # the Monday
    assert future[0].day_name() == "Monday"
    assert not set(future.day_name()) & {"Saturday", "Sunday"}
    assert len(future) == 30 and future.is_monotonic_increasing and future.is_unique
    assert set(future.day_name()) == {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
    assert TimeIndex.of(pd.DataFrame({"d": dates}), "d").describe() == "dates every business day"


def test_a_rare_saturday_session_does_not_make_saturdays_trading_days():
    dates = trading_days().append(pd.DatetimeIndex(["2023-06-17"])).sort_values()  # one make-up Saturday
    future = future_of(dates, 12)
    assert not set(future.day_name()) & {"Saturday", "Sunday"}


def test_a_monday_to_saturday_shop_gets_no_sundays():
    dates = trading_days("2023-01-02", "2024-12-31", weekmask="Mon Tue Wed Thu Fri Sat")
    assert dates[-1].day_name() == "Tuesday"
    calendar = infer_calendar(dates)
    assert (calendar.freq, calendar.weekmask) == ("C", "Mon Tue Wed Thu Fri Sat")
    future = future_of(dates, 20)
    assert "Sunday" not in set(future.day_name())
    assert "Saturday" in set(future.day_name())
    # after a Saturday the next opening day is Monday
    saturday = dates[dates <= "2024-12-28"]
    assert saturday[-1].day_name() == "Saturday"
    assert future_of(saturday, 1)[0] == pd.Timestamp("2024-12-30")
    index = TimeIndex.of(pd.DataFrame({"d": dates}), "d")
    assert index.describe() == "dates every working day (Mon, Tue, Wed, Thu, Fri, Sat)"


def test_a_daily_series_keeps_every_day_even_with_gaps_and_monthly_and_quarterly_are_unchanged():
    daily = pd.date_range("2024-01-01", "2024-03-01", freq="D").delete([10, 11, 30, 45])  # ends on a Friday
    assert infer_calendar(daily).freq == "D" and infer_calendar(daily).weekmask is None
    future = future_of(daily, 7)
    assert list(future) == list(pd.date_range("2024-03-02", periods=7, freq="D"))  # Saturday and Sunday too
    monthly = pd.date_range("2020-01-01", periods=40, freq="MS")
    assert list(future_of(monthly, 2)) == [pd.Timestamp("2023-05-01"), pd.Timestamp("2023-06-01")]
    quarterly = pd.date_range(end="2023-12-31", periods=24, freq="QE-DEC")
    assert list(future_of(quarterly, 2)) == [pd.Timestamp("2024-03-31"), pd.Timestamp("2024-06-30")]
    weekly = pd.date_range(end="2024-03-01", periods=60, freq="W-FRI").delete([5, 20])
    assert list(future_of(weekly, 2)) == [pd.Timestamp("2024-03-08"), pd.Timestamp("2024-03-15")]


def test_an_off_calendar_last_date_does_not_skip_the_next_trading_day():
    index = TimeIndex("dates", 10, "2024-03-02T00:00:00", "B")  # a Saturday row, e.g. one make-up session
    assert list(pd.DatetimeIndex(index.future(2))) == [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-03-05")]


def test_hourly_trading_sessions_continue_at_the_next_sessions_first_hour():
    days = trading_days("2024-06-03", "2024-12-27", holidays_a_year=4)
    stamps = pd.DatetimeIndex([day + pd.Timedelta(hours=9, minutes=30) + pd.Timedelta(hours=h)
                               for day in days for h in range(7)])  # 09:30 .. 15:30, Friday last
    future = future_of(stamps, 9)
    assert future[0] == pd.Timestamp("2024-12-30 09:30")
    assert list(future[:7].strftime("%H:%M")) == ["09:30", "10:30", "11:30", "12:30", "13:30", "14:30", "15:30"]
    assert future[7] == pd.Timestamp("2024-12-31 09:30")
    assert not set(future.day_name()) & {"Saturday", "Sunday"}
    # round the clock on weekdays only (a currency market): every hour, no weekend
    fx = pd.date_range("2024-01-01", "2024-03-01 23:00", freq="h")
    fx = fx[fx.day_of_week < 5].delete([100, 101])
    future = future_of(fx, 30)
    assert future[0] == pd.Timestamp("2024-03-04 00:00") and len(future) == 30
    assert (future[1:] - future[:-1] == pd.Timedelta(hours=1)).all()
    # a plain hourly series with a gap stays hourly round the clock
    plain = pd.date_range("2024-01-01", "2024-02-02 23:00", freq="h").delete([50])  # Friday 23:00 last
    assert list(future_of(plain, 2)) == [pd.Timestamp("2024-02-03 00:00"), pd.Timestamp("2024-02-03 01:00")]
    # irregular stamps (ticks) are no session: no list of their times of day to continue
    ticks = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.sort(np.random.default_rng(0).integers(0, 30 * 86400, 4000)), unit="s")
    assert infer_calendar(ticks).times is None


def test_the_calendar_round_trips_through_a_bundle_and_a_damaged_one_is_refused():
    index = TimeIndex.of(pd.DataFrame({"d": trading_days(weekmask="Mon Tue Wed Thu Fri Sat")}), "d")
    again = TimeIndex.from_dict(index.to_dict())
    assert again == index and again.weekmask == "Mon Tue Wed Thu Fri Sat"
    _check_time_index(again)
    assert "weekmask" not in TimeIndex("dates", 3, "2024-01-01", "D").to_dict()  # older readers see what they knew
    with pytest.raises(DamagedValue, match="weekdays"):
        _check_time_index(TimeIndex("dates", 3, "2024-01-01", "C", "Mon Funday"))
    with pytest.raises(DamagedValue, match="time of day"):
        _check_time_index(TimeIndex("dates", 3, "2024-01-01", "h", None, ("25:00:00",)))


def test_a_trading_day_csv_is_forecast_on_trading_days_end_to_end(tmp_path):
    """From the file to the forecast table: read as a user's file is, trained briefly, forecast."""
    from core.data.csv_reader import read_csv
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    dates = trading_days("2023-01-02", "2024-12-27")
    close = 100 + np.cumsum(np.random.default_rng(3).normal(0, 1, len(dates)))
    path = tmp_path / "closes.csv"
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": close.round(2)}).to_csv(path, index=False)
    loaded = read_csv(path)
    assert loaded.report.date_column == "Date"
    config = ForecastConfig(target="Close", date_column="Date", epochs=1, ensemble=1, refit=False, horizon=3,
                            forecast_steps=6)
    result = run_experiment(loaded.frame, config)
    future = pd.DatetimeIndex(result.forecast["time"])
    assert list(future.strftime("%Y-%m-%d")) == ["2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02",
                                                 "2025-01-03", "2025-01-06"]  # New Year's Day: not known ahead
    assert result.metrics_dict()["forecast"]["time"] == "dates every business day"
