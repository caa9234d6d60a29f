"""Issue 23, item 12: a backtest's one-sentence verdict, decided in core and printed by the CLI."""

import json

from core.evaluation.backtest_verdict import backtest_verdict
from tests.factories import run_cli


def scores(model: float, naive: float, seasonal: float | None = None, linear: float | None = None) -> dict:
    return {"model": {"rmse": model}, "naive": {"rmse": naive}, "seasonal_naive": {"rmse": seasonal},
            "linear": {"rmse": linear}}


def test_the_model_12_percent_lower_than_the_best_baseline_in_every_fold():
    folds = [scores(8.0, 12.0, 9.0), scores(9.0, 12.0, 10.0), scores(5.0, 11.0, 6.0)]
    verdict = backtest_verdict(scores(8.8, 12.0, 10.0, 14.0), folds, seasonal=True)
    assert verdict["sentence"] == ("Over 3 folds the model's RMSE was 12% lower than that of seasonal naive, the "
                                   "best baseline, and lower in 3 of 3 folds.")
    assert verdict["beats_best_baseline"] is True and verdict["best_baseline"] == "seasonal_naive"


def test_a_model_that_loses_says_by_how_much_and_in_how_many_folds_it_won():
    folds = [scores(10.0, 11.0, linear=9.0), scores(14.0, 11.0, linear=9.5)]
    verdict = backtest_verdict(scores(12.5, 11.0, linear=10.0), folds, seasonal=False)
    assert verdict["sentence"] == ("Over 2 folds the model's RMSE was 25% higher than that of linear regression "
                                   "(Ridge) on the same window, the best baseline; it was lower in 0 of 2 folds.")
    assert verdict["beats_best_baseline"] is False and verdict["wins"] == 0


def test_seasonal_naive_does_not_count_without_a_season_and_one_fold_is_singular():
    verdict = backtest_verdict(scores(10.1, 10.0, 1.0), [scores(10.1, 10.0, 1.0)], seasonal=False)
    assert verdict["sentence"] == ("Over 1 fold the model's RMSE was about the same as that of the naive "
                                   "forecast, the best baseline; it was lower in 0 of 1 fold.")
    assert verdict["beats_best_baseline"] is None


def test_no_fold_no_verdict():
    assert backtest_verdict({}, [], seasonal=True)["sentence"] == "No baseline could be scored on these folds."


def test_the_cli_prints_the_verdict_and_writes_it_to_backtest_json(tmp_path, data_dir):
    out = run_cli("backtest", data_dir / "ausbeer.csv", "--target", "megalitres", "--horizon", "4", "--epochs",
                  "2", "--ensemble", "1", "--folds", "2", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    saved = json.loads((tmp_path / "backtest.json").read_text())
    sentence = saved["verdict"]["sentence"]
    assert sentence.startswith("Over 2 folds the model's RMSE was ") and sentence in out.stdout.splitlines()
    pooled = {k: v["rmse"] for k, v in saved["pooled"].items() if k != "model"}
    best = min(pooled, key=pooled.get)
    assert saved["verdict"]["best_baseline"] == best
    assert ("lower than" in sentence) == (saved["pooled"]["model"]["rmse"] < 0.98 * pooled[best])
