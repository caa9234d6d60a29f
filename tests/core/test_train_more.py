"""Train N more (issue 26 item 4): a finished run's networks continue for N more epochs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from core.model.bundle import read_members, write_bundle
from core.pipeline import run_experiment
from core.pipeline.more import can_train_more, continue_experiment
from core.settings.config import ForecastConfig
from tests.factories import seasonal_frame

# full batch, a small learning rate, no highway (it starts near its best): every epoch improves, so the
# best epoch is the last
STEADY = dict(target="y", features=("x",), date_column="day", window=12, horizon=2, hidden=8, batch_size=0,
              lr=0.001, patience=0, ensemble=2, dropout=0.2, seed=5, highway=False)


def test_train_more_equals_one_run_of_the_summed_epochs():
    frame = seasonal_frame()
    once = run_experiment(frame, ForecastConfig(epochs=7, **STEADY))
    first = run_experiment(frame, ForecastConfig(epochs=4, **STEADY))
    assert [h.best_epoch for h in first.scoring_histories] == [4, 4]  # the premise: the last epoch was best
    assert can_train_more(first)
    seen = []
    more = continue_experiment(frame, first, 3, progress=seen.append)
    for joined, whole in zip(more.scoring_histories, once.scoring_histories, strict=True):
        assert joined.epochs_run == whole.epochs_run == 7
        assert joined.best_epoch == whole.best_epoch
        np.testing.assert_allclose(joined.train_loss, whole.train_loss, rtol=1e-6)
        np.testing.assert_allclose(joined.val_loss, whole.val_loss, rtol=1e-6)
    # the epoch numbering goes on from 5; the refit follows the continued networks
    assert [p.epoch for p in seen if not p.refit][:3] == [5, 6, 7]
    np.testing.assert_allclose(more.predictions["predicted"], once.predictions["predicted"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(more.predictions["upper"], once.predictions["upper"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(more.forecast["predicted"], once.forecast["predicted"], rtol=1e-5, atol=1e-6)
    assert more.config.epochs == 7
    assert more.metrics_dict()["training"]["epochs_run"] == 7
    # and the earlier result is left as it was
    assert first.history.epochs_run == 4 and first.config.epochs == 4


def test_train_more_differs_from_starting_over():
    """Continuing is not a fresh run of N epochs: the scores move from the first run's."""
    frame = seasonal_frame()
    first = run_experiment(frame, ForecastConfig(epochs=2, **STEADY))
    more = continue_experiment(frame, first, 2)
    fresh = run_experiment(frame, ForecastConfig(epochs=2, **STEADY))
    assert more.history.epochs_run == 4 and more.history.val_loss[:2] == first.history.val_loss
    assert more.history.val_loss[-1] < first.history.val_loss[-1]
    assert not np.allclose(more.predictions["predicted"], fresh.predictions["predicted"])


def test_nothing_to_continue_when_the_smoothing_stands_alone():
    frame = seasonal_frame(rows=40)
    result = run_experiment(frame, ForecastConfig(target="y", window=6, horizon=2, epochs=2, target_mode="smoothing"))
    assert result.plan.smoothing_alone  # the premise: 40 rows leave too few validation windows
    assert not can_train_more(result)
    with pytest.raises(ValueError):
        continue_experiment(frame, result, 2)


def cli_train(csv, out, *extra) -> dict:
    import cli

    code = cli.main(["train", str(csv), *map(str, extra), "--out", str(out)])
    assert code == 0
    return json.loads((out / "metrics.json").read_text(encoding="utf-8"))


def test_cli_resume_counts_every_epoch_and_names_the_bundle(tmp_path):
    """4 epochs with --patience 0, then --resume for 3 more: metrics.json reads 7, as one run of 7."""
    csv = tmp_path / "seasonal.csv"
    seasonal_frame().to_csv(csv, index=False)
    settings = ["--target", "y", "--features", "x", "--window", 12, "--horizon", 2, "--hidden", 8,
                "--batch-size", 0, "--lr", 0.001, "--patience", 0, "--ensemble", 2, "--seed", 5, "--no-highway"]
    first = cli_train(csv, tmp_path / "four", *settings, "--epochs", 4)
    assert first["training"]["epochs_run"] == 4 and "resumed_from" not in first["training"]
    bundle = tmp_path / "four" / "model.lstmf"
    resumed = cli_train(csv, tmp_path / "seven", "--resume", bundle, "--epochs", 3)  # no --target: the model's
    assert resumed["training"]["epochs_run"] == 7
    assert resumed["training"]["resumed_from"] == str(bundle)
    assert resumed["config"]["epochs"] == 7 and resumed["training"]["train_loss"][:4] == first["training"]["train_loss"]
    once = cli_train(csv, tmp_path / "once", *settings, "--epochs", 7)
    np.testing.assert_allclose(resumed["training"]["val_loss"], once["training"]["val_loss"], rtol=1e-6)
    read = {name: pd.read_csv(tmp_path / name / "forecast.csv")["predicted"] for name in ("seven", "once")}
    np.testing.assert_allclose(read["seven"], read["once"], rtol=1e-5)
    # the folder bundle resumes too, and goes on again from the resumed run's own state
    again = cli_train(csv, tmp_path / "eight", "--resume", tmp_path / "seven" / "model", "--epochs", 1)
    assert again["training"]["epochs_run"] == 8


def test_resume_refuses_a_bundle_without_training_state(tmp_path, capsys):
    import cli
    from tests.factories import save_small_model, smooth_frame

    path = save_small_model(tmp_path / "small.lstmf", rows=60, window=6, hidden=4)
    members = read_members(path)
    write_bundle(members, tmp_path / "bare.lstmf")  # the two members a bundle always has, no training state
    csv = tmp_path / "smooth.csv"
    smooth_frame(60).to_csv(csv, index=False)
    code = cli.main(["train", str(csv), "--resume", str(tmp_path / "bare.lstmf"), "--epochs", "2",
                     "--out", str(tmp_path / "out")])
    assert code != 0
    assert "no training state" in capsys.readouterr().err


def test_resume_refuses_an_edited_training_state(tmp_path, capsys):
    """The training member is checked like the weights: its digest, then its numbers."""
    import zipfile

    import cli
    from tests.factories import smooth_frame

    frame = smooth_frame(80)
    result = run_experiment(frame, ForecastConfig(target="y", features=("x",), date_column="day", window=6,
                                                  horizon=2, epochs=2, hidden=4, ensemble=1, highway=False))
    path = tmp_path / "model.lstmf"
    from core.model.bundle import save_bundle

    save_bundle(result, path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert set(members) == {"model.json", "model.safetensors", "training.safetensors"}
    data = bytearray(members["training.safetensors"])
    data[-1] ^= 0xFF  # one byte of the last tensor
    members["training.safetensors"] = bytes(data)
    edited = tmp_path / "edited.lstmf"
    with zipfile.ZipFile(edited, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    csv = tmp_path / "smooth.csv"
    frame.to_csv(csv, index=False)
    code = cli.main(["train", str(csv), "--resume", str(edited), "--epochs", "1", "--out", str(tmp_path / "out")])
    assert code != 0
    assert "training state is not the one" in capsys.readouterr().err
    assert not (tmp_path / "out" / "metrics.json").exists()


def test_the_training_tensors_are_checked_before_anything_trains_from_them():
    import torch

    from core.model.bundle.training import check_tensors

    good = {"network.0.w": torch.zeros(3), "shuffle.0": torch.Generator().get_state(), "rng.0": torch.get_rng_state()}
    check_tensors(good)
    for name, bad in (("network.0.w", torch.tensor([0.0, float("nan")])), ("network.0.w", torch.zeros(2).double()),
                      ("shuffle.0", torch.zeros(3, dtype=torch.uint8)), ("rng.0", torch.zeros(5))):
        with pytest.raises(ValueError, match=name):
            check_tensors(good | {name: bad})
