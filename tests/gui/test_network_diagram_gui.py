"""The Network tab (issue 26 item 2): the diagram follows the settings and counts what torch counts."""

import pandas as pd
from PySide6.QtWidgets import QWidget

from core.model.network import build_model, parameter_count
from tests.factories import noisy_sine_frame
from tests.gui.window_steps import open_file


def test_the_diagram_follows_the_settings(qtbot, window, tmp_path):
    path = tmp_path / "sine.csv"
    noisy_sine_frame(300).to_csv(path, index=False)
    diagram = window.findChild(QWidget, "networkDiagram")
    assert diagram.box_texts() == {}  # nothing open: it says what to do
    open_file(qtbot, window, str(path))
    window.network_panel.reveal()
    form = window.settings_panel.form
    for cell, layers, bidirectional in (("gru", 2, True), ("lstm", 3, False), ("rnn", 1, True)):
        form.cell.setCurrentIndex(form.cell.findData(cell))
        form.layers.setValue(layers)
        form.bidirectional.setChecked(bidirectional)
        window.session.settings.replan()
        plan = window.session.settings.plan
        assert plan.config.cell == cell and plan.config.layers == layers
        torch_count = parameter_count(build_model(plan.config, plan.n_features))
        texts = diagram.box_texts()
        recurrent = texts["recurrent"]
        assert recurrent[0].startswith(cell.upper())
        assert f"num_layers = {layers}" in recurrent and ("bidirectional = True" in recurrent) == bidirectional
        assert any(line.startswith("h_n, c_n") for line in recurrent) == (cell == "lstm")
        assert f"input_size = {plan.n_features}" in texts["input"]
        assert f"{torch_count:,} trainable parameters" in diagram.note()
        assert diagram.diagram.total == torch_count
    diagram.grab()  # it paints without error at its size


def test_with_no_network_the_tab_says_what_forecasts(qtbot, window, tmp_path):
    """Thirteen quarters: too few rows to hold out a test split, so no network is trained."""
    path = tmp_path / "quarters.csv"
    values = [50, 62, 71, 55, 52, 66, 75, 58, 57, 70, 80, 61, 60]
    pd.DataFrame({"quarter": pd.date_range("2020-01-01", periods=13, freq="QS").strftime("%Y-%m-%d"),
                  "sales": values}).to_csv(path, index=False)
    open_file(qtbot, window, str(path))
    assert window.session.settings.plan.smoothing_alone
    diagram = window.findChild(QWidget, "networkDiagram")
    assert set(diagram.box_texts()) == {"input", "smoothing"}
    assert "exponential smoothing alone" in diagram.note() and "parameters" not in diagram.note()
