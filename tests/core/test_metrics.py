import math

import numpy as np
import pytest

from core.evaluation.baselines import naive_forecast, seasonal_naive_forecast
from core.evaluation.metrics import forecast_metrics, naive_scale


def test_metrics_equal_hand_computed_values():
    actual = np.array([2.0, 4.0, 0.0, 8.0])
    predicted = np.array([3.0, 2.0, 1.0, 8.0])
    # errors 1, -2, 1, 0
    m = forecast_metrics(actual, predicted, scale=2.0)
    assert m["rmse"] == pytest.approx(math.sqrt((1 + 4 + 1 + 0) / 4))
    assert m["mae"] == pytest.approx(1.0)
    # zero actual skipped: (1/2 + 2/4 + 0/8) / 3 * 100
    assert m["mape"] == pytest.approx(100 * (0.5 + 0.5 + 0.0) / 3)
    mean = actual.mean()  # 3.5
    ss_tot = sum((a - mean) ** 2 for a in actual)  # 2.25+0.25+12.25+20.25 = 35
    assert m["r2"] == pytest.approx(1 - 6 / ss_tot)
    assert m["mase"] == pytest.approx(1.0 / 2.0)


def test_naive_scale_is_the_in_sample_one_step_naive_mae():
    assert naive_scale(np.array([1.0, 3.0, 2.0, 6.0])) == pytest.approx((2 + 1 + 4) / 3)


def test_undefined_metrics_are_none():
    m = forecast_metrics(np.array([0.0, 0.0]), np.array([1.0, 1.0]), scale=0.0)
    assert m["mape"] is None and m["r2"] is None and m["mase"] is None
    assert m["rmse"] == pytest.approx(1.0)


def test_naive_and_seasonal_naive_forecasts():
    target = np.array([10.0, 20.0, 30.0, 40.0, 11.0, 21.0, 31.0, 41.0])
    origins = np.array([4, 5])
    assert naive_forecast(target, origins, 2).tolist() == [[11.0, 11.0], [21.0, 21.0]]
    # season 4: step h at origin t repeats row t+h-4
    assert seasonal_naive_forecast(target, origins, 2, 4).tolist() == [[20.0, 30.0], [30.0, 40.0]]
    # horizon beyond a season reuses the latest observed season: t+h-8 for h=5..
    assert seasonal_naive_forecast(target, np.array([3]), 5, 2).tolist() == [[30.0, 40.0, 30.0, 40.0, 30.0]]
