"""Crafted model files (issue 15): refused before anything big is allocated.

Memory is measured as the peak RSS of a child process that loads the file, under an address-space
limit (RLIMIT_AS) of 1 GiB above what it uses after its imports, so a regression fails the test
instead of taking the machine's memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest

from core.errors import BundleError
from core.model.bundle import META_FILE, WEIGHTS_FILE, load_bundle
from tests.factories import save_small_model

ROOT = Path(__file__).resolve().parents[2]
needs_rlimit = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                  reason="RLIMIT_AS and /proc (Linux)")


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = save_small_model(tmp_path_factory.mktemp("good") / "good.lstmf", rows=90, window=6, hidden=8)
    with zipfile.ZipFile(path) as archive:
        return path, {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, members: dict[str, bytes], level: int | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_meta(members: dict[str, bytes], weights: bytes | None = None, **changes) -> dict[str, bytes]:
    """The members with model.json changed (and its weights digest kept true to the weights)."""
    meta = json.loads(members[META_FILE])
    for dotted, value in changes.items():
        where = meta
        keys = dotted.split("__")
        for key in keys[:-1]:
            where = where[key]
        where[keys[-1]] = value
    weights = members[WEIGHTS_FILE] if weights is None else weights
    meta["weights_sha256"] = hashlib.sha256(weights).hexdigest()
    return {WEIGHTS_FILE: weights, META_FILE: json.dumps(meta).encode()}


CHILD = textwrap.dedent("""
    import json, resource, sys
    from core.errors import BundleError
    from core.model.bundle import load_bundle
    load_bundle(sys.argv[2])  # warm: every lazy import and torch's allocator
    def vm_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1])
    limit = (vm_kib() << 10) + (1 << 30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        load_bundle(sys.argv[1])
        outcome, message = "loaded", ""
    except BundleError as exc:
        outcome, message = "refused", str(exc)
    except BaseException as exc:
        outcome, message = type(exc).__name__, str(exc)[:300]
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"outcome": outcome, "message": message, "grown_mib": grown / 1024}))
""")


def load_in_child(path: Path, good_path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(good_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1"))
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_refused_cheaply(path: Path, good_path: Path, words: str, mib: float = 100) -> None:
    child = load_in_child(path, good_path)
    assert child["outcome"] == "refused", child
    assert words in child["message"] and path.name in child["message"], child
    assert "\n" not in child["message"]
    assert child["grown_mib"] < mib, child


@needs_rlimit
def test_inflated_settings_are_refused_before_the_network_is_built(tmp_path, good):
    """hidden 4096, 4 layers, bidirectional in model.json: 5.4 GB were allocated before the
    refusal. The settings' network is sized on torch's meta device first."""
    good_path, members = good
    crafted = write_zip(tmp_path / "inflated.lstmf", with_meta(
        members, config__hidden=4096, config__layers=4, config__bidirectional=True))
    assert_refused_cheaply(crafted, good_path, "far more than this app trains")
    # settings within the cap but not those of the weights: refused on the header's shapes
    small = write_zip(tmp_path / "other_shape.lstmf", with_meta(members, config__hidden=64))
    with pytest.raises(BundleError, match="do not match the settings"):
        load_bundle(small)


def safetensors_blob(header: dict, data: bytes) -> bytes:
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    return len(raw).to_bytes(8, "little") + raw + data


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
@needs_rlimit
def test_a_million_tiny_tensors_are_refused_by_their_count_or_size(tmp_path, good):
    good_path, members = good
    n = 1_000_000
    header = {f"t{i}": {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]}
              for i in range(n)}
    weights = safetensors_blob(header, bytes(4 * n))
    crafted = write_zip(tmp_path / "many.lstmf", with_meta(members, weights=weights))
    assert_refused_cheaply(crafted, good_path, "do not match the settings")
    # a header too big for a model is refused before it is parsed; one of a size a model's
    # header could have is refused by its count of tensors before any is read
    from core.model.bundle import _weights_header

    with pytest.raises(BundleError, match="no valid header"):
        _weights_header(safetensors_blob(header, b""), "x.lstmf")
    few = {f"t{i}": {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]}
           for i in range(5000)}
    with pytest.raises(BundleError, match="5,000 tensors"):
        _weights_header(safetensors_blob(few, bytes(4 * 5000)), "x.lstmf")


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
@needs_rlimit
def test_a_padded_weights_member_is_refused_before_it_is_unpacked(tmp_path, good):
    """300 MB that deflate to ~6 MB (50:1, under the 200:1 bomb cap): the settings imply a few
    kilobytes of weights, so the member is refused by the size its header claims."""
    good_path, members = good
    rng = np.random.default_rng(0)
    padding = (rng.random(300 << 20, dtype=np.float32) < 0.01).astype(np.uint8).tobytes()
    weights = members[WEIGHTS_FILE] + padding
    crafted = write_zip(tmp_path / "padded.lstmf", with_meta(members, weights=weights), level=1)
    with zipfile.ZipFile(crafted) as archive:
        info = archive.getinfo(WEIGHTS_FILE)
        assert 10 < info.file_size / info.compress_size < 200
    assert_refused_cheaply(crafted, good_path, "do not match the settings")


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
@needs_rlimit
def test_folder_bundle_members_are_capped_like_zip_members(tmp_path, good):
    """A folder holding a sparse 3 GiB model.safetensors: read whole before, refused by its size now."""
    good_path, members = good
    folder = tmp_path / "folder_model"
    folder.mkdir()
    (folder / META_FILE).write_bytes(members[META_FILE])
    with open(folder / WEIGHTS_FILE, "wb") as handle:
        handle.truncate(3 << 30)
    assert_refused_cheaply(folder, good_path, "do not match the settings")
    # a sparse 1 GiB model.json: the description is capped (64 MiB) before it is read
    (folder / WEIGHTS_FILE).write_bytes(members[WEIGHTS_FILE])
    with open(folder / META_FILE, "r+b") as handle:
        handle.truncate(1 << 30)
    assert_refused_cheaply(folder, good_path, "far more than this model needs")


@pytest.mark.parametrize("change, words", [
    (dict(scalers__target={"kind": "standard", "mean": [10.0], "scale": [0.0]}), "scale is zero"),
    (dict(intervals__half_widths=[float("inf"), 1.0]), "not finite"),
    (dict(time_index__freq="-1D"), "does not move forward"),
])
def test_values_that_would_make_nonsense_forecasts_are_refused(tmp_path, good, change, words):
    """A zero target scale gave NaN forecasts, infinite widths infinite intervals, a negative
    frequency 'future' dates running backwards; all with exit 0."""
    _, members = good
    crafted = write_zip(tmp_path / "nonsense.lstmf", with_meta(members, **change))
    with pytest.raises(BundleError) as info:
        load_bundle(crafted)
    assert words in str(info.value) and "nonsense.lstmf" in str(info.value)


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
@needs_rlimit
def test_a_huge_season_in_the_settings_is_refused_before_anything_is_sized(tmp_path, good):
    """Issue 27 N1: config.season = 2e9 in model.json made `forecast` allocate 16 GB of window
    offsets. Refused on load now, by the settings' bound; a season within the bound but longer than
    the rows the model was trained on (90) is refused too."""
    good_path, members = good
    crafted = write_zip(tmp_path / "season_2e9.lstmf", with_meta(members, config__season=2_000_000_000))
    assert_refused_cheaply(crafted, good_path, "100000")


def test_a_season_longer_than_the_models_rows_is_refused_on_load(tmp_path, good):
    """Within the settings' bound but longer than the rows the model was trained on (90)."""
    _, members = good
    longer = write_zip(tmp_path / "season_5000.lstmf", with_meta(members, config__season=5000))
    with pytest.raises(BundleError, match="season is longer than the rows"):
        load_bundle(longer)


@pytest.mark.slow  # heavy robustness check: runs with -m "slow or not slow" (CI)
@needs_rlimit
def test_a_huge_smoothing_season_is_refused_before_its_list_is_built(tmp_path, good):
    """Issue 27 N2: every smoothing member's season set to 2e9 (the file stays ~10 KB) built a
    Python list of 2e9 floats (16 GB) at the first forecast."""
    good_path, members = good
    meta = json.loads(members[META_FILE])
    assert meta["config"]["target_mode"] == "smoothing"
    smoothing = meta["smoothing"]
    for member in smoothing["members"]:
        member["season"] = 2_000_000_000  # Theta members ignore it: their season is their list
    crafted = write_zip(tmp_path / "smoothing_2e9.lstmf", with_meta(members, smoothing=smoothing))
    assert_refused_cheaply(crafted, good_path, "smoothing season must be at most 100000")
