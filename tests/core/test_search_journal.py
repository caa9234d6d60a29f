"""Search storage on one machine: worker processes share Optuna's journal file (not SQLite, which
Optuna advises against for parallel optimization); SQLite studies made before still open."""

import subprocess
import sys
from pathlib import Path

import optuna
import pytest

from cli.commands.search import default_storage
from core.data.csv_reader import read_csv
from core.search import SearchError, SearchRequest, run_search
from core.search.runner import prepare
from core.search.storage import journal_path, journal_url, open_storage
from core.search.study import publish
from core.settings.config import ForecastConfig

ROOT = Path(__file__).resolve().parents[2]
FAST = dict(epochs=2, ensemble=1, refit=False, target_mode="delta", hidden=4)
FIXED = ("ensemble", "target_mode")


@pytest.fixture(scope="module")
def wool():
    return read_csv(ROOT / "tests" / "data" / "woolyrnq.csv").frame


def test_journal_urls_name_their_file_and_database_urls_do_not(tmp_path):
    url = journal_url(tmp_path / "s.journal")
    assert url == f"journal:///{tmp_path.resolve() / 's.journal'}" and journal_path(url) == tmp_path / "s.journal"
    assert journal_path("runs/s.journal") == Path("runs/s.journal")
    assert journal_path(f"sqlite:///{tmp_path / 's.sqlite3'}") is None
    assert journal_path("postgresql://u@h/db") is None
    assert isinstance(open_storage(url), optuna.storages.JournalStorage)
    assert isinstance(open_storage(f"sqlite:///{tmp_path / 'old.sqlite3'}"), optuna.storages.RDBStorage)
    with pytest.raises(SearchError, match="the folder .*missing does not exist"):
        open_storage(journal_url(tmp_path / "missing" / "s.journal"))


def test_the_cli_keeps_an_older_sqlite_study_and_else_uses_a_journal(tmp_path):
    assert default_storage(tmp_path) == journal_url(tmp_path / "search.journal")
    (tmp_path / "search.sqlite3").write_bytes(b"")
    assert default_storage(tmp_path) == f"sqlite:///{(tmp_path / 'search.sqlite3').resolve()}"


def test_a_search_without_a_storage_keeps_its_study_in_a_journal_file(wool):
    request = SearchRequest(budget_s=120, trials=2, jobs=0, fixed=FIXED)
    result = run_search(wool, ForecastConfig(target="tonnes", **FAST), request)
    assert result.storage.startswith("journal:///") and journal_path(result.storage).is_file()
    study = optuna.load_study(study_name=result.study, storage=open_storage(result.storage))
    assert sum(t.state.name == "COMPLETE" for t in study.get_trials()) == 2


def test_two_worker_processes_share_one_journal_study(wool, tmp_path):
    storage = journal_url(tmp_path / "shared.journal")
    job = prepare(wool, ForecastConfig(target="tonnes", **FAST), SearchRequest(budget_s=120, trials=6, fixed=FIXED))
    publish(storage, "shared", job)
    processes = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "search-worker", "--storage", storage,
                                   "--study", "shared"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    outs = [(p.wait(timeout=300), *p.communicate()) for p in processes]
    assert all(code == 0 for code, _out, _err in outs), [err for _code, _out, err in outs]
    trials = [t for t in optuna.load_study(study_name="shared", storage=open_storage(storage)).get_trials()
              if not t.user_attrs.get("skipped")]
    assert [t.state.name for t in trials] == ["COMPLETE"] * 6  # none failed, none lost, none twice
    assert sorted(t.number for t in trials) == list(range(6))
