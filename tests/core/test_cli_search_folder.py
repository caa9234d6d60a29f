"""`search` writes its outputs as `train` does (core.outputs.run_folder): the folder is locked for the
whole search, the outputs appear together only when complete, and an interrupted search leaves
one readable set (the first Ctrl+C) or the previous one untouched (the second)."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

import cli
from core.errors import OutputError
from core.outputs.run_folder import RunFolder

ROOT = Path(__file__).resolve().parents[2]
NILE = ROOT / "tests" / "data" / "nile.csv"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks and signals")
OLD = {"search.json": b'{"old": true}', "search.csv": b"number\n0\n", "model.lstmf": b"an earlier search's model"}


def search(capsys, out: Path) -> tuple[int, str, str]:
    code = cli.main(["search", str(NILE), "--target", "volume", "--epochs", "1", "--budget", "30",
                     "--jobs", "0", "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    return code, stdout, stderr


def earlier_search(out: Path) -> None:
    out.mkdir()
    for name, data in OLD.items():
        (out / name).write_bytes(data)


def cancelled_result(config):
    from core.search import SearchResult, TrialRecord

    own = TrialRecord(0, {"hidden": 32}, 20.0, "COMPLETE", 1.0, baseline=True)
    return SearchResult({"hidden": 32}, config, 20.0, {}, [own], 30, 3.0, "study-x", "sqlite://",
                        cancelled=True, space={"hidden": {"low": 4, "high": 256, "log": True}},
                        best_number=0, baseline=own)


@posix_only
def test_a_search_into_a_locked_folder_is_refused_and_writes_nothing(tmp_path, capsys):
    import fcntl

    out = tmp_path / "search"
    out.mkdir()
    holder = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running train or search holds
        code, _, err = search(capsys, out)
    finally:
        os.close(holder)
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ") and "Another run is writing into" in err
    assert list(out.iterdir()) == []  # not even the study's database


@posix_only
def test_the_first_ctrl_c_writes_the_trials_so_far_as_one_set(tmp_path, capsys, monkeypatch):
    import core.search

    out = tmp_path / "search"
    earlier_search(out)
    seen = {}

    def interrupted_search(frame, config, request, progress, cancel):
        seen["during"] = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
        with pytest.raises(OutputError, match="Another run is writing into"), RunFolder(out, ["x"]):
            pass  # the folder is locked for the whole search
        os.kill(os.getpid(), signal.SIGINT)  # the user's first Ctrl+C
        for _ in range(500):
            if cancel.is_set():
                break
            time.sleep(0.01)
        seen["cancelled"] = cancel.is_set()
        return cancelled_result(config)

    monkeypatch.setattr(core.search, "run_search", interrupted_search)
    handler = signal.getsignal(signal.SIGINT)
    code, stdout, err = search(capsys, out)
    assert code == 130 and "The search was cancelled" in err
    assert seen["cancelled"] and seen["during"] == OLD  # nothing of this search showed before it ended
    report = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert report["cancelled"] is True and report["study"] == "study-x" and len(report["trials"]) == 1
    assert (out / "search.csv").read_text(encoding="utf-8").splitlines() == [
        "number,state,score,seconds,worker,reason,hidden", "0,COMPLETE,20.0,1.0,,,32"]
    # a cancelled search has no final model; the earlier one would not match this search.json
    assert not (out / "model.lstmf").exists()
    assert sorted(p.name for p in out.iterdir()) == ["search.csv", "search.json"]  # no staging folder left
    assert "search.json, search.csv" in stdout and signal.getsignal(signal.SIGINT) is handler


@posix_only
def test_a_second_ctrl_c_leaves_the_earlier_outputs_untouched(tmp_path, capsys, monkeypatch):
    import core.search

    out = tmp_path / "search"
    earlier_search(out)

    def killed_search(frame, config, request, progress, cancel):
        raise KeyboardInterrupt  # the second Ctrl+C

    monkeypatch.setattr(core.search, "run_search", killed_search)
    code, _, err = search(capsys, out)
    assert code == 130 and err.strip() == "interrupted"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == OLD
