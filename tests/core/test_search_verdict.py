"""The search's conclusion is decided on the test split: the best trial's settings against the
user's own (trial 0) and the best baseline there, with hand-made numbers, and the sentences both
faces say about it (core.outputs.summary; the CLI prints them)."""

from pathlib import Path

import pytest

from cli.commands.search import print_search, shown_settings
from core.evaluation.search_verdict import BASELINE_BETTER, CONFIRMED, OVERFIT, OWN_BEST, UNSCORED, decide
from core.outputs.summary import search_lines
from core.search import SearchResult, TrialRecord
from core.settings.config import ForecastConfig

BASELINES = {"naive": {"rmse": 25.0}, "seasonal_naive": {"rmse": 21.0}, "linear": {"rmse": 17.59}}


def test_the_best_trial_losing_to_trial_0_on_test_means_keep_your_settings():
    v = decide({"rmse": 20.46, "baselines": BASELINES}, {"rmse": 18.0}, own_is_best=False, own_number=0,
               best_number=7)
    assert v.code == OVERFIT and v.keep_own
    assert (v.best_rmse, v.own_rmse, v.baseline, v.baseline_rmse) == (20.46, 18.0, "linear", 17.59)


def test_the_best_trial_beating_trial_0_and_every_baseline_on_test_confirms_the_search():
    v = decide({"rmse": 15.0, "baselines": BASELINES}, {"rmse": 18.0}, own_is_best=False)
    assert v.code == CONFIRMED and not v.keep_own and not v.baseline_beats_best
    tie = decide({"rmse": 18.0, "baselines": {}}, {"rmse": 18.0}, own_is_best=False)
    assert tie.code == CONFIRMED  # a tie on test is no loss


def test_a_baseline_better_than_the_best_trial_is_its_own_verdict_and_still_lets_them_be_used():
    v = decide({"rmse": 17.9, "baselines": BASELINES}, {"rmse": 18.0}, own_is_best=False)
    assert v.code == BASELINE_BETTER and not v.keep_own and v.baseline_beats_best
    # without a season seasonal naive is the naive forecast: it does not count
    v = decide({"rmse": 20.0, "baselines": {"naive": {"rmse": 22.0}, "seasonal_naive": {"rmse": 19.0}}},
               {"rmse": 21.0}, own_is_best=False, seasonal=False)
    assert v.code == CONFIRMED and v.baseline == "naive"


def test_trial_0_best_on_validation_keeps_them_and_missing_scores_decide_nothing():
    v = decide({"rmse": 18.0, "baselines": BASELINES}, None, own_is_best=True)
    assert v.code == OWN_BEST and v.keep_own and v.own_rmse == 18.0
    assert decide({}, {}, own_is_best=False).code == UNSCORED  # cancelled: no test scores
    assert not decide({}, {}, own_is_best=False).keep_own
    # trial 0's settings could not run on the whole table: only the baselines to compare with
    v = decide({"rmse": 15.0, "baselines": BASELINES}, {}, own_is_best=False)
    assert v.code == CONFIRMED and v.own_rmse is None
    assert decide({"rmse": float("nan"), "baselines": {}}, {"rmse": 1.0}, own_is_best=False).code == UNSCORED


def result_of(best_rmse: float, own_rmse: float | None, baselines=BASELINES, own_best: bool = False) -> SearchResult:
    """A finished search as run_search returns it, with the test scores made by hand."""
    own = TrialRecord(0, {"hidden": 32}, 20.0, "COMPLETE", 1.0, baseline=True)
    found = TrialRecord(7, {"hidden": 64}, 17.7, "COMPLETE", 1.0)
    best, score = (own, 20.0) if own_best else (found, 17.7)
    config = ForecastConfig(target="y", season=4)
    return SearchResult(best.settings, config, score, {"rmse": best_rmse, "mae": 15.0, "baselines": baselines},
                        [own, found], 60, 55, "study-1", "sqlite://", best_number=best.number, baseline=own,
                        own_test={} if own_rmse is None else {"rmse": own_rmse, "mae": 14.0})


def test_the_paragraph_says_the_search_overfit_and_shows_the_three_test_scores(capsys):
    result = result_of(20.46, 18.0)
    assert result.verdict.code == OVERFIT
    lines = search_lines(result, shown_settings)
    assert lines == [
        "The best settings beat your own on validation by 11.5% (RMSE 17.70 against 20.00).",
        "The search overfit the validation split: keep your settings. Its best settings (trial 7) score worse on "
        "the test split than your own (RMSE 20.46 against 18.00).",
        # the numbers: Ridge beats even the settings the user keeps
        "A simple baseline scores better on the test split than your own settings: linear regression (Ridge) on "
        "the same window (RMSE 17.59 against 18.00).",
        "Best settings (trial 7, validation score 17.70): hidden=64.",
        "Scored once on the test split: RMSE 20.46, MAE 15.00.",
        "Test RMSE: best settings (trial 7) 20.46; your own settings (trial 0) 18.00; best baseline, linear regression "
        "(Ridge) on the same window, 17.59.",
    ]
    # the terminal prints the same paragraph (search.json records the verdict and trial 0's test scores)
    print_search(result, Path("out"))
    printed = capsys.readouterr().out.splitlines()
    assert printed[1:1 + len(lines)] == lines
    report = result.to_dict()
    assert report["verdict"]["code"] == "overfit" and report["baseline"]["test"]["rmse"] == 18.0


@pytest.mark.parametrize("best, own, own_best, expected", [
    (15.0, 18.0, False, ["The test split confirms the search: the best settings score better there than your own "
                         "and than the best baseline."]),
    (17.7, 18.0, False, ["A simple baseline scores better on the test split than the search's best settings: "
                         "linear regression (Ridge) on the same window (RMSE 17.59 against 17.70)."]),
    (18.0, None, True, ["A simple baseline scores better on the test split than your own settings: linear "
                        "regression (Ridge) on the same window (RMSE 17.59 against 18.00)."]),
])
def test_the_other_verdicts_in_words(best, own, own_best, expected):
    lines = search_lines(result_of(best, own, own_best=own_best), shown_settings)
    said = [line for line in lines if "test split confirms" in line or "simple baseline" in line]
    assert said == expected
    if own_best:  # trial 0 won: the validation sentence leads, and the test line has no "best settings"
        assert lines[0].startswith("No setting tried beat your own settings (trial 0)")
        assert lines[-1] == ("Test RMSE: your own settings (trial 0) 18.00; best baseline, linear regression (Ridge) "
                             "on the same window, 17.59.")
    else:
        assert "overfit" not in " ".join(lines)
