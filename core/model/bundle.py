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
import math
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
from core.i18n import _, ngettext
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
# trained float32 weights hardly compress (about 1.1:1); a weights member that shrinks 10-fold
# is padding, not a model
MAX_WEIGHTS_COMPRESSION_RATIO = 10
MAX_ZIP_ENTRIES = 16  # ours has two; a zip of thousands of entries is not a model
# what the settings may describe: far above what this app trains (32 hidden: kilobytes), far
# below what would exhaust a laptop's memory while the file is read and the network built
MAX_WEIGHTS_BYTES = 1 << 30
MAX_TENSORS = 512  # a 16-layer bidirectional LSTM with a two-layer head has 132
MAX_WEIGHTS_HEADER_BYTES = 1 << 20  # the safetensors header: ~100 bytes per tensor
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


# meta["search"]: where a model's settings came from when a settings search chose them
# (core.search.SearchResult.provenance); plain JSON values of these types, nothing else kept
SEARCH_RECORD = {"study": (str,), "storage": (str,), "budget_s": (int, float), "elapsed_s": (int, float),
                 "trials": (int,), "best_trial": (int, type(None)), "validation_score": (int, float, type(None)),
                 "baseline_score": (int, float, type(None)), "baseline_best": (bool,)}


def search_record(value: Any) -> dict[str, Any] | None:
    """A bundle's search record as it may be used: the known keys with values of their types, or
    None (absent, or not a record this app wrote: it is informational, so it is dropped, not refused)."""
    if not isinstance(value, dict):
        return None
    record = {}
    for key, types in SEARCH_RECORD.items():
        item = value.get(key)
        if not isinstance(item, types) or (isinstance(item, bool) and bool not in types):
            return None
        if isinstance(item, float) and not math.isfinite(item):
            return None
        if isinstance(item, str) and len(item) > 1000:
            return None
        record[key] = item
    return record


def search_note(meta: dict[str, Any]) -> str:
    """One line for a model's details: the search its settings came from ("" when none)."""
    record = search_record(meta.get("search"))
    if record is None:
        return ""
    if record["baseline_best"]:
        return ngettext("A settings search (study {study}, {trials} trial) found no settings better than these on "
                        "validation.",
                        "A settings search (study {study}, {trials} trials) found no settings better than these on "
                        "validation.", record["trials"]).format(study=record["study"], trials=record["trials"])
    score = record["validation_score"]
    return ngettext("Its settings came from a settings search: trial {trial} of {trials} in study {study} "
                    "(validation RMSE {score}).",
                    "Its settings came from a settings search: trial {trial} of {trials} in study {study} "
                    "(validation RMSE {score}).", record["trials"]).format(
        trial=record["best_trial"], trials=record["trials"], study=record["study"],
        score=f"{score:.4g}" if score is not None else "?")


def bundle_members(result, data_sha256: str | None = None, run_id: str | None = None,
                   search: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The two files of a bundle, as bytes. `run_id` ties it to the metrics.json of its run;
    `search`: the settings search its settings came from (SearchResult.provenance), if any."""
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
        # the exponential smoothing the network corrects (target mode "smoothing"); None otherwise
        "smoothing": predictor.smoothing.to_dict() if predictor.smoothing is not None else None,
        "tensors": {name: list(t.shape) for name, t in state.items()},
        "training": result.history.to_dict(),
        "test_metrics": result.test_metrics,
        "coverage": result.coverage,
        "data_sha256": data_sha256,
        "seed": c.seed,
        "versions": library_versions(),
    }
    if run_id is not None:
        meta["run_id"] = run_id
    if search is not None:
        meta["search"] = search
    weights = save(state)
    meta["weights_sha256"] = hashlib.sha256(weights).hexdigest()
    return {WEIGHTS_FILE: weights, META_FILE: (dumps(meta) + "\n").encode("utf-8")}


def save_bundle(result, path: str | Path, data_sha256: str | None = None,
                run_id: str | None = None, search: dict[str, Any] | None = None) -> Path:
    """Writes a `.lstmf` file, or a folder when `path` has no `.lstmf` suffix."""
    path = Path(path)
    members = bundle_members(result, data_sha256, run_id, search)
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


class _Members:
    """The two members of a bundle (zip or folder), sized before they are read, read with a cap.

    Only the two known member names are ever read, into memory: nothing is extracted, so zip
    member names such as '../../x' or '/etc/x' are never used as paths.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive: zipfile.ZipFile | None = None
        self.infos: dict[str, zipfile.ZipInfo] = {}
        if path.is_dir():
            missing = [n for n in MAX_MEMBER_BYTES if not (path / n).is_file()]
            if missing:
                raise BundleError(_("{path} is not a saved model: it lacks {missing}.").format(
                                      path=path, missing=', '.join(missing)))
            return
        if not path.is_file():
            raise BundleError(_("There is no saved model at {path}.").format(path=path))
        with _MemberErrors(path):
            if path.stat().st_size > sum(MAX_MEMBER_BYTES.values()) + (1 << 20):
                raise BundleError(_("{file} is refused: at {size:,} bytes it is far larger than a model file.").format(
                                      file=path.name, size=path.stat().st_size))
            self.archive = zipfile.ZipFile(path)
            if len(self.archive.infolist()) > MAX_ZIP_ENTRIES:
                count = len(self.archive.infolist())
                self.close()
                raise BundleError(_("{file} is not an LSTM Forecaster model (it holds {count:,} files).").format(
                                      file=path.name, count=count))
            self.infos = {info.filename: info for info in self.archive.infolist()}
            missing = [n for n in MAX_MEMBER_BYTES if n not in self.infos]
            if missing:
                self.close()
                raise BundleError(_("{file} is not an LSTM Forecaster model (it lacks {missing}).").format(
                                      file=path.name, missing=', '.join(missing)))

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def size(self, name: str) -> int:
        """The size the member claims (a zip's header, a folder's stat): known before reading."""
        with _MemberErrors(self.path):
            if self.archive is None:
                return (self.path / name).stat().st_size
            return self.infos[name].file_size

    def read(self, name: str, limit: int) -> bytes:
        limit = min(limit, MAX_MEMBER_BYTES[name])
        where = self.path.name
        with _MemberErrors(self.path):
            size = self.size(name)
            if self.archive is not None:
                info = self.infos[name]
                ratio = size / max(info.compress_size, 1)
                cap = MAX_WEIGHTS_COMPRESSION_RATIO if name == WEIGHTS_FILE else MAX_COMPRESSION_RATIO
                if size > (1 << 20) and ratio > cap:
                    raise BundleError(_("{file} is refused: its {member} would unpack to {size:,} bytes from "
                                        "{compressed:,}, which no model does.").format(
                                          file=where, member=name, size=size, compressed=info.compress_size))
            if size > limit:
                raise BundleError(_("{file} is refused: its {member} would unpack to {size:,} bytes, far more than "
                                    "this model needs.").format(file=where, member=name, size=size))
            if self.archive is None:
                with open(self.path / name, "rb") as handle:  # a folder member: capped like a zip's
                    data = handle.read(limit + 1)
            else:
                with self.archive.open(self.infos[name]) as member:
                    data = member.read(limit + 1)
            if len(data) > limit:
                raise BundleError(_("{file} is refused: its {member} is larger than it claims.").format(
                                      file=where, member=name))
            return data


class _MemberErrors:
    """Damaged archives and unreadable files as one-line BundleErrors."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, BundleError):
            return False
        if isinstance(exc, _ZIP_ERRORS):
            raise BundleError(_("{file} is not an LSTM Forecaster model file, or it is damaged (it is not a valid "
                                ".lstmf archive).").format(file=self.path.name)) from None
        if isinstance(exc, OSError):
            raise BundleError(_("{path} can't be read: {reason}.").format(
                                  path=self.path, reason=exc.strerror or exc)) from None
        return False


def _read_members(path: Path) -> dict[str, bytes]:
    """Both members, each under its cap (for tools and tests that look inside a bundle)."""
    members = _Members(path)
    try:
        return {name: members.read(name, limit) for name, limit in MAX_MEMBER_BYTES.items()}
    finally:
        members.close()


def expected_tensors(config: ForecastConfig) -> dict[str, list[int]]:
    """Name -> shape of every tensor the settings' network holds, without allocating it.

    The network is built on torch's "meta" device, which records shapes and allocates nothing,
    so a model.json asking for 16 layers of 4096 costs no memory to check.
    """
    import torch

    from core.model.network import build_model

    with torch.device("meta"):
        model = build_model(config, len(config.input_columns))
    return {name: list(t.shape) for name, t in model.state_dict().items()}


def _weights_header(data: bytes, where: str) -> dict[str, Any]:
    """The tensors a safetensors blob declares (name -> dtype, shape, offsets), from its header
    alone and bounded: nothing is allocated for the tensors themselves."""
    length = int.from_bytes(data[:8], "little") if len(data) >= 8 else -1
    if length < 2 or length > MAX_WEIGHTS_HEADER_BYTES or 8 + length > len(data):
        raise BundleError(_("{file}: the weights are damaged and can't be read (no valid header).").format(
                              file=where))
    try:
        header = json.loads(data[8:8 + length].decode("utf-8"))
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict):
        raise BundleError(_("{file}: the weights are damaged and can't be read (no valid header).").format(
                              file=where))
    header.pop("__metadata__", None)
    if len(header) > MAX_TENSORS:
        raise BundleError(_("{file}: the weights hold {count:,} tensors; a model has a few dozen. The file is "
                            "damaged or crafted.").format(file=where, count=len(header)))
    return header


def _check_weights_header(header: dict[str, Any], expected: dict[str, list[int]], where: str) -> None:
    found = {name: (entry.get("shape") if isinstance(entry, dict) else None)
             for name, entry in header.items()}
    if found != expected:
        wrong = [name for name in sorted(set(expected) | set(found))
                 if expected.get(name) != found.get(name)][:3]
        raise BundleError(_("{file}: the weights do not match the settings (tensors {tensors} differ); the file is "
                            "damaged or was edited.").format(file=where, tensors=', '.join(wrong)))
    odd = sorted(name for name, entry in header.items() if entry.get("dtype") != "F32")
    if odd:
        raise BundleError(_("{file}: the weights {tensors} are not finite 32-bit numbers; the file is damaged or "
                            "was edited.").format(file=where, tensors=', '.join(odd[:3])))


def load_bundle(path: str | Path) -> LoadedBundle:
    """Reads and checks a saved model; raises BundleError with a readable reason."""
    from safetensors import SafetensorError
    from safetensors.torch import load

    from core.model.network import build_model
    from core.model.predictor import Predictor

    path = Path(path)
    where = path.name
    members = _Members(path)
    try:
        try:
            meta = json.loads(members.read(META_FILE, MAX_MEMBER_BYTES[META_FILE]).decode("utf-8"))
        except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, absurd nesting or numbers
            raise BundleError(_("{file}: its {member} is damaged ({problem}).").format(
                                  file=where, member=META_FILE, problem=_short(exc))) from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise BundleError(_("{file} is not an LSTM Forecaster model description.").format(file=where))
        version = meta.get("schema_version")
        if not isinstance(version, int) or version > BUNDLE_SCHEMA:
            raise BundleError(_("{file} was saved by a newer version of LSTM Forecaster (model schema {version}); "
                                "please update the app to open it.").format(file=where, version=version))
        check_run_id(path, meta)
        if "search" in meta:
            meta["search"] = search_record(meta["search"])
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
            smoothing = None
            if config.target_mode == "smoothing":
                from core.prep.smoothing import smoothing_from_dict

                smoothing = smoothing_from_dict(meta["smoothing"])
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError,
                ForecasterError) as exc:
            raise BundleError(_("{file} is incomplete or damaged ({problem}).").format(
                                  file=where, problem=_short(exc))) from None
        # What the settings imply is checked against the weights member before either is
        # allocated: the network on the meta device, the member by the size it claims.
        expected = expected_tensors(config)
        implied = 4 * sum(math.prod(shape) for shape in expected.values())
        if implied > MAX_WEIGHTS_BYTES:
            raise BundleError(_("{file} is refused: its settings describe a network of {gib:.1f} GiB of weights, "
                                "far more than this app trains.").format(file=where, gib=implied / 2**30))
        size = members.size(WEIGHTS_FILE)
        if not implied + 8 < size <= implied + 8 + MAX_WEIGHTS_HEADER_BYTES:
            raise BundleError(_("{file}: the weights ({size:,} bytes) do not match the settings ({implied:,} bytes "
                                "of numbers); the file is damaged or was edited.").format(
                                  file=where, size=size, implied=implied))
        weights = members.read(WEIGHTS_FILE, implied + 8 + MAX_WEIGHTS_HEADER_BYTES)
    finally:
        members.close()
    header = _weights_header(weights, where)
    # saved before ensembles (one network, no highway): its tensors are the first member's
    legacy = config.ensemble == 1 and not any(name.startswith("members.") for name in header)
    if legacy:
        expected = {name.removeprefix("members.0."): shape for name, shape in expected.items()}
    _check_weights_header(header, expected, where)
    digest = meta.get("weights_sha256")
    if digest is not None and digest != hashlib.sha256(weights).hexdigest():
        raise BundleError(_("{file}: its weights are not the ones its {member} was saved with (an interrupted "
                            "save, or an edited file); save the model again.").format(file=where, member=META_FILE))
    try:
        state = load(weights)
    except (SafetensorError, ValueError, RuntimeError, OverflowError) as exc:
        raise BundleError(_("{file}: the weights are damaged and can't be read ({problem}).").format(
                              file=where, problem=_short(exc))) from None
    del weights
    # shapes and dtypes were checked on the header; the values themselves only now
    import torch

    odd = [name for name, t in state.items()
           if t.dtype != torch.float32 or not bool(torch.isfinite(t).all())]
    if odd:
        raise BundleError(_("{file}: the weights {tensors} are not finite 32-bit numbers; the file is damaged or "
                            "was edited.").format(file=where, tensors=', '.join(sorted(odd)[:3])))
    if legacy:
        state = {f"members.0.{name}": tensor for name, tensor in state.items()}
    model = build_model(config, len(config.input_columns))
    model.load_state_dict(state)
    model.eval()
    predictor = Predictor(config, model, target_scaler, feature_scaler, half_widths,
                          meta["intervals"].get("calibrated_on", "validation"), smoothing)
    return LoadedBundle(predictor, time_index, tail, meta)


RUN_METRICS_FILE = "metrics.json"


def check_run_id(path: Path, meta: dict[str, Any]) -> None:
    """A model saved by `train` records its run's id, as does the metrics.json beside it. When
    both are there and differ, the run that wrote the model was interrupted (or another run
    wrote the metrics): the two describe different models, so the model is not trusted."""
    run_id = meta.get("run_id")
    metrics = path.parent / RUN_METRICS_FILE
    if not isinstance(run_id, str) or not metrics.is_file():
        return
    try:
        if metrics.stat().st_size > MAX_MEMBER_BYTES[META_FILE]:
            return
        recorded = json.loads(metrics.read_bytes().decode("utf-8")).get("run_id")
    except (OSError, ValueError, RecursionError, AttributeError):
        return
    if isinstance(recorded, str) and recorded != run_id:
        raise BundleError(_("{file} and the {metrics_file} beside it come from different runs (a train was "
                            "interrupted or two ran into one folder); train again, or move the model elsewhere to "
                            "use it anyway.").format(file=path.name, metrics_file=RUN_METRICS_FILE))


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
    for scaler in (target_scaler, feature_scaler):
        # a zero scale divides by zero: every forecast would come out NaN
        if scaler is not None and hasattr(scaler, "mean_") and not (scaler.scale_ > 0).all():
            raise ValueError("a scaler's scale is zero or negative")
        if scaler is not None and hasattr(scaler, "data_min_") and not (
                scaler.data_max_ >= scaler.data_min_).all():
            raise ValueError("a scaler's minimum is above its maximum")
    if n_features and (feature_scaler is None or not scaler_ok(feature_scaler, n_features)):
        raise ValueError(f"the feature scaler does not fit {n_features} feature column(s)")
    if half_widths.shape != (config.horizon,) or (half_widths < 0).any():
        raise ValueError("the interval widths do not match the horizon")
    if not np.isfinite(half_widths).all():
        raise ValueError("the interval widths are not finite numbers")
    if time_index.kind not in (ROWS, DATES, YEARS) or time_index.rows < 0:
        raise ValueError(f"unknown time index {time_index.kind!r}")
    if time_index.kind == DATES:
        if pd.isna(pd.Timestamp(time_index.last)):
            raise ValueError("the last date is missing")
        if time_index.freq is not None:
            step = pd.tseries.frequencies.to_offset(time_index.freq)
            if getattr(step, "n", 1) <= 0:  # future dates would run backwards, or stand still
                raise ValueError(f"the frequency {time_index.freq!r} does not move forward")
    elif not isinstance(time_index.last, int) or isinstance(time_index.last, bool):
        raise ValueError(f"the last row's label {time_index.last!r} is not a whole number")
    if len(tail) < config.window:
        raise ValueError("fewer stored rows than the window")
    for column in config.input_columns:
        values = pd.to_numeric(tail[column], errors="raise").to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise ValueError(f"stored rows of {column!r} are not finite numbers")
