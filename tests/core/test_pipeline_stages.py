"""core.pipeline as stages: planning loads no torch, the interval source is a code worded in the user's
language (older English text still reads), the rules for "auto" are shared with the backtest and the
search, and the backtest uses only public stage names."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import ConfigError
from core.evaluation.intervals import NORMAL, UNSEEN, VAL, source_code, source_words
from core.i18n import set_language
from core.pipeline import log_fits, plan_run, resolve_transform, run_experiment, seasonal_fits, validation_score
from core.settings.config import ForecastConfig

ROOT = Path(__file__).resolve().parents[2]
QUICK = {"epochs": 2, "ensemble": 1, "hidden": 4, "threads": 1}


def seasonal_frame(rows: int = 80) -> pd.DataFrame:
    t = np.arange(rows)
    return pd.DataFrame({"y": 20 + 0.1 * t + 3 * np.sin(2 * np.pi * t / 12)})


def test_planning_loads_no_torch():
    """The window plans on every edit: importing the pipeline and planning must not wait for torch."""
    script = ("import sys\nimport numpy as np, pandas as pd\nfrom core.pipeline import plan_run\n"
              "from core.settings.config import ForecastConfig\n"
              "plan = plan_run(pd.DataFrame({'y': np.arange(1.0, 81.0)}), ForecastConfig(target='y'))\n"
              "print(plan.parameters > 0, 'torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_the_interval_source_is_stored_as_a_code_and_worded_when_shown(tmp_path):
    result = run_experiment(seasonal_frame(), ForecastConfig(target="y", window=12, horizon=2, **QUICK))
    intervals = result.metrics_dict()["intervals"]
    # scores calibrated on validation windows, the refit forecast on every window the scoring model hadn't seen
    assert intervals["calibrated_on"] in (VAL, VAL + NORMAL)
    assert intervals["forecast_calibrated_on"] in (UNSEEN, UNSEEN + NORMAL)
    assert json.loads(json.dumps(intervals))["calibrated_on"] == result.scoring_predictor.interval_source
    assert source_words(VAL) == "the validation windows"
    set_language("zh_CN")
    chinese = source_words(source_code(UNSEEN, "normal"))
    set_language("en")
    assert chinese != source_words(source_code(UNSEEN, "normal")) and not chinese.isascii()


@pytest.mark.parametrize(("stored", "shown"), [
    ("validation", "the validation windows"),
    ("training (no validation split)", "the training windows (no validation split)"),
    ("validation, normal approximation (too few windows for conformal)",
     "the validation windows, normal approximation (too few windows for conformal)"),
    ("validation and test windows of the scoring model, normal approximation",
     "the validation and test windows of the scoring model, normal approximation (too few windows for conformal)"),
    ("the smoothing's forecasts from earlier rows (nothing held out)",
     "the smoothing's forecasts from earlier rows (nothing held out)"),
    ("something a later version wrote", "something a later version wrote"),
])
def test_the_english_text_older_models_stored_still_reads(stored, shown):
    assert source_words(stored) == shown


def test_an_older_bundle_with_english_text_opens_and_words_it(tmp_path):
    from core.model.bundle import load_bundle, save_bundle

    result = run_experiment(seasonal_frame(), ForecastConfig(target="y", window=12, horizon=2, **QUICK))
    folder = save_bundle(result, tmp_path / "model")
    meta_path = folder / "model.json"
    meta = json.loads(meta_path.read_text())
    assert meta["intervals"]["calibrated_on"] == result.predictor.interval_source  # a code, not prose
    meta["intervals"]["calibrated_on"] = "validation and test windows of the scoring model"
    meta_path.write_text(json.dumps(meta))
    bundle = load_bundle(folder)
    assert source_words(bundle.predictor.interval_source) == "the validation and test windows of the scoring model"


def test_one_rule_for_the_automatic_transform_and_the_seasonal_mode():
    assert resolve_transform("auto", np.array([1.0, 2.0])) == "log"
    assert resolve_transform("auto", np.array([1.0, 0.0])) == "none"
    assert resolve_transform("none", np.array([1.0, 2.0])) == "none"
    assert not log_fits(np.array([])) and not log_fits(np.array([3.0, -1.0]))
    assert seasonal_fits(12) and seasonal_fits(12, window=12)
    assert not seasonal_fits(12, window=11) and not seasonal_fits(1) and not seasonal_fits(None)
    # the planner follows it: a series with a zero gets no log, a positive one does
    frame = seasonal_frame()
    assert plan_run(frame, ForecastConfig(target="y")).config.transform == "log"
    frame.loc[5, "y"] = 0.0
    assert plan_run(frame, ForecastConfig(target="y")).config.transform == "none"


def test_validation_score_refuses_with_the_planners_own_messages():
    frame = seasonal_frame(40)
    settings = ForecastConfig(target="y", window=30, horizon=2, season=12, threads=1, epochs=1)
    with pytest.raises(ConfigError) as scored:
        validation_score(frame.iloc[:32], settings, 24)
    assert str(scored.value) == (
        "Window (30) + horizon (2) = 32 rows is too long for the 24 training rows: fewer than 2 training windows. "
        "Use a smaller window or horizon, or less validation/test data.")
    with pytest.raises(ConfigError) as scored:
        validation_score(frame.iloc[:25], settings.replace(window=6), 24)
    assert str(scored.value) == (
        "The validation split has 1 rows, fewer than the horizon (2): no validation window fits. Use a larger "
        "validation fraction, a shorter horizon, or 0 for no validation.")


def test_the_backtest_uses_only_public_stages():
    tree = ast.parse((ROOT / "core" / "backtest.py").read_text(encoding="utf-8"))
    imported = [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names if (node.module or "").startswith("core.pipeline")]
    assert imported and not [name for _module, name in imported if name.startswith("_")]
