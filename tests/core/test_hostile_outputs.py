"""Issue 27, round three: `search` and `backtest` outputs always describe one run (N6, N7), and
both commands say what reading changed in the data (N8)."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import core.backtest
import core.files
import core.search
from core.errors import BundleError
from core.model.bundle import load_bundle
from tests.factories import run_cli

ROOT = Path(__file__).resolve().parents[2]
NILE = ROOT / "tests" / "data" / "nile.csv"
BACKTEST = ("--epochs", "1", "--ensemble", "1", "--horizon", "4", "--window", "8", "--season", "1")


def _searched(config):
    """A finished search's result with a real final run (a tiny network), without the trials."""
    from core.pipeline import run_experiment
    from core.search import SearchResult, TrialRecord
    from core.settings.config import ForecastConfig

    frame = pd.read_csv(NILE)
    experiment = run_experiment(frame, ForecastConfig(target="volume", window=8, horizon=2, epochs=1, hidden=4,
                                                      ensemble=1))
    own = TrialRecord(0, {"hidden": 4}, 20.0, "COMPLETE", 1.0, baseline=True)
    return SearchResult({"hidden": 4}, config, 20.0, {}, [own], 30, 3.0, "study-x", "sqlite://",
                        experiment=experiment, space={"hidden": {"low": 4, "high": 256, "log": True}},
                        best_number=0, baseline=own)


def _search(out: Path):
    return run_cli("search", NILE, "--target", "volume", "--epochs", "1", "--budget", "30", "--jobs", "0",
                   "--out", out)


def test_a_searchs_model_records_the_run_id_of_the_search_json_beside_it(tmp_path, monkeypatch):
    monkeypatch.setattr(core.search, "run_search", lambda frame, config, *rest: _searched(config))
    out = tmp_path / "search"
    result = _search(out)
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "search.json").read_text())
    assert report["csv_sha256"] == hashlib.sha256((out / "search.csv").read_bytes()).hexdigest()
    assert load_bundle(out / "model.lstmf").config.target == "volume"
    # a search.json of another search beside the model (a kill between the moves, two searches
    # into one folder): the model is not trusted
    (out / "search.json").write_text(json.dumps(report | {"run_id": "another search"}))
    with pytest.raises(BundleError, match="come from different searches"):
        load_bundle(out / "model.lstmf")


def test_a_full_disk_at_the_model_leaves_the_earlier_search_untouched(tmp_path, monkeypatch):
    monkeypatch.setattr(core.search, "run_search", lambda frame, config, *rest: _searched(config))
    out = tmp_path / "search"
    assert _search(out).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    replace = core.files._replace

    def full_disk(target, data, existing):
        if target.name == "model.lstmf":
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(target, data, existing)

    monkeypatch.setattr(core.files, "_replace", full_disk)
    result = _search(out)
    assert result.returncode == 2 and "No space left on device" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert {"model.lstmf", "search.csv", "search.json"} <= set(before)


def _folds(tmp_path: Path, *extra: str):
    return run_cli("backtest", NILE, "--target", "volume", *BACKTEST, *extra, "--out", tmp_path)


def test_backtest_json_ties_itself_to_the_csv_beside_it(tmp_path):
    result = _folds(tmp_path, "--folds", "2")
    assert result.returncode == 0, result.stderr
    saved = json.loads((tmp_path / "backtest.json").read_text())
    assert saved["csv_sha256"] == hashlib.sha256((tmp_path / "backtest.csv").read_bytes()).hexdigest()
    assert isinstance(saved["run_id"], str) and len(saved["run_id"]) == 32


def test_a_backtest_cancelled_before_any_fold_leaves_the_earlier_result(tmp_path, monkeypatch):
    assert _folds(tmp_path, "--folds", "2").returncode == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = core.backtest.run_backtest

    def cancelled_in_fold_one(frame, config, request, progress, cancel, source_info, filled_rows=None):
        cancel.set()  # the first Ctrl+C, before the first fold ends
        return real(frame, config, request, progress, cancel, source_info, filled_rows)

    monkeypatch.setattr(core.backtest, "run_backtest", cancelled_in_fold_one)
    result = _folds(tmp_path, "--folds", "3")
    assert result.returncode == 130
    assert "before any fold finished; nothing was written" in result.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def _nan_gaps(tmp_path: Path) -> Path:
    """120 daily rows, 6 empty `sales` cells, the last row among them."""
    values = 100 + 10 * np.sin(np.arange(120) / 4)
    sales = [f"{v:.2f}" for v in values]
    for i in (20, 35, 50, 70, 90, 119):
        sales[i] = ""
    days = pd.date_range("2024-01-01", periods=120, freq="D").strftime("%Y-%m-%d")
    path = tmp_path / "nan_gaps.csv"
    path.write_text("date,sales\n" + "".join(f"{d},{s}\n" for d, s in zip(days, sales, strict=True)))
    return path


def test_backtest_says_what_reading_changed_and_records_it(tmp_path):
    """nan_gaps: empty target cells (the last row among them) were filled silently, and a fold's
    'actual' was the previous day's value carried forward."""
    path = _nan_gaps(tmp_path)
    out = tmp_path / "out"
    result = run_cli("backtest", path, "--target", "sales", *BACKTEST, "--folds", "2", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Changed while reading: Filled 6 missing values" in result.stdout
    assert "6 values of the target 'sales' were filled while reading" in result.stdout
    saved = json.loads((out / "backtest.json").read_text())
    assert any("Filled 6 missing values" in note for note in saved["import_notes"])
    assert any("were filled while reading" in note for note in saved["notes"])


def _files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_search_says_what_reading_changed_and_records_it(tmp_path, monkeypatch):
    monkeypatch.setattr(core.search, "run_search", lambda frame, config, *rest: _searched(config))
    out = tmp_path / "out"
    result = run_cli("search", _nan_gaps(tmp_path), "--target", "sales", "--budget", "30", "--jobs", "0",
                     "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Changed while reading: Filled 6 missing values" in result.stdout
    saved = json.loads((out / "search.json").read_text())
    assert any("Filled 6 missing values" in note for note in saved["import_notes"])


def test_an_unexpected_error_logs_no_storage_password(tmp_path, monkeypatch):
    """cli.log (mode 0644) held argv with `--storage postgresql://u:TopSecret99@...`."""
    import os
    import sys

    data = Path(os.environ["LSTM_FORECASTER_DATA_DIR"])
    argv = ["search", str(NILE), "--target", "volume", "--budget", "5", "--jobs", "0",
            "--storage", "postgresql://u:TopSecret99@127.0.0.1:1/db", "--out", str(tmp_path / "o")]

    def bug(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(core.search, "run_search", bug)
    monkeypatch.setattr(sys, "argv", ["main.py", *argv])
    result = run_cli(*argv)
    assert result.returncode == 1 and "unexpected RuntimeError" in result.stderr
    log = data / "logs" / "cli.log"
    assert "postgresql://u:***@127.0.0.1:1/db" in log.read_text()
    assert _files_holding(data, "TopSecret99") == []
    assert log.stat().st_mode & 0o777 == 0o600

