"""Issue 27, hostile inputs round three, N5 onward: a header longer than the sample is read whole
(N5), ..."""

from __future__ import annotations

from pathlib import Path

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
