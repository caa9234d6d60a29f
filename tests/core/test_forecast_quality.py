"""Forecast quality by design: multi-step splits that fit, the seasonal anchor, the log transform
fit on training rows, the refit forecast model, intervals on every forecast, the verdict."""

import numpy as np
import pandas as pd
import pytest
import torch

from core.evaluation.intervals import interval_widths, source_words
from core.evaluation.metrics import verdict, verdict_sentence
from core.pipeline import plan_run, run_experiment
from core.prep.windows import WindowedSeries
from core.settings.config import ForecastConfig

QUICK = {"epochs": 3, "ensemble": 2, "hidden": 8}


def monthly(rows: int = 60) -> pd.DataFrame:
    """A positive series with growth and a season in proportion to its level."""
    t = np.arange(rows)
    rng = np.random.default_rng(0)
    values = (100 + 2 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 2, rows)
    return pd.DataFrame({"date": pd.date_range("2015-01-01", periods=rows, freq="MS"), "sales": values})


def test_a_short_series_gets_splits_that_hold_the_horizon():
    # 60 rows, 18 steps: the 15% fractions (9 rows) can't hold one forecast of 18 steps
    plan = plan_run(monthly(), ForecastConfig(target="sales", date_column="date", forecast_steps=18))
    sizes = plan.bounds.sizes
    assert plan.config.horizon == 18 and sizes["test"] == 18 and sizes["val"] == 18
    assert any("enlarged from 9 to 18" in n for n in plan.notes)
    assert len(plan.origins["test"]) == 1 and len(plan.origins["val"]) == 1 and len(plan.origins["train"]) >= 2
    # 50 rows can't also hold 18 validation rows: validation goes, the test split stays
    plan = plan_run(monthly(50), ForecastConfig(target="sales", date_column="date", forecast_steps=18))
    assert plan.bounds.sizes["val"] == 0 and plan.bounds.sizes["test"] == 18
    assert any("No validation split" in n for n in plan.notes)


def test_too_few_rows_are_refused_with_the_most_steps_that_fit():
    # a network mode needs training windows: 13 rows can't hold 8 test rows and train on the rest
    with pytest.raises(Exception, match="support forecasts of at most 4 steps"):
        plan_run(monthly(13), ForecastConfig(target="sales", forecast_steps=8, season=4, target_mode="delta"))
    # nor a window the user set too long where a shorter one would fit
    with pytest.raises(Exception, match="too long"):
        plan_run(monthly(60), ForecastConfig(target="sales", forecast_steps=8, season=4, window=48))
    # nor can a test split the user sized
    with pytest.raises(Exception, match="too long for the 5 training rows"):
        plan_run(monthly(13), ForecastConfig(target="sales", forecast_steps=8, season=4, test_size=8))


def test_too_few_rows_for_a_test_split_still_get_the_smoothings_forecast():
    from core.prep.smoothing import fit_holt_winters

    frame = monthly(13)
    config = ForecastConfig(target="sales", date_column="date", forecast_steps=8, season=4, **QUICK)
    plan = plan_run(frame, config)
    assert plan.forecast_only and plan.bounds.sizes == {"train": 13, "val": 0, "test": 0}
    assert any("13 rows are too few to hold out a test split of 8 rows" in note for note in plan.notes)
    result = run_experiment(frame, config)
    assert result.test_metrics == {} and result.history.epochs_run == 0
    assert result.verdict()["sentence"].startswith("Nothing was scored")
    assert result.models_sentence() == ("The forecast is exponential smoothing fit on all 13 rows (too few rows to "
                                        "train a network).")
    # the smoothing was fit on every row, in the scaled log units the predictor uses
    scaler = result.predictor.target_scaler
    scaled = scaler.transform(np.log(frame["sales"].to_numpy())[:, None])[:, 0]
    assert scaled.mean() == pytest.approx(0.0, abs=1e-9)  # the scaler saw all 13 rows
    # (CES, one of its members, smooths them from the log's own 0: offset mean / scale)
    offset = float(scaler.mean_[0] / scaler.scale_[0])
    assert result.predictor.smoothing == fit_holt_winters(scaled, 4, offset=offset)
    expected = np.exp(scaler.inverse_transform(result.predictor.smoothing.anchors(scaled, 8)[-1:].T)[:, 0])
    forecast = result.forecast
    assert len(forecast) == 8 and np.allclose(forecast["predicted"], expected)
    # every step has an interval, from the smoothing's forecasts from earlier rows (rows 2..5 as origins)
    assert len(result.plan.origins["train"]) == 4
    assert ((forecast["lower"] < forecast["predicted"]) & (forecast["predicted"] < forecast["upper"])).all()


def test_auto_modes_pick_smoothing_or_the_seasonal_anchor_and_log_for_a_positive_seasonal_series():
    plan = plan_run(monthly(120), ForecastConfig(target="sales", date_column="date", forecast_steps=6, season=12))
    assert plan.config.target_mode == "smoothing" and plan.config.transform == "log"
    # too long for the smoothing's fit: the window's seasonal profile
    plan = plan_run(monthly(6000), ForecastConfig(target="sales", forecast_steps=6, season=12))
    assert plan.config.target_mode == "seasonal"
    negative = monthly(120).assign(sales=lambda f: f["sales"] - 150)
    plan = plan_run(negative, ForecastConfig(target="sales", forecast_steps=6, season=12))
    assert plan.config.transform == "none"


def test_the_seasonal_anchor_is_the_value_a_season_before_each_target():
    target = torch.arange(30, dtype=torch.float32)
    series = WindowedSeries(target[:, None].clone(), target, window=4, horizon=6, mode="seasonal", season=4)
    origin = torch.tensor([10])
    # steps 1..6 repeat rows 7, 8, 9, 10, then 7, 8 (a whole number of seasons back)
    assert series.anchors(origin).tolist() == [[7, 8, 9, 10, 7, 8]]
    assert series.y(origin).tolist() == [[4, 4, 4, 4, 8, 8]]  # row t+k minus its anchor
    assert torch.equal(series.to_levels(origin, series.y(origin)), target[11:17][None, :])


def test_log_transform_scaler_is_fit_on_training_rows_only_and_the_forecast_model_on_all():
    frame = monthly(120)
    result = run_experiment(frame, ForecastConfig(target="sales", date_column="date", forecast_steps=6,
                                                  season=12, **QUICK))
    train_end = result.plan.bounds.train_end
    logs = np.log(frame["sales"].to_numpy())
    assert result.scoring_predictor.target_scaler.mean_[0] == pytest.approx(logs[:train_end].mean())
    assert result.predictor.target_scaler.mean_[0] == pytest.approx(logs.mean())
    assert "refit on all 120 rows" in result.models["forecast"]
    # the forecast: 6 direct steps in the target's units, each with a finite interval around it
    f = result.forecast
    assert len(f) == 6 and (f["method"] == "direct").all()
    assert np.isfinite(f[["lower", "upper"]].to_numpy()).all() and (f["lower"] < f["upper"]).all()
    assert f["predicted"].between(frame["sales"].min() * 0.5, frame["sales"].max() * 1.5).all()


def test_a_short_series_still_gets_intervals():
    result = run_experiment(monthly(60), ForecastConfig(target="sales", date_column="date", forecast_steps=18,
                                                        season=12, **QUICK))
    f = result.forecast
    assert len(f) == 18 and np.isfinite(f[["lower", "upper"]].to_numpy()).all()
    # the smoothing stands alone: every window's errors, as ratios (tests/core/test_log_intervals.py)
    assert result.predictor.interval_source in ("every", "every+normal")
    assert "in proportion to the level" in source_words(result.predictor.interval_source)


def test_the_verdict_names_the_best_baseline():
    loses = {"model": {"rmse": 49.6}, "naive": {"rmse": 60.0}, "seasonal_naive": {"rmse": 30.0},
             "linear": {"rmse": 16.9}}
    v = verdict(loses)
    assert v["best_baseline"] == "linear" and v["beats_best_baseline"] is False
    assert verdict_sentence(v).startswith("Linear regression (Ridge) on the same window beats the model")
    assert "(2.93×)" in verdict_sentence(v)
    close = verdict({"model": {"rmse": 420.4}, "linear": {"rmse": 418.2}})
    assert verdict_sentence(close).startswith("Linear regression (Ridge) on the same window scores about the same")
    wins = {"model": {"rmse": 62.0}, "naive": {"rmse": 120.0}, "seasonal_naive": {"rmse": 100.0},
            "linear": {"rmse": None}}
    v = verdict(wins)
    assert v["best_baseline"] == "seasonal_naive" and v["beats_best_baseline"] is True
    assert "38% lower than that of seasonal naive" in verdict_sentence(v)
    # without a season, seasonal naive is the naive forecast and doesn't count
    assert verdict(wins, seasonal=False)["best_baseline"] == "naive"


def test_few_windows_get_a_pooled_normal_interval():
    # one window of 2 steps: too few for a 90% conformal quantile (it needs 9 windows)
    widths, how = interval_widths(np.array([[1.0, 2.0]]), 0.9)
    assert how == "normal"
    # scale² = mean(1²/1, 2²/2) = 1.5; one window: t(0.95, df=1) = 6.3138; widths = t·scale·√k·√(1 + 1/1)
    assert widths == pytest.approx([6.3138 * np.sqrt(3), 6.3138 * np.sqrt(3) * np.sqrt(2)], rel=1e-4)
    # three windows: the steps of a window move together, so df = 3 - 1 = 2 (t = 2.9200), not 3·2 - 1
    widths, how = interval_widths(np.array([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]), 0.9)
    assert how == "normal"
    assert widths == pytest.approx(2.9200 * np.sqrt(1.5) * np.sqrt([1, 2]) * np.sqrt(4 / 3), rel=1e-4)
    # enough windows: split-conformal, the ceil(0.9·(n+1))-th smallest absolute residual per step
    residuals = np.arange(1, 21, dtype=float).reshape(10, 2)  # steps: 1,3,...,19 and 2,4,...,20
    widths, how = interval_widths(residuals, 0.9)
    assert how == "conformal" and widths.tolist() == [19.0, 20.0]


def test_the_network_corrects_the_smoothing_only_with_three_horizons_of_validation_windows():
    # 200 rows, 15% validation = 30 rows: one step has 30 validation windows (>= max(4, 3)),
    # 8 steps have 30 - 8 + 1 = 23 (< 3·8 = 24): the smoothing stands alone, no epoch trained
    frame = monthly(200)
    config = ForecastConfig(target="sales", date_column="date", season=12, **QUICK)
    one_step = run_experiment(frame, config.replace(forecast_steps=1))
    assert one_step.config.target_mode == "smoothing" and one_step.history.epochs_run > 0
    eight = run_experiment(frame, config.replace(forecast_steps=8))
    assert len(eight.plan.origins["val"]) == 23 and eight.history.epochs_run == 0
    assert any("(23 of the 24 needed)" in note for note in eight.plan.notes)
    # and which model made the numbers says so, not "refit ... for 0 epochs"
    assert eight.models["forecast"] == "exponential smoothing refit on all 200 rows"
    assert eight.models["scores"].startswith("(exponential smoothing, no network) fit on rows 1-")
    # the forecast is the smoothing's alone: the network's output is the zero it starts at
    assert not eight.predictor.linear_start


def test_a_tie_credits_no_network_when_none_made_the_forecast():
    from core.evaluation.metrics import verdict, verdict_sentence

    judged = verdict({"model": {"rmse": 415.0}, "linear": {"rmse": 411.8}, "naive": {"rmse": 707.5}})
    with_network = verdict_sentence(judged)
    assert with_network.endswith("(RMSE 411.8 vs 415.0): the network adds little to it on this series.")
    alone = verdict_sentence(judged, network_made_it=False)
    assert alone == ("Linear regression (Ridge) on the same window scores about the same as the model on the "
                     "test split (RMSE 411.8 vs 415.0).")
