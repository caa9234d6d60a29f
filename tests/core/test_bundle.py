import json

import numpy as np
import pandas as pd
import pytest
import torch

from core.bundle import load_model_dir, save_model_dir
from core.config import ForecastConfig
from core.errors import BundleError
from core.experiment import run_experiment


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    t = np.arange(120)
    frame = pd.DataFrame({"y": 10 + np.sin(t / 3) + rng.normal(0, 0.1, 120), "x": rng.normal(size=120)})
    return frame, run_experiment(frame, ForecastConfig(target="y", features=("x",), window=6, epochs=3,
                                                      scaler="minmax", horizon=2))


def test_save_load_gives_identical_outputs(tmp_path, trained):
    frame, result = trained
    folder = save_model_dir(result, tmp_path / "model", data_sha256="abc")
    assert sorted(p.name for p in folder.iterdir()) == ["model.json", "model.safetensors"]
    loaded = load_model_dir(folder)
    assert loaded.config == result.config
    x = torch.randn(4, 6, 2)
    assert torch.equal(loaded.model(x), result.model(x))
    values = frame[["y"]].to_numpy()
    assert np.array_equal(loaded.target_scaler.transform(values), result.target_scaler.transform(values))
    meta = json.loads((folder / "model.json").read_text())
    assert meta["data_sha256"] == "abc" and meta["versions"]["torch"].startswith("2.13")


def test_newer_schema_and_mismatched_tensors_are_refused(tmp_path, trained):
    _, result = trained
    folder = save_model_dir(result, tmp_path / "model")
    meta_path = folder / "model.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps(meta | {"schema_version": 99}))
    with pytest.raises(BundleError, match="newer version"):
        load_model_dir(folder)
    meta["config"]["hidden"] = meta["config"]["hidden"] + 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(BundleError, match="does not match its settings"):
        load_model_dir(folder)


def test_a_pickle_in_place_of_the_weights_is_refused_without_running(tmp_path, trained):
    import pickle

    _, result = trained
    folder = save_model_dir(result, tmp_path / "model")
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (folder / "model.safetensors").write_bytes(pickle.dumps(Exploit()))
    with pytest.raises(BundleError, match="damaged"):
        load_model_dir(folder)
    assert not marker.exists()
