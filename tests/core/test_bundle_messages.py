"""A damaged model file is refused in the user's language: every reason is worded where it is
found, never an English phrase of ours, Python's or a library's pasted into a translated sentence.

Each case damages one saved model in one way and runs `forecast --model` in Chinese; the one line
on stderr must hold the Chinese reason and no Latin word beyond file names, quoted values and
technical tokens.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cli
from core import i18n
from core.model.bundle import META_FILE, WEIGHTS_FILE, save_bundle
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig

ROOT = Path(__file__).resolve().parents[2]
# words that stay Latin in Chinese messages: the app's name and units
ALLOWED_WORDS = {"LSTM", "Forecaster", "JSON", "GiB"}


def english_words(message: str, *allowed: str) -> list[str]:
    """The Latin words left in `message` once names the user gave (`allowed`: paths, file names),
    quoted values ('x', "x", “x”) and technical tokens (with a digit, dot, underscore or hyphen:
    model.json, members.0.rnn.weight_ih_l0, UTF-8) are taken out."""
    for text in sorted(allowed, key=len, reverse=True):
        message = message.replace(text, " ")
    message = re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”", " ", message)
    message = re.sub(r"\S*[A-Za-z]\S*[\d._\-]\S*|\S*[\d._\-]\S*[A-Za-z]\S*", " ", message)
    return [w for w in re.findall(r"[A-Za-z]+", message) if w not in ALLOWED_WORDS]


def test_the_checker_finds_english_and_spares_tokens():
    assert english_words("错误：bad.lstmf 不完整或已损坏（the interval widths do not match the horizon）。") == [
        "the", "interval", "widths", "do", "not", "match", "the", "horizon"]
    assert english_words("错误：bad.lstmf：权重 members.0.rnn.weight_ih_l0 不是有限数；'y' 与 \"scalers\"。") == []
    assert english_words("在 /tmp/run/x 没有模型", "/tmp/run/x") == []


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A smoothing-mode model with a feature and dates (so every part of model.json is there)."""
    t = np.arange(90)
    frame = pd.DataFrame({"day": pd.date_range("2024-01-01", periods=90, freq="D"),
                          "y": 10 + np.sin(t / 3) + 0.02 * t, "x": np.cos(t / 5)})
    result = run_experiment(frame, ForecastConfig(target="y", features=("x",), date_column="day", window=6,
                                                  horizon=2, epochs=1, hidden=4, target_mode="smoothing",
                                                  threads=1))
    path = save_bundle(result, tmp_path_factory.mktemp("saved") / "good.lstmf")
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_meta(members: dict[str, bytes], change) -> dict[str, bytes]:
    meta = json.loads(members[META_FILE])
    change(meta)
    return {**members, META_FILE: json.dumps(meta).encode()}


def with_weights(members: dict[str, bytes], change) -> dict[str, bytes]:
    """New weights, and a model.json whose digest matches them (so only the change is wrong)."""
    from safetensors.torch import load, save

    weights = save(change(load(members[WEIGHTS_FILE])))
    return with_meta({**members, WEIGHTS_FILE: weights},
                     lambda m: m.update(weights_sha256=hashlib.sha256(weights).hexdigest()))


def nan_first(state):
    name = sorted(state)[0]
    return {**state, name: state[name] * float("nan")}


# name -> (how the file is damaged, the msgid of the refusal's reason)
DAMAGES = {
    "truncated_zip": (lambda m, p: p.write_bytes(write_zip(p, m).read_bytes()[:400]),
                      "{file} is not an LSTM Forecaster model file, or it is damaged (it is not a valid .lstmf "
                      "archive)."),
    "member_missing": (lambda m, p: write_zip(p, {META_FILE: m[META_FILE]}),
                       "{file} is not an LSTM Forecaster model (it lacks {missing})."),
    "not_json": (lambda m, p: write_zip(p, {**m, META_FILE: b"{oops"}),
                 "it is not valid JSON: line {line}, column {column}"),
    "not_utf8": (lambda m, p: write_zip(p, {**m, META_FILE: b'{"format": "\xff"}'}), "it is not UTF-8 text"),
    "interval_widths": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["intervals"].update(half_widths=[1.0]))),
                        "the interval widths do not match the horizon"),
    "nan_weight": (lambda m, p: write_zip(p, with_weights(m, nan_first)),
                   "{file}: the weights {tensors} are not finite 32-bit numbers; the file is damaged or was edited."),
    "season_type": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["config"].update(season="weekly"))),
                    "{file} is incomplete or damaged ({problem})."),
    "scalers_missing": (lambda m, p: write_zip(p, with_meta(m, lambda d: d.pop("scalers"))),
                        "the entry {entry} is missing or not valid"),
    "scaler_kind": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["scalers"]["target"].update(kind="robust"))),
                    "unknown scaler kind {kind!r}"),
    "zero_scale": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["scalers"]["target"].update(scale=[0.0]))),
                   "a scaler's scale is zero or negative"),
    "smoothing_alpha": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["smoothing"]["members"][0].update(
                        alpha=7))), "smoothing {key!r} must be between 0 and 1 (got {value!r})"),
    "ces_weights": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["smoothing"]["members"][3].update(
                    weights=[9.0, 1.0, 0.0, 0.0]))), "complex smoothing weights must be four numbers from 0 to 2"),
    "smoothing_members": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["smoothing"].update(members=[]))),
                          "smoothing members must be a list of 1 to 8 models"),
    "frequency_backwards": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["time_index"].update(freq="-1D"))),
                            "the frequency {freq!r} does not move forward"),
    "tail_not_numbers": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["tail"].update(
                         y=["a"] * len(d["tail"]["y"])))), "stored rows of {column!r} are not numbers"),
    # loads, but no date can follow the last one: the forecast says why (a sentence without the file)
    "no_regular_dates": (lambda m, p: write_zip(p, with_meta(m, lambda d: d["time_index"].update(freq=None))),
                         "the dates have no regular frequency"),
}


def longest_text(message: str) -> str:
    """The longest stretch of a message between its placeholders (what any wording of it contains)."""
    return max(re.split(r"\{[^}]*\}", message), key=len).strip(" .。")


def chinese(msgid: str) -> str:
    i18n.set_language("zh_CN")
    try:
        translated = i18n._(msgid)
    finally:
        i18n.set_language("en")
    assert translated != msgid, msgid  # the catalog has it
    return longest_text(translated)


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_model_is_refused_in_chinese_with_no_english(tmp_path, saved, damage, capsys):
    make, reason = DAMAGES[damage]
    path = tmp_path / f"{damage}.lstmf"
    make(saved, path)
    out = tmp_path / "forecast.csv"
    code = cli.main(["forecast", "--model", str(path), "--out", str(out), "--lang", "zh_CN"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and not out.exists(), err
    assert len(err.splitlines()) == 1 and err.startswith("错误："), err
    assert chinese(reason) in err, (chinese(reason), err)
    assert path.name in err or damage == "no_regular_dates", err
    assert english_words(err, str(path), path.name) == [], err
    # the same file in English names the same reason: the damage is what the case says
    assert cli.main(["forecast", "--model", str(path), "--out", str(out), "--lang", "en"]) == 2
    english = capsys.readouterr().err
    assert longest_text(reason) in english, english


def test_main_py_refuses_a_damaged_model_in_chinese(tmp_path, saved):
    """The whole way, as a user runs it: `python main.py forecast --model X --lang zh_CN`."""
    path = DAMAGES["interval_widths"][0](saved, tmp_path / "bad.lstmf") or tmp_path / "bad.lstmf"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "forecast", "--model", str(path), "--out",
                           str(tmp_path / "f.csv"), "--lang", "zh_CN"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
                                                              "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr
    line = done.stderr.strip()
    assert line == "错误：bad.lstmf 不完整或已损坏（区间宽度与预测步长不符）。", line


def test_the_systems_refusal_is_worded_in_the_users_language(tmp_path):
    import errno

    from core.model.bundle.archive import os_reason

    denied = OSError(errno.EACCES, "Permission denied")
    assert os_reason(denied) == "permission denied"
    looped = OSError(errno.ELOOP, "Too many levels of symbolic links")
    assert os_reason(looped) == f"system error {errno.ELOOP} ('ELOOP')"
    i18n.set_language("zh_CN")
    try:
        assert os_reason(denied) == "没有权限"
        assert english_words(os_reason(OSError(errno.ELOOP, "Too many levels"))) == []
    finally:
        i18n.set_language("en")
