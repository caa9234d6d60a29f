"""Rolling-origin backtest: fold boundaries, no leakage across folds, retraining schedule, pooled
scores and the `backtest` command's files."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import core.pipeline
import core.prep.smoothing
from core.backtest import BacktestRequest, run_backtest, write_backtest
from core.errors import ConfigError
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig
from tests.factories import run_cli

ROOT = Path(__file__).resolve().parents[2]
ROWS, HORIZON, STEP = 60, 3, 5
# cutoffs = 60 - 3 - (3 - i) * 5 for 4 folds: the last forecast ends at the last row
CUTOFFS = [42, 47, 52, 57]
# validation rows of each fold's run: round(0.2 * (rows up to the forecast's end)), so the rows the
# scalers, smoothing and Ridge are fit on end that many rows before the cutoff
EXPANDING_FIT = [42 - 9, 47 - 10, 52 - 11, 57 - 12]  # fold rows 45, 50, 55, 60
SLIDING_FIT = [42 - 9] * 4  # every fold has 45 rows


def trending_series() -> pd.DataFrame:
    """Rises steadily, so every prefix has its own mean: a scaler fit on other rows shows."""
    t = np.arange(ROWS, dtype=np.float64)
    return pd.DataFrame({"y": 10.0 + 0.5 * t + np.sin(t * 2 * np.pi / 6)})


def config(**changes) -> ForecastConfig:
    values = dict(target="y", window=6, horizon=HORIZON, season=6, val_fraction=0.2, epochs=3, ensemble=1,
                  transform="none", threads=1)
    return ForecastConfig(**(values | changes))


def request(**changes) -> BacktestRequest:
    return BacktestRequest(**({"folds": 4, "fold_step": STEP} | changes))


def test_fold_boundaries_expanding():
    result = run_backtest(trending_series(), config(), request())
    assert [f.cutoff_row for f in result.folds] == CUTOFFS
    assert [f.cutoff for f in result.folds] == CUTOFFS  # 1-based number of the last row before it
    assert [f.train_start for f in result.folds] == [0, 0, 0, 0]
    assert [f.train_rows for f in result.folds] == CUTOFFS
    assert [f.fit_rows for f in result.folds] == EXPANDING_FIT
    assert [f.fold for f in result.folds] == [1, 2, 3, 4]
    first = result.forecasts[result.forecasts["fold"] == 1]
    assert first["time"].tolist() == [43, 44, 45] and first["step"].tolist() == [1, 2, 3]
    assert first["actual"].tolist() == trending_series()["y"].iloc[42:45].tolist()
    assert result.forecasts["time"].iloc[-1] == ROWS  # the last fold ends at the last row


def test_sliding_folds_train_on_the_same_number_of_rows():
    result = run_backtest(trending_series(), config(), request(expanding=False))
    assert [f.train_start for f in result.folds] == [0, 5, 10, 15]
    assert [f.train_rows for f in result.folds] == [42, 42, 42, 42]
    assert [f.fit_rows for f in result.folds] == SLIDING_FIT


@pytest.mark.parametrize("expanding", [True, False])
def test_everything_fit_from_data_sees_only_the_folds_training_rows(monkeypatch, expanding):
    """The scalers of the model and of the baselines, and the smoothing anchor, of fold i are fit on
    rows [start_i, start_i + fit_i), which end before the validation rows and the cutoff."""
    values = trending_series()["y"].to_numpy()
    fitted, smoothed, offsets = [], [], []
    original_fit, original_smoothing = core.pipeline.fit.fit_scaling, core.prep.smoothing.fit_holt_winters

    def spy_fit(frame, c, fit_rows):
        predictor = original_fit(frame, c, fit_rows)
        fitted.append((predictor.target_scaler.mean_[0], predictor.target_scaler.scale_[0]))
        return predictor

    def spy_smoothing(scaled, season, offset=0.0):
        smoothed.append(len(scaled))
        offsets.append(offset)
        return original_smoothing(scaled, season, offset)

    monkeypatch.setattr(core.pipeline.fit, "fit_scaling", spy_fit)  # the one place the run and the backtest fit scalers
    monkeypatch.setattr(core.prep.smoothing, "fit_holt_winters", spy_smoothing)
    result = run_backtest(trending_series(), config(target_mode="smoothing"), request(expanding=expanding))
    starts = [0, 0, 0, 0] if expanding else [0, 5, 10, 15]
    fits = EXPANDING_FIT if expanding else SLIDING_FIT
    expected = [(values[s:s + n].mean(), values[s:s + n].std()) for s, n in zip(starts, fits, strict=True)]
    # each fold: the model's scalers (run_experiment), then the baselines' (the backtest)
    assert len(fitted) == 8
    for fold, (mean, std) in enumerate(expected):
        for got_mean, got_std in fitted[2 * fold:2 * fold + 2]:
            assert got_mean == pytest.approx(mean) and got_std == pytest.approx(std)
    assert smoothed == [n for n in fits for _twice in range(2)]
    # CES's offset (the target's own 0, scaled) comes from the fold's scaler too
    for fold, (mean, std) in enumerate(expected):
        assert offsets[2 * fold] == pytest.approx(mean / std)
    # a leak would show: the whole fold's rows have another mean
    assert fitted[0][0] != pytest.approx(values[:CUTOFFS[0] + HORIZON].mean())
    assert result.trainings == 4


@pytest.mark.parametrize(("every", "trained"), [(1, [1, 2, 3, 4, 5]), (2, [1, 3, 5]), (3, [1, 4]), (0, [1])])
def test_retrain_every_k_trains_the_right_folds(monkeypatch, every, trained):
    calls = []
    original = core.pipeline.recipe.fit_ensemble

    def spy(*args, **kwargs):
        calls.append(args[2])  # the rows the networks are fit on
        return original(*args, **kwargs)

    monkeypatch.setattr(core.pipeline.recipe, "fit_ensemble", spy)
    result = run_backtest(trending_series(), config(), request(folds=5, fold_step=3, retrain_every=every))
    assert len(calls) == len(trained) == result.trainings
    assert [f.fold for f in result.folds if f.retrained] == trained
    assert len(result.folds) == 5


def test_retraining_fold_scores_equal_a_plain_run_on_its_rows():
    """The backtest's own model and baseline forecasts reproduce run_experiment's test scores."""
    frame = trending_series()
    result = run_backtest(frame, config(), request(folds=2))
    fold = result.folds[0]
    plain = run_experiment(frame.iloc[:fold.cutoff_row + HORIZON], result.config)
    for name in ("model", "naive", "seasonal_naive", "linear"):
        for metric, value in plain.test_metrics[name].items():
            assert fold.scores[name][metric] == pytest.approx(value), (name, metric)


def test_pooled_scores_equal_scores_recomputed_from_the_csv(tmp_path):
    result = run_backtest(trending_series(), config(), request(retrain_every=2))
    write_backtest(result, tmp_path / "backtest.json", tmp_path / "backtest.csv")
    table = pd.read_csv(tmp_path / "backtest.csv")
    assert list(table.columns) == ["cutoff", "time", "step", "actual", "predicted", "filled"]
    assert len(table) == 4 * HORIZON
    errors = table["predicted"] - table["actual"]
    saved = json.loads((tmp_path / "backtest.json").read_text())
    pooled = saved["pooled"]["model"]
    assert pooled["rmse"] == pytest.approx(np.sqrt(np.mean(errors ** 2)))
    assert pooled["mae"] == pytest.approx(np.mean(np.abs(errors)))
    assert pooled["mape"] == pytest.approx(100 * np.mean(np.abs(errors / table["actual"])))
    spread = np.sum((table["actual"] - table["actual"].mean()) ** 2)
    assert pooled["r2"] == pytest.approx(1 - np.sum(errors ** 2) / spread)
    assert pooled["mase"] == pytest.approx(np.mean([f["model"]["mase"] for f in saved["folds"]]))
    assert [f["cutoff"] for f in saved["folds"]] == CUTOFFS
    assert table["cutoff"].tolist() == [c for c in CUTOFFS for _step in range(HORIZON)]


def test_too_many_folds_are_refused_with_the_most_that_fit():
    frame = trending_series()
    with pytest.raises(ConfigError) as refused:
        run_backtest(frame, config(), request(folds=12))
    message = str(refused.value)
    most = int(message.split("at most ")[1].split()[0])
    assert 1 <= most < 12 and "fewer folds" in message
    assert len(run_backtest(frame, config(epochs=1), request(folds=most)).folds) == most
    with pytest.raises(ConfigError):
        run_backtest(frame, config(), request(folds=most + 1))


def test_cancel_between_folds_keeps_the_finished_ones():
    cancel = threading.Event()
    seen = []

    def progress(p):
        seen.append((p.fold, p.epoch is None))
        if p.fold == 2:
            cancel.set()

    # a network mode, so each fold trains epochs for the cancel to land in (the default smoothing
    # stands alone on folds this short: nothing to interrupt)
    result = run_backtest(trending_series(), config(target_mode="delta"), request(), progress, cancel)
    assert result.cancelled and len(result.folds) == 1
    assert seen[0] == (1, True) and (1, False) in seen  # the fold starts, then its epochs
    assert any("Cancelled" in note for note in result.notes)


def run_child(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_cli_writes_json_and_csv_with_stable_keys(tmp_path, data_dir):
    out = run_cli("backtest", data_dir / "ausbeer.csv", "--target", "megalitres", "--horizon", "4", "--epochs",
                  "2", "--ensemble", "1", "--folds", "3", "--retrain-every", "2", "--out", tmp_path)
    assert out.returncode == 0, out.stderr
    saved = json.loads((tmp_path / "backtest.json").read_text())
    assert len(saved["folds"]) == 3 and saved["trainings"] == 2
    for fold in saved["folds"]:
        assert {"cutoff", "train_rows", "seconds", "model", "naive", "seasonal_naive", "linear"} <= set(fold)
        assert set(fold["model"]) == {"rmse", "mae", "mape", "r2", "mase"}
    assert [f["cutoff"] for f in saved["folds"]] == ["2005-10-01", "2006-10-01", "2007-10-01"]
    assert set(saved["pooled"]) == {"model", "naive", "seasonal_naive", "linear"}
    table = pd.read_csv(tmp_path / "backtest.csv")
    assert list(table.columns) == ["cutoff", "time", "step", "actual", "predicted", "filled"] and len(table) == 12
    assert table["time"].iloc[-1] == "2008-10-01"  # the last row of the file
    assert "Pooled" in out.stdout and "2007-10-01" in out.stdout


def test_cli_refuses_a_bad_number_of_folds_in_a_real_process(tmp_path, data_dir):
    """A child process: its exit status and its one line on stderr (argparse's refusal, before any import)."""
    out = run_child("backtest", data_dir / "nile.csv", "--target", "volume", "--folds", "many", "--out", tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().count("\n") == 0 and "--folds" in out.stderr and "'many'" in out.stderr
    assert not (tmp_path / "backtest.json").exists()


def test_cli_refuses_too_many_folds_in_one_line(tmp_path, data_dir):
    out = run_cli("backtest", data_dir / "nile.csv", "--target", "volume", "--horizon", "20", "--folds", "6",
                  "--out", tmp_path)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "at most 3 folds" in out.stderr
    assert not (tmp_path / "backtest.json").exists()


def test_an_automatic_season_is_detected_on_the_first_folds_training_rows(monkeypatch):
    lengths = []
    original = core.pipeline.plan.detect_seasons

    def spy(values, dates=None):
        lengths.append(len(values))
        return original(values, dates)

    monkeypatch.setattr(core.pipeline.plan, "detect_seasons", spy)
    result = run_backtest(trending_series(), config(season=None, horizon=12, window=8), request(folds=2))
    assert lengths == [ROWS - 12 - STEP]  # the first cutoff; detected once, kept for every fold
    assert result.config.season == (original(trending_series()["y"].to_numpy()[:ROWS - 12 - STEP])[0] or 1)
