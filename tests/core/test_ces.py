"""Complex Exponential Smoothing: the recursion by hand, forecasts that only read the past, the saved
form, and (where statsforecast is installed) the same forecasts as its AutoCES."""

import numpy as np
import pytest

from core.errors import DamagedValue
from core.prep.ces import CES, _pass, _step, fit_ces, initial_states


def _series(n: int, season: int, seed: int, level: float = 100.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    pattern = np.sin(2 * np.pi * t / season) * 6 if season > 1 else 0.0
    return level + 0.3 * t + pattern + np.cumsum(rng.normal(0, 1.0, n))


def test_the_recursion_by_hand():
    # a0 = 1.5, a1 = 1: l' = l + 0.5 e, c' = l - 0.5 c + 2.5 e; started at l = 10, c = 4
    model = CES("N", 1, (1.5, 1.0, 0.0, 0.0), ((10.0, 4.0),), 0.0)
    values = np.array([12.0])
    # the one-step error is 12 - 10 = 2: l = 10 + 1 = 11, c = 10 - 2 + 5 = 13; the forecast is the level,
    # and with no errors l stays (a1 = 1) while c moves: the second step is l again
    assert np.allclose(model.anchors(values, 2)[0], [11.0, 11.0])
    # a1 = 0.5: l' = l - 0.5 c, so the complex part turns the level
    turning = CES("N", 1, (1.5, 0.5, 0.0, 0.0), ((10.0, 4.0),), 0.0)
    # error 2: l = 10 - 0.5*4 + 1.0*2 = 10, c = 10 - 0.5*4 + 2.0*2 = 12; then l = 10 - 6 = 4
    assert np.allclose(turning.anchors(values, 2)[0], [10.0, 4.0])


def test_the_offset_is_taken_off_again():
    # the recursion sees 112 from (110, 4): as in the test above, 100 higher
    model = CES("N", 1, (1.5, 1.0, 0.0, 0.0), ((110.0, 4.0),), 100.0)
    assert np.allclose(model.anchors(np.array([12.0]), 2)[0], [11.0, 11.0])


@pytest.mark.parametrize("kind", ["S", "P", "F"])
def test_the_forecast_matrix_equals_stepping_on_without_errors(kind):
    """anchors() forecasts every row at once from matrix powers; stepping the recursion on its own
    forecasts (error 0) must give the same numbers."""
    values = _series(30, 4, 1)
    start = initial_states(values, kind, 4)
    weights = (1.4, 1.02, 0.3 if kind != "S" else 0.0, 1.05 if kind == "F" else 0.0)
    model = CES(kind, 4, weights, tuple(tuple(r) for r in start), 0.0)
    rows = [list(r) for r in start]
    for value in values[:20]:
        _step(rows, value, kind, 4, *weights)
    expected = []
    for _k in range(9):
        back = rows[-4]
        forecast = (back if kind == "S" else rows[-1])[0] + (back[2] if kind in ("P", "F") else 0.0)
        expected.append(forecast)
        _step(rows, forecast, kind, 4, *weights)
    assert np.allclose(model.anchors(values, 9)[19], expected)


@pytest.mark.parametrize("kind", ["N", "S", "P", "F"])
def test_the_fits_written_out_loops_equal_the_plain_step(kind):
    """The fit runs each form's loop written out (speed); anchors() runs _step: the same recursion."""
    values = _series(26, 4, 5)
    m = 1 if kind == "N" else 4
    start = initial_states(values, kind, m)
    weights = (1.4, 1.02, 0.3, 1.05)
    sse, rows = _pass(values.tolist(), start, kind, m, weights)
    stepped = [list(r) for r in start]
    errors = [_step(stepped, value, kind, m, *weights) for value in values]
    assert sse == pytest.approx(float(np.sum(np.square(errors))), rel=1e-12)
    assert np.allclose(np.asarray(rows[: m + len(values)]), np.asarray(stepped), rtol=1e-12)


def test_a_forecast_reads_nothing_after_its_origin():
    values = _series(60, 12, 2)
    model = fit_ces(values[:48], 12)
    later = values.copy()
    later[40:] += 50.0
    assert np.allclose(model.anchors(values, 6)[:40], model.anchors(later, 6)[:40])
    assert not np.allclose(model.anchors(values, 6)[45], model.anchors(later, 6)[45])


def test_too_few_rows_gives_no_model_and_short_rows_no_season():
    assert fit_ces(np.array([1.0, 2.0, 3.0]), None) is None
    model = fit_ces(_series(20, 12, 3), 12)  # under two seasons: the non-seasonal form only
    assert model is not None and (model.kind, model.season) == ("N", 1)


def test_saved_and_loaded_and_damage_refused():
    model = fit_ces(_series(48, 4, 4), 4)
    assert CES.from_dict(model.to_dict()) == model
    for change in ({"form": "X"}, {"season": 0}, {"weights": [1.0, 1.0]}, {"weights": [1.0, 1.0, 0.0, 9.0]},
                   {"start": [[1.0, 2.0]]}, {"offset": float("nan")}, {"offset": True}):
        with pytest.raises(DamagedValue):
            CES.from_dict(model.to_dict() | change)


@pytest.mark.parametrize(("n", "season", "seed"), [(72, 12, 0), (40, 4, 1), (30, 1, 2), (60, 4, 3), (25, 12, 4)])
def test_forecasts_close_to_statsforecast_auto_ces(n, season, seed):
    ces = pytest.importorskip("statsforecast.ces")
    values = _series(n, season, seed)
    reference = ces.auto_ces(values, season)
    ours = fit_ces(values, season if season > 1 else None)
    assert ours.kind == reference["seasontype"]
    fitted = [reference["par"][key] for key in ("alpha_0", "alpha_1", "beta_0", "beta_1")]
    assert np.allclose(ours.weights[:2], fitted[:2], atol=0.02)
    expected = ces.forecast_ces(reference, 12)["mean"]
    # statsforecast keeps its states in float32 and has its own Nelder-Mead: close, not equal
    assert np.allclose(ours.anchors(values, 12)[-1], expected, rtol=5e-3)


def test_the_bundle_schema_asks_for_3_only_with_a_ces_member():
    from types import SimpleNamespace

    from core.model.bundle.meta import BUNDLE_SCHEMA, schema_of
    from core.prep.smoothing import HoltWinters, SmoothingAverage
    from core.prep.theta import Theta

    three = SmoothingAverage((HoltWinters(0.3, 0.0, 0.0, 0.0, 1), Theta(0.5, 0.0, ())), (0.5, 0.5))
    ces = CES("N", 1, (1.3, 1.0, 0.0, 0.0), ((1.0, 0.9),), 0.0)
    four = SmoothingAverage((*three.members, ces), (0.25, 0.25, 0.5))
    # models saved before CES keep the schema older versions read (and this version reads them all)
    assert schema_of(SimpleNamespace(smoothing=None, interval_scale="absolute")) == 1
    assert schema_of(SimpleNamespace(smoothing=three, interval_scale="log")) == 2
    assert schema_of(SimpleNamespace(smoothing=four, interval_scale="absolute")) == 3 == BUNDLE_SCHEMA
