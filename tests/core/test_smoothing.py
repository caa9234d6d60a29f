"""Holt-Winters anchors: hand-computed recursion, no peeking past the origin, the fit uses
training rows only, and a saved model keeps its smoothing."""

import numpy as np
import pytest

from core.prep.ces import CES, fit_ces
from core.prep.smoothing import (
    ANCHOR_WEIGHTS_CES,
    HoltWinters,
    SmoothingAverage,
    aligned_start,
    fit_by_aicc,
    fit_holt_winters,
    fit_least_squares,
    refine,
    smoothing_from_dict,
)
from core.prep.theta import Theta, fit_theta


def test_one_step_of_the_recursion_by_hand():
    # no season: level starts at y0 = 10, trend 0
    model = HoltWinters(alpha=0.5, beta=0.5, gamma=0.0, phi=0.9, season=1)
    levels, trends, _written, sse = model.states(np.array([10.0, 14.0]))
    # t=0: forecast 10, error 0; level 0.5*10 + 0.5*10 = 10, trend 0
    # t=1: forecast 10, error 4; level 0.5*14 + 0.5*10 = 12; trend 0.5*(12-10) + 0.5*0.9*0 = 1
    assert levels.tolist() == [10.0, 12.0] and trends.tolist() == [0.0, 1.0] and sse == 16.0
    # forecasts from t=1: 12 + (0.9, 0.9 + 0.81) * 1
    assert model.anchors(np.array([10.0, 14.0]), 2)[1] == pytest.approx([12.9, 13.71])


def test_seasonal_steps_repeat_the_component_of_their_phase():
    values = np.tile([1.0, -1.0, 2.0, -2.0], 6) + 10
    model = HoltWinters(alpha=0.3, beta=0.0, gamma=0.3, phi=0.9, season=4)
    anchors = model.anchors(values, 6)
    # a pure repeating season: every forecast repeats the pattern exactly
    t = len(values) - 1  # ends on phase 3 (-2): next are phases 0, 1, 2, 3, 0, 1
    assert anchors[t] == pytest.approx(10 + np.array([1.0, -1.0, 2.0, -2.0, 1.0, -1.0]))


def test_anchors_at_a_row_use_only_the_rows_up_to_it():
    rng = np.random.default_rng(1)
    values = np.cumsum(rng.normal(size=80)) + 50
    model = fit_holt_winters(values[:60], season=4)
    full = model.anchors(values, 5)
    changed = values.copy()
    changed[41:] += 100  # the future after row 40 changes
    assert np.array_equal(model.anchors(changed, 5)[:41], full[:41])


def test_the_fit_sees_the_training_rows_only():
    rng = np.random.default_rng(2)
    train = np.cumsum(rng.normal(size=60))
    later = np.concatenate([train, rng.normal(0, 50, 40)])  # wild rows after the training ones
    assert fit_holt_winters(train, 4) == fit_holt_winters(later[:60], 4)


def test_bad_smoothing_values_in_a_model_file_are_refused():
    good = HoltWinters(0.3, 0.05, 0.1, 0.95, 12).to_dict()
    assert HoltWinters.from_dict(good) == HoltWinters(0.3, 0.05, 0.1, 0.95, 12)
    for key, value in [("alpha", 2.0), ("phi", -0.1), ("season", 0), ("season", True), ("gamma", "x")]:
        with pytest.raises(ValueError):
            HoltWinters.from_dict(good | {key: value})


def test_the_anchor_is_a_quarter_each_of_the_holt_winters_pair_theta_and_ces():
    rng = np.random.default_rng(3)
    values = np.tile([3.0, -1.0, 2.0, -4.0], 12) + rng.normal(0, 0.3, 48) + 20
    anchor = fit_holt_winters(values, season=4, offset=5.0)
    least, by_aicc, theta, ces = anchor.members
    assert least == refine(fit_least_squares(values, 4), values) and by_aicc == refine(fit_by_aicc(values, 4), values)
    assert theta == fit_theta(values, 4) and len(theta.seasonal) == 4
    assert ces == fit_ces(values, 4, 5.0) and ces.offset == 5.0
    expected = (least.anchors(values, 6) + by_aicc.anchors(values, 6) + theta.anchors(values, 6)
                + ces.anchors(values, 6)) / 4
    assert np.allclose(anchor.anchors(values, 6), expected)
    assert anchor.weights == ANCHOR_WEIGHTS_CES


def test_without_ces_the_anchor_is_half_the_pair_and_half_theta(monkeypatch):
    import core.prep.smoothing as smoothing

    values = np.cumsum(np.random.default_rng(9).normal(size=40)) + 30
    monkeypatch.setattr(smoothing, "CES_MAX_ROWS", 39)  # too many rows for CES
    anchor = fit_holt_winters(values, season=None)
    least, by_aicc, theta = anchor.members
    expected = (least.anchors(values, 3) + by_aicc.anchors(values, 3)) / 4 + theta.anchors(values, 3) / 2
    assert np.allclose(anchor.anchors(values, 3), expected)


def test_refining_lowers_the_error_and_keeps_the_form():
    rng = np.random.default_rng(7)
    values = np.tile([3.0, -1.0, 2.0, -4.0], 15) + np.cumsum(rng.normal(0, 0.4, 60)) + 20
    for grid_model in (fit_least_squares(values, 4), fit_by_aicc(values, 4), HoltWinters(0.3, 0.0, 0.0, 0.0, 1)):
        refined = refine(grid_model, values)
        assert refined.states(values)[3] <= grid_model.states(values)[3]
        assert refined.season == grid_model.season and (refined.phi > 0) == (grid_model.phi > 0)
        assert (refined.beta, refined.phi) == (0.0, 0.0) or grid_model.phi > 0
        assert refined.gamma == 0.0 or grid_model.season > 1
    # off the grid's points: the least-squares model's error falls
    least = fit_least_squares(values, 4)
    assert refine(least, values).states(values)[3] < 0.99 * least.states(values)[3]


def test_theta_is_fit_on_rows_that_start_at_the_phase_of_row_0():
    # above MAX_FIT_ROWS rows Theta sees the last ones, cut where a season starts
    assert aligned_start(5003, 5000, 12) == 0 and aligned_start(5030, 5000, 12) == 24
    assert aligned_start(5030, 5000, None) == 30 and aligned_start(100, 5000, 12) == 0


def test_aicc_drops_a_trend_the_data_does_not_have():
    # white noise around a constant: a trend costs three parameters and buys nothing
    values = np.random.default_rng(4).normal(100, 5, 60)
    chosen = fit_by_aicc(values, season=None)
    assert chosen.beta == 0.0 and chosen.phi == 0.0 and chosen.season == 1
    # the trend term vanishes: every step ahead forecasts the last level
    assert np.ptp(chosen.anchors(values, 5)[-1]) == 0.0
    # a steady climb keeps its trend
    climbing = np.arange(60, dtype=float) * 3 + np.random.default_rng(5).normal(0, 1, 60)
    assert fit_by_aicc(climbing, season=None).phi > 0


def test_saved_smoothings_load_in_both_formats():
    member = HoltWinters(0.3, 0.05, 0.1, 0.95, 12)
    average = SmoothingAverage((member, HoltWinters(0.6, 0.0, 0.0, 0.0, 1)))
    assert smoothing_from_dict(average.to_dict()) == average
    assert smoothing_from_dict(member.to_dict()) == member  # one model, as files of 0.x hold
    theta = Theta(0.4, 0.02, (0.5, -0.5))
    weighted = SmoothingAverage((member, theta), (0.25, 0.75))
    assert smoothing_from_dict(weighted.to_dict()) == weighted
    ces = CES("P", 2, (1.3, 1.0, 0.1, 0.0), ((1.0, 0.9, 0.5), (1.0, 0.9, -0.5)), 3.0)
    four = SmoothingAverage((member, member, theta, ces), (0.25, 0.25, 0.25, 0.25))
    assert smoothing_from_dict(four.to_dict()) == four
    for bad in ({"members": []}, {"members": "x"}, {"members": [member.to_dict() | {"alpha": 3}]},
                weighted.to_dict() | {"weights": [0.5, 0.6]}, weighted.to_dict() | {"weights": [1.0]},
                {"members": [theta.to_dict() | {"alpha": 0.0}]}, {"members": [theta.to_dict() | {"seasonal": [1.0]}]},
                {"members": [theta.to_dict() | {"drift": float("nan")}]},
                {"members": [ces.to_dict() | {"start": [[1.0, 0.9, 0.5]]}]}):
        with pytest.raises(ValueError):
            smoothing_from_dict(bad)


def test_a_run_fits_the_anchor_on_its_training_split_only():
    # two tables equal up to the end of the training split: the scoring model's anchor (Holt-Winters
    # pair, Theta and CES) and its forecasts of the training windows must not tell them apart
    import pandas as pd

    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    t = np.arange(96)
    values = 50 + 5 * np.sin(2 * np.pi * t / 12) + 0.1 * t + np.random.default_rng(8).normal(0, 0.5, 96)
    config = ForecastConfig(target="y", date_column="month", season=12, forecast_steps=6, ensemble=1, threads=1)
    frame = pd.DataFrame({"month": pd.date_range("2010-01-01", periods=96, freq="MS"), "y": values})
    first = run_experiment(frame, config)
    train_end = first.plan.bounds.train_end
    changed = frame.copy()
    changed.loc[train_end:, "y"] *= 3.0  # the validation and test rows change wildly
    second = run_experiment(changed, config)
    assert first.scoring_predictor.smoothing == second.scoring_predictor.smoothing
    assert len(first.scoring_predictor.smoothing.members) == 4
    # CES smooths the target in its own units (here its log), divided by the scale: the offset puts
    # back where the scaled values' 0 was
    scaler = first.scoring_predictor.target_scaler
    ces = first.scoring_predictor.smoothing.members[3]
    assert ces.offset == pytest.approx(float(scaler.mean_[0] / scaler.scale_[0])) and ces.offset > 10
    train = first.predictions[first.predictions["split"] == "train"]["predicted"].to_numpy()
    train_again = second.predictions[second.predictions["split"] == "train"]["predicted"].to_numpy()
    assert np.allclose(train, train_again)
    # the refit on every row sees the changed rows: its anchor differs
    assert first.predictor.smoothing != second.predictor.smoothing
