"""Saving and loading a trained model: weights in safetensors, everything else in JSON.

A bundle is one `.lstmf` file (a zip holding `model.json` and `model.safetensors`) or a folder
holding the same two files. Nothing here unpickles: safetensors holds only raw tensors and
JSON only plain values, so a model file someone emails cannot run code when opened. Writes are
atomic (temp file + rename), so an interrupted save leaves the previous bundle intact.
"""

from __future__ import annotations

import hashlib
import io
import json
import lzma
import platform
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core import __version__
from core.errors import BundleError, ForecasterError
from core.files import atomic_write_bytes, dumps
from core.i18n import _
from core.prep.scaling import scaler_from_dict, scaler_to_dict
from core.prep.timeindex import DATES, ROWS, YEARS, TimeIndex
from core.settings.config import ForecastConfig, ResolvedConfig

FORMAT = "lstm-forecaster-model"
BUNDLE_SCHEMA = 1
BUNDLE_SUFFIX = ".lstmf"
WEIGHTS_FILE = "model.safetensors"
META_FILE = "model.json"
# a bundle holds two known members; anything bigger than this is not one of ours
MAX_MEMBER_BYTES = {META_FILE: 64 << 20, WEIGHTS_FILE: 2 << 30}
MAX_COMPRESSION_RATIO = 200  # zip bombs expand by thousands
MAX_ZIP_ENTRIES = 16  # ours has two; a zip of thousands of entries is not a model
# what a damaged or hostile archive can raise while its members are read
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError,
               EOFError, ValueError, zlib.error, lzma.LZMAError)


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


def _tail_to_json(tail: pd.DataFrame, date_column: str | None) -> dict[str, list]:
    out: dict[str, list] = {}
    for column in tail.columns:
        if column == date_column:
            out[column] = [pd.Timestamp(v).isoformat() for v in tail[column]]
        else:
            out[column] = [float(v) for v in tail[column]]
    return out


def bundle_members(result, data_sha256: str | None = None) -> dict[str, bytes]:
    """The two files of a bundle, as bytes."""
    from safetensors.torch import save

    predictor = result.predictor
    state = {k: v.detach().contiguous().cpu() for k, v in predictor.model.state_dict().items()}
    c = result.config
    meta = {
        "format": FORMAT,
        "schema_version": BUNDLE_SCHEMA,
        "config": c.to_dict(),
        "columns": {"target": c.target, "features": list(c.features),
                    "date_column": c.date_column, "inputs": c.input_columns},
        "scalers": {
            "target": scaler_to_dict(predictor.target_scaler),
            "features": scaler_to_dict(predictor.feature_scaler) if predictor.feature_scaler else None,
        },
        "intervals": {"level": c.interval_level, "half_widths": predictor.half_widths.tolist(),
                      "calibrated_on": predictor.interval_source},
        "time_index": result.time_index.to_dict(),
        "tail": _tail_to_json(result.tail, c.date_column),
        "tensors": {name: list(t.shape) for name, t in state.items()},
        "training": result.history.to_dict(),
        "test_metrics": result.test_metrics,
        "coverage": result.coverage,
        "data_sha256": data_sha256,
        "seed": c.seed,
        "versions": library_versions(),
    }
    weights = save(state)
    meta["weights_sha256"] = hashlib.sha256(weights).hexdigest()
    return {WEIGHTS_FILE: weights, META_FILE: (dumps(meta) + "\n").encode("utf-8")}


def save_bundle(result, path: str | Path, data_sha256: str | None = None) -> Path:
    """Writes a `.lstmf` file, or a folder when `path` has no `.lstmf` suffix."""
    path = Path(path)
    members = bundle_members(result, data_sha256)
    if path.suffix.lower() == BUNDLE_SUFFIX:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        atomic_write_bytes(path, buffer.getvalue())
    else:
        # Each file is replaced atomically, the weights first: a save interrupted between the
        # two leaves a model.json whose weights_sha256 no longer matches, which load refuses.
        path.mkdir(parents=True, exist_ok=True)
        for name in (WEIGHTS_FILE, META_FILE):
            atomic_write_bytes(path / name, members[name])
    return path


@dataclass
class LoadedBundle:
    predictor: Any  # core.model.predictor.Predictor
    time_index: TimeIndex
    tail: pd.DataFrame  # the last `window` rows it was trained on
    meta: dict[str, Any]

    @property
    def config(self) -> ForecastConfig:
        return self.predictor.config


def bundle_of_result(result) -> LoadedBundle:
    """A just-trained run (core.pipeline.ExperimentResult) as the bundle saving it would give,
    without the round trip through a file: to apply it to new data at once."""
    return LoadedBundle(result.predictor, result.time_index, result.tail,
                        {"test_metrics": result.test_metrics})


def _read_members(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        missing = [n for n in MAX_MEMBER_BYTES if not (path / n).is_file()]
        if missing:
            raise BundleError(_("{path} is not a saved model: it lacks {missing}.").format(
                path=path, missing=", ".join(missing)))
        return {name: (path / name).read_bytes() for name in MAX_MEMBER_BYTES}
    if not path.is_file():
        raise BundleError(_("There is no saved model at {path}.").format(path=path))
    # Only the two known member names are ever read, into memory: nothing is extracted, so
    # member names such as '../../x' or '/etc/x' are never used as paths.
    try:
        if path.stat().st_size > sum(MAX_MEMBER_BYTES.values()) + (1 << 20):
            raise BundleError(_("{file} is refused: at {size:,} bytes it is far larger than a model file.").format(
                file=path.name, size=path.stat().st_size))
        with zipfile.ZipFile(path) as archive:
            if len(archive.infolist()) > MAX_ZIP_ENTRIES:
                raise BundleError(_("{file} is not an LSTM Forecaster model (it holds {count:,} files).").format(
                    file=path.name, count=len(archive.infolist())))
            infos = {info.filename: info for info in archive.infolist()}
            missing = [n for n in MAX_MEMBER_BYTES if n not in infos]
            if missing:
                raise BundleError(_("{file} is not an LSTM Forecaster model (it lacks {missing}).").format(
                    file=path.name, missing=", ".join(missing)))
            members = {}
            for name, limit in MAX_MEMBER_BYTES.items():
                info = infos[name]
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > limit or (info.file_size > (1 << 20) and ratio > MAX_COMPRESSION_RATIO):
                    raise BundleError(_("{file} is refused: its {member} would unpack to {size:,} bytes, far more "
                                        "than a model needs.").format(file=path.name, member=name,
                                                                      size=info.file_size))
                with archive.open(info) as member:
                    data = member.read(limit + 1)
                if len(data) > limit:
                    raise BundleError(_("{file} is refused: its {member} is larger than it claims.").format(
                        file=path.name, member=name))
                members[name] = data
            return members
    except _ZIP_ERRORS:
        raise BundleError(_("{file} is not an LSTM Forecaster model file, or it is damaged (it is not a valid "
                            ".lstmf archive).").format(file=path.name)) from None
    except OSError as exc:
        raise BundleError(_("{path} can't be read: {reason}.").format(path=path, reason=exc.strerror or exc)) from None


def load_bundle(path: str | Path) -> LoadedBundle:
    """Reads and checks a saved model; raises BundleError with a readable reason."""
    from safetensors import SafetensorError
    from safetensors.torch import load

    from core.model.network import build_model
    from core.model.predictor import Predictor

    path = Path(path)
    members = _read_members(path)
    try:
        meta = json.loads(members[META_FILE].decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, absurd nesting or numbers
        raise BundleError(_("{file}: its {member} is damaged ({problem}).").format(
            file=path.name, member=META_FILE, problem=_short(exc))) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BundleError(_("{file} is not an LSTM Forecaster model description.").format(file=path.name))
    version = meta.get("schema_version")
    if not isinstance(version, int) or version > BUNDLE_SCHEMA:
        raise BundleError(_("{file} was saved by a newer version of LSTM Forecaster (model schema {version}); "
                            "please update the app to open it.").format(file=path.name, version=version))
    try:
        config = ResolvedConfig.from_dict(meta["config"])  # saved as planned: window, threads filled
        target_scaler = scaler_from_dict(meta["scalers"]["target"])
        features = meta["scalers"].get("features")
        feature_scaler = scaler_from_dict(features) if features else None
        half_widths = np.asarray(meta["intervals"]["half_widths"], dtype=np.float64)
        time_index = TimeIndex.from_dict(meta["time_index"])
        tail = pd.DataFrame(meta["tail"])
        if config.date_column and config.date_column in tail:
            tail[config.date_column] = pd.to_datetime(tail[config.date_column])
        _check_meta(config, target_scaler, feature_scaler, half_widths, time_index, tail)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError,
            ForecasterError) as exc:
        raise BundleError(_("{file} is incomplete or damaged ({problem}).").format(
            file=path.name, problem=_short(exc))) from None
    digest = meta.get("weights_sha256")
    if digest is not None and digest != hashlib.sha256(members[WEIGHTS_FILE]).hexdigest():
        raise BundleError(_("{file}: its weights are not the ones its {member} was saved with (an interrupted "
                            "save, or an edited file); save the model again.").format(file=path.name,
                                                                                     member=META_FILE))
    try:
        state = load(members[WEIGHTS_FILE])
    except (SafetensorError, ValueError, RuntimeError, OverflowError) as exc:
        raise BundleError(_("{file}: the weights are damaged and can't be read ({problem}).").format(
            file=path.name, problem=_short(exc))) from None
    if not any(name.startswith("members.") for name in state):
        # saved before ensembles (one network, no highway): its tensors are the first member's
        state = {f"members.0.{name}": tensor for name, tensor in state.items()}
    model = build_model(config, len(config.input_columns))
    expected = {name: list(t.shape) for name, t in model.state_dict().items()}
    found = {name: list(t.shape) for name, t in state.items()}
    if expected != found:
        wrong = [name for name in sorted(set(expected) | set(found))
                 if expected.get(name) != found.get(name)][:3]
        raise BundleError(_("{file}: the weights do not match the settings (tensors {tensors} differ); the file "
                            "is damaged or was edited.").format(file=path.name, tensors=", ".join(wrong)))
    import torch

    odd = [name for name, t in state.items()
           if t.dtype != torch.float32 or not bool(torch.isfinite(t).all())]
    if odd:
        raise BundleError(_("{file}: the weights {tensors} are not finite 32-bit numbers; the file is damaged or "
                            "was edited.").format(file=path.name, tensors=", ".join(sorted(odd)[:3])))
    model.load_state_dict(state)
    model.eval()
    predictor = Predictor(config, model, target_scaler, feature_scaler, half_widths,
                          meta["intervals"].get("calibrated_on", "validation"))
    return LoadedBundle(predictor, time_index, tail, meta)


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _check_meta(config: ForecastConfig, target_scaler, feature_scaler, half_widths: np.ndarray,
                time_index: TimeIndex, tail: pd.DataFrame) -> None:
    """Everything model.json says must fit the settings before any of it is used.

    Raises ValueError (the caller words it as a damaged file).
    """
    n_features = len(config.input_columns) - 1

    def scaler_ok(scaler, width: int) -> bool:
        stats = [getattr(scaler, name) for name in ("mean_", "scale_", "data_min_", "data_max_")
                 if hasattr(scaler, name)]
        return (getattr(scaler, "n_features_in_", None) == width and bool(stats)
                and all(np.shape(v) == (width,) and np.isfinite(v).all() for v in stats))

    if not scaler_ok(target_scaler, 1):
        raise ValueError("the target's scaler does not fit one column")
    if n_features and (feature_scaler is None or not scaler_ok(feature_scaler, n_features)):
        raise ValueError(f"the feature scaler does not fit {n_features} feature column(s)")
    if half_widths.shape != (config.horizon,) or (half_widths < 0).any():
        raise ValueError("the interval widths do not match the horizon")
    if time_index.kind not in (ROWS, DATES, YEARS) or time_index.rows < 0:
        raise ValueError(f"unknown time index {time_index.kind!r}")
    if time_index.kind == DATES:
        if pd.isna(pd.Timestamp(time_index.last)):
            raise ValueError("the last date is missing")
        if time_index.freq is not None:
            pd.tseries.frequencies.to_offset(time_index.freq)
    elif not isinstance(time_index.last, int) or isinstance(time_index.last, bool):
        raise ValueError(f"the last row's label {time_index.last!r} is not a whole number")
    if len(tail) < config.window:
        raise ValueError("fewer stored rows than the window")
    for column in config.input_columns:
        values = pd.to_numeric(tail[column], errors="raise").to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise ValueError(f"stored rows of {column!r} are not finite numbers")
