"""Training faults in the engine and the CLI: divergence, cancel, many runs in one process.

The GUI's side of the same faults (an exception in the worker, two runs back to back) is in
tests/gui/test_faults_gui.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

from core.model import training
from core.model.network import build_member
from core.model.training import CANCELLED, DIVERGED, train
from core.pipeline import run_experiment
from core.prep.windows import WindowedSeries
from core.settings.config import ForecastConfig
from tests.factories import nan_loss_after, seasonal_frame

ROOT = Path(__file__).resolve().parents[2]

# the training mechanics of one network, scored and forecast by the same model
ONE_NETWORK = {"ensemble": 1, "refit": False}


@pytest.fixture
def nan_loss(monkeypatch):
    """MSE until 20 losses were computed, then NaN: a stand-in for a run that blows up."""
    loss = nan_loss_after(20)
    monkeypatch.setitem(training._LOSSES, "mse", loss)
    return loss


def test_divergence_stops_cleanly_with_the_best_weights_and_advice(nan_loss):
    # 104 training windows in batches of 8: 13 losses + 1 validation loss per epoch, so the
    # loss turns NaN in epoch 2
    config = ForecastConfig(target="y", features=("x",), date_column="day", window=8,
                            batch_size=8, epochs=50, highway=False)  # no epoch-0 validation pass
    result = run_experiment(seasonal_frame(), config)
    h = result.history
    assert h.status == DIVERGED and h.epochs_run == 1 and h.best_epoch == 1
    assert "diverged at epoch 2" in h.message and "lower learning rate" in h.message
    # the weights of epoch 1 were kept: every output is a number
    assert np.isfinite(result.predictions["predicted"]).all()
    assert np.isfinite(result.forecast["predicted"]).all()
    assert all(torch.isfinite(p).all() for p in result.model.parameters())


def test_divergence_in_the_cli_is_exit_2_with_one_line(nan_loss, tmp_path, capsys):
    import cli

    source = tmp_path / "series.csv"
    seasonal_frame().to_csv(source, index=False)
    code = cli.main(["train", str(source), "--target", "y", "--window", "8", "--batch-size", "8",
                     "--epochs", "50", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "diverged at epoch 2" in err and "Traceback" not in err
    # the outputs of the best model so far were still written
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["training"]["status"] == DIVERGED


def test_cancel_takes_effect_within_one_batch():
    """Cancel set DURING batch k: batch k finishes, batch k+1 never starts."""
    values = torch.sin(torch.arange(200, dtype=torch.float32) / 4)
    series = WindowedSeries(values[:, None].clone(), values, window=8, horizon=1, mode="level")
    config = ForecastConfig(target="y", window=8, **ONE_NETWORK, epochs=100, batch_size=10, patience=0)
    torch.manual_seed(0)
    model = build_member(config, 1)
    cancel = threading.Event()
    forwards = []

    def count(module, args, output):
        if module.training:  # training batches only, not the validation passes
            forwards.append(1)
            if len(forwards) == 37:  # in the middle of epoch 3 (16 batches per epoch)
                cancel.set()

    model.register_forward_hook(count)
    history = train(model, series, torch.arange(7, 170), torch.arange(170, 199), config,
                    cancel=cancel)
    assert history.status == CANCELLED
    assert len(forwards) == 37
    assert history.epochs_run == 3  # the partial epoch is recorded
    assert all(torch.isfinite(p).all() for p in model.parameters())


MEMORY_SCRIPT = """
import gc, json, os, sys
import numpy as np, pandas as pd
from core.settings.config import ForecastConfig
from tests.factories import nan_loss_after, seasonal_frame
from core.pipeline import run_experiment

def rss():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

t = np.arange(300)
frame = pd.DataFrame({"day": pd.date_range("2024-01-01", periods=300, freq="D"),
                      "y": 50 + 10 * np.sin(t / 2) + 0.1 * t, "x": np.cos(t / 5)})
config = ForecastConfig(target="y", features=("x",), date_column="day", window=12, horizon=3,
                        epochs=4, hidden=16, forecast_steps=6)
samples = []
for run in range(20):
    result = run_experiment(frame, config.replace(seed=run))
    assert result.history.epochs_run == 4
    del result
    gc.collect()
    samples.append(rss())
print(json.dumps(samples))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads RSS from /proc")
def test_twenty_runs_in_one_process_do_not_grow_memory():
    done = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, timeout=900,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr
    samples = json.loads(done.stdout)
    assert len(samples) == 20
    warm = samples[4]  # after a few runs: torch's and the allocator's one-off caches are in
    growth = max(samples[5:]) - warm
    assert growth < 50 * 2**20, f"RSS grew by {growth / 2**20:.1f} MB over 15 runs: {samples}"
