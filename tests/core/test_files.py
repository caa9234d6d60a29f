"""Files: the source CSV is never written, every save is atomic, bundles are checked before use,
crafted bundles (path traversal, bombs, odd archives) are refused or harmless, and no pickle.

tests/core/test_bundle.py already covers a pickle renamed to .lstmf, a zip bomb, a truncated file
and a kill inside atomic_write_bytes; this adds what a hostile or half-written file can do.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import BundleError
from core.files import safe_file_stem
from core.model.bundle import META_FILE, WEIGHTS_FILE, load_bundle, save_bundle
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig

ROOT = Path(__file__).resolve().parents[2]
APP_SOURCES = sorted([*(ROOT / "core").rglob("*.py"), *(ROOT / "gui").rglob("*.py"),
                      *(ROOT / "cli").rglob("*.py"), ROOT / "main.py"])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def frame_of(rows=90):
    t = np.arange(rows)
    return pd.DataFrame({"day": pd.date_range("2024-01-01", periods=rows, freq="D"),
                         "y": 10 + np.sin(t / 3) + 0.01 * t, "x": np.cos(t / 5)})


@pytest.fixture(scope="module")
def result():
    config = ForecastConfig(target="y", features=("x",), date_column="day", window=6, horizon=2,
                            epochs=2, hidden=8)
    return run_experiment(frame_of(), config)


# --------------------------------------------------------------------------- no pickle, atomic


def test_no_pickle_anywhere_in_the_app():
    """Nothing the app runs can unpickle: no pickle, torch.load, joblib or weights_only=False."""
    banned = re.compile(r"\bpickle\b|\bcPickle\b|torch\.load\b|\bjoblib\b|weights_only\s*=\s*False"
                        r"|\bshelve\b|\bdill\b|\bcloudpickle\b")
    found = []
    for path in APP_SOURCES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if banned.search(code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert APP_SOURCES and not found, found


def test_every_file_the_app_writes_goes_through_an_atomic_write():
    """Only core/jsonio.atomic_write_bytes opens files for writing (plus the two log files)."""
    writes = re.compile("|".join([
        r"\.write_text\(", r"\.write_bytes\(", r"""open\([^)]*["'][wax]b?\+?["']""",
        r"\.to_csv\((?!\s*(buffer|index=))", r"\.savefig\((?!\s*buffer)", r"np\.save", r"torch\.save",
        r"shutil\.copy", r"\.to_parquet\(", r"\.to_excel\(",
    ]))
    allowed = {
        ("core/files.py", "os.fdopen"),           # the atomic write itself
        ("core/files.py", "appending to a log file"),  # cli.log and the other crash logs
        ("cli/__init__.py", "os.devnull"),             # silencing a closed pipe
        ("core/report/pdf.py", "in-memory buffer"),    # PDF pages into bytes, written atomically by the caller
    }
    found = []
    for path in APP_SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            code = line.split("#", 1)[0]
            if not writes.search(code):
                continue
            nearby = " ".join(lines[max(0, number - 3):number + 1])
            if any(rel == file and word in nearby for file, word in allowed):
                continue
            found.append(f"{rel}:{number}: {line.strip()}")
    assert not found, found


def test_the_source_csv_is_never_written_by_train_predict_or_forecast(tmp_path, capsys):
    import cli

    source_dir = tmp_path / "source"
    source_dir.mkdir()
    source = source_dir / "series.csv"
    frame_of(120).to_csv(source, index=False)
    before, mtime = sha256(source), source.stat().st_mtime_ns
    out = tmp_path / "out"
    assert cli.main(["inspect", str(source)]) == 0
    assert cli.main(["train", str(source), "--target", "y", "--features", "x", "--window", "6",
                     "--epochs", "2", "--out", str(out)]) == 0
    assert cli.main(["predict", "--model", str(out / "model.lstmf"), str(source),
                     "--out", str(tmp_path / "predicted.csv")]) == 0
    assert cli.main(["forecast", "--model", str(out / "model"), str(source),
                     "--out", str(tmp_path / "forecast.csv")]) == 0
    capsys.readouterr()
    assert sha256(source) == before and source.stat().st_mtime_ns == mtime
    assert [p.name for p in source_dir.iterdir()] == ["series.csv"]  # nothing written beside it
    assert json.loads((out / "model" / META_FILE).read_text(encoding="utf-8"))["data_sha256"] == before


# --------------------------------------------------------------------------- killed saves

KILL_SCRIPT = """
import os, signal, sys
import numpy as np, pandas as pd
import core.files
from core.model.bundle import save_bundle
from core.settings.config import ForecastConfig
from core.pipeline import run_experiment

target, kill_at = sys.argv[1], int(sys.argv[2])
t = np.arange(90)
frame = pd.DataFrame({"day": pd.date_range("2024-01-01", periods=90, freq="D"),
                      "y": 5 + np.cos(t / 4), "x": np.sin(t / 7)})
result = run_experiment(frame, ForecastConfig(target="y", features=("x",), date_column="day",
                                              window=6, horizon=2, epochs=1, hidden=8, seed=9))
real_replace, calls = os.replace, []

def replace(src, dst):
    calls.append(dst)
    if len(calls) == kill_at:  # the new bytes are on disk under a temp name: die right here
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

core.files.os.replace = replace
save_bundle(result, target)
"""


def kill_during_save(target: Path, kill_at: int) -> None:
    child = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(target), str(kill_at)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300,
                           env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert child.returncode == -9, child.stderr


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_kill_during_saves_never_leaves_a_half_or_mixed_model(tmp_path, result):
    # one file: killed just before the rename, the old model is intact byte for byte
    single = save_bundle(result, tmp_path / "model.lstmf")
    old = single.read_bytes()
    kill_during_save(single, 1)
    assert single.read_bytes() == old
    assert load_bundle(single).config == result.config
    # a folder: killed between its two files, the new weights sit beside the old description;
    # the loader sees that they don't belong together and says so instead of mixing them
    folder = save_bundle(result, tmp_path / "model")
    kill_during_save(folder, 2)
    assert sha256(folder / WEIGHTS_FILE) != hashlib.sha256(
        _members(tmp_path / "model.lstmf")[WEIGHTS_FILE]).hexdigest()
    with pytest.raises(BundleError, match="interrupted save"):
        load_bundle(folder)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --------------------------------------------------------------------------- crafted bundles


def write_zip(path: Path, members: dict[str, bytes], **kwargs) -> Path:
    with zipfile.ZipFile(path, "w", **kwargs) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_members_with_traversal_or_absolute_names_are_never_written(tmp_path, result):
    """Extra members named ../../x or /abs/x are ignored: nothing is ever extracted."""
    good = _members(save_bundle(result, tmp_path / "good.lstmf"))
    home = tmp_path / "inside" / "deeper"
    home.mkdir(parents=True)
    escape = tmp_path / "escaped.txt"
    absolute = tmp_path / "absolute.txt"
    crafted = write_zip(home / "crafted.lstmf", {
        **good, "../../escaped.txt": b"owned", str(absolute): b"owned",
        "..\\..\\escaped.txt": b"owned", "model.json/../../escaped.txt": b"owned"})
    before = sorted(p for p in tmp_path.rglob("*"))
    bundle = load_bundle(crafted)
    assert bundle.config == result.config
    assert not escape.exists() and not absolute.exists()
    assert sorted(p for p in tmp_path.rglob("*")) == before
    # the bundle's members only under traversal names: not a model at all
    renamed = write_zip(home / "renamed.lstmf", {f"../../{name}": data for name, data in good.items()})
    with pytest.raises(BundleError, match="lacks model.json, model.safetensors"):
        load_bundle(renamed)
    assert not escape.exists() and sorted(p for p in tmp_path.rglob("*")) == sorted(
        [*before, renamed])


def test_traversal_in_the_model_description_is_harmless(tmp_path, result):
    """A target named '../../evil' is just a column name: no file name is made from it as is."""
    folder = save_bundle(result, tmp_path / "model")
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    evil = "../../evil"
    meta["config"]["target"] = evil
    meta["columns"]["target"] = evil
    meta["columns"]["inputs"][0] = evil
    meta["tail"][evil] = meta["tail"].pop("y")
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    bundle = load_bundle(folder)
    assert bundle.config.target == evil
    from core.apply import forecast_table

    assert np.isfinite(forecast_table(bundle)["predicted"]).all()
    assert sorted(tmp_path.rglob("*")) == before
    # what the GUI suggests as a file name for exports never leaves the folder it is put in
    for name in (evil, "/etc/passwd", "..", "C:\\Windows\\x", "a/b", "con:", "\x00x", "  .. "):
        stem = safe_file_stem(name)
        assert stem and "/" not in stem and "\\" not in stem and ":" not in stem
        assert not stem.startswith(".") and (tmp_path / f"{stem}-chart.png").parent == tmp_path


@pytest.mark.parametrize("damage, words", [
    ("many_entries", "holds 5,003 files"),  # 5,000 junk entries beside the three members of a saved model
    ("encrypted_flag", "not a valid .lstmf archive"),
    ("bad_deflate", "not a valid .lstmf archive"),
    ("deep_json", "is damaged"),
    ("huge_int_json", "is damaged"),
    ("float64_weights", "not finite 32-bit numbers"),
    ("nan_weights", "not finite 32-bit numbers"),
    ("weights_of_another_model", "interrupted save, or an edited file"),
    ("extra_tensor", "do not match the settings"),
    ("config_not_a_dict", "incomplete or damaged"),
    ("wrong_scaler_width", "scaler"),
    ("unknown_time_index", "unknown time index"),
    ("tail_too_short", "fewer stored rows than the window"),
    ("tail_not_numbers", "incomplete or damaged"),
])
def test_damaged_or_crafted_bundles_are_refused_before_use(tmp_path, result, damage, words):
    import torch
    from safetensors.torch import load, save

    members = _members(save_bundle(result, tmp_path / "good.lstmf"))
    meta = json.loads(members[META_FILE])
    state = load(members[WEIGHTS_FILE])
    path = tmp_path / "crafted.lstmf"

    def with_meta(**changes):
        return {**members, META_FILE: json.dumps(meta | changes).encode()}

    def with_state(new_state, keep_digest=False):
        weights = save(new_state)
        digest = meta["weights_sha256"] if keep_digest else hashlib.sha256(weights).hexdigest()
        return {WEIGHTS_FILE: weights, META_FILE: json.dumps(meta | {"weights_sha256": digest}).encode()}

    if damage == "many_entries":
        write_zip(path, {**members, **{f"junk/{i}": b"" for i in range(5000)}})
    elif damage == "encrypted_flag":
        write_zip(path, members)
        data = bytearray(path.read_bytes())
        for header in (b"PK\x03\x04", b"PK\x01\x02"):  # set bit 0 (encrypted) in every header
            start = 0
            while (start := data.find(header, start)) >= 0:
                flag_at = start + (6 if header == b"PK\x03\x04" else 8)
                data[flag_at] |= 1
                start += 4
        path.write_bytes(bytes(data))
    elif damage == "bad_deflate":
        write_zip(path, members, compression=zipfile.ZIP_DEFLATED)
        data = bytearray(path.read_bytes())
        start = data.find(b"PK\x03\x04") + 30 + len(WEIGHTS_FILE)  # the first member's data
        data[start:start + 16] = b"\xff" * 16
        path.write_bytes(bytes(data))
    elif damage == "deep_json":
        write_zip(path, {**members, META_FILE: b"[" * 100_000 + b"]" * 100_000})
    elif damage == "huge_int_json":
        write_zip(path, {**members, META_FILE: b'{"format": 1' + b"0" * 10_000 + b"}"})
    elif damage == "float64_weights":
        write_zip(path, with_state({k: v.double() for k, v in state.items()}))
    elif damage == "nan_weights":
        write_zip(path, with_state({k: v * float("nan") for k, v in state.items()}))
    elif damage == "weights_of_another_model":
        write_zip(path, with_state({k: torch.zeros_like(v) for k, v in state.items()}, keep_digest=True))
    elif damage == "extra_tensor":
        write_zip(path, with_state({**state, "../../extra": torch.zeros(3)}))
    elif damage == "config_not_a_dict":
        write_zip(path, with_meta(config="../../x"))
    elif damage == "wrong_scaler_width":
        write_zip(path, with_meta(scalers=meta["scalers"] | {"features": {
            "kind": "standard", "mean": [0.0, 0.0], "scale": [1.0, 1.0]}}))
    elif damage == "unknown_time_index":
        write_zip(path, with_meta(time_index=meta["time_index"] | {"kind": "../../x"}))
    elif damage == "tail_too_short":
        write_zip(path, with_meta(tail={k: v[:2] for k, v in meta["tail"].items()}))
    elif damage == "tail_not_numbers":
        write_zip(path, with_meta(tail=meta["tail"] | {"x": ["a"] * len(meta["tail"]["x"])}))
    with pytest.raises(BundleError) as info:
        load_bundle(path)
    message = str(info.value)
    assert words in message and "crafted.lstmf" in message and "\n" not in message
    assert len(message) < 400


def test_the_folder_bundle_round_trips_and_old_bundles_without_a_digest_still_load(tmp_path, result):
    folder = save_bundle(result, tmp_path / "model")
    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    assert meta["weights_sha256"] == sha256(folder / WEIGHTS_FILE)
    del meta["weights_sha256"]  # saved before the digest existed
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    assert load_bundle(folder).config == result.config
    shutil.rmtree(folder)
