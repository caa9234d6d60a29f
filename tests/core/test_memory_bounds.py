"""Bounded memory on big tables (issue 25 item 5): the seasonal anchors gathered in chunks, one
Ridge fit per series and training windows, the windows' target rows computed when asked."""

import gc
import weakref

import numpy as np
import torch

import core.evaluation.baselines as baselines
import core.prep.windows as windows
from core.pipeline import run_experiment
from core.prep.windows import WindowedSeries
from core.settings.config import ForecastConfig
from tests.factories import seasonal_frame


def seasonal_series(rows: int = 400) -> WindowedSeries:
    rng = np.random.default_rng(3)
    target = torch.from_numpy((np.sin(np.arange(rows) / 3) + rng.normal(0, 0.1, rows)).astype(np.float32))
    inputs = torch.stack([target, torch.from_numpy(rng.normal(size=rows).astype(np.float32))], dim=1)
    return WindowedSeries(inputs, target, window=48, horizon=3, mode="seasonal", season=12)


def test_seasonal_anchors_in_chunks_equal_the_whole_gather(monkeypatch):
    series = seasonal_series()
    origins = torch.arange(47, 396)
    whole = series.anchors(origins)
    monkeypatch.setattr(windows, "BATCH_VALUES", 100)  # 2 windows of 48 recent rows per chunk
    chunked = series.anchors(origins)
    assert chunked.shape == (len(origins), 3)
    assert torch.equal(chunked, whole)
    assert torch.equal(series.y(origins[:5]), series._target_view[origins[:5] + 1] - whole[:5])


def test_ridge_is_fit_once_for_the_same_series_and_windows(monkeypatch):
    series = seasonal_series()
    origins = np.arange(47, 300, dtype=np.int64)
    fits = []
    real = baselines._fit_ridge
    monkeypatch.setattr(baselines, "_fit_ridge", lambda *args: fits.append(args) or real(*args))
    first = baselines.fit_ridge(series, origins, 1.0)
    assert baselines.fit_ridge(series, origins, 1.0) is first
    assert len(fits) == 1
    # an equal copy of the origins, another alpha or another series is a new fit
    again = baselines.fit_ridge(series, origins.copy(), 1.0)
    baselines.fit_ridge(series, origins, 2.0)
    baselines.fit_ridge(seasonal_series(), origins, 2.0)
    assert len(fits) == 4
    np.testing.assert_array_equal(again[0].coef_, first[0].coef_)


def test_the_remembered_fit_keeps_no_series_alive():
    series = seasonal_series()
    origins = np.arange(47, 300, dtype=np.int64)
    baselines.fit_ridge(series, origins, 1.0)
    gone = weakref.ref(series)
    del series
    gc.collect()
    assert gone() is None


def test_a_run_fits_ridge_once_and_its_table_names_each_target_row(monkeypatch):
    fits = []
    real = baselines._fit_ridge
    monkeypatch.setattr(baselines, "_fit_ridge", lambda *args: fits.append(args) or real(*args))
    config = ForecastConfig(target="y", features=("x",), date_column="day", ensemble=1, epochs=1, hidden=8,
                            horizon=2, refit=False, highway=True)
    result = run_experiment(seasonal_frame(200), config)
    assert len(fits) == 1  # the highway's start and the linear baseline: one fit
    table = result.predictions
    assert (table["target_row"] == table["origin"] + table["step"]).all()
    assert result.test_metrics["linear"]["rmse"] > 0


def test_seasonal_anchors_read_through_the_view_equal_the_indexed_gather():
    series = seasonal_series()
    origins = torch.arange(47, 396)
    span = series.seasons * series.season
    recent = series.target[origins.unsqueeze(1) + torch.arange(-span + 1, 1).unsqueeze(0)]
    by_season = recent.reshape(len(origins), series.seasons, series.season)
    profile = by_season.mean(dim=1)
    profile = profile - profile.mean(dim=1, keepdim=True)
    expected = by_season[:, -1, :].mean(dim=1, keepdim=True) + profile
    assert torch.equal(series.anchors(origins), expected[:, series._phases])


def test_ridge_outputs_in_batches_equal_one_prediction(monkeypatch):
    series = seasonal_series()
    origins = np.arange(47, 300, dtype=np.int64)
    ridge = baselines.fit_ridge(series, origins, 1.0)[0]
    monkeypatch.setattr(baselines, "PREDICT_BATCH", 10)  # 26 batches into one output
    outputs = baselines.ridge_outputs(ridge, series, origins)
    whole = ridge.predict(baselines._flat(series, origins)).reshape(-1, series.horizon)
    assert outputs.shape == (len(origins), 3) and outputs.dtype == whole.dtype
    np.testing.assert_array_equal(outputs, whole)
    assert baselines.ridge_outputs(ridge, series, origins[:0]).shape == (0, 3)


def test_naive_scale_is_the_mean_absolute_step():
    from core.evaluation.metrics import naive_scale

    values = np.array([1.0, 4.0, 2.0, 2.5])
    assert naive_scale(values) == (3.0 + 2.0 + 0.5) / 3
    assert naive_scale(values) == float(np.mean(np.abs(np.diff(values))))


def test_releasing_freed_memory_is_nothing_without_glibc(monkeypatch):
    import platform
    import sys

    import core.model.memory as memory

    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(sys, "platform", "win32")
    try:
        assert memory._malloc_trim() is None
        memory.release_freed_memory()  # nothing to call, and no error
    finally:
        memory._malloc_trim.cache_clear()
    monkeypatch.undo()
    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert memory._malloc_trim() is not None
    memory.release_freed_memory()
