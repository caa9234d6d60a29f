"""The validation preview each epoch carries: the best weights' 1-step-ahead validation forecasts in
the target's units, thinned evenly to PREVIEW_POINTS, and none without validation windows."""

import itertools

import numpy as np
import pandas as pd

from core.model.progress import PREVIEW_POINTS, preview_picks
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig


def series(rows: int) -> pd.DataFrame:
    t = np.arange(rows)
    return pd.DataFrame({"y": 30 + 0.2 * t + 4 * np.sin(t / 2) + np.random.default_rng(1).normal(size=rows)})


def test_each_epoch_carries_the_best_weights_validation_forecast():
    received = []
    config = ForecastConfig(target="y", window=5, horizon=2, target_mode="delta", epochs=12, ensemble=1,
                            refit=False, patience=0, hidden=8)
    result = run_experiment(series(200), config, received.append)
    assert len(received) == 12
    for p in received:
        assert p.preview.epoch == p.best_epoch  # 0: the starting point was best so far
    kept = result.predictions[(result.predictions["split"] == "val") & (result.predictions["step"] == 1)]
    last = received[-1].preview
    assert np.array_equal(last.rows, kept["target_row"].to_numpy())
    assert np.allclose(last.actual, kept["actual"].to_numpy())
    assert np.allclose(last.predicted, kept["predicted"].to_numpy())  # the weights the run kept
    # unchanged best weights: the very same preview object (a chart needn't repaint)
    same = [a.preview is b.preview for a, b in itertools.pairwise(received)]
    assert same == [a.best_epoch == b.best_epoch for a, b in itertools.pairwise(received)]


def test_no_validation_split_means_no_preview():
    received = []
    config = ForecastConfig(target="y", window=5, horizon=1, target_mode="level", epochs=3, ensemble=1,
                            refit=False, val_fraction=0.0)
    run_experiment(series(120), config, received.append)
    assert received and all(p.preview is None for p in received)


def test_long_validation_splits_are_thinned_evenly():
    assert np.array_equal(preview_picks(7), np.arange(7))
    picks = preview_picks(150_000)
    assert len(picks) == PREVIEW_POINTS and picks[0] == 0 and picks[-1] == 149_999
    gaps = np.diff(picks)
    assert gaps.min() >= 149 and gaps.max() <= 151
