"""Saving and loading a trained model: weights in safetensors, everything else in JSON.

Nothing here unpickles: safetensors holds only raw tensors and JSON only plain values, so a
model file someone emails cannot run code when opened.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core import __version__
from core.config import ForecastConfig
from core.errors import BundleError, ForecasterError
from core.jsonio import atomic_write_bytes, write_json
from core.scaling import scaler_from_dict, scaler_to_dict

FORMAT = "lstm-forecaster-model"
BUNDLE_SCHEMA = 1
WEIGHTS_FILE = "model.safetensors"
META_FILE = "model.json"


def library_versions() -> dict[str, str]:
    import pandas
    import sklearn
    import torch

    return {
        "app": __version__,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "pandas": pandas.__version__,
        "scikit-learn": sklearn.__version__,
    }


def save_model_dir(result, folder: str | Path, data_sha256: str | None = None) -> Path:
    """Writes model.safetensors and model.json into `folder` (created if needed)."""
    from safetensors.torch import save

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().contiguous().cpu() for k, v in result.model.state_dict().items()}
    c = result.config
    meta = {
        "format": FORMAT,
        "schema_version": BUNDLE_SCHEMA,
        "config": c.to_dict(),
        "columns": {"target": c.target, "features": list(c.features),
                    "date_column": c.date_column, "inputs": c.input_columns},
        "scalers": {
            "target": scaler_to_dict(result.target_scaler),
            "features": scaler_to_dict(result.feature_scaler) if result.feature_scaler else None,
        },
        "tensors": {name: list(t.shape) for name, t in state.items()},
        "training": result.history.to_dict(),
        "test_metrics": result.test_metrics,
        "data_sha256": data_sha256,
        "seed": c.seed,
        "versions": library_versions(),
    }
    atomic_write_bytes(folder / WEIGHTS_FILE, save(state))
    write_json(folder / META_FILE, meta)
    return folder


@dataclass
class LoadedModel:
    config: ForecastConfig
    model: Any
    target_scaler: Any
    feature_scaler: Any | None
    meta: dict[str, Any]


def load_model_dir(folder: str | Path) -> LoadedModel:
    """Reads and checks a saved model; raises BundleError with a readable reason."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from core.model import build_model

    folder = Path(folder)
    meta_path, weights_path = folder / META_FILE, folder / WEIGHTS_FILE
    if not meta_path.is_file() or not weights_path.is_file():
        raise BundleError(f"{folder} is not a saved model: it needs {META_FILE} and {WEIGHTS_FILE}.")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{meta_path} is damaged and can't be read ({exc}).") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError(f"{meta_path} is not an LSTM Forecaster model description.")
    version = meta.get("schema_version")
    if not isinstance(version, int) or version > BUNDLE_SCHEMA:
        raise BundleError(f"{folder} was saved by a newer version of LSTM Forecaster "
                          f"(model schema {version}); please update the app to open it.")
    try:
        config = ForecastConfig.from_dict(meta["config"])
        target_scaler = scaler_from_dict(meta["scalers"]["target"])
        features = meta["scalers"].get("features")
        feature_scaler = scaler_from_dict(features) if features else None
    except (KeyError, TypeError, ValueError, ForecasterError) as exc:
        raise BundleError(f"{meta_path} is incomplete or damaged ({exc}).") from None
    try:
        state = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise BundleError(f"{weights_path} is damaged and can't be read ({exc}).") from None
    model = build_model(config, len(config.input_columns))
    expected = {name: list(t.shape) for name, t in model.state_dict().items()}
    found = {name: list(t.shape) for name, t in state.items()}
    if expected != found:
        wrong = [name for name in sorted(set(expected) | set(found))
                 if expected.get(name) != found.get(name)][:3]
        raise BundleError(f"{weights_path} does not match its settings (tensors {', '.join(wrong)} "
                          "differ); the model files are damaged or mixed up.")
    model.load_state_dict(state)
    model.eval()
    return LoadedModel(config, model, target_scaler, feature_scaler, meta)
