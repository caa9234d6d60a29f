"""The hyperparameter search: budget, validation-only trials, pruning, workers sharing a study."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import optuna
import pytest

import core.pipeline
from core.data.csv_reader import read_csv
from core.errors import ForecasterError
from core.outputs.summary import score_text
from core.search import SearchRequest, pruning, run_search, search_space
from core.search.runner import prepare
from core.search.storage import open_storage
from core.search.study import KEY, Job, publish
from core.settings.config import SETTINGS, ForecastConfig
from tests.factories import run_cli

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
# small and quick: the tests search the network, not the ensemble or the exponential smoothing
# (its fit takes seconds on these rows)
FAST = dict(epochs=3, ensemble=1, refit=False, target_mode="delta")
FIXED = ("ensemble", "target_mode")


@pytest.fixture(scope="module")
def wool():
    return read_csv(DATA / "woolyrnq.csv").frame


def config(**changes):
    return ForecastConfig(target="tonnes", **(FAST | changes))


def test_search_space_is_every_searchable_setting_of_the_table():
    space = search_space(config())
    declared = {s.name: s for s in SETTINGS if s.searchable}
    assert list(space) == list(declared)  # the table's order, nothing else
    assert space["hidden"].low == declared["hidden"].search_range[0] and space["hidden"].log
    assert space["lr"].high == declared["lr"].search_range[1]
    assert "auto" not in space["target_mode"].choices and "auto" not in space["transform"].choices
    assert set(space["cell"].choices) == {"lstm", "gru", "rnn"}
    assert space["bidirectional"].choices == (False, True)
    narrowed = search_space(config(), fixed=("hidden", "cell"), max_window=20)
    assert "hidden" not in narrowed and "cell" not in narrowed and narrowed["window"].high == 20


@pytest.mark.slow  # real time: an 8 s budget; the rule itself is checked on an injected clock below
def test_no_epoch_starts_after_the_deadline(wool, monkeypatch):
    """Every epoch's start (its end minus its duration) lies before the deadline the trial was given."""
    starts, deadlines = [], []
    real = core.pipeline.validation_score

    def recording(frame, cfg, train_end, progress=None, cancel=None, deadline=None):
        deadlines.append(deadline)

        def timed(p):
            starts.append((deadline, time.monotonic() - p.seconds))
            if progress is not None:
                progress(p)
        return real(frame, cfg, train_end, timed, cancel, deadline)

    monkeypatch.setattr(core.pipeline, "validation_score", recording)
    # epochs without end and no early stopping: only the budget can end a trial
    # (a few seconds: a busy machine's first trial spends one or two on torch's first calls)
    request = SearchRequest(budget_s=8, jobs=0, fixed=(*FIXED, "hidden", "batch_size", "layers"))
    # no trial can finish: each is cut by the budget and recorded as pruned, "out of time"
    with pytest.raises(ForecasterError, match="None of the .* out of time"):
        run_search(wool, config(epochs=100_000, patience=0, hidden=8, batch_size=8), request)
    assert deadlines and all(d is not None for d in deadlines)
    assert starts
    assert all(start < deadline for deadline, start in starts)


def test_no_epoch_starts_after_the_deadline_on_an_injected_clock(wool, monkeypatch):
    """A trial's training on a clock that the test moves by one second per epoch, with no waiting:
    given a deadline 3.5 s away, the epochs starting at 0, 1, 2 and 3 s run and the next does not."""
    from core.model import training

    clock, reads = [0.0], []

    def monotonic() -> float:
        reads.append(clock[0])
        return clock[0]

    def epoch_done(progress) -> None:
        clock[0] += 1.0

    monkeypatch.setattr(training, "time", SimpleNamespace(monotonic=monotonic, perf_counter=time.perf_counter))
    # 20 epochs and no early stopping: only the deadline can end it at 4 (ignored, all 20 would run)
    plan = core.pipeline.plan_run(wool, config(epochs=20, patience=0, hidden=8, batch_size=8))
    score = core.pipeline.validation_score(wool.iloc[:plan.bounds.val_end], plan.config, plan.bounds.train_end,
                                           epoch_done, None, 3.5)
    (history,) = score.histories
    assert history.status == training.OUT_OF_TIME and history.epochs_run == 4
    assert reads == [0.0, 1.0, 2.0, 3.0, 4.0]  # each epoch looked at the clock before it started


def test_trials_never_read_the_test_rows(wool, monkeypatch):
    seen = []
    real = core.pipeline.validation_score

    def recording(frame, cfg, train_end, progress=None, cancel=None, deadline=None):
        score = real(frame, cfg, train_end, progress, cancel, deadline)
        seen.append((frame.copy(), train_end, score.origins, score.config.horizon))
        return score

    monkeypatch.setattr(core.pipeline, "validation_score", recording)
    base = config(horizon=2)
    bounds = core.pipeline.plan_run(wool, base).bounds
    result = run_search(wool, base, SearchRequest(budget_s=60, trials=3, jobs=0, fixed=FIXED))
    assert len(seen) == 3 and len(result.trials) == 3
    for frame, train_end, origins, horizon in seen:
        assert len(frame) == bounds.val_end < len(wool)
        assert train_end == bounds.train_end
        assert np.array_equal(frame["tonnes"].to_numpy(), wool["tonnes"].to_numpy()[:bounds.val_end])
        assert origins["val"].max() + horizon < bounds.val_end  # every scored target is a validation row
        assert origins["train"].max() + horizon < bounds.train_end
    # the test metrics come once, from the final run of the best settings on the whole table
    assert result.experiment is not None and result.test["rmse"] == result.experiment.test_metrics["model"]["rmse"]
    assert result.validation_score == min(t.score for t in result.trials if t.score is not None)


def test_the_study_holds_only_rows_before_the_test_split(wool, tmp_path):
    base = config()
    bounds = core.pipeline.plan_run(wool, base).bounds
    job = prepare(wool, base, SearchRequest(budget_s=10))
    study = publish(f"sqlite:///{tmp_path / 's.sqlite3'}", "only-dev-rows", job)
    stored = Job.from_json(study.user_attrs[KEY])
    assert len(stored.rows) == bounds.val_end and list(stored.rows.columns) == ["tonnes"]
    assert "pickle" not in study.user_attrs[KEY] and json.loads(study.user_attrs[KEY])["train_end"] == bounds.train_end


def test_pruner_compares_trials_in_the_same_units_only():
    study = optuna.create_study(pruner=pruning.SameUnitsMedianPruner(startup_trials=3, warmup_steps=0))
    for value in (1.0, 2.0, 3.0):
        study.add_trial(optuna.trial.create_trial(value=value, intermediate_values={1: value},
                                                  user_attrs={pruning.UNITS_KEY: "standard/mse"}))
    worse = study.ask()
    worse.set_user_attr(pruning.UNITS_KEY, "standard/mse")
    worse.report(2.5, 1)
    assert worse.should_prune()  # 2.5 > median 2.0
    better = study.ask()
    better.set_user_attr(pruning.UNITS_KEY, "standard/mse")
    better.report(1.5, 1)
    assert not better.should_prune()
    other_units = study.ask()
    other_units.set_user_attr(pruning.UNITS_KEY, "minmax/mse")
    other_units.report(2.5, 1)
    assert not other_units.should_prune()  # nothing comparable yet


def test_pruned_trials_are_recorded_with_their_reason(wool, monkeypatch):
    # a pruner that prunes every trial at its first report: all but the user's own settings (trial 0,
    # never pruned: it is the score to beat) are pruned, each with the reason in words
    monkeypatch.setattr(pruning, "make_pruner", lambda: optuna.pruners.ThresholdPruner(upper=0.0))
    result = run_search(wool, config(), SearchRequest(budget_s=60, trials=3, jobs=0, fixed=FIXED))
    states = {t.number: (t.state, t.reason) for t in result.trials}
    assert states[0] == ("COMPLETE", None) and result.trials[0].baseline
    for number in (1, 2):
        assert states[number][0] == "PRUNED" and states[number][1].startswith("pruned: worse than the median")


def test_same_seed_same_trials(wool):
    runs = [run_search(wool, config(), SearchRequest(budget_s=60, trials=3, jobs=0, seed=5, fixed=FIXED))
            for _ in range(2)]
    assert [t.settings for t in runs[0].trials] == [t.settings for t in runs[1].trials]
    assert [t.score for t in runs[0].trials] == pytest.approx([t.score for t in runs[1].trials])


def test_a_search_needs_validation_rows(wool):
    with pytest.raises(ForecasterError, match="validation"):
        run_search(wool, config(val_fraction=0.0), SearchRequest(budget_s=5, jobs=0))


def _workers(storage: str, study: str, count: int) -> list[subprocess.CompletedProcess]:
    processes = [subprocess.Popen([sys.executable, str(ROOT / "main.py"), "search-worker", "--storage", storage,
                                   "--study", study], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(count)]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=300), *p.communicate()) for p in processes]


def _publish_job(wool, storage: str, name: str, budget_s: float, trials: int) -> None:
    job = prepare(wool, config(), SearchRequest(budget_s=budget_s, trials=trials, fixed=FIXED))
    publish(storage, name, job)


def test_search_worker_joins_a_sqlite_study(wool, tmp_path):
    storage = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    _publish_job(wool, storage, "joined", budget_s=120, trials=3)
    (out,) = _workers(storage, "joined", 1)
    assert out.returncode == 0, out.stderr
    assert "Ran 3 trials" in out.stdout
    trials = optuna.load_study(study_name="joined", storage=storage).get_trials()
    assert [t.state.name for t in trials if not t.user_attrs.get("skipped")] == ["COMPLETE"] * 3
    assert all(t.user_attrs["worker"].endswith(f":{t.user_attrs['worker'].split(':')[1]}") for t in trials)


def test_search_worker_names_a_missing_study_in_one_line(tmp_path):
    # in this process: the worker's own process is tested by test_search_worker_joins_a_sqlite_study
    storage = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    out = run_cli("search-worker", "--storage", storage, "--study", "nope")
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0 and "nope" in out.stderr


def test_two_workers_share_a_study_on_postgresql(wool):
    url = os.environ.get("LSTMF_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("LSTMF_TEST_POSTGRES_URL is not set: .ci/run starts a PostgreSQL server and sets it")
        pytest.skip("LSTMF_TEST_POSTGRES_URL is not set (no PostgreSQL server; .ci/run starts one)")
    name = f"two-workers-{os.getpid()}-{time.time_ns()}"
    _publish_job(wool, url, name, budget_s=40, trials=12)
    outs = _workers(url, name, 2)
    assert all(o.returncode == 0 for o in outs), [o.stderr for o in outs]
    trials = [t for t in optuna.load_study(study_name=name, storage=open_storage(url)).get_trials()
              if not t.user_attrs.get("skipped")]
    assert len({t.user_attrs["worker"] for t in trials}) == 2  # both workers ran trials of the one study
    assert sum(t.state.name == "COMPLETE" for t in trials) >= 2 and len(trials) <= 12, [
        (t.number, t.state.name, t.user_attrs) for t in trials]


def test_search_command_writes_json_and_csv_with_stable_keys(tmp_path):
    out = tmp_path / "search"
    result = run_cli("search", DATA / "woolyrnq.csv", "--target", "tonnes", "--epochs", "3", "--ensemble", "1",
                     "--target-mode", "delta", "--no-refit", "--budget", "120", "--trials", "3", "--jobs", "0",
                     "--out", out)
    assert result.returncode == 0, result.stderr
    assert "trial 0:" in result.stdout and "s left" in result.stdout
    report = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert {"best", "trials", "budget_s", "elapsed_s"} <= set(report)
    assert {"settings", "validation_score", "test"} <= set(report["best"])
    assert {"rmse", "mae", "mape", "r2", "mase"} <= set(report["best"]["test"])
    assert report["budget_s"] == 120 and len(report["trials"]) == 3
    assert all(set(t) >= {"number", "settings", "score", "state", "seconds"} for t in report["trials"])
    # given on the command line, so kept: never searched
    assert all("ensemble" not in t["settings"] and "target_mode" not in t["settings"] for t in report["trials"])
    assert report["best"]["config"]["ensemble"] == 1 and "hidden" in report["best"]["settings"]
    table = (out / "search.csv").read_text(encoding="utf-8").splitlines()
    assert table[0].startswith("number,state,score,seconds,worker,reason,window,") and len(table) == 4
    assert (out / "search.journal").is_file() and (out / "model.lstmf").is_file()
    assert report["storage"] == f"journal:///{(out / 'search.journal').resolve()}"
    # trial 0 ran the command line's own settings; the output compares the best with them
    assert report["baseline"]["number"] == 0 and report["trials"][0]["baseline"] is True
    assert report["baseline"]["settings"]["hidden"] == 32  # the default, as the command line left it
    assert ("No setting tried beat your own settings (trial 0)" in result.stdout
            or "The best settings beat your own on validation by" in result.stdout)
    # the saved best model records the search its settings came from (no password, plain JSON)
    from core.model.bundle import load_bundle

    record = load_bundle(out / "model.lstmf").meta["search"]
    assert record["study"] == report["study"] and record["trials"] == 3
    assert record["best_trial"] == report["best"]["trial"] and record["validation_score"] == pytest.approx(
        report["best"]["validation_score"])
    assert record["baseline_score"] == pytest.approx(report["baseline"]["score"])
    assert record["storage"] == report["storage"]


def run_child(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("flags, words", [(["--budget", "0"], "time budget"),
                                          pytest.param(["--budget", "ten"], "--budget", id="child"),
                                          (["--budget", "5", "--storage", "nonsense"], "database URL")])
def test_search_command_bad_input_is_one_line_and_exit_2(tmp_path, flags, words):
    # one in a child process: a real exit status from argparse's refusal; the others in this one
    run = run_child if "ten" in flags else run_cli
    result = run("search", DATA / "woolyrnq.csv", "--target", "tonnes", *flags, "--out", tmp_path / "o")
    assert result.returncode == 2 and words in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


def test_trial_0_trains_the_users_own_settings(wool, monkeypatch):
    trained = []
    real = core.pipeline.validation_score

    def recording(frame, cfg, train_end, progress=None, cancel=None, deadline=None):
        trained.append(cfg)
        return real(frame, cfg, train_end, progress, cancel, deadline)

    monkeypatch.setattr(core.pipeline, "validation_score", recording)
    # window auto (the plan's), batch size 0 (full batch: outside the searched 8..256, so kept as given)
    own = config(hidden=12, lr=0.004, cell="gru", batch_size=0, layers=2, dropout=0.1)
    planned = core.pipeline.plan_run(wool, own).config
    result = run_search(wool, own, SearchRequest(budget_s=120, trials=3, jobs=0, fixed=FIXED))
    first = result.trials[0]
    assert first.number == 0 and first.baseline and not any(t.baseline for t in result.trials[1:])
    expected = {name: getattr(planned, name) for name in result.space}
    assert expected["window"] == planned.window and expected["window"] is not None
    assert first.settings == expected
    assert (trained[0].hidden, trained[0].lr, trained[0].cell, trained[0].batch_size, trained[0].layers,
            trained[0].window) == (12, 0.004, "gru", 0, 2, planned.window)
    assert result.baseline is first
    report = result.to_dict()
    assert {k: report["baseline"][k] for k in ("number", "settings", "score")} == {
        "number": 0, "settings": expected, "score": first.score}
    assert [t["baseline"] for t in report["trials"]] == [True, False, False]
    # search.json: trial 0's test scores (the best run's when they won) and the verdict decided on them
    assert report["baseline"]["test"] == (result.test if result.baseline_is_best else result.own_test)
    assert report["verdict"]["code"] == result.verdict.code


def test_trial_0_is_scored_on_the_test_split_when_another_trial_wins(wool, monkeypatch):
    import core.search.runner as runner

    def another(records):  # trial 1 wins on validation whatever the scores: the branch under test
        return next((r for r in records if r.number == 1 and r.state == "COMPLETE"), None)

    monkeypatch.setattr(runner, "best_of", another)
    own = config(hidden=12)
    result = run_search(wool, own, SearchRequest(budget_s=120, trials=2, jobs=0, fixed=FIXED))
    assert result.best_number == 1 and not result.baseline_is_best
    direct = core.pipeline.run_experiment(wool, own).test_metrics["model"]  # as `train` scores the user's own
    assert result.own_test["rmse"] == pytest.approx(direct["rmse"])
    assert result.own_test["mae"] == pytest.approx(direct["mae"])
    verdict = result.verdict
    assert (verdict.best_rmse, verdict.own_rmse) == (result.test["rmse"], result.own_test["rmse"])
    assert verdict.code == ("overfit" if result.test["rmse"] > result.own_test["rmse"] else verdict.code)
    assert verdict.keep_own == (result.test["rmse"] > result.own_test["rmse"])


def test_a_search_that_cannot_beat_the_users_settings_reports_them_as_best(wool):
    from core.search import baseline_sentence

    own = config(hidden=12)
    result = run_search(wool, own, SearchRequest(budget_s=120, trials=1, jobs=0, fixed=FIXED))
    assert len(result.trials) == 1 and result.baseline_is_best and result.best_number == 0
    assert result.best_config == own  # as asked: the window stays automatic
    assert result.best_settings["window"] is None and result.best_settings["hidden"] == 12
    assert result.validation_score == result.trials[0].score
    assert baseline_sentence(result) == ("No setting tried beat your own settings (trial 0) on validation (RMSE "
                                         f"{score_text(result.trials[0].score)}); keep them.")
    assert result.experiment.config == core.pipeline.plan_run(wool, own).config  # the final run is theirs
    assert result.to_dict()["best"]["baseline"] is True
    assert result.provenance()["baseline_best"] is True and result.provenance()["best_trial"] == 0


def test_the_sentence_says_by_how_much_the_best_beat_the_users_settings():
    from core.search import SearchResult, TrialRecord, baseline_sentence

    own = TrialRecord(0, {"hidden": 32}, 20.0, "COMPLETE", 1.0, baseline=True)
    found = TrialRecord(3, {"hidden": 64}, 15.0, "COMPLETE", 1.0)
    result = SearchResult({"hidden": 64}, config(hidden=64), 15.0, {}, [own, found], 60, 50, "s", "sqlite://",
                          best_number=3, baseline=own)
    assert not result.baseline_is_best
    assert baseline_sentence(result) == ("The best settings beat your own on validation by 25.0% (RMSE 15.00 against "
                                         "20.00).")
    own.score, own.state, own.reason = None, "PRUNED", "out of time: the budget ended during training"
    assert baseline_sentence(result).startswith("Your own settings (trial 0) got no validation score")


def test_search_csv_has_one_row_per_trial_and_a_column_per_searched_setting(tmp_path):
    from core.search import SearchResult, TrialRecord, write_search

    trials = [TrialRecord(0, {"hidden": 32, "cell": "lstm"}, 20.0, "COMPLETE", 1.25, baseline=True),
              TrialRecord(1, {"hidden": 64, "cell": "gru"}, None, "PRUNED", 0.5, reason="pruned: worse", worker="h:1")]
    result = SearchResult({"hidden": 32, "cell": "lstm"}, config(), 20.0, {}, trials, 60, 50, "s", "sqlite://",
                          space={"cell": {"choices": ["lstm", "gru"]}, "hidden": {"low": 4, "high": 256, "log": True},
                                 "lr": {"low": 0.0001, "high": 0.1, "log": True}},
                          best_number=0, baseline=trials[0])
    write_search(result, tmp_path / "s.json", tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text(encoding="utf-8").splitlines() == [
        "number,state,score,seconds,worker,reason,cell,hidden",
        "0,COMPLETE,20.0,1.25,,,lstm,32",
        "1,PRUNED,,0.5,h:1,pruned: worse,gru,64"]
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["baseline"]["number"] == 0


def test_a_models_search_record_keeps_no_password():
    from core.search import SearchResult
    from core.search.storage import shown_url, without_password

    assert without_password("postgresql://ana:s3cret@db:5432/studies") == "postgresql://ana@db:5432/studies"
    assert without_password("sqlite:///tmp/s.sqlite3") == "sqlite:///tmp/s.sqlite3"
    result = SearchResult({}, config(), 1.0, {}, [], 60, 50, "s", shown_url("postgresql://ana:s3cret@db/studies"))
    assert result.provenance()["storage"] == "postgresql://ana@db/studies"


def test_trial_reasons_are_stored_as_codes_and_worded_in_the_readers_language(wool, monkeypatch, tmp_path):
    """A shared study must not mix languages: workers store a code (and an epoch), and whoever
    reads the study words it; a study written by an older version, holding text, still shows it."""
    from core import i18n
    from core.search.runner import trial_records
    from core.search.study import REASON, REASON_DETAIL

    monkeypatch.setattr(pruning, "make_pruner", lambda: optuna.pruners.ThresholdPruner(upper=0.0))
    storage = f"sqlite:///{tmp_path / 'codes.sqlite3'}"
    result = run_search(wool, config(), SearchRequest(budget_s=60, trials=2, jobs=0, fixed=FIXED, storage=storage,
                                                      study="codes"))
    study = optuna.load_study(study_name=result.study, storage=open_storage(storage))
    pruned = study.trials[1]
    assert pruned.user_attrs[REASON] == "pruned" and isinstance(pruned.user_attrs[REASON_DETAIL], int)
    epoch = pruned.user_attrs[REASON_DETAIL]
    old = optuna.trial.create_trial(state=optuna.trial.TrialState.FAIL, user_attrs={REASON: "网络发散了"})
    study.add_trial(old)
    english = trial_records(study)
    assert english[1].reason == f"pruned: worse than the median of comparable trials at epoch {epoch}"
    assert english[1].reason_code == "pruned" and english[2].reason == "网络发散了"
    i18n.set_language("zh_CN")
    chinese = trial_records(study)
    assert chinese[1].reason == f"已剪枝：在第 {epoch} 轮差于可比试验的中位数"
    assert chinese[2].reason == "网络发散了"  # an old study's text, shown as it was stored
    row = pruned_csv_row(result, chinese)
    assert "已剪枝" in row and "pruned" not in row


def pruned_csv_row(result, trials) -> str:
    """search.csv's row of the pruned trial, written from `trials` (read in the current language)."""
    from dataclasses import replace

    return replace(result, trials=trials).csv_bytes().decode("utf-8").splitlines()[2]
