"""The corpus of odd and broken CSVs (tests/data/corpus) through the reader and the command line.

Each file is either read right (its values asserted) or refused with one line that names the
file and says why; never a crash, never a traceback. The GUI half is tests/gui/test_corpus_gui.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.csv_reader import read_csv
from core.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "tests" / "data" / "corpus"


def load_corpus():
    spec = importlib.util.spec_from_file_location("corpus", CORPUS_DIR / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = load_corpus()
FILES = CORPUS.corpus()


# --------------------------------------------------------------------------- the files


def test_the_corpus_is_complete_and_matches_its_script():
    """Every committed file is made by corpus.py byte for byte, and every file has an outcome."""
    on_disk = {p.name for p in CORPUS_DIR.iterdir() if p.name not in ("corpus.py", ".gitattributes")
               and not p.name.startswith("__")}
    assert on_disk == set(FILES), "run python tests/data/corpus/corpus.py"
    for name, data in FILES.items():
        assert (CORPUS_DIR / name).read_bytes() == data, f"{name} differs: rerun corpus.py"
    assert set(CORPUS.READ) | set(CORPUS.REFUSED) == set(FILES)
    assert not set(CORPUS.READ) & set(CORPUS.REFUSED)
    assert len(FILES) >= 30


@pytest.mark.parametrize("name", sorted(CORPUS.READ))
def test_read_right(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would reach a CLI user's terminal
        loaded = read_csv(CORPUS_DIR / name)
    CORPUS.check_table(loaded, name)
    json.dumps(loaded.report.to_dict(), allow_nan=False)


@pytest.mark.parametrize("name", sorted(CORPUS.REFUSED))
def test_refused_with_one_clear_line(name):
    with pytest.raises(DataError) as info:
        read_csv(CORPUS_DIR / name)
    message = str(info.value)
    assert name in message and CORPUS.REFUSED[name] in message
    assert "\n" not in message and "Traceback" not in message


@pytest.mark.slow
def test_a_million_rows(tmp_path):
    """1,000,000 hourly rows with a gap, a stray token and a decimal-comma twin column."""
    n = 1_000_000
    stamps = np.datetime_as_string(np.arange("2000-01-01T00", n, dtype="datetime64[h]")
                                   .astype("datetime64[m]"))
    values = np.arange(n) % 1000 / 4  # 0.0, 0.25, ... 249.75, repeating
    text = np.char.add(np.char.add(stamps.astype("U"), ","), values.astype("U"))
    lines = text.tolist()
    lines[500_000] = f"{stamps[500_000]},n.a."
    path = tmp_path / "big.csv"
    path.write_text("time,load\n" + "\n".join(lines) + "\n", encoding="utf-8")
    loaded = read_csv(path)
    frame, report = loaded.frame, loaded.report
    assert report.rows == n and report.date_column == "time"
    assert frame["time"].iloc[0] == pd.Timestamp("2000-01-01 00:00")
    assert frame["time"].iloc[-1] == pd.Timestamp("2000-01-01") + pd.Timedelta(hours=n - 1)
    assert frame["load"].iloc[999] == 249.75 and frame["load"].iloc[123_457] == 114.25
    # the stray token is missing, then filled halfway between its neighbours
    assert frame["load"].iloc[500_000] == pytest.approx((values[499_999] + values[500_001]) / 2)
    assert any("'n.a.'" in note for note in report.notes)


# --------------------------------------------------------------------------- the command line

# Runs `main.main(argv)` for each job in a forked child of ONE interpreter that has imported
# the app already: each child is a real process (its own exit code, stdout and stderr file
# descriptors, so warnings and tracebacks would show), without paying the imports 50 times.
_DRIVER = textwrap.dedent("""
    import json, os, sys, tempfile, traceback
    sys.path.insert(0, os.getcwd())
    import main, cli, core.data.csv_reader, core.pipeline, core.model.bundle, core.outputs.plotting  # noqa
    # torch, before any thread starts
    import core.evaluation.baselines, core.model.training, core.model.network  # noqa: E401
    results = []
    for argv in json.loads(sys.stdin.read()):
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        sys.stdout.flush(); sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1); os.dup2(err.fileno(), 2)
            try:
                code = main.main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                traceback.print_exc(); code = 1
            sys.stdout.flush(); sys.stderr.flush()
            os._exit(code or 0)
        _, status = os.waitpid(pid, 0)
        out.seek(0); err.seek(0)
        results.append({"code": os.waitstatus_to_exitcode(status),
                        "stdout": out.read().decode("utf-8", "replace"),
                        "stderr": err.read().decode("utf-8", "replace")})
    print(json.dumps(results))
""")


def run_cli_batch(jobs: list[list[str]], data_dir: Path) -> list[dict]:
    env = dict(os.environ, LSTM_FORECASTER_DATA_DIR=str(data_dir), PYTHONIOENCODING="utf-8")
    if not hasattr(os, "fork"):  # Windows: one process per job
        return [{"code": r.returncode, "stdout": r.stdout, "stderr": r.stderr} for r in (
            subprocess.run([sys.executable, str(ROOT / "main.py"), *argv], cwd=ROOT, env=env,
                           capture_output=True, text=True, encoding="utf-8", timeout=300)
            for argv in jobs)]
    # two drivers side by side (the machines have two cores or more), each forking its half
    from concurrent.futures import ThreadPoolExecutor

    def drive(half: list[list[str]]) -> list[dict]:
        done = subprocess.run([sys.executable, "-c", _DRIVER], cwd=ROOT, env=env, input=json.dumps(half),
                              capture_output=True, text=True, encoding="utf-8", timeout=600)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    with ThreadPoolExecutor(2) as pool:
        halves = list(pool.map(drive, [jobs[: len(jobs) // 2], jobs[len(jobs) // 2:]]))
    return halves[0] + halves[1]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """`inspect --json` over every corpus file, and `train` over the ones that can't train."""
    out = tmp_path_factory.mktemp("cli")
    jobs = {("inspect", name): ["inspect", str(CORPUS_DIR / name), "--json"] for name in FILES}
    for name, (args, _) in TRAIN_REFUSED.items():
        jobs[("train", name)] = ["train", str(CORPUS_DIR / name), *args, "--epochs", "1",
                                 "--out", str(out / name)]
    results = run_cli_batch(list(jobs.values()), tmp_path_factory.mktemp("appdata"))
    return dict(zip(jobs, results))


def assert_one_line_refusal(run: dict, *words: str) -> None:
    assert run["code"] == 2, run
    lines = run["stderr"].strip().splitlines()
    assert len(lines) == 1, run["stderr"]
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in run["stderr"] and run["stdout"] == ""


@pytest.mark.parametrize("name", sorted(CORPUS.READ))
def test_cli_inspect_reads_right(cli_runs, name):
    run = cli_runs[("inspect", name)]
    assert run["code"] == 0 and run["stderr"] == "", run
    report = json.loads(run["stdout"])
    want = CORPUS.expected(name)
    assert (report["encoding"], report["delimiter"], report["decimal"], report["date_column"],
            report["rows"]) == (want["encoding"], want["delimiter"], want["decimal"], want["date"],
                                want["rows"])
    columns = {c["name"]: c for c in report["columns"]}
    if "columns" in want:
        assert list(columns) == want["columns"]
    for column, values in want["values"].items():
        info = columns[column]
        assert info["kind"] == "numeric" and info["usable"]
        if info["missing"] == 0:  # min, max and mean are taken before gaps are filled
            assert (info["min"], info["max"]) == (min(values), max(values))
            assert info["mean"] == pytest.approx(np.mean(np.asarray(values) / len(values))
                                                 * len(values), rel=1e-9)
        else:
            assert min(values) <= info["min"] <= info["max"] <= max(values)
    for column in want.get("text", {}):
        assert columns[column]["kind"] == "text" and not columns[column]["usable"]


@pytest.mark.parametrize("name", sorted(CORPUS.REFUSED))
def test_cli_inspect_refuses_with_one_line(cli_runs, name):
    assert_one_line_refusal(cli_runs[("inspect", name)], name, CORPUS.REFUSED[name])


# files that read right but can't train with these settings: (arguments, words of the refusal)
TRAIN_REFUSED = {
    "short_for_window.csv": (["--target", "sales", "--window", "6"], "too long"),
    "inf_and_huge.csv": (["--target", "huge"], "too large to compute with"),
    "all_text.csv": (["--target", "name"], "not numeric"),
    "dates_only.csv": (["--target", "sales"], "no column named 'sales'"),
    "all_missing_column.csv": (["--target", "empty"], "has no values"),
}


@pytest.mark.parametrize("name", sorted(TRAIN_REFUSED))
def test_cli_train_explains_what_cannot_train(cli_runs, name):
    assert_one_line_refusal(cli_runs[("train", name)], TRAIN_REFUSED[name][1])
