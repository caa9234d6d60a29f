"""What made the forecast (issue 22 item 6, issue 23 item 1): a run names the anchor, the networks'
starting point or a trained network as its maker, scores the anchor alone on the same windows as
the model, keeps the anchor's own forecast, and says whether the feature columns were used."""

import json

import numpy as np
import pandas as pd
import pytest

import cli
from core.model.bundle import load_bundle, save_bundle
from core.outputs.summary import contribution_sentence, credit_lines, features_sentence, made_by_sentence, run_heading
from core.pipeline import NETWORK, SMOOTHING_ALONE, STARTING_POINT, Credit, run_experiment
from core.pipeline.credit import ANCHOR_START
from core.settings.config import ForecastConfig
from tests.factories import make_frame, seasonal, seasonal_frame, slow_cosine

SHORT_ROWS = 60  # too few validation windows for a network: the smoothing stands alone


def short_frame():
    return make_frame(SHORT_ROWS, y=seasonal, x=slow_cosine)


def config(**changes) -> ForecastConfig:
    base = dict(target="y", features=("x",), date_column="day", ensemble=1, epochs=2, hidden=8, forecast_steps=4)
    return ForecastConfig(**(base | changes))


def rmse(actual, predicted) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual) - np.asarray(predicted)) ** 2)))


@pytest.fixture(scope="module")
def short_run():
    return run_experiment(short_frame(), config())


@pytest.fixture(scope="module")
def still_run():
    """A learning rate too small to move a float32 weight: every epoch scores as the start did,
    so early stopping keeps it (best epoch 0) while the linear start corrects the smoothing."""
    return run_experiment(seasonal_frame(300), config(lr=1e-12))


def test_a_short_series_credits_the_smoothing_and_the_cli_and_metrics_json_say_so(tmp_path, capsys):
    csv = tmp_path / "short.csv"
    short_frame().to_csv(csv, index=False)
    code = cli.main(["train", str(csv), "--target", "y", "--features", "x", "--forecast-steps", "4",
                     "--out", str(tmp_path / "run")])
    out, err = capsys.readouterr()
    assert code == 0, err
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    anchor = metrics["anchor"]
    assert anchor["made_by"] == SMOOTHING_ALONE == metrics["forecast"]["made_by"] == metrics["verdict"]["made_by"]
    assert anchor["name"] == "smoothing" and anchor["made_by_words"] == "exponential smoothing alone"
    assert anchor["features"] == ["x"] and anchor["features_used"] is False
    # no network: the model is the smoothing, to the last digit, on every split and past the end
    assert anchor["val_rmse"] == metrics["validation"]["model"]["rmse"]
    assert anchor["test_rmse"] == metrics["test"]["model"]["rmse"]
    assert anchor["network_change_pct"] == 0.0
    forecast = np.loadtxt(tmp_path / "run" / "forecast.csv", delimiter=",", skiprows=1, usecols=2)
    assert anchor["forecast"] == pytest.approx(forecast.tolist(), rel=1e-12)
    said = "No network was trained: the forecast is exponential smoothing alone."
    assert metrics["verdict"]["sentence"].startswith(said)
    # the terminal: the heading, the verdict naming the smoothing, and the unused feature column
    lines = out.splitlines()
    assert lines[0].startswith("y: no network trained (exponential smoothing alone)")
    assert any(said in line and "beats the model" in line for line in lines)  # one verdict line, with the maker
    assert "The feature column x was not used." in lines
    assert "LSTM" not in out and "The network improved" not in out


def test_the_anchor_alone_is_scored_on_the_model_s_windows(short_run):
    result = short_run
    predictor = result.scoring_predictor
    frame = short_frame()
    # the smoothing's own forecasts, from its public interface, in the units the network sees
    scaled = predictor.target_scaler.transform(predictor.transformed_target(frame)[:, None])[:, 0]
    table = predictor.smoothing.anchors(scaled.astype(np.float32), result.config.horizon)
    for split, expected in (("val", result.credit.val_rmse), ("test", result.credit.test_rmse)):
        rows = result.predictions[result.predictions["split"] == split]
        origins = rows["origin"].to_numpy().reshape(-1, result.config.horizon)[:, 0]
        by_hand = predictor.to_units(table[origins].astype(np.float32).astype(np.float64))
        actual = rows["actual"].to_numpy().reshape(-1, result.config.horizon)
        assert len(origins) > 0
        assert expected == pytest.approx(rmse(actual, by_hand), rel=1e-6)


def test_the_last_value_anchor_scores_as_the_naive_forecast():
    """In target mode "delta" the anchor is the last value: alone, it is the naive baseline."""
    result = run_experiment(seasonal_frame(200), config(target_mode="delta"))
    credit = result.credit
    assert credit.anchor == "delta" and credit.made_by in (NETWORK, STARTING_POINT)
    assert credit.val_rmse == pytest.approx(result.val_metrics["naive"]["rmse"], rel=1e-5)
    assert credit.test_rmse == pytest.approx(result.test_metrics["naive"]["rmse"], rel=1e-5)
    assert credit.model_test_rmse == result.test_metrics["model"]["rmse"]
    # the anchor's own forecast past the end repeats the last value (fed back past the horizon too)
    last = seasonal_frame(200)["y"].iloc[-1]
    assert credit.forecast == pytest.approx([last] * 4, rel=1e-5)


def test_a_level_run_has_no_anchor_to_score():
    result = run_experiment(seasonal_frame(200), config(target_mode="level"))
    credit = result.credit
    assert credit.anchor is None and credit.val_rmse is None and credit.forecast is None
    assert result.metrics_dict()["anchor"]["name"] is None and contribution_sentence(credit) == ""


def test_networks_that_kept_their_start_get_no_credit(still_run):
    result = still_run
    credit = result.credit
    assert result.history.epochs_run == 2 and result.history.best_epoch == 0
    assert credit.made_by == STARTING_POINT and result.predictor.linear_start
    # the linear start reads the feature column: it was used, and the forecast moved off the smoothing
    assert credit.features_used and features_sentence(credit) == "The feature column x was used."
    assert credit.forecast_change > 0 and not credit.forecast_is_anchor
    assert abs(result.forecast["predicted"].to_numpy() - credit.forecast).max() == pytest.approx(credit.forecast_change)
    maker = "exponential smoothing corrected by the linear start"
    assert result.verdict()["sentence"].startswith(
        f"Every network kept its starting point (best epoch 0): the forecast is {maker}.")
    assert run_heading(result).startswith(f"y: {maker}: every network kept its starting point (best epoch 0 after 2")
    change = credit.network_change_pct
    assert change == pytest.approx(100 * (1 - result.val_metrics["model"]["rmse"] / credit.val_rmse))
    word = "improved the validation RMSE" if change >= 0.05 else "did not improve"
    assert contribution_sentence(credit).startswith(f"The linear start {word}")


def test_a_network_kept_at_the_anchor_says_the_features_were_not_used():
    credit = Credit(STARTING_POINT, "smoothing", ANCHOR_START, ("x", "z"), False, 2.0, 3.0, 2.0, 3.0,
                    [1.0, 2.0], 0.0)
    assert made_by_sentence(credit) == ("Every network kept its starting point (best epoch 0): the forecast is "
                                        "exponential smoothing alone.")
    assert credit_lines(credit) == [made_by_sentence(credit), "The feature columns x, z were not used."]
    assert contribution_sentence(credit) == ""  # nothing was added to the smoothing
    trained = Credit(NETWORK, "seasonal", ANCHOR_START, (), False, 2.0, None, 1.76, None)
    assert credit_lines(trained) == ["The network improved the validation RMSE of the seasonal profile by 12.0% "
                                     "(1.760 against 2.000)."]
    worse = Credit(NETWORK, "smoothing", ANCHOR_START, (), False, 2.0, None, 2.5, None)
    assert contribution_sentence(worse) == ("The network did not improve on exponential smoothing: validation RMSE "
                                            "2.500 against 2.000 for exponential smoothing alone.")


def test_the_bundle_keeps_the_credit_and_older_bundles_still_load(still_run, tmp_path):
    path = save_bundle(still_run, tmp_path / "model.lstmf")
    loaded = load_bundle(path)
    assert Credit.from_dict(loaded.meta["anchor"]) == still_run.credit
    assert loaded.meta["anchor"]["made_by"] == STARTING_POINT
    # a model saved before the record existed: unknown, not an error
    folder = save_bundle(still_run, tmp_path / "old")
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    del meta["anchor"]
    (folder / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    old = load_bundle(folder)
    assert "anchor" not in old.meta and Credit.from_dict(old.meta.get("anchor")) is None
    assert np.allclose(old.predictor.forecast(old.tail, old.time_index)["predicted"], still_run.forecast["predicted"])


def test_without_a_highway_an_untrained_network_adds_nothing_to_the_smoothing(tmp_path):
    # a series too short for the network: the forecast must be the smoothing's own, highway or not
    # (an untrained network without a highway used to add its random output)
    from core.pipeline import run_experiment
    from core.settings.config import ForecastConfig

    t = np.arange(60)
    frame = pd.DataFrame({"month": pd.date_range("2015-01-01", periods=60, freq="MS"),
                          "y": 100 + 10 * np.sin(2 * np.pi * t / 12) + 0.5 * t})
    result = run_experiment(frame, ForecastConfig(target="y", date_column="month", forecast_steps=6,
                                                  highway=False, ensemble=2, threads=1))
    credit = result.credit
    assert credit.made_by == "smoothing alone" and credit.start == "anchor"
    assert np.allclose(result.forecast["predicted"].to_numpy(), credit.forecast)
    assert credit.forecast_change == 0.0


def test_the_refit_of_networks_that_kept_their_start_says_none_trained(still_run):
    # not "refit ... for 0, 0 epochs": the words say what the forecast's refit did
    words = still_run.models["forecast"]
    assert words.startswith("refit on all ") and "training no network" in words and " 0 epochs" not in words
