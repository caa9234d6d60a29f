"""The report sentences both faces say (core.outputs.summary), against sentences written by hand."""

from types import SimpleNamespace

import pandas as pd
import pytest

from core.evaluation.search_verdict import decide
from core.outputs import summary
from core.vocabulary import Status, TrialState


def epoch(**changes):
    values = dict(step=0, steps=0, epoch=3, epochs=10, network=1, networks=1, refit=False, train_loss=0.5,
                  val_loss=0.25, best_epoch=2)
    return SimpleNamespace(**(values | changes))


def test_durations_read_in_seconds_minutes_and_hours():
    assert summary.duration(42.4) == "42 s"
    assert summary.duration(185) == "3 min 05 s"
    assert summary.duration(2 * 3600 + 7 * 60 + 30) == "2 h 07 min"


def test_the_total_epochs_and_the_time_left():
    assert summary.total_epochs(10, 3, refit=False) == 30
    assert summary.total_epochs(10, 3, refit=True) == 60
    assert summary.progress_step(epoch()) == (3, 10)
    assert summary.progress_step(epoch(step=7, steps=60)) == (7, 60)
    assert summary.time_left(elapsed=30.0, step=3, steps=10) == pytest.approx(70.0)
    assert summary.time_left(elapsed=30.0, step=0, steps=10) == 0.0


def test_the_epoch_line_has_one_sentence_per_case():
    assert summary.epoch_line(epoch(), "7 s") == \
        "Epoch 3/10: train loss 0.5, validation 0.25; best epoch 2; at most 7 s left"
    assert summary.epoch_line(epoch(network=2, networks=3, val_loss=None), "1 min 00 s") == \
        "Network 2 of 3: epoch 3/10: train loss 0.5; best epoch 2; at most 1 min 00 s left"
    assert summary.epoch_line(epoch(refit=True, network=1, networks=2), "0 s") == \
        ("Refit on every row, network 1 of 2: epoch 3/10: train loss 0.5, validation 0.25; best epoch 2; "
         "at most 0 s left")


def test_how_a_run_ended():
    early = SimpleNamespace(epochs_run=1, status=Status.EARLY_STOPPED, best_epoch=1)
    assert summary.finished_line(early, 61) == \
        "Stopped early (no better validation loss) after 1 epoch in 1 min 01 s; best epoch 1."
    alone = SimpleNamespace(epochs_run=0, status=Status.COMPLETED, best_epoch=0)
    assert summary.finished_line(alone, 3) == \
        "No network was trained: the forecast is the exponential smoothing alone (3 s)."


def forecast(steps: int) -> pd.DataFrame:
    return pd.DataFrame({"time": pd.date_range("2025-01-01", periods=steps, freq="D"),
                         "predicted": [10.0 + i / 3 for i in range(steps)]})


def test_the_outcome_lines_say_each_fact_once():
    lines = summary.outcome_lines("The scores and the forecast are the network's.", 0.9, 0.875, forecast(2),
                                  "It assumes nothing.")
    assert lines == ["The scores and the forecast are the network's.",
                     "90% prediction intervals covered 88% of the actual values.",
                     "Forecast: 2 steps from 2025-01-01.", "It assumes nothing."]
    # the terminal adds the first values to the same sentence; no coverage, no line for it
    lines = summary.outcome_lines("", 0.8, None, forecast(6), "", first_values=True)
    assert lines == ["Forecast: 6 steps from 2025-01-01. First values: 10.00; 10.33; 10.67; 11.00; 11.33 ..."]
    assert summary.outcome_lines("", 0.8, None, forecast(1), "") == ["Forecast: 1 step from 2025-01-01."]
    assert summary.outcome_lines("", 0.8, None, None, "It assumes nothing.") == []


def test_a_real_runs_lines():
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig
    from tests.factories import noisy_sine_frame

    frame = noisy_sine_frame(120)
    result = run_experiment(frame, ForecastConfig(target="y", date_column="day", window=6, horizon=2, epochs=1,
                                                  ensemble=1, threads=1, interval_level=0.8))
    lines = summary.run_lines(result, first_values=False)
    coverage = result.coverage["overall"]
    assert f"80% prediction intervals covered {coverage:.0%} of the actual values." in lines
    last = frame["day"].iloc[-1] + pd.Timedelta(days=1)
    assert f"Forecast: 2 steps from {last:%Y-%m-%d}." in lines
    assert lines[0] == result.models_sentence() and lines[-1] == result.predictor.assumption()
    assert summary.run_heading(result).startswith("y: ")


def trial(number, score, state=TrialState.COMPLETE, baseline=False):
    return SimpleNamespace(number=number, score=score, state=state, baseline=baseline)


def search(best_number, own, validation_score, test, trials, own_test=None):
    own_best = own is not None and own.number == best_number
    verdict = decide(test, test if own_best else own_test, own_best, own_number=own.number if own else None,
                     best_number=best_number)
    return SimpleNamespace(best_settings={"hidden": 64}, validation_score=validation_score, test=test,
                           trials=trials, best_number=best_number, baseline=own, baseline_is_best=own_best,
                           verdict=verdict)


def names(settings):
    return ", ".join(f"{k}={v}" for k, v in settings.items())


def test_the_search_paragraph():
    own = trial(0, 2.0, baseline=True)
    trials = [own, trial(1, 1.5), trial(2, None, TrialState.PRUNED)]
    beaten = search(1, own, 1.5, {"rmse": 1.25, "mae": 1.0, "baselines": {}}, trials)
    assert summary.search_lines(beaten, names) == [
        "The best settings beat your own on validation by 25.0% (RMSE 1.500 against 2.000).",
        "Best settings (trial 1, validation score 1.500): hidden=64.",
        "Scored once on the test split: RMSE 1.250, MAE 1.000."]
    kept = search(0, own, 2.0, {}, trials)
    assert summary.search_lines(kept, names) == [
        "No setting tried beat your own settings (trial 0) on validation (RMSE 2.000); keep them."]
    older = search(None, None, 1.5, {}, trials)  # no number recorded, the user's own not run
    assert summary.search_lines(older, names) == ["Best settings (trial 1, validation score 1.500): hidden=64."]
    nothing = SimpleNamespace(best_settings={})
    assert summary.search_lines(nothing, names) == ["No trial finished, so there are no best settings."]


def test_scores_and_the_best_trial():
    assert summary.score_text(None) == "" and summary.score_text(float("nan")) == ""
    assert summary.score_text(0.123456) == "0.1235"
    trials = [trial(0, 2.0), trial(1, 1.0), trial(2, 1.0), trial(3, 0.5, TrialState.FAIL)]
    assert summary.best_trial(trials).number == 1
    assert summary.best_trial([trial(0, None, TrialState.PRUNED)]) is None


def test_a_reused_fold_is_worded_once():
    assert summary.reused_fold_sentence() == "This fold reused the model trained on an earlier fold."
