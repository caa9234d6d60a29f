"""Issue 27, hostile inputs round three: numbers that size work are refused before anything big is
allocated (N1 season, N2 smoothing season, N3 folds), and a PostgreSQL server that never answers
can't hang a search (N4)."""

from __future__ import annotations

import threading
import time
import tracemalloc

import numpy as np
import pandas as pd
import pytest
import torch

import core.backtest
from core.backtest import BacktestRequest, run_backtest
from core.errors import ConfigError
from core.pipeline import plan_run
from core.prep.smoothing import HoltWinters
from core.prep.windows import WindowedSeries
from core.search import storage
from core.search.storage import SearchError, open_storage
from core.settings.config import ForecastConfig
from tests.factories import silent_tcp_server


def test_a_season_above_the_forms_bound_is_a_config_error():
    with pytest.raises(ConfigError, match="100000"):
        ForecastConfig(target="y", season=2_000_000_000)
    assert ForecastConfig(target="y", season=100_000).season == 100_000


def test_a_season_longer_than_the_data_is_refused_by_the_plan():
    frame = pd.DataFrame({"y": np.sin(np.arange(120) / 3)})
    with pytest.raises(ConfigError, match="longer than the data's 120 rows"):
        plan_run(frame, ForecastConfig(target="y", season=500, epochs=1))
    assert plan_run(frame, ForecastConfig(target="y", season=12, epochs=1)).config.season == 12


def test_only_the_seasonal_mode_sizes_anything_by_the_season():
    """The season-long offsets were built in every mode: 8 bytes x season for a delta-mode run."""
    inputs, target = torch.zeros(40, 1), torch.arange(40, dtype=torch.float32)
    delta = WindowedSeries(inputs, target, window=8, horizon=2, mode="delta", season=1_000_000)
    assert delta._recent_offsets.numel() == 1
    origins = torch.tensor([10, 20])
    assert torch.equal(delta.anchors(origins), target[origins].unsqueeze(1).expand(-1, 2))
    seasonal = WindowedSeries(inputs, target, window=8, horizon=2, mode="seasonal", season=4)
    assert seasonal._recent_offsets.numel() == 8  # two whole seasons of the window


def test_a_smoothing_season_the_rows_cant_hold_allocates_nothing_by_it():
    """Under two seasons of rows the recursion built [0.0] * season (16 GB for a file's 2e9); it now
    runs as without a season, which is what it computed for the level and trend anyway."""
    values = np.sin(np.arange(30) / 2.0) + 5.0
    long_season = HoltWinters(0.5, 0.1, 0.3, 0.9, season=1_000_000)
    tracemalloc.start()
    try:
        levels, trends, written, sse = long_season.states(values)
        anchors = long_season.anchors(values, 3)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # [0.0] * 1e6 alone is 8 MB
    plain = HoltWinters(0.5, 0.1, 0.3, 0.9, season=1)
    p_levels, p_trends, _written, p_sse = plain.states(values)
    assert np.allclose(levels, p_levels) and np.allclose(trends, p_trends) and sse == pytest.approx(p_sse)
    assert not written.any()
    assert np.allclose(anchors, plain.anchors(values, 3))


def test_a_smoothing_season_above_the_settings_bound_is_refused_on_load():
    from core.errors import DamagedValue

    data = HoltWinters(0.5, 0.1, 0.3, 0.9, season=12).to_dict()
    for season in (2_000_000_000, 10**30):
        with pytest.raises(DamagedValue, match="at most 100000"):
            HoltWinters.from_dict(data | {"season": season})
    assert HoltWinters.from_dict(data).season == 12


def test_a_billion_folds_are_refused_by_arithmetic_before_any_layout(monkeypatch):
    """A billion folds built lists of a billion cutoffs (3.2 GB and 16 s before a MemoryError);
    `_layout` now never sees more folds than the rows can hold, and the refusal names the most."""
    real_layout = core.backtest._layout
    asked: list[int] = []

    def layout(rows, horizon, request, folds=None):
        asked.append(request.folds if folds is None else folds)
        assert asked[-1] <= rows, "a layout of more folds than rows"
        return real_layout(rows, horizon, request, folds)

    monkeypatch.setattr(core.backtest, "_layout", layout)
    t = np.arange(120, dtype=np.float64)
    frame = pd.DataFrame({"y": 10 + 0.1 * t + np.sin(t / 2)})
    config = ForecastConfig(target="y", window=6, horizon=3, season=6, epochs=1, ensemble=1, threads=1)
    started = time.perf_counter()
    with pytest.raises(ConfigError) as refused:
        run_backtest(frame, config, BacktestRequest(folds=10**9))
    assert time.perf_counter() - started < 5
    with pytest.raises(ConfigError) as twelve_hundred:
        run_backtest(frame, config, BacktestRequest(folds=1200))
    assert "120 rows hold at most" in str(refused.value)
    assert str(refused.value) == str(twelve_hundred.value)  # the same most, however many were asked
    with pytest.raises(ConfigError, match="at most"):
        run_backtest(frame, config, BacktestRequest(folds=10**9, fold_step=10**12))


@pytest.fixture
def silent_server():
    with silent_tcp_server() as port:
        yield port


def test_a_postgresql_server_that_never_answers_is_refused_within_the_timeout(silent_server, monkeypatch):
    """libpq waited for ever (search, search-worker and the window hung; Ctrl+C did nothing)."""
    pytest.importorskip("psycopg2")
    monkeypatch.setattr(storage, "CONNECT_TIMEOUT_S", 2)  # libpq's least; the app waits 10 s
    outcome: list[BaseException] = []

    def connect() -> None:  # in a thread, so that a hang fails the test instead of stalling the run
        try:
            open_storage(f"postgresql://u:pw@127.0.0.1:{silent_server}/db")
        except BaseException as exc:  # whatever it is, the test reports it
            outcome.append(exc)

    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(timeout=15)
    assert not worker.is_alive(), "still waiting for the server after 15 s"
    assert len(outcome) == 1 and isinstance(outcome[0], SearchError), outcome
    message = str(outcome[0])
    assert "\n" not in message and "timeout" in message and "pw" not in message


def test_the_urls_own_connection_settings_win():
    assert storage.postgres_connect_args("postgresql://u@h/db")["connect_timeout"] == storage.CONNECT_TIMEOUT_S
    own = storage.postgres_connect_args("postgresql://u@h/db?connect_timeout=60&options=-csearch_path%3Dx")
    assert "connect_timeout" not in own and "options" not in own and own["keepalives"] == 1
