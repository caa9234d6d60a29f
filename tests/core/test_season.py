import numpy as np
import pandas as pd

from core.prep.season import calendar_period, detect_season


def test_detects_a_synthetic_period():
    rng = np.random.default_rng(0)
    t = np.arange(300)
    values = 10 * np.sin(2 * np.pi * t / 7) + 0.05 * t + rng.normal(0, 1, 300)
    assert detect_season(values) == 7


def test_white_noise_has_no_season():
    assert detect_season(np.random.default_rng(1).normal(size=400)) is None


def test_quarterly_dates_imply_four():
    dates = pd.Series(pd.date_range("2000-01-01", periods=40, freq="QS"))
    assert calendar_period(dates) == 4
    assert calendar_period(pd.Series(pd.date_range("2000-01-01", periods=40, freq="MS"))) == 12


def test_a_persistent_series_is_not_seasonal_even_with_quarterly_dates():
    # a random walk: high autocorrelation at lag 4, but no peak there
    walk = np.cumsum(np.random.default_rng(2).normal(size=120))
    dates = pd.Series(pd.date_range("1990-01-01", periods=120, freq="QS"))
    assert detect_season(walk, dates) is None


def test_autocorrelation_matches_the_direct_sum():
    from core.prep.season import autocorrelation

    x = np.random.default_rng(3).normal(size=50) + np.arange(50) * 0.1
    t = np.arange(50)
    d = x - np.polyval(np.polyfit(t, x, 1), t)
    direct = [np.dot(d[: 50 - k], d[k:]) / np.dot(d, d) for k in range(6)]
    assert np.allclose(autocorrelation(x, 5), direct)


def test_the_period_wins_over_its_multiples_on_long_series():
    t = np.arange(20_000)
    x = np.sin(2 * np.pi * t / 7) + np.random.default_rng(4).normal(size=len(t))
    assert detect_season(x) == 7


def test_the_answer_follows_the_values_even_when_changed_in_place():
    # detect_season remembers recent answers (settings are re-checked on every edit): by content
    t = np.arange(600)
    values = np.sin(2 * np.pi * t / 7) + 0.01 * t
    assert detect_season(values) == 7
    assert detect_season(values.copy()) == 7  # remembered, same answer
    values[:] = np.sin(2 * np.pi * t / 12) + 0.01 * t  # the same array, new content
    assert detect_season(values) == 12
    assert detect_season(values[:300]) == 12  # another length is another key


def test_the_calendar_period_wins_when_within_noise_of_a_neighbouring_peak():
    # hourly rows: a daily cycle under strongly persistent noise peaks at lag 23 (0.6448) a hair above
    # lag 24 (0.6405); the difference is far inside one standard error (1/sqrt(2100) = 0.022)
    from scipy.signal import lfilter

    t = np.arange(2100)
    noise = lfilter([1.0], [1.0, -0.97], np.random.default_rng(0).normal(0, 1, len(t)))
    values = 2 * np.sin(2 * np.pi * t / 24) + 0.6 * noise
    from core.prep.season import autocorrelation

    acf = autocorrelation(values, 30)
    assert acf[23] > acf[24]
    assert detect_season(values) == 23  # row numbers only: nothing says 24 is special
    hourly = pd.Series(pd.date_range("2020-01-01", periods=len(t), freq="h"))
    assert detect_season(values, hourly) == 24


def _hourly(weeks: int, weekly: bool, seed: int = 0) -> tuple[np.ndarray, pd.Series]:
    t = np.arange(24 * 7 * weeks)
    values = 10 + np.sin(2 * np.pi * t / 24) + 0.3 * np.random.default_rng(seed).normal(size=len(t))
    if weekly:  # weekends lower than weekdays
        values += np.where((t // 24) % 7 >= 5, -1.0, 0.3)
    return values, pd.Series(pd.date_range("2024-01-01", periods=len(t), freq="h"))


def test_hourly_data_with_quiet_weekends_has_a_second_season_of_a_week():
    from core.prep.season import detect_seasons

    values, dates = _hourly(12, weekly=True)
    assert detect_seasons(values, dates) == (24, 168)


def test_a_day_alone_has_no_second_season():
    from core.prep.season import detect_seasons

    values, dates = _hourly(12, weekly=False)
    assert detect_seasons(values, dates) == (24, None)
    # and too few rows for three weeks: none looked for
    short, short_dates = _hourly(2, weekly=True)
    assert detect_seasons(short, short_dates)[1] is None


def test_the_plan_reports_the_second_season_and_whether_the_window_covers_it():
    from core.pipeline.plan import plan_run
    from core.settings.config import ForecastConfig

    values, dates = _hourly(12, weekly=True, seed=1)
    frame = pd.DataFrame({"when": dates, "load": values})
    plan = plan_run(frame, ForecastConfig(target="load", date_column="when"))
    assert (plan.config.season, plan.second_season) == (24, 168)
    assert any("second season was found: 168 rows (7 seasons of 24)" in n and "shorter than it" in n
               for n in plan.notes)
    covered = plan_run(frame, ForecastConfig(target="load", date_column="when", window=168))
    assert any("168 rows) covers it" in n for n in covered.notes)


def test_the_seasons_are_found_on_the_training_rows_alone():
    # a leak would show: rows the model is scored on must not choose the seasons it is built with
    from core.pipeline.plan import plan_run
    from core.settings.config import ForecastConfig

    values, dates = _hourly(12, weekly=True, seed=1)
    frame = pd.DataFrame({"when": dates, "load": values})
    changed = frame.copy()
    tail = int(len(frame) * 0.15)
    changed.loc[changed.index[-tail:], "load"] = np.random.default_rng(5).normal(size=tail) * 100
    config = ForecastConfig(target="load", date_column="when", test_fraction=0.15)
    plan, other = plan_run(frame, config), plan_run(changed, config)
    assert (plan.config.season, plan.second_season) == (other.config.season, other.second_season) == (24, 168)
