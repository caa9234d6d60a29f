"""Saving and loading a trained model: weights in safetensors, everything else in JSON.

A bundle is one `.lstmf` file (a zip holding `model.json` and `model.safetensors`) or a folder
holding the same two files. Nothing here unpickles: safetensors holds only raw tensors and
JSON only plain values, so a model file someone emails cannot run code when opened. Writes are
atomic (temp file + rename), so an interrupted save leaves the previous bundle intact.

The parts: `archive` reads the members with caps, `meta` writes and checks model.json, `weights`
checks the tensors against the settings, `provenance` records the search and run a model came from.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from core.files import atomic_write_bytes, dumps
from core.model.bundle.archive import (
    BUNDLE_SUFFIX,
    MAX_COMPRESSION_RATIO,
    MAX_MEMBER_BYTES,
    MAX_WEIGHTS_COMPRESSION_RATIO,
    MAX_ZIP_ENTRIES,
    META_FILE,
    TRAINING_FILE,
    WEIGHTS_FILE,
    Members,
    read_members,
)
from core.model.bundle.meta import BUNDLE_SCHEMA, FORMAT, build_meta, library_versions, parse_meta, read_meta
from core.model.bundle.provenance import RUN_METRICS_FILE, SEARCH_RECORD, check_run_id, search_note, search_record
from core.model.bundle.training import training_member
from core.model.bundle.weights import (
    MAX_TENSORS,
    MAX_WEIGHTS_BYTES,
    MAX_WEIGHTS_HEADER_BYTES,
    checked_state,
    expected_tensors,
    read_weights,
    weights_header,
)
from core.model.predictor import Predictor
from core.prep.timeindex import TimeIndex
from core.settings.config import ForecastConfig

_weights_header = weights_header  # the name tests knew it by

__all__ = ["BUNDLE_SCHEMA", "BUNDLE_SUFFIX", "FORMAT", "MAX_COMPRESSION_RATIO", "MAX_MEMBER_BYTES", "MAX_TENSORS",
           "MAX_WEIGHTS_BYTES", "MAX_WEIGHTS_COMPRESSION_RATIO", "MAX_WEIGHTS_HEADER_BYTES", "MAX_ZIP_ENTRIES",
           "META_FILE", "RUN_METRICS_FILE", "SEARCH_RECORD", "WEIGHTS_FILE", "LoadedBundle", "bundle_archive",
           "bundle_members", "bundle_of_result", "check_run_id", "expected_tensors", "library_versions", "load_bundle",
           "read_members", "save_bundle", "search_note", "search_record", "write_bundle"]


@dataclass
class LoadedBundle:
    predictor: Predictor
    time_index: TimeIndex
    tail: pd.DataFrame  # the last `window` rows it was trained on
    meta: dict[str, Any]

    @property
    def config(self) -> ForecastConfig:
        return self.predictor.config


def bundle_of_result(result) -> LoadedBundle:
    """A just-trained run (core.pipeline.ExperimentResult) as the bundle saving it would give,
    without the round trip through a file: to apply it to new data at once."""
    credit = getattr(result, "credit", None)
    return LoadedBundle(result.predictor, result.time_index, result.tail,
                        {"test_metrics": result.test_metrics, "anchor": credit.to_dict() if credit else None})


def bundle_members(result, data_sha256: str | None = None, run_id: str | None = None,
                   search: dict[str, Any] | None = None) -> dict[str, bytes]:
    """The two files of a bundle, as bytes. `run_id` ties it to the metrics.json of its run;
    `search`: the settings search its settings came from (SearchResult.provenance), if any."""
    from safetensors.torch import save

    state = {k: v.detach().contiguous().cpu() for k, v in result.predictor.model.state_dict().items()}
    meta = build_meta(result, {name: list(t.shape) for name, t in state.items()}, data_sha256)
    if run_id is not None:
        meta["run_id"] = run_id
    if search is not None:
        meta["search"] = search
    weights = save(state)
    meta["weights_sha256"] = hashlib.sha256(weights).hexdigest()
    members = {WEIGHTS_FILE: weights}
    training = training_member(result)
    if training is not None:  # what `train --resume` continues: the scoring networks and their state
        members[TRAINING_FILE], meta["training_state"] = training
        meta["training_state"]["sha256"] = hashlib.sha256(members[TRAINING_FILE]).hexdigest()
    return members | {META_FILE: (dumps(meta) + "\n").encode("utf-8")}


def bundle_archive(members: dict[str, bytes]) -> bytes:
    """A `.lstmf` file's bytes: the members zipped (a project embeds these bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def save_bundle(result, path: str | Path, data_sha256: str | None = None,
                run_id: str | None = None, search: dict[str, Any] | None = None) -> Path:
    """Writes a `.lstmf` file, or a folder when `path` has no `.lstmf` suffix."""
    return write_bundle(bundle_members(result, data_sha256, run_id, search), path)


def write_bundle(members: dict[str, bytes], path: str | Path) -> Path:
    """Writes a bundle's two members (bundle_members, or read_members of an opened model, which
    saves it as it was opened) as a `.lstmf` file, or a folder when `path` has no such suffix."""
    path = Path(path)
    if path.suffix.lower() == BUNDLE_SUFFIX:
        atomic_write_bytes(path, bundle_archive(members))
    else:
        # Each file is replaced atomically, the weights first: a save interrupted between the
        # two leaves a model.json whose weights_sha256 no longer matches, which load refuses.
        path.mkdir(parents=True, exist_ok=True)
        for name in (*(n for n in members if n != META_FILE), META_FILE):
            atomic_write_bytes(path / name, members[name])
    return path


def load_bundle(path: str | Path) -> LoadedBundle:
    """Reads and checks a saved model; raises BundleError with a readable reason.

    Everything model.json says is checked against the settings, and what the settings imply
    against the weights member, before either is allocated.
    """
    from core.model.network import build_model

    path = Path(path)
    members = Members(path)
    try:
        meta = read_meta(members, path)
        check_run_id(path, meta)
        if "search" in meta:
            meta["search"] = search_record(meta["search"])
        parts = parse_meta(meta, path.name)
        expected = expected_tensors(parts.config)
        weights = read_weights(members, expected, path.name)
    finally:
        members.close()
    state = checked_state(weights, expected, parts.config, meta.get("weights_sha256"), path.name)
    del weights
    model = build_model(parts.config, len(parts.config.input_columns))
    model.load_state_dict(state)
    model.eval()
    predictor = Predictor(parts.config, model, parts.target_scaler, parts.feature_scaler, parts.half_widths,
                          meta["intervals"].get("calibrated_on", "val"), parts.smoothing,
                          interval_scale=parts.interval_scale)
    return LoadedBundle(predictor, parts.time_index, parts.tail, meta)
