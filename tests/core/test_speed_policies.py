"""What the speed work added, checked for behaviour (never for timings): line decimation keeps
every pixel column's extremes and breaks, batches and scalers stay bounded, the thread policy."""

import numpy as np
import pandas as pd
import pytest
import torch

from core.model.training import eval_batch
from core.outputs.plotting import minmax_decimate
from core.pipeline import default_threads
from core.prep.scaling import CHUNK_ROWS, fit_scaler, transform_into
from core.prep.windows import BATCH_VALUES, MAX_BATCH, WindowedSeries, inference_batch


def columns_of(x, x_min, x_max, columns):
    return np.clip(((x - x_min) / (x_max - x_min) * columns).astype(int), 0, columns - 1)


@pytest.mark.parametrize("columns", [1, 7, 300])
def test_decimation_keeps_min_and_max_of_every_pixel_column(columns):
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(0, 1000, 50_000))
    y = rng.normal(size=len(x))
    y[12_345] = 40.0  # a single spike must survive
    keep = minmax_decimate(x, y, 0.0, 1000.0, columns)
    assert len(keep) <= 3 * columns + 2
    assert np.all(np.diff(keep) > 0)  # sorted, no duplicates: drawn in x order
    assert 12_345 in keep
    full = columns_of(x, 0.0, 1000.0, columns)
    kept = columns_of(x[keep], 0.0, 1000.0, columns)
    for column in np.unique(full):
        values = y[full == column]
        shown = y[keep][kept == column]
        assert shown.min() == values.min() and shown.max() == values.max()


def test_decimation_of_a_zoomed_view_covers_the_view_and_one_point_beyond():
    x = np.arange(100_000, dtype=float)
    y = np.sin(x / 100)
    keep = minmax_decimate(x, y, 40_000.5, 60_000.5, 200)
    assert len(keep) <= 3 * 200 + 2
    assert x[keep[0]] < 40_000.5 and x[keep[-1]] > 60_000.5  # the line reaches both edges
    assert x[keep[1]] >= 40_000.5 and x[keep[-2]] <= 60_000.5
    few = minmax_decimate(x, y, 10.0, 20.0, 200)  # fewer points than pixels: all of them
    assert few.tolist() == list(range(9, 22))


def test_decimation_keeps_the_breaks_of_a_line():
    x = np.arange(30_000, dtype=float)
    y = np.cos(x / 50)
    x[10_000], y[10_000] = np.nan, np.nan  # a gap marker, as draw_results inserts at split boundaries
    keep = minmax_decimate(x, y, 0.0, 29_999.0, 100)
    assert 10_000 in keep
    assert len(keep) <= 3 * 100 + 2
    assert minmax_decimate(np.empty(0), np.empty(0), 0, 1, 10).size == 0


def test_thread_policy_leaves_a_core_for_the_ui():
    assert [default_threads(cores) for cores in (1, 2, 3, 4, 8, 64)] == [1, 1, 2, 3, 4, 4]
    assert 1 <= default_threads() <= 4


def test_inference_batches_are_bounded_for_long_windows():
    assert inference_batch(12, 3) == MAX_BATCH  # small windows: the usual big batch
    assert inference_batch(24, 35) == BATCH_VALUES // (24 * 35) >= 1000
    long = inference_batch(256, 10 + 16)
    assert long * 256 * 26 <= BATCH_VALUES and long >= 100
    assert inference_batch(10**7, 10) == 1

    from core.model.network import build_model
    from core.settings.config import ForecastConfig

    data = torch.zeros(400, 10)
    series = WindowedSeries(data, data[:, 0].clone(), 256, 1, mode="delta")
    model = build_model(ForecastConfig(target="y", window=256, hidden=16), 10)
    assert eval_batch(model, series) == inference_batch(256, 10 + 16)


@pytest.mark.parametrize("kind", ["standard", "minmax"])
def test_chunked_scalers_match_one_fit_and_write_float32_in_place(kind):
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    rng = np.random.default_rng(2)
    rows = 2 * CHUNK_ROWS + 123
    frame = pd.DataFrame({"a": rng.normal(5, 3, rows), "b": rng.uniform(-1, 1, rows), "skip": 0.0})
    scaler = fit_scaler(kind, frame, ["a", "b"])
    reference = (StandardScaler() if kind == "standard" else MinMaxScaler()).fit(frame[["a", "b"]].to_numpy())
    out = np.full((rows, 3), -7.0, dtype=np.float32)
    target = out[:, 1:]
    written = transform_into(scaler, frame, target, ["a", "b"])
    np.testing.assert_allclose(out[:, 1:], reference.transform(frame[["a", "b"]].to_numpy()), rtol=1e-5, atol=1e-5)
    # in place: the given float32 view is what comes back, the rest of its array is untouched
    assert written is target and written.dtype == np.float32 and np.shares_memory(written, out)
    assert (out[:, 0] == -7.0).all()
