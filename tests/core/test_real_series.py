"""With only a CSV and a target, the defaults must beat the naive forecast on real series and
stay within 1% of the linear baseline."""

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


@pytest.mark.parametrize("name, target, kind", REAL_SERIES, ids=[s[0] for s in REAL_SERIES])
def test_defaults_beat_naive_on_real_series(data_dir, name, target, kind):
    loaded = read_csv(data_dir / name)
    config = ForecastConfig(target=target, date_column=loaded.report.date_column)
    result = run_experiment(loaded.frame, config)
    model = result.test_metrics["model"]["rmse"]
    naive = result.test_metrics["naive"]["rmse"]
    assert model < naive, f"{name} ({kind}): model RMSE {model:.3f} vs naive {naive:.3f}"
    # started at the linear baseline's solution, the model stays within 1% of it (or beats it)
    linear = result.test_metrics["linear"]["rmse"]
    assert model <= 1.01 * linear, f"{name} ({kind}): model RMSE {model:.3f} vs linear {linear:.3f}"
    assert result.history.status in ("completed", "early_stopped")
