import threading

import numpy as np
import pytest
import torch

from core.model.network import build_member, build_model, parameter_count
from core.model.training import CANCELLED, COMPLETED, DIVERGED, EARLY_STOPPED
from core.pipeline import plan_run, recurrent_parameter_count, run_experiment
from core.settings.config import ForecastConfig
from tests.factories import undated_seasonal_frame

# the training mechanics of one network, scored and forecast by the same model
ONE_NETWORK = {"ensemble": 1, "refit": False}


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("layers, bidirectional, head_width", [(1, False, 0), (2, True, 16), (3, False, 128)])
def test_model_output_shape_and_parameter_count(cell, layers, bidirectional, head_width):
    config = ForecastConfig(target="y", cell=cell, hidden=8, layers=layers, dropout=0.1,
                            bidirectional=bidirectional, head_width=head_width, horizon=3)
    model = build_model(config, n_features=4)
    out = model(torch.zeros(5, 7, 4))
    assert out.shape == (5, 3)
    assert recurrent_parameter_count(config, 4) == parameter_count(model)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("layers, bidirectional, ensemble", [(1, True, 1), (2, False, 3), (3, True, 2)])
def test_the_torch_free_count_equals_torchs_with_highway_and_ensemble(cell, layers, bidirectional, ensemble):
    """The planner counts without torch (core.model.parameters); the count must be what torch builds,
    also with the highway on the window's inputs and several networks."""
    config = ForecastConfig(target="y", cell=cell, hidden=6, layers=layers, bidirectional=bidirectional,
                            horizon=4, window=9, highway=True, ensemble=ensemble)
    model = build_model(config, n_features=3)
    assert recurrent_parameter_count(config, 3) == parameter_count(model) == sum(
        p.numel() for p in model.parameters())
    assert recurrent_parameter_count(config.replace(highway=False), 3) == parameter_count(
        build_model(config.replace(highway=False), n_features=3)) < parameter_count(model)


def test_plan_reports_shapes_per_split():
    plan = plan_run(undated_seasonal_frame(), ForecastConfig(target="y", features=("x1",), window=10, horizon=2))
    assert plan.shapes["X_train"] == [160 - 24 - 24 - 10 - 1, 10, 2]  # 112 train rows
    assert plan.shapes["y_test"][1] == 2
    assert "parameters" in plan.summary_line()


def test_plan_explains_a_window_too_long_for_the_data():
    with pytest.raises(Exception, match="too long for the"):
        plan_run(undated_seasonal_frame(40), ForecastConfig(target="y", window=36))


def test_scalers_are_fit_on_training_rows_only():
    """Scores come from a model whose scalers saw the training rows only; the forecast model is
    refit on every row, so its scalers (and so its view of the latest level) include the test rows."""
    frame = undated_seasonal_frame()
    result = run_experiment(frame, ForecastConfig(target="y", features=("x1", "x2"), window=8, epochs=2,
                                                  transform="none"))
    train_end = result.plan.bounds.train_end
    assert train_end == 112
    scoring = result.scoring_predictor
    assert scoring.target_scaler.mean_[0] == pytest.approx(frame["y"][:train_end].mean())
    assert scoring.target_scaler.scale_[0] == pytest.approx(frame["y"][:train_end].std(ddof=0))
    assert scoring.feature_scaler.mean_ == pytest.approx(frame[["x1", "x2"]][:train_end].mean().to_numpy())
    # and not the statistics of all rows
    assert scoring.target_scaler.mean_[0] != pytest.approx(frame["y"].mean())
    # the forecast model: every row
    assert result.predictor is not scoring
    assert result.target_scaler.mean_[0] == pytest.approx(frame["y"].mean())
    assert result.feature_scaler.mean_ == pytest.approx(frame[["x1", "x2"]].mean().to_numpy())


def test_minmax_scaler_uses_training_range():
    frame = undated_seasonal_frame()
    result = run_experiment(frame, ForecastConfig(target="y", window=8, **ONE_NETWORK, epochs=1, scaler="minmax",
                                                  transform="none"))
    assert result.target_scaler.data_max_[0] == frame["y"][:112].max()
    assert result.target_scaler.data_max_[0] < frame["y"].max()  # the trend goes higher in the test rows


def test_same_seed_same_metrics_and_other_seed_differs():
    frame = undated_seasonal_frame()
    config = ForecastConfig(target="y", window=8, **ONE_NETWORK, epochs=5, seed=3, highway=False)
    first, second = run_experiment(frame, config), run_experiment(frame, config)
    assert first.test_metrics == second.test_metrics
    assert first.history.train_loss == second.history.train_loss
    other = run_experiment(frame, config.replace(seed=4))
    assert other.test_metrics["model"] != first.test_metrics["model"]


def test_predictions_are_in_original_units_and_cover_every_split():
    frame = undated_seasonal_frame()
    result = run_experiment(frame, ForecastConfig(target="y", window=12, horizon=3, epochs=3))
    p = result.predictions
    assert set(p["split"]) == {"train", "val", "test"}
    assert sorted(p["step"].unique()) == [1, 2, 3]
    # actual is the real value of the target row, in the file's units
    assert np.allclose(p["actual"], frame["y"].to_numpy()[p["target_row"]])
    assert abs(p["predicted"].mean() - frame["y"].mean()) < 20
    # baselines are scored on the same test targets: naive from hand
    test = p[p["split"] == "test"]
    naive = frame["y"].to_numpy()[test["origin"]]
    rmse = float(np.sqrt(np.mean((test["actual"].to_numpy() - naive) ** 2)))
    assert result.test_metrics["naive"]["rmse"] == pytest.approx(rmse)


def test_progress_once_per_epoch_and_early_stopping_restores_best():
    seen = []
    config = ForecastConfig(target="y", window=8, **ONE_NETWORK, epochs=300, patience=3, lr=0.05)
    result = run_experiment(undated_seasonal_frame(), config, progress=seen.append)
    h = result.history
    assert [p.epoch for p in seen] == list(range(1, h.epochs_run + 1))
    assert h.status == EARLY_STOPPED
    assert h.epochs_run == h.best_epoch + 3
    assert min(h.val_loss) == h.val_loss[h.best_epoch - 1]
    assert all(p.seconds > 0 for p in seen)


class CancelAfter:
    """A stand-in for threading.Event that reports 'set' after n checks (one per batch)."""

    def __init__(self, checks: int) -> None:
        self.remaining = checks

    def is_set(self) -> bool:
        self.remaining -= 1
        return self.remaining < 0


def test_cancel_is_checked_between_batches():
    # 112 train rows - 8 window = 104 windows in batches of 8: 13 per epoch; cancel inside epoch 2
    cancel = CancelAfter(13 + 5)
    result = run_experiment(undated_seasonal_frame(),
                            ForecastConfig(target="y", window=8, **ONE_NETWORK, batch_size=8, epochs=50),
                            cancel=cancel)
    assert result.history.status == CANCELLED
    assert result.history.epochs_run == 2  # the partial second epoch is recorded
    assert result.test_metrics["model"]["rmse"] is not None


def test_cancel_before_start_still_returns_a_usable_result():
    event = threading.Event()
    event.set()
    result = run_experiment(undated_seasonal_frame(), ForecastConfig(target="y", window=8, **ONE_NETWORK, epochs=50),
                            cancel=event)
    assert result.history.status == CANCELLED and result.history.epochs_run == 0
    assert np.isfinite(result.predictions["predicted"]).all()


def test_divergence_stops_with_advice_and_finite_weights():
    from core.model.training import train
    from core.prep.windows import WindowedSeries

    values = torch.sin(torch.arange(100, dtype=torch.float32) / 4)
    values[60] = float("inf")  # a value no scaler can tame: the loss becomes inf/NaN
    series = WindowedSeries(values[:, None].clone(), values, window=8, horizon=1, mode="level")
    config = ForecastConfig(target="y", window=8, **ONE_NETWORK, epochs=20, batch_size=16, lr=0.005)
    torch.manual_seed(0)
    model = build_member(config, 1)
    history = train(model, series, torch.arange(7, 80), torch.arange(80, 99), config)
    assert history.status == DIVERGED
    assert "lower learning rate" in history.message and "0.0005" in history.message
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_full_batch_runs_one_step_per_epoch():
    steps = []
    result = run_experiment(undated_seasonal_frame(),
                            ForecastConfig(target="y", window=8, **ONE_NETWORK, epochs=2, batch_size=0),
                            cancel=type("Count", (), {"is_set": lambda self: steps.append(1) or False})())
    assert result.history.status == COMPLETED
    assert len(steps) == 2
