"""The device setting: the rule that picks a device, the thread policy, the CLI's refusal of a device
this machine lacks, what metrics.json and the bundle record, and a training loop that gives the
same numbers as a hand-written one on the CPU."""

import json

import numpy as np
import pytest
import torch

import core.model.training as training
from core.apply import forecast_table
from core.model import device as devices
from core.model.bundle import load_bundle, save_bundle
from core.model.device import CUDA_MIN_EPOCH_WORK, DeviceError, choose_device, window_work
from core.model.network import build_model
from core.pipeline import plan_run, run_experiment
from core.prep.windows import WindowedSeries
from core.runtime import choose_threads
from core.settings.config import ForecastConfig
from tests.factories import noisy_sine_frame, run_cli

CPU, CUDA = frozenset({"cpu"}), frozenset({"cpu", "cuda"})
HAS_CUDA = torch.cuda.is_available()


def test_auto_takes_cuda_only_for_work_large_enough_and_never_mps():
    # the four workloads (training windows, window, hidden, inputs, layers)
    tutorial, wide, long, huge = (2000, 24, 32, 1, 1), (650, 24, 256, 1, 2), (50_000, 64, 64, 5, 2), \
        (1_000_000, 256, 64, 10, 1)

    def auto(work, available):
        windows, window, hidden, inputs, layers = work
        return choose_device("auto", windows, window, hidden, available, inputs, layers)

    assert auto(tutorial, CUDA) == ("cpu", "small")  # 70 µs on one CPU thread vs 105 on CUDA
    assert [auto(w, CUDA) for w in (wide, long, huge)] == [("cuda", "large")] * 3
    assert all(auto(w, CPU) == ("cpu", "no_gpu") for w in (tutorial, wide, long, huge))
    assert auto(huge, frozenset({"cpu", "mps"})) == ("cpu", "no_gpu")  # MPS only when asked by name
    # a large network over a handful of windows doesn't repay starting CUDA
    few = CUDA_MIN_EPOCH_WORK // window_work(64, 256, 1, 2) - 1
    assert choose_device("auto", few, 64, 256, CUDA, 1, 2) == ("cpu", "small")


def test_a_device_asked_by_name_is_used_or_refused_with_the_reason():
    assert choose_device("cpu", 10, 4, 4, CPU) == ("cpu", "asked")
    assert choose_device("cuda", 10, 4, 4, CUDA) == ("cuda", "asked")  # small, but asked for
    assert choose_device("mps", 10, 4, 4, frozenset({"cpu", "mps"})) == ("mps", "asked")
    with pytest.raises(DeviceError, match="cuda is not available: No CUDA GPU"):
        choose_device("cuda", 10, 4, 4, CPU)
    with pytest.raises(DeviceError, match="mps is not available"):
        choose_device("mps", 10, 4, 4, CUDA)


def test_thread_policy_gives_small_nets_one_thread_and_keeps_two_cores_at_one():
    assert choose_threads(batch=64, hidden=32, inputs=1, cores=16) == 1  # the tutorial's size
    assert choose_threads(batch=32, hidden=64, inputs=5, cores=16) == 4  # medium: at most 4
    assert choose_threads(batch=256, hidden=64, inputs=10, cores=16) == 15  # large: every core but one
    assert choose_threads(batch=650, hidden=256, layers=2, cores=64) == 16
    for size in ((64, 32, 1, 1), (256, 64, 10, 1), (650, 256, 1, 2)):  # today's numbers on 2 cores
        assert choose_threads(*size, cores=2) == 1
        assert choose_threads(*size, cores=1) == 1


def test_availability_is_probed_without_torch_until_torch_is_asked(monkeypatch):
    monkeypatch.setattr(devices, "_from_torch", None)
    probed = devices._probed_devices()
    assert devices.available_devices() == probed and "cpu" in probed
    asked = devices.torch_devices()
    assert asked == (CUDA if HAS_CUDA else CPU) | (asked & {"mps"})
    assert devices.available_devices() is asked


def test_the_plan_resolves_the_device_with_its_reason(monkeypatch):
    frame = noisy_sine_frame(150)
    plan = plan_run(frame, ForecastConfig(target="y", window=8))
    assert plan.config.device == "cpu" and plan.device_reason in ("no_gpu", "small")
    assert plan.device_sentence().startswith("Device: CPU (automatic: ")
    monkeypatch.setattr("core.pipeline.plan.available_devices", lambda: CUDA)
    assert plan_run(frame, ForecastConfig(target="y", window=8)).device_reason == "small"
    asked = plan_run(frame, ForecastConfig(target="y", window=8, device="cuda"))
    assert asked.config.device == "cuda" and asked.device_sentence() == "Device: CUDA (NVIDIA GPU) (as asked)"
    monkeypatch.setattr("core.pipeline.plan.available_devices", lambda: CPU)
    with pytest.raises(DeviceError):
        plan_run(frame, ForecastConfig(target="y", window=8, device="cuda"))


def test_windowed_series_moved_gathers_the_same_batches():
    values = torch.arange(40, dtype=torch.float32)
    series = WindowedSeries(torch.stack([values, values * 2], 1), values, 6, 2, mode="seasonal", season=3)
    moved = series.to("cpu")
    origins = torch.tensor([5, 9, 30])
    assert moved is not series
    assert torch.equal(moved.x(origins), series.x(origins)) and torch.equal(moved.y(origins), series.y(origins))


def hand_written(model, series, train_origins, val_origins, config):
    """The loop as it was before the device setting: the loss read per batch as a Python float."""
    torch.set_num_threads(1)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    shuffle = torch.Generator().manual_seed(config.seed)
    losses = []
    for _ in range(config.epochs):
        model.train()
        order = train_origins[torch.randperm(len(train_origins), generator=shuffle)]
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            batch = order[start:start + config.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(model(series.x(batch)), series.y(batch))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / len(order))
    return losses


def test_the_loop_on_the_cpu_gives_the_numbers_of_a_hand_written_loop():
    rng = np.random.default_rng(0)
    values = torch.tensor(np.sin(np.arange(300) / 5) + rng.normal(0, 0.1, 300), dtype=torch.float32)
    series = WindowedSeries(values[:, None].clone(), values.clone(), 12, 2)
    train_origins = torch.arange(11, 250)
    config = ForecastConfig(target="y", window=12, horizon=2, hidden=8, epochs=4, batch_size=32, lr=0.01,
                            patience=0, threads=1, seed=3, device="cpu")
    models = []
    for _ in range(2):
        torch.manual_seed(3)
        models.append(build_model(config, 1))
    history = training.train(models[0], series, train_origins, torch.arange(0), config)
    expected = hand_written(models[1], series, train_origins, torch.arange(0), config)
    assert history.train_loss == expected and history.device == "cpu"  # equal, not close
    x = series.x(torch.arange(250, 298))
    with torch.no_grad():
        assert torch.equal(models[0](x), models[1](x))


def test_cli_refuses_a_device_this_machine_lacks_in_one_line(data_dir, tmp_path):
    if HAS_CUDA:
        pytest.skip("this machine has CUDA")
    out = run_cli("train", data_dir / "ausbeer.csv", "--target", "megalitres", "--epochs", "1", "--hidden", "4",
                  "--device", "cuda", "--out", tmp_path / "run")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "cuda is not available" in out.stderr
    assert not (tmp_path / "run" / "metrics.json").exists()


def test_cli_device_is_recorded_in_metrics_and_the_bundle(data_dir, tmp_path):
    out = run_cli("train", data_dir / "ausbeer.csv", "--target", "megalitres", "--epochs", "1", "--hidden", "4",
                  "--ensemble", "1", "--device", "cpu", "--out", tmp_path / "run")
    assert out.returncode == 0, out.stderr
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["training"]["device"] == "cpu"
    assert load_bundle(tmp_path / "run" / "model.lstmf").config.device == "cpu"


def test_a_model_recorded_as_trained_on_cuda_loads_and_predicts_on_the_cpu(monkeypatch, tmp_path):
    """Without a GPU the CUDA run is stood in for: the plan takes CUDA, the loop is handed the CPU."""
    monkeypatch.setattr("core.pipeline.plan.available_devices", lambda: CUDA)
    monkeypatch.setattr(training, "torch_device", lambda name: torch.device("cpu"))
    config = ForecastConfig(target="y", window=8, horizon=2, epochs=2, hidden=4, ensemble=1, device="cuda")
    result = run_experiment(noisy_sine_frame(120), config)
    path = save_bundle(result, tmp_path / "cuda.lstmf")
    monkeypatch.setattr(devices, "torch_devices", lambda: CPU)
    bundle = load_bundle(path)
    assert bundle.config.device == "cuda" and bundle.meta["training"]["device"] == "cpu"
    assert np.array_equal(forecast_table(bundle)["predicted"].to_numpy(), result.forecast["predicted"].to_numpy())


@pytest.mark.skipif(not HAS_CUDA, reason="no CUDA GPU here")
def test_a_network_trained_on_cuda_predicts_the_same_on_the_cpu(tmp_path):
    config = ForecastConfig(target="y", window=8, horizon=2, epochs=2, hidden=16, ensemble=1, device="cuda")
    result = run_experiment(noisy_sine_frame(200), config)
    assert result.history.device == "cuda"
    bundle = load_bundle(save_bundle(result, tmp_path / "cuda.lstmf"))
    assert all(p.device.type == "cpu" for p in bundle.predictor.model.parameters())
    assert np.allclose(forecast_table(bundle)["predicted"].to_numpy(), result.forecast["predicted"].to_numpy(),
                       rtol=1e-5, atol=1e-6)
