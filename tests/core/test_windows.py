import numpy as np
import pytest
import torch

from core.errors import ConfigError
from core.prep.split import chronological_split, window_origins
from core.prep.windows import WindowedSeries


def test_split_sizes_follow_the_fractions_and_test_size():
    bounds = chronological_split(100, 0.15, 0.15)
    assert (bounds.train_end, bounds.val_end, bounds.rows) == (70, 85, 100)
    assert bounds.sizes == {"train": 70, "val": 15, "test": 15}
    by_rows = chronological_split(365, 0.1, 0.15, test_size=31)  # "the last 31 days"
    assert by_rows.sizes == {"train": 298, "val": 36, "test": 31}


def test_split_too_small_is_explained():
    with pytest.raises(ConfigError, match="training rows"):
        chronological_split(5, 0.4, 0.4)


def test_each_window_lies_in_the_split_its_targets_fall_in():
    bounds = chronological_split(20, 0.25, 0.25)  # train 0-9, val 10-14, test 15-19
    origins = window_origins(bounds, window=3, horizon=2)
    # origin t predicts t+1..t+2: train needs t+2 <= 9, t >= 2
    assert origins["train"].tolist() == [2, 3, 4, 5, 6, 7]
    assert origins["val"].tolist() == [9, 10, 11, 12]
    assert origins["test"].tolist() == [14, 15, 16, 17]


def test_windows_are_views_and_batches_hold_the_right_rows():
    rows, features = 10, 2
    inputs = torch.arange(rows * features, dtype=torch.float32).reshape(rows, features)
    target = inputs[:, 0].clone()
    series = WindowedSeries(inputs, target, window=3, horizon=2, mode="level")
    # the strided view shares the inputs' storage: no N x T x F copy exists
    assert series._input_view.untyped_storage().data_ptr() == inputs.untyped_storage().data_ptr()
    x = series.x(torch.tensor([2, 5]))
    assert x.shape == (2, 3, 2)
    assert x[0].tolist() == [[0, 1], [2, 3], [4, 5]]
    assert x[1].tolist() == [[6, 7], [8, 9], [10, 11]]
    assert series.y(torch.tensor([2, 5])).tolist() == [[6, 8], [12, 14]]


def test_delta_mode_is_relative_to_the_last_value_and_inverts():
    target = torch.tensor([1.0, 2.0, 4.0, 7.0, 11.0])
    series = WindowedSeries(target[:, None].clone(), target, window=2, horizon=2, mode="delta")
    origin = torch.tensor([2])
    assert series.x(origin)[0, :, 0].tolist() == [-2.0, 0.0]
    assert series.y(origin).tolist() == [[3.0, 7.0]]
    assert series.to_levels(origin, series.y(origin)).tolist() == [[7.0, 11.0]]
    # the gathered batch is a copy: editing it never touched the series
    assert series.inputs[:, 0].tolist() == [1.0, 2.0, 4.0, 7.0, 11.0]


def test_windows_shapes_numpy_origins():
    origins = window_origins(chronological_split(100, 0.15, 0.15), window=12, horizon=1)
    assert len(origins["train"]) == 70 - 12
    assert np.all(np.diff(origins["test"]) == 1)
