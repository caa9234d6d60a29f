"""Issue 27, hostile inputs round three, N5 onward: a header longer than the sample is read whole
(N5), ..."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.csv_reader import SAMPLE_BYTES, read_csv

ROOT = Path(__file__).resolve().parents[2]


def _wide_file(path: Path, *, columns: int, name_chars: int, sep_line: bool = False) -> list[str]:
    """`date` and `columns` numeric columns whose names make the header longer than the sample."""
    names = [f"c{i:03d}_" + "x" * (name_chars - 5) for i in range(columns)]
    rows = [",".join([f"2024-01-{d + 1:02d}"] + [str(d * 3 + i % 7) for i in range(columns)]) for d in range(20)]
    text = ("sep=,\n" if sep_line else "") + ",".join(["date", *names]) + "\n" + "\n".join(rows) + "\n"
    path.write_text(text)
    assert len(",".join(["date", *names])) > SAMPLE_BYTES
    return names


@pytest.mark.parametrize("sep_line", [False, True])
def test_a_header_longer_than_the_sample_is_read_whole(tmp_path, sep_line):
    """The names were parsed from the 64 KB sample: columns past it were dropped, the last name
    cut, and the date column lost."""
    path = tmp_path / "wide.csv"
    names = _wide_file(path, columns=60, name_chars=1500, sep_line=sep_line)
    loaded = read_csv(path)
    assert list(loaded.frame.columns) == ["date", *names]
    assert loaded.report.date_column == "date"
    assert loaded.frame[names[-1]].tolist() == [d * 3 + 59 % 7 for d in range(20)]


def test_a_single_name_longer_than_the_sample_is_kept_whole(tmp_path):
    path = tmp_path / "long_name.csv"
    name = "n" * 100_000
    path.write_text(f"date,{name},b,c\n" + "".join(f"2024-01-{d + 1:02d},{d},{d * 2},{d * 3}\n" for d in range(28)))
    loaded = read_csv(path)
    assert list(loaded.frame.columns) == ["date", name, "b", "c"]
    assert loaded.report.date_column == "date"


def test_more_search_workers_than_cores_are_refused_before_any_starts(tmp_path, monkeypatch):
    """--jobs 16 on 2 cores started 16 torch processes (4.4 GB) and ran no trial in its budget."""
    import multiprocessing.context

    from tests.factories import run_cli

    started = []
    monkeypatch.setattr(multiprocessing.context.SpawnProcess, "start", lambda self: started.append(self))
    monkeypatch.setattr("core.runtime.available_cores", lambda: 2)
    result = run_cli("search", ROOT / "tests" / "data" / "nile.csv", "--target", "volume", "--budget", "30",
                     "--jobs", "1000", "--out", tmp_path / "o")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "1000 worker processes on 2 cores" in result.stderr and "use at most 2" in result.stderr
    assert started == []


def test_search_workers_the_memory_cant_hold_are_refused_saying_how_many_fit():
    from core.search.runner import WORKER_BYTES, check_workers
    from core.search.storage import SearchError

    with pytest.raises(SearchError, match="12 worker processes need about 4.7 GiB .* use at most 2 "):
        check_workers(12, cores=16, available=3 * WORKER_BYTES)
    check_workers(2, cores=16, available=3 * WORKER_BYTES)  # 2 fit in 80% of 3 workers' worth
    check_workers(0, cores=1, available=0)  # the trials in this process: nothing to check


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?cache=shared"])
def test_an_in_memory_study_storage_is_refused_in_one_line(url):
    """`--storage sqlite://` ended in "unexpected RuntimeError: every search worker failed" (each
    worker saw its own empty database); with --jobs 0, "There is no study named ..." for the study
    it had just created."""
    from core.search.storage import SearchError, open_storage

    with pytest.raises(SearchError, match="is an in-memory database"):
        open_storage(url)


def test_search_into_a_path_that_is_a_file_is_refused_in_one_line(tmp_path):
    from tests.factories import run_cli

    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    result = run_cli("search", ROOT / "tests" / "data" / "nile.csv", "--target", "volume", "--budget", "5",
                     "--jobs", "0", "--out", taken)
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0, result.stderr
    assert "taken" in result.stderr and taken.read_text() == "not a folder"


@pytest.fixture(scope="module")
def job_json():
    from core.search import SearchRequest
    from core.search.runner import prepare
    from core.settings.config import ForecastConfig

    frame = pd.read_csv(ROOT / "tests" / "data" / "nile.csv")
    job = prepare(frame, ForecastConfig(target="volume", epochs=1, window=8), SearchRequest(budget_s=60, jobs=0))
    return json.loads(job.to_json())


def _hostile(job: dict) -> list[tuple[str, dict]]:
    volume = job["columns"]["volume"]
    from optuna.distributions import IntDistribution, distribution_to_json

    hidden = distribution_to_json(IntDistribution(2048, 4096))
    return [("trials", job | {"trials": "abc"}), ("deadline_utc", job | {"deadline_utc": "tomorrow"}),
            ("deadline_utc", job | {"deadline_utc": float("nan")}),
            ("format", job | {"format": "x"}), ("seed", job | {"seed": "x"}), ("space", job | {"space": "{not json"}),
            ("columns of different lengths", job | {"columns": {"volume": volume, "other": volume[:-1]}}),
            ("train_end", job | {"train_end": 10**9}), ("train_end", job | {"train_end": True}),
            ("the range of 'hidden'", job | {"space": json.dumps({"hidden": hidden})}),
            ("Hidden size must be a whole number", job | {"settings": {"target": "volume", "hidden": "many"}}),
            ("settings", job | {"settings": ["volume"]}),
            ("not a JSON object", [job])]


def test_a_crafted_study_job_is_refused_in_one_line_by_the_worker(tmp_path, job_json):
    """Each of these ended in exit 1 "unexpected TypeError/ValueError/JSONDecodeError", an
    allocation of 7.45 GiB (train_end 10^9), or a NaN deadline taken as none."""
    import optuna

    from core.search.storage import open_storage
    from core.search.study import KEY
    from tests.factories import run_cli

    url = f"sqlite:///{tmp_path / 'studies.sqlite3'}"
    storage = open_storage(url)
    for number, (what, record) in enumerate(_hostile(job_json)):
        name = f"crafted-{number}"
        optuna.create_study(storage=storage, study_name=name).set_user_attr(KEY, json.dumps(record))
        result = run_cli("search-worker", "--storage", url, "--study", name)
        assert result.returncode == 2, (what, result.stderr)
        assert result.stderr.strip().count("\n") == 0, result.stderr
        assert what in result.stderr, result.stderr


def test_the_job_record_a_search_writes_is_read_back_as_it_was(job_json):
    from core.search.study import Job

    job = Job.from_json(json.dumps(job_json))
    assert job.train_end == job_json["train_end"] and job.seed == 0 and job.trials is None
    assert job.rows["volume"].tolist() == job_json["columns"]["volume"]
    assert set(job.space) and job.settings.target == "volume"


def test_a_trial_too_big_for_the_memory_fails_with_its_reason_instead_of_allocating(monkeypatch):
    """Trials skipped the memory estimate that `train` applies: a drawn hidden 4054 x 15 layers
    tried to allocate tens of GB."""
    from core.errors import ConfigError
    from core.pipeline import validation_score
    from core.settings.config import ForecastConfig

    monkeypatch.setattr("core.model.memory.available_memory_bytes", lambda: 64 << 20)
    frame = pd.DataFrame({"y": np.sin(np.arange(200) / 3)})
    config = ForecastConfig(target="y", window=16, horizon=2, season=1, threads=1, hidden=1024, layers=4,
                            epochs=1, ensemble=1)
    with pytest.raises(ConfigError, match="memory"):
        validation_score(frame, config, 150)


@pytest.mark.filterwarnings("ignore:Heartbeat of storage")
def test_a_worker_that_died_leaves_its_trial_failed_with_the_reason_and_the_baseline_queued_again(tmp_path):
    """A SIGKILLed worker's trial 0 got an empty reason, no line said a worker died, and the
    comparison with the user's own settings was lost."""
    import optuna

    from core.search import SearchRequest
    from core.search.runner import prepare, trial_records, worker_died
    from core.search.study import BASELINE, WORKER, enqueue_baseline, publish
    from core.settings.config import ForecastConfig

    frame = pd.read_csv(ROOT / "tests" / "data" / "nile.csv")
    job = prepare(frame, ForecastConfig(target="volume", epochs=1, window=8), SearchRequest(budget_s=60, jobs=0))
    study = publish(f"sqlite:///{tmp_path / 's.sqlite3'}", "s", job)
    enqueue_baseline(study, job)
    own = study.ask()  # what the worker that died was running: trial 0, the user's own settings
    own.set_user_attr(WORKER, "host:123")
    other = study.ask()
    other.set_user_attr(WORKER, "host:456")  # a live worker's trial is left alone
    said = worker_died(study, job, "host:123", -9, others=True)
    assert said == "Search worker host:123 was killed (signal 9); its trial is marked failed."
    records = {r.number: r for r in trial_records(study)}
    assert records[0].state == "FAIL" and records[0].reason == "the worker process running it died"
    assert records[1].state == "RUNNING"
    waiting = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.WAITING,))
    assert [t.user_attrs.get(BASELINE) for t in waiting] == [True]  # the user's own settings, queued again


def test_the_terminal_says_when_a_search_worker_died():
    import io

    from cli.commands.search import TrialLines
    from core.search.records import SearchProgress

    stream = io.StringIO()
    lines = TrialLines(stream)
    died = "Search worker host:123 was killed (signal 9); its trial is marked failed."
    lines(SearchProgress((), 1.0, 30.0, None, (died,)))
    lines(SearchProgress((), 2.0, 30.0, None, (died,)))  # said once
    assert stream.getvalue() == died + "\n"


def test_a_search_worker_ends_soon_after_its_search_is_killed(tmp_path):
    """A child process: the kill is the point. SIGKILLed searches left their workers training
    until the budget's end; a worker follows its parent (core.search.runner.follow_parent)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    worker = ("import sys, time; from core.search.runner import follow_parent; "
              "follow_parent(int(sys.argv[1]), poll_s=0.1); time.sleep(60)")
    search = (f"import os, subprocess, sys, time; w = subprocess.Popen([sys.executable, '-c', {worker!r}, "
              "str(os.getpid())]); print(w.pid, flush=True); time.sleep(60)")
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", search], stdout=subprocess.PIPE, text=True, env=env)
    try:
        pid = int(parent.stdout.readline())
        time.sleep(0.5)
        assert _alive(pid)  # still starting up, or watching: either way it must end with its parent
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid)
    finally:
        parent.kill()
        parent.wait(10)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


EVIL = "\x1b[31mRED \x1b]52;c;ZWNobyBwd25lZA==\x07 <b>t</b>"


@pytest.mark.parametrize("name", [EVIL, "right\u202eto left"])
def test_a_model_whose_column_names_hold_terminal_controls_is_refused(tmp_path, name):
    """names_ansi_markup.lstmf: `forecast` printed ESC ... BEL in "They hold the feature columns
    (...)" (OSC 52 sets the clipboard in terminals that allow it)."""
    import zipfile

    from core.model.bundle import META_FILE
    from tests.factories import run_cli, save_small_model

    good = save_small_model(tmp_path / "good.lstmf", rows=90, window=6, hidden=4)
    with zipfile.ZipFile(good) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    meta = json.loads(members[META_FILE])
    meta["config"]["features"] = [name]
    meta["columns"]["features"] = [name]
    meta["tail"][name] = meta["tail"].pop("x")
    crafted = tmp_path / "names_ansi_markup.lstmf"
    with zipfile.ZipFile(crafted, "w") as archive:
        for n, data in (members | {META_FILE: json.dumps(meta).encode()}).items():
            archive.writestr(n, data)
    result = run_cli("forecast", "--model", crafted, "--steps", "3", "--out", tmp_path / "f.csv")
    assert result.returncode == 2, result.stderr
    assert "a column name holds control characters" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stdout + result.stderr
    assert not (tmp_path / "f.csv").exists()


@pytest.mark.parametrize(("flag", "value", "words"), [
    ("--horizon", "2000000000", "Horizon must be between 1 and 10000 (got 2000000000)"),
    ("--window", "2000000000", "Window must be between 1 and 100000 (got 2000000000)"),
    ("--horizon", "10000", "100 rows are too few to hold out a test split, and 10000 steps ahead is longer than the "
                           "data: forecast at most 100 steps"),
    ("--forecast-steps", "100000", "and 100000 steps ahead is longer than the data: forecast at most 100 steps"),
])
def test_sizes_past_the_forms_bounds_or_the_data_are_refused_in_one_line(tmp_path, flag, value, words):
    """`train --horizon 2000000000` on a short series (the forecast-only plan) ended in
    "unexpected MemoryError"; window and horizon had no upper bound."""
    from tests.factories import run_cli

    result = run_cli("train", ROOT / "tests" / "data" / "nile.csv", "--target", "volume", "--epochs", "1",
                     flag, value, "--out", tmp_path / "o")
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0, result.stderr
    assert words in result.stderr
    assert not (tmp_path / "o" / "model.lstmf").exists()


def test_a_long_auto_horizon_is_the_bound_with_the_rest_recursive():
    from core.pipeline import plan_run
    from core.settings.config import MAX_HORIZON, ForecastConfig

    frame = pd.DataFrame({"y": np.sin(np.arange(30_000) / 5.0)})
    plan = plan_run(frame, ForecastConfig(target="y", forecast_steps=20_000, epochs=1, window=8, ensemble=1))
    assert plan.config.horizon == MAX_HORIZON


def test_the_own_settings_trial_queued_again_is_the_one_compared_with():
    from core.search.records import TrialRecord
    from core.search.runner import own_trial

    died = TrialRecord(0, {"hidden": 32}, None, "FAIL", 3.0, baseline=True)
    again = TrialRecord(2, {"hidden": 32}, 110.0, "COMPLETE", 3.0, baseline=True)
    other = TrialRecord(1, {"hidden": 8}, 120.0, "COMPLETE", 3.0)
    assert own_trial([died, other, again]) is again
    assert own_trial([died, other]) is died and own_trial([other]) is None


def test_a_fifo_nothing_writes_to_is_refused_after_a_wait_not_hung_on(tmp_path, monkeypatch):
    """`inspect FIFO` with no writer blocked in open() for ever (Ctrl+C aside)."""
    import os
    import time

    import core.data.source
    from tests.factories import run_cli

    fifo = tmp_path / "silent.csv"
    os.mkfifo(fifo)
    monkeypatch.setattr(core.data.source, "STREAM_WAIT_S", 0.5)
    started = time.monotonic()
    result = run_cli("inspect", fifo)
    assert time.monotonic() - started < 10
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0, result.stderr
    assert "Nothing was written to 'silent.csv' within 0.5 s" in result.stderr
