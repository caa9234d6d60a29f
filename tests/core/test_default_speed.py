"""The automatic ensemble and batch size, and the training time said before a run starts."""

from pathlib import Path

import pytest

from core.model.timing import SECONDS_PER_ROW
from core.outputs.summary import rough_duration, time_estimate_sentence
from core.pipeline import plan_run
from core.pipeline.plan import auto_batch_size, auto_ensemble
from core.settings.config import ForecastConfig
from tests.factories import noisy_sine_frame, run_cli

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def plan(rows: int, **settings):
    return plan_run(noisy_sine_frame(rows), ForecastConfig(target="y", features=("x",), window=12, threads=1,
                                                           **settings))


def test_short_series_keep_five_networks_of_batch_32_and_long_ones_get_fewer_and_larger():
    short = plan(400).config
    assert (short.ensemble, short.batch_size, short.lr, short.patience) == (5, 32, 0.001, 25)  # as before "auto"
    long = plan(3000)
    assert len(long.origins["train"]) >= 2000
    assert (long.config.ensemble, long.config.batch_size, long.config.lr, long.config.patience) == (2, 128, 0.002, 15)
    assert plan(1600).config.batch_size == 64


def test_the_learning_rate_follows_the_batch_unless_the_user_set_it():
    assert plan(400, batch_size=64).config.lr == pytest.approx(0.001 * 2 ** 0.5, rel=1e-3)
    assert plan(400, batch_size=0).config.lr == 0.001  # full batch: no larger steps than asked
    assert plan(3000, lr=0.01).config.lr == 0.01


def test_the_users_own_ensemble_and_batch_size_always_win():
    asked = plan(3000, ensemble=5, batch_size=32, patience=25).config
    assert (asked.ensemble, asked.batch_size, asked.lr, asked.patience) == (5, 32, 0.001, 25)
    assert plan(3000, patience=0).config.patience == 0  # never stop early stays so
    assert plan(3000, batch_size=0).config.batch_size == 0  # full batch stays full batch
    assert plan(400, ensemble=1).config.ensemble == 1


def test_the_automatic_rule_steps_at_its_thresholds():
    assert [auto_ensemble(n) for n in (2, 999, 1000, 50_000)] == [5, 5, 2, 2]
    assert [auto_batch_size(n) for n in (2, 999, 1000, 1999, 2000, 3999, 4000, 10**6)] == \
        [32, 32, 64, 64, 128, 128, 256, 256]


def test_the_estimate_grows_with_rows_and_networks():
    small, large = plan(400, ensemble=3, batch_size=32), plan(1200, ensemble=3, batch_size=32)
    one, five = plan(400, ensemble=1), plan(400, ensemble=5)
    for fewer, more in ((small, large), (one, five)):
        a, b = fewer.time_estimate(), more.time_estimate()
        assert 0 < a.about < b.about and a.about <= a.at_most < b.at_most
    rest = 400 * SECONDS_PER_ROW  # what the run does besides training, the same for any ensemble
    assert five.time_estimate().at_most - rest == pytest.approx(5 * (one.time_estimate().at_most - rest))
    without_refit = plan(400, ensemble=1, refit=False).time_estimate()
    assert without_refit.at_most < one.time_estimate().at_most


def test_no_estimate_when_no_network_is_trained():
    tiny = plan_run(noisy_sine_frame(6), ForecastConfig(target="y", threads=1))
    assert tiny.smoothing_alone and tiny.time_estimate() is None


def test_the_sentence_rounds_about_and_bounds_at_most():
    assert rough_duration(12) == "10 s" and rough_duration(12, upper=True) == "15 s"
    assert rough_duration(61) == "1 min" and rough_duration(61, upper=True) == "2 min"
    assert rough_duration(0.2) == "5 s"
    assert rough_duration(7300, upper=True) == "2 h 02 min"
    plan400 = plan(400)
    sentence = time_estimate_sentence(plan400.time_estimate())
    assert sentence.startswith("Expected training time: about ") and ", at most " in sentence


def test_train_prints_the_expected_time_before_training(tmp_path):
    result = run_cli("train", SAMPLES / "daily_sales.csv", "--target", "sales", "--window", "14", "--epochs", "2",
                     "--hidden", "8", "--ensemble", "1", "--out", tmp_path / "run")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    said = [i for i, line in enumerate(lines) if line.startswith("Expected training time: about ")]
    assert said == [0]  # first, before anything the run reports
    assert ", at most " in lines[0]
