"""The terminal's summary and the Results tab say the same coverage and forecast sentences for the
same run (core.outputs.summary phrases them once)."""

import re

import numpy as np
import pandas as pd
from PySide6.QtWidgets import QLabel, QSpinBox

COVERAGE = re.compile(r"\d+% prediction intervals covered \d+% of the actual values\.")
FORECAST = re.compile(r"Forecast: \d+ steps? from [^ ]+\.")


def test_the_cli_summary_and_the_results_tab_say_the_same_sentences(qtbot, window, tmp_path, capsys):
    from cli.commands.train import print_summary

    rng = np.random.default_rng(5)
    path = tmp_path / "level.csv"
    pd.DataFrame({"date": pd.date_range("2021-03-01", periods=120, freq="D").strftime("%Y-%m-%d"),
                  "level": (50 + np.sin(np.arange(120) / 4) * 5 + rng.normal(0, 0.5, 120)).round(3)}
                 ).to_csv(path, index=False)
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(path)
    for name, value in {"window": 6, "epochs": 1, "ensemble": 1, "forecastSteps": 3}.items():
        window.findChild(QSpinBox, f"{name}Spin").setValue(value)
    window.session.settings.replan()
    with qtbot.waitSignal(window.session.training.finished, timeout=120_000) as finished:
        assert window.session.training.start()
    result = finished.args[0]

    shown = window.findChild(QLabel, "coverageLabel").text()
    coverage, forecast = COVERAGE.search(shown), FORECAST.search(shown)
    assert coverage and forecast, shown
    assert forecast.group(0) == "Forecast: 3 steps from 2021-06-29."  # the day after the last row

    capsys.readouterr()
    print_summary(result, tmp_path / "out")
    printed = capsys.readouterr().out.splitlines()
    assert coverage.group(0) in printed
    assert any(line.startswith(forecast.group(0) + " First values: ") for line in printed)
    assumption = result.predictor.assumption()
    assert assumption and assumption in printed and assumption in shown
