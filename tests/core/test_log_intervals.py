"""Intervals of a smoothing that stands alone: every window's errors, as ratios, widened for the rows it
was fit on (core.evaluation.intervals.log_interval_widths), saved and reloaded as such."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from core.errors import BundleError
from core.evaluation.intervals import EVERY, IN_SAMPLE_WIDENING, UNSEEN, VAL, log_interval_widths, source_words
from core.model.bundle import load_bundle, save_bundle
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig

QUICK = {"epochs": 3, "ensemble": 2, "hidden": 8}


def monthly(rows: int = 60, shift: float = 0.0) -> pd.DataFrame:
    t = np.arange(rows)
    values = (100 + 2 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) + np.random.default_rng(0).normal(0, 2, rows)
    return pd.DataFrame({"date": pd.date_range("2015-01-01", periods=rows, freq="MS"), "sales": values + shift})


def test_the_widths_are_the_conformal_rank_of_the_log_ratios_widened():
    # 19 windows of one step whose actual values are e^0.01 ... e^0.19 times the forecast
    logs = np.arange(1, 20) / 100
    predicted = np.full((19, 1), 50.0)
    widths, how = log_interval_widths(predicted * np.exp(logs)[:, None], predicted, 0.9)
    # the ceil(20 * 0.9) = 18th smallest of 0.01..0.19 is 0.18
    assert how == "conformal" and widths[0] == pytest.approx(0.18 * IN_SAMPLE_WIDENING)
    assert pytest.approx(1.15) == IN_SAMPLE_WIDENING
    # a value at or below zero has no log: the caller keeps its intervals in the target's units
    assert log_interval_widths(np.array([[1.0], [0.0]]), np.array([[1.0], [1.0]]), 0.9) is None
    assert log_interval_widths(np.empty((0, 3)), np.empty((0, 3)), 0.9) is None


def test_a_short_positive_series_gets_intervals_in_proportion_to_its_forecast():
    result = run_experiment(monthly(60), ForecastConfig(target="sales", date_column="date", forecast_steps=18,
                                                        season=12, **QUICK))
    assert result.plan.smoothing_alone
    f = result.forecast
    lower, predicted, upper = (f[name].to_numpy() for name in ("lower", "predicted", "upper"))
    # equal ratios either side, not equal differences: predicted / lower == upper / predicted
    assert np.allclose(predicted / lower, upper / predicted)
    assert not np.allclose(predicted - lower, upper - predicted)
    assert np.allclose(np.log(upper / predicted), result.predictor.half_widths)
    assert result.predictor.interval_source.startswith(EVERY) and result.predictor.interval_scale == "log"
    intervals = result.metrics_dict()["intervals"]
    assert intervals["forecast_scale"] == "log" and intervals["forecast_calibrated_on"].startswith(EVERY)
    # the scored windows keep intervals calibrated on windows before them (no test window calibrates them)
    assert result.scoring_predictor.interval_scale == "absolute"
    assert result.scoring_predictor.interval_source.removesuffix("+normal") in (VAL, "train")
    assert "in proportion to the level" in source_words(result.predictor.interval_source)


def test_a_series_that_reaches_zero_keeps_intervals_in_its_units():
    frame = monthly(60, shift=-150.0)  # crosses zero: no log
    result = run_experiment(frame, ForecastConfig(target="sales", date_column="date", forecast_steps=18,
                                                  season=12, **QUICK))
    f = result.forecast
    assert result.predictor.interval_scale == "absolute"
    assert result.predictor.interval_source.removesuffix("+normal") == UNSEEN
    assert np.allclose(f["upper"] - f["predicted"], f["predicted"] - f["lower"])


def test_log_intervals_survive_saving_and_an_older_app_refuses_them(tmp_path):
    result = run_experiment(monthly(60), ForecastConfig(target="sales", date_column="date", forecast_steps=18,
                                                        season=12, **QUICK))
    folder = save_bundle(result, tmp_path / "model")
    meta = json.loads((folder / "model.json").read_text())
    # schema 2 or later: a version that only reads 1 refuses the model instead of misreading its
    # intervals (3 here: the anchor holds a CES member, which only versions reading 3 know)
    assert meta["schema_version"] == 3 and meta["intervals"]["scale"] == "log"
    bundle = load_bundle(folder)
    assert bundle.predictor.interval_scale == "log"
    assert np.allclose(bundle.predictor.half_widths, result.predictor.half_widths)
    for bad in ("logarithmic", 3):
        (folder / "model.json").write_text(json.dumps(meta | {"intervals": meta["intervals"] | {"scale": bad}}))
        with pytest.raises(BundleError, match="interval scale"):
            load_bundle(folder)


def test_a_model_saved_before_the_scale_was_stored_reads_as_absolute(tmp_path):
    frame = monthly(60, shift=-150.0)
    result = run_experiment(frame, ForecastConfig(target="sales", date_column="date", forecast_steps=18,
                                                  season=12, **QUICK))
    folder = save_bundle(result, tmp_path / "model")
    meta = json.loads((folder / "model.json").read_text())
    # intervals in the target's units would be read right by schema 1; the CES member asks for 3
    assert meta["schema_version"] == 3
    del meta["intervals"]["scale"]
    (folder / "model.json").write_text(json.dumps(meta))
    bundle = load_bundle(folder)
    assert bundle.predictor.interval_scale == "absolute"
    assert math.isclose(float(bundle.predictor.half_widths[0]), float(result.predictor.half_widths[0]))
