"""Intervals that hold far less often than their level get a warning (issue 23, item 10): core
decides from the test split's coverage, overall and at each step; the terminal says it."""

import numpy as np
import pandas as pd
import pytest

import core.pipeline.recipe
from core.evaluation.metrics import coverage_warnings
from gui.resources import sample_path
from tests.factories import run_cli


def predictions(widths, windows=40, seed=0):
    """`windows` test windows of len(widths) steps; actual ~ N(0, 1) around a prediction of 0,
    the interval at step s ± widths[s-1]."""
    rng = np.random.default_rng(seed)
    rows = [{"time": o + s, "step": s, "actual": rng.normal(), "predicted": 0.0, "lower": -w, "upper": w,
             "split": "test"} for o in range(windows) for s, w in enumerate(widths, start=1)]
    return pd.DataFrame(rows)


def test_steps_whose_intervals_fail_are_named():
    said = coverage_warnings(predictions([1.645] * 10 + [0.3, 0.3]), 0.9)  # steps 11-12 far too narrow
    assert len(said) == 1 and said[0].startswith("At steps 11, 12 the 90% intervals covered as little as "), said


def test_too_narrow_intervals_overall_are_said():
    said = coverage_warnings(predictions([0.6] * 3), 0.9)  # about 45% inside
    assert len(said) == 1 and said[0].startswith("The 90% prediction intervals covered only "), said
    assert "too narrow" in said[0]


@pytest.mark.parametrize("widths, windows", [([1.645] * 6, 40),  # they hold as promised
                                             ([0.3] * 3, 5)])  # too few values to tell
def test_no_warning_when_the_intervals_hold_or_too_little_is_known(widths, windows):
    assert coverage_warnings(predictions(widths, windows), 0.9) == []
    assert coverage_warnings(predictions(widths, windows).assign(split="train"), 0.9) == []  # only the test split


def test_the_terminal_warns_about_intervals_far_too_narrow(tmp_path, monkeypatch):
    real = core.pipeline.recipe.interval_widths

    def narrow(residuals, level):
        widths, how = real(residuals, level)
        return widths * 0.05, how  # a twentieth of the honest width: almost nothing falls inside

    monkeypatch.setattr(core.pipeline.recipe, "interval_widths", narrow)
    out = run_cli("train", sample_path("daily_sales.csv"), "--target", "sales", "--window", "14", "--horizon", "2",
                  "--epochs", "1", "--hidden", "8", "--ensemble", "1", "--out", tmp_path / "run").stdout
    assert "Warning: The 90% prediction intervals covered only " in out, out
