"""The Theta anchor: the same forecasts as statsmodels' ThetaModel, hand-computed pieces, no peeking
past the origin, and the seasonal phase kept when a forecast reads only the last rows."""

import numpy as np
import pytest

from core.prep.theta import Theta, fit_theta, is_seasonal, seasonal_indices
from core.settings.config import ForecastConfig


def _series(n: int, season: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    pattern = np.sin(2 * np.pi * t / season) * 3 if season > 1 else 0.0
    return 50 + 0.2 * t + pattern + np.cumsum(rng.normal(0, 0.5, n))


@pytest.mark.parametrize(("n", "season", "seed"), [(72, 12, 0), (40, 4, 1), (30, 1, 2), (100, 7, 3), (25, 12, 4)])
def test_forecasts_equal_statsmodels_theta_model(n, season, seed):
    thetamodel = pytest.importorskip("statsmodels.tsa.forecasting.theta")
    values = _series(n, season, seed)
    deseasonalize = season > 1 and n >= 2 * season
    reference = thetamodel.ThetaModel(values, period=season if season > 1 else None, method="additive",
                                      deseasonalize=deseasonalize).fit()
    ours = fit_theta(values, season if season > 1 else None)
    assert ours.alpha == pytest.approx(float(reference.params["alpha"]), abs=5e-4)  # its bound is 0.9999
    assert ours.drift == pytest.approx(float(reference.params["b0"]), rel=1e-9)
    assert np.allclose(ours.anchors(values, 18)[-1], np.asarray(reference.forecast(18)), atol=1e-4)


def test_the_forecast_formula_by_hand():
    model = Theta(alpha=0.5, drift=2.0, seasonal=())
    values = np.array([10.0, 14.0])
    # level: 10 (the first value), then 0.5*14 + 0.5*10 = 12; after n = 2 rows the trend term of step 1
    # is b0/2 * (0 + 1/a - (1-a)^2/a) = 1 * (2 - 0.5) = 1.5, and each further step adds b0/2 = 1
    assert np.allclose(model.anchors(values, 3)[-1], [13.5, 14.5, 15.5])
    # from row 0 (one row seen): 10 + 1 * (2 - 1) = 11
    assert model.anchors(values, 1)[0, 0] == pytest.approx(11.0)


def test_seasonal_indices_of_a_pure_season_are_the_season():
    pattern = np.array([3.0, -1.0, 2.0, -4.0])
    values = 20 + np.tile(pattern, 10)
    assert np.allclose(seasonal_indices(values, 4), pattern)
    assert is_seasonal(values + np.random.default_rng(0).normal(0, 0.1, 40), 4)
    assert not is_seasonal(np.random.default_rng(1).normal(0, 1, 40), 4)


def test_each_rows_forecast_uses_only_rows_up_to_it():
    values = _series(60, 12, 5)
    model = fit_theta(values, 12)
    full = model.anchors(values, 6)
    changed = values.copy()
    changed[40:] += 100.0  # the future moves; nothing at or before row 39 may notice
    assert np.array_equal(model.anchors(changed, 6)[:40], full[:40])
    for t in (11, 30, 59):
        assert np.allclose(model.anchors(values[: t + 1], 6)[-1], full[t])


def test_the_fit_reads_only_the_rows_it_is_given():
    values = _series(80, 12, 6)
    assert fit_theta(values[:60], 12) == fit_theta(np.r_[values[:60]], 12)
    assert fit_theta(values[:60], 12) != fit_theta(values, 12)


def test_a_forecast_from_the_last_rows_keeps_the_seasonal_phase():
    # a saved model keeps (and a long forecast reads) only the last rows: they must start at the
    # phase the seasonal indices were fit on, or the season would be shifted
    from core.model.predictor import Predictor

    config = ForecastConfig(target="y", target_mode="smoothing", season=12, window=24, horizon=6)
    predictor = Predictor(config, None, None, None, np.zeros(6))
    start = predictor.context_start(5030)
    assert start % 12 == 0 and 5030 - start >= 5000
    assert predictor.context_start(400) == 0
    no_season = Predictor(config.replace(target_mode="delta", season=None), None, None, None, np.zeros(6))
    assert no_season.context_start(5030) == 5030 - 24
