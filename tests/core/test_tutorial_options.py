"""The tutorials' options: inputs scaled differently from the target (`feature_scaler`) and
"train on the first N rows" (`train_size`); their defaults keep the splits and scalers as before."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.apply import forecast_table
from core.errors import ConfigError
from core.model.bundle import load_bundle, save_bundle
from core.pipeline import fit_scaling, plan_run, run_experiment
from core.prep.split import multi_step_split
from core.settings.config import ForecastConfig
from tests.factories import rising_frame

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ feature_scaler

def test_features_minmax_and_target_standard_fit_on_the_training_rows_only():
    frame = rising_frame()
    config = ForecastConfig(target="y", features=("x",), date_column="day", window=6, transform="none",
                            scaler="standard", feature_scaler="minmax")
    plan = plan_run(frame, config)
    train_end = plan.bounds.train_end
    assert train_end == 120 - 18 - 18  # round(120 * 0.15) = 18 rows each for validation and test
    predictor = fit_scaling(frame, plan.config, train_end)
    features, target = predictor.feature_scaler, predictor.target_scaler
    assert hasattr(features, "data_min_") and not hasattr(features, "mean_")
    x_train = frame["x"].to_numpy()[:train_end]
    assert features.data_min_[0] == x_train.min() and features.data_max_[0] == x_train.max()
    assert features.data_max_[0] < frame["x"].max()  # not the maximum of every row
    y_train = frame["y"].to_numpy()[:train_end]
    assert hasattr(target, "mean_") and not hasattr(target, "data_min_")
    assert target.mean_[0] == pytest.approx(y_train.mean(), rel=1e-12)
    assert target.scale_[0] == pytest.approx(y_train.std(), rel=1e-12)


@pytest.mark.parametrize(("scaler", "feature_scaler", "kind"), [
    ("standard", "same", "mean_"), ("minmax", "same", "data_min_"),  # as before: the target's kind
    ("minmax", "standard", "mean_")])
def test_the_feature_scaler_kind_follows_the_setting(scaler, feature_scaler, kind):
    frame = rising_frame()
    config = ForecastConfig(target="y", features=("x",), window=6, scaler=scaler, feature_scaler=feature_scaler)
    plan = plan_run(frame, config)
    assert hasattr(fit_scaling(frame, plan.config, plan.bounds.train_end).feature_scaler, kind)


def test_a_bundle_keeps_both_scaler_kinds_and_forecasts_identically(tmp_path):
    frame = rising_frame()
    config = ForecastConfig(target="y", features=("x",), date_column="day", window=6, epochs=3, ensemble=1,
                            scaler="standard", feature_scaler="minmax", forecast_steps=4)
    result = run_experiment(frame, config)
    bundle = load_bundle(save_bundle(result, tmp_path / "model.lstmf"))
    assert bundle.config.feature_scaler == "minmax" and bundle.config.scaler == "standard"
    assert hasattr(bundle.predictor.feature_scaler, "data_min_") and hasattr(bundle.predictor.target_scaler, "mean_")
    assert np.array_equal(bundle.predictor.feature_scaler.data_max_, result.predictor.feature_scaler.data_max_)
    assert np.array_equal(bundle.predictor.target_scaler.mean_, result.predictor.target_scaler.mean_)
    future = forecast_table(bundle)
    assert len(future) == 4
    assert np.array_equal(future["predicted"].to_numpy(), result.forecast["predicted"].to_numpy())


def test_settings_written_before_the_options_existed_load_as_before():
    config = ForecastConfig.from_dict({"target": "y", "scaler": "minmax"})
    assert config.feature_scaler == "same" and config.feature_scaler_kind == "minmax"
    assert config.train_size is None


# ------------------------------------------------------------------ train_size

@pytest.mark.parametrize(("rows", "val", "test", "horizon", "train_size", "bounds"), [
    (100, 0.15, 0.15, 1, 60, (60, 80)),  # 40 rows after: 20 and 20
    (100, 0.1, 0.2, 1, 60, (60, 73)),  # 40 * 1/3 = 13.3 -> 13 validation rows, 27 test rows
    (100, 0.05, 0.25, 12, 60, (60, 72)),  # 40 / 6 = 6.7 -> 7 validation rows, grown to one horizon (12)
    (100, 0.3, 0.05, 12, 60, (60, 88)),  # 40 * 6/7 = 34 validation rows leave 6 for the test: 28 and 12
    (100, 0.0, 0.15, 3, 70, (70, 70)),  # no validation: all 30 rows test
])
def test_train_size_trains_on_the_first_rows_and_shares_out_the_rest(rows, val, test, horizon, train_size, bounds):
    split, _notes = multi_step_split(rows, val, test, None, horizon, 10, train_size)
    assert (split.train_end, split.val_end, split.rows) == (*bounds, rows)


def test_too_few_rows_after_the_training_rows_drop_validation_with_a_note():
    split, notes = multi_step_split(100, 0.15, 0.15, None, 18, 10, 70)  # 30 rows: not two horizons of 18
    assert (split.train_end, split.val_end) == (70, 70)
    assert len(notes) == 1 and "No validation split" in notes[0] and "30 rows after the first 70" in notes[0]


def test_the_plan_trains_on_the_first_rows():
    plan = plan_run(rising_frame(), ForecastConfig(target="y", window=6, train_size=80, val_fraction=0.1,
                                               test_fraction=0.2))
    assert (plan.bounds.train_end, plan.bounds.val_end) == (80, 93)  # 40 * 1/3 -> 13 validation rows
    assert plan.bounds.sizes == {"train": 80, "val": 13, "test": 27}


@pytest.mark.parametrize(("rows", "val", "test", "horizon", "bounds"), [
    (100, 0.15, 0.15, 1, (70, 85)),
    (120, 0.15, 0.15, 1, (84, 102)),
    (100, 0.1, 0.2, 1, (70, 80)),
    (100, 0.15, 0.05, 12, (73, 88)),  # the test split grows to one horizon, as before
])
def test_without_a_train_size_the_fractions_split_as_before(rows, val, test, horizon, bounds):
    split, _notes = multi_step_split(rows, val, test, None, horizon, 10)
    assert (split.train_end, split.val_end) == bounds
    assert multi_step_split(rows, val, test, None, horizon, 10, None)[0] == split


def test_the_default_plan_splits_as_before():
    plan = plan_run(rising_frame(), ForecastConfig(target="y", window=6))
    assert (plan.bounds.train_end, plan.bounds.val_end) == (84, 102)


def test_test_size_and_train_size_together_are_refused():
    with pytest.raises(ConfigError, match="Test size and train size can't both be set: clear one of them"):
        ForecastConfig(target="y", test_size=20, train_size=60)


def test_a_train_size_too_large_or_too_small_says_what_to_use():
    with pytest.raises(ConfigError, match=r"leaves 5 rows for the test, fewer than the horizon \(6\)\. "
                                          r"Use a train size of at most 114\."):
        plan_run(rising_frame(), ForecastConfig(target="y", window=6, horizon=6, train_size=115))
    with pytest.raises(ConfigError, match=r"The first 7 rows are too few to train on: a window of 6 and a horizon "
                                          r"of 1 need at least 8 training rows\. Use a larger train size"):
        plan_run(rising_frame(), ForecastConfig(target="y", window=6, train_size=7))
    with pytest.raises(ConfigError, match="Train size must be at least 2"):
        ForecastConfig(target="y", train_size=1)


def test_the_fractions_may_add_up_to_more_when_the_training_rows_are_given():
    config = ForecastConfig(target="y", train_size=60, val_fraction=0.5, test_fraction=0.5)
    assert config.train_size == 60  # only their ratio matters: 1 : 1
    with pytest.raises(ConfigError, match="Validation and test fractions together"):
        ForecastConfig(target="y", val_fraction=0.5, test_fraction=0.5)


# ------------------------------------------------------------------ the command line

def test_train_help_lists_both_flags_and_they_arrive_typed():
    from cli import build_parser
    from cli.settings_args import config_from_args

    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "--train-size" in out.stdout and "--feature-scaler" in out.stdout
    args = build_parser().parse_args(["train", "d.csv", "--target", "y", "--out", "o", "--train-size", "60",
                                      "--feature-scaler", "minmax"])
    config = config_from_args(args, date_column=None)
    assert config.train_size == 60 and config.feature_scaler == "minmax" and config.scaler == "standard"


def test_both_sizes_on_the_command_line_exit_2_with_one_sentence(tmp_path):
    path = tmp_path / "d.csv"
    rising_frame().to_csv(path, index=False)
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", str(path), "--target", "y", "--out",
                          str(tmp_path / "o"), "--test-size", "20", "--train-size", "60"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    assert "Test size and train size can't both be set" in out.stderr and "Traceback" not in out.stderr
