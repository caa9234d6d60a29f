import hashlib
import json
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from core.apply import forecast_table, predict_table
from core.errors import BundleError, DataError
from core.model.bundle import LoadedBundle, load_bundle, save_bundle
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig
from tests.factories import noisy_sine_frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def trained():
    frame = noisy_sine_frame()
    config = ForecastConfig(target="y", features=("x",), date_column="day", window=6, epochs=3,
                            scaler="minmax", horizon=2, forecast_steps=5)
    return frame, run_experiment(frame, config)


@pytest.mark.parametrize("name", ["model.lstmf", "model"])
def test_save_load_gives_identical_predictions_and_forecast(tmp_path, trained, name):
    frame, result = trained
    path = save_bundle(result, tmp_path / name, data_sha256="abc")
    bundle = load_bundle(path)
    assert bundle.config == result.config
    x = torch.randn(4, 6, 2)
    assert torch.equal(bundle.predictor.model(x), result.model(x))
    table = predict_table(bundle, frame, "day")
    known = table[table["actual"].notna()]
    # every window of the table: the run's own windows plus the two that straddle its splits
    assert len(known) == (150 - 6 - 2 + 1) * 2 == len(result.predictions) + 2 * 2
    # the bundle holds the forecast model (refit on every row): it predicts as that model does
    in_memory = predict_table(LoadedBundle(result.predictor, result.time_index, result.tail, {}), frame, "day")
    assert np.array_equal(in_memory["predicted"].to_numpy(), table["predicted"].to_numpy())
    assert result.predictor is not result.scoring_predictor
    both = result.predictions.merge(known, on=["time", "step"], suffixes=("_run", "_bundle"))
    assert len(both) == len(result.predictions)
    assert not np.array_equal(both["predicted_run"].to_numpy(), both["predicted_bundle"].to_numpy())
    assert np.allclose(known["upper"] - known["predicted"], np.tile(result.predictor.half_widths, len(known) // 2))
    future = table[table["actual"].isna()]
    assert np.array_equal(future["predicted"].to_numpy(), result.forecast["predicted"].to_numpy())
    # without a CSV the bundle forecasts from the rows it stored
    alone = forecast_table(bundle)
    assert np.array_equal(alone["predicted"].to_numpy(), result.forecast["predicted"].to_numpy())
    assert pd.Timestamp(alone["time"].iloc[0]) == pd.Timestamp("2024-05-30")  # day after the last row
    assert bundle.meta["data_sha256"] == "abc" and bundle.meta["versions"]["torch"].startswith("2.13")


def test_a_newer_schema_or_mismatched_tensors_are_refused(tmp_path, trained):
    _, result = trained
    folder = save_bundle(result, tmp_path / "model")
    meta_path = folder / "model.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps(meta | {"schema_version": 99}))
    with pytest.raises(BundleError, match="newer version"):
        load_bundle(folder)
    meta["config"]["hidden"] = meta["config"]["hidden"] + 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="do not match the settings"):
        load_bundle(folder)


def test_a_pickle_renamed_to_a_bundle_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    fake = tmp_path / "model.lstmf"
    fake.write_bytes(pickle.dumps(Exploit()))
    with pytest.raises(BundleError, match="not an LSTM Forecaster model"):
        load_bundle(fake)
    weights_pickle = tmp_path / "folder"
    weights_pickle.mkdir()
    (weights_pickle / "model.json").write_text("{}")
    (weights_pickle / "model.safetensors").write_bytes(pickle.dumps(Exploit()))
    with pytest.raises(BundleError):
        load_bundle(weights_pickle)
    assert not marker.exists()


def test_a_zip_bomb_and_a_truncated_file_are_refused(tmp_path, trained):
    _, result = trained
    bomb = tmp_path / "bomb.lstmf"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.json", b"{" + b" " * (80 << 20) + b"}")
        archive.writestr("model.safetensors", b"")
    with pytest.raises(BundleError, match="refused"):
        load_bundle(bomb)
    good = save_bundle(result, tmp_path / "good.lstmf")
    cut = tmp_path / "cut.lstmf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BundleError):
        load_bundle(cut)


def test_an_interrupted_save_leaves_the_previous_bundle_intact(tmp_path, trained):
    _, result = trained
    path = save_bundle(result, tmp_path / "model.lstmf")
    before = path.read_bytes()
    # a child process starts saving over it and is killed mid-write
    script = (
        "import os, sys, core.files as j\n"
        "real = os.fsync\n"
        "def die(fd):\n"
        "    os.kill(os.getpid(), 9)\n"
        "j.os.fsync = die\n"
        f"j.atomic_write_bytes({str(path)!r}, b'new content that must never be seen half-written')\n"
    )
    child = subprocess.run([sys.executable, "-c", script], cwd=ROOT)
    assert child.returncode == -9
    assert path.read_bytes() == before
    assert load_bundle(path).config == result.config


def test_missing_columns_are_named(trained):
    frame, result = trained
    from core.model.bundle import LoadedBundle

    bundle = LoadedBundle(result.predictor, result.time_index, result.tail, {})
    with pytest.raises(DataError, match="'x'"):
        predict_table(bundle, frame.drop(columns=["x"]), "day", source="march.csv")


def test_a_bundle_saved_before_a_setting_existed_loads_with_its_default(tmp_path):
    """A model saved by the previous version: one network without highway, weights named without
    'members.0.', and no ensemble/highway/transform/refit/patience in model.json."""
    from safetensors.torch import load_file, save_file

    frame = noisy_sine_frame()
    legacy = ForecastConfig(target="y", features=("x",), date_column="day", window=6, epochs=2, horizon=2,
                            ensemble=1, highway=False, transform="none", target_mode="delta", refit=False)
    result = run_experiment(frame, legacy)
    folder = save_bundle(result, tmp_path / "model")
    meta_path = folder / "model.json"
    meta = json.loads(meta_path.read_text())
    for newer in ("ensemble", "highway", "transform", "refit", "patience"):  # an older version did not write these
        meta["config"].pop(newer, None)
    weights = folder / "model.safetensors"
    state = {name.removeprefix("members.0."): t for name, t in load_file(weights).items()}
    save_file(state, weights)
    meta["weights_sha256"] = hashlib.sha256(weights.read_bytes()).hexdigest()
    meta_path.write_text(json.dumps(meta))
    bundle = load_bundle(folder)
    assert bundle.config.patience == 25 and bundle.config.ensemble == 1 and not bundle.config.highway
    assert bundle.config.replace(patience=result.config.patience) == result.config
    x = torch.randn(3, 6, 2)
    assert torch.equal(bundle.predictor.model(x), result.model(x))



SEARCH_RECORD = {"study": "sales-june", "storage": "postgresql://ana@db/studies", "budget_s": 300,
                 "elapsed_s": 301.2, "trials": 41, "best_trial": 17, "validation_score": 12.5,
                 "baseline_score": 14.0, "baseline_best": False}


def test_a_search_record_survives_save_and_load_and_a_plain_model_has_none(tmp_path, trained):
    from core.model.bundle import search_note

    _frame, result = trained
    searched = load_bundle(save_bundle(result, tmp_path / "searched.lstmf", search=SEARCH_RECORD))
    assert searched.meta["search"] == SEARCH_RECORD
    raw = json.loads(zipfile.ZipFile(tmp_path / "searched.lstmf").read("model.json"))
    assert raw["search"] == SEARCH_RECORD  # plain JSON in model.json
    assert search_note(searched.meta) == ("Its settings came from a settings search: trial 17 of 41 in study "
                                          "sales-june (validation RMSE 12.5).")
    plain = load_bundle(save_bundle(result, tmp_path / "plain.lstmf"))
    assert "search" not in plain.meta and search_note(plain.meta) == ""


@pytest.mark.parametrize("change", [{"study": 5}, {"trials": "many"}, {"elapsed_s": None},
                                    {"baseline_best": 1}, {"trials": True}, {"storage": "x" * 5000}, "not a record"])
def test_a_malformed_search_record_is_dropped_and_the_model_still_loads(tmp_path, trained, change):
    _frame, result = trained
    record = SEARCH_RECORD | change if isinstance(change, dict) else change
    bundle = load_bundle(save_bundle(result, tmp_path / "odd.lstmf", search=record))
    assert bundle.meta["search"] is None
    assert bundle.config == result.config
    # unknown keys are left out; the known ones kept
    extra = load_bundle(save_bundle(result, tmp_path / "extra.lstmf", search=SEARCH_RECORD | {"note": [1, 2]}))
    assert extra.meta["search"] == SEARCH_RECORD
