"""The defaults on real public series: better than naive, and within the linear baseline one step ahead."""

import functools

import pytest

from core.data.csv_reader import read_csv
from core.pipeline import run_experiment
from core.settings.config import ForecastConfig

# file, target, what kind of series it is
REAL_SERIES = [
    ("lynx.csv", "trappings", "annual, ~10-year cycle"),
    ("ausbeer.csv", "megalitres", "quarterly, trend + season"),
    ("woolyrnq.csv", "tonnes", "quarterly, season"),
    ("nile.csv", "volume", "annual, noisy with a level shift"),
]
# A known miss, kept visible (strict: it fails once it passes, so the mark gets removed). With
# Complex Exponential Smoothing in the anchor (December), lynx's test RMSE fell from 707 to 508,
# but the linear baseline's, built on the same anchor, fell further, to 460; the network's best
# validation epoch (RMSE 1,063 against the linear baseline's 1,937) does not carry to the test rows.
BEHIND_LINEAR = {"lynx.csv": "CES anchor: model 500-508 vs linear 460 on the test rows (README, long series)"}


@functools.cache
def _run(path: str, target: str):
    loaded = read_csv(path)
    return run_experiment(loaded.frame, ForecastConfig(target=target, date_column=loaded.report.date_column))


@pytest.mark.parametrize("name, target, kind", REAL_SERIES, ids=[s[0] for s in REAL_SERIES])
def test_defaults_beat_naive_on_real_series(data_dir, name, target, kind):
    result = _run(str(data_dir / name), target)
    model = result.test_metrics["model"]["rmse"]
    naive = result.test_metrics["naive"]["rmse"]
    assert model < naive, f"{name} ({kind}): model RMSE {model:.3f} vs naive {naive:.3f}"
    assert result.history.status in ("completed", "early_stopped")


@pytest.mark.parametrize("name, target, kind", [
    pytest.param(*s, id=s[0], marks=[pytest.mark.xfail(strict=True, reason=BEHIND_LINEAR[s[0]])]
                 if s[0] in BEHIND_LINEAR else []) for s in REAL_SERIES])
def test_defaults_stay_within_the_linear_baseline_on_real_series(data_dir, name, target, kind):
    # started at the linear baseline's solution, the model stays within 1% of it (or beats it)
    result = _run(str(data_dir / name), target)
    model = result.test_metrics["model"]["rmse"]
    linear = result.test_metrics["linear"]["rmse"]
    assert model <= 1.01 * linear, f"{name} ({kind}): model RMSE {model:.3f} vs linear {linear:.3f}"
