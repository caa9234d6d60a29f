"""The run panel says how long training will take before Train is pressed, and which ensemble and
batch size "auto" chose."""

import re

from PySide6.QtWidgets import QComboBox, QSpinBox

from gui.resources import sample_path


def at_most_minutes(text: str) -> float:
    found = re.search(r"at most (\d+) (min|s)", text)
    assert found, text
    return int(found.group(1)) * (60 if found.group(2) == "min" else 1)


def test_the_run_panel_says_the_expected_time_and_the_automatic_ensemble(qtbot, window):
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(sample_path("daily_sales.csv"))
    window.findChild(QComboBox, "targetCombo").setCurrentText("sales")
    label = window.run_panel.shapes_label
    qtbot.waitUntil(lambda: "Expected training time: about " in label.text(), timeout=10_000)
    # 730 rows: fewer than 1,000 training windows, so "auto" keeps 5 networks of batch 32
    assert "auto: " in label.text() and "5 networks" in label.text() and "batch 32" in label.text()
    five = at_most_minutes(label.text())
    ensemble = window.findChild(QSpinBox, "ensembleSpin")
    ensemble.setValue(1)  # as a user types it: the plan is made again and the estimate follows
    qtbot.waitUntil(lambda: "networks" not in label.text(), timeout=10_000)
    assert "Expected training time: about " in label.text()
    assert at_most_minutes(label.text()) < five
