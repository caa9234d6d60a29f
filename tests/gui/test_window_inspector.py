"""The Windows tab: a chosen sample's rows highlighted exactly (chart and data table), its values as
the network sees them checked against numbers computed here from the CSV, in every target mode; a
click on the series picks a sample. Settings are set on the form, the sample with the slider."""

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QListWidget, QSlider, QWidget

from core.prep.smoothing import fit_holt_winters
from tests.gui.window_steps import open_file, set_spins

T, H, SEASON, ROWS = 8, 3, 4, 120


@pytest.fixture
def known_csv(tmp_path):
    rows = np.arange(ROWS)
    sales = 50 + 0.5 * rows + 6 * np.sin(2 * np.pi * rows / SEASON) + (rows % 3)  # all above zero
    price = 10 + (rows % 5) * 0.25
    path = tmp_path / "known.csv"
    pd.DataFrame({"sales": sales, "price": price}).to_csv(path, index=False)
    return path, sales, price


def choose(window, name, value):
    combo = window.findChild(QComboBox, name)
    combo.setCurrentIndex(combo.findData(value))
    assert combo.currentData() == value


def set_up(qtbot, window, known_csv, mode, transform="none"):
    path, _sales, _price = known_csv
    open_file(qtbot, window, path)
    window.findChild(QComboBox, "targetCombo").setCurrentText("sales")
    features = window.findChild(QListWidget, "featureList")
    features.findItems("price", Qt.MatchFlag.MatchExactly)[0].setCheckState(Qt.CheckState.Checked)
    choose(window, "targetModeCombo", mode)
    choose(window, "transformCombo", transform)
    choose(window, "scalerCombo", "standard")
    set_spins(window, window=T, horizon=H, season=SEASON)
    plan = window.session.settings.plan
    assert plan is not None and plan.config.target_mode == mode and plan.config.input_columns == ["sales", "price"]
    inspector = window.findChild(QWidget, "windowInspector")
    window.tabs.setCurrentWidget(inspector)
    slider = window.findChild(QSlider, "inspectorSample")
    qtbot.waitUntil(lambda: slider.isEnabled(), timeout=60_000)  # the engine loads in the background
    return inspector, slider, plan


def expected_origins(plan):
    """Every sample's last input row, computed from the split bounds: training, validation, test."""
    out = []
    for start, end in ((0, plan.bounds.train_end), (plan.bounds.train_end, plan.bounds.val_end),
                       (plan.bounds.val_end, plan.bounds.rows)):
        out += list(range(max(T - 1, start - 1), end - H))
    return np.array(out)


@pytest.mark.parametrize("mode", ["delta", "seasonal", "smoothing", "level"])
def test_a_chosen_sample_highlights_its_rows_and_shows_what_the_network_sees(qtbot, window, known_csv, mode):
    inspector, slider, plan = set_up(qtbot, window, known_csv, mode)
    _path, sales, price = known_csv
    origins = expected_origins(plan)
    index = len(plan.origins["train"]) + 2  # the third validation sample
    slider.setValue(index)
    origin = origins[index]
    assert slider.maximum() == len(origins) - 1
    inputs, targets = range(origin - T + 1, origin + 1), range(origin + 1, origin + H + 1)

    # the chart and the data table highlight exactly those rows
    assert inspector.chart.highlighted() == (inputs, targets)
    table = inspector.rows_model
    colour = {r: table.data(table.index(r, 0), Qt.ItemDataRole.BackgroundRole) for r in range(table.rowCount())}
    assert [r for r, c in colour.items() if c is not None] == list(inputs) + list(targets)
    assert {colour[r].color().name() for r in inputs} != {colour[r].color().name() for r in targets}
    assert [table.headerData(c, Qt.Orientation.Horizontal) for c in range(table.columnCount())] == ["sales", "price"]
    shown = [float(table.data(table.index(r, 0))) for r in list(inputs) + list(targets)]
    assert np.allclose(shown, sales[origin - T + 1:origin + H + 1])
    assert f"rows {inputs[0] + 1}–{inputs[-1] + 1}" in inspector.sample_label.text()
    assert "validation sample 3 of" in inspector.sample_label.text()
    n_train = len(plan.origins["train"])
    assert f"training X ({n_train}, {T}, 2) → y ({n_train}, {H})" in inspector.shapes_label.text()

    # the values as the network sees them: standard scaling with the training rows' statistics
    train = slice(0, plan.bounds.train_end)
    scaled = (sales - sales[train].mean()) / sales[train].std()
    scaled_price = (price - price[train].mean()) / price[train].std()
    relative = mode != "level"
    x_sales = scaled[inputs.start:inputs.stop] - (scaled[origin] if relative else 0)
    future = scaled[targets.start:targets.stop]
    if mode == "level":
        anchor = np.zeros(H)
    elif mode == "delta":
        anchor = np.full(H, scaled[origin])
    elif mode == "seasonal":  # the window's two whole seasons averaged, at the last season's level
        recent = scaled[origin - 2 * SEASON + 1:origin + 1].reshape(2, SEASON)
        profile = recent.mean(axis=0)
        anchor = (recent[-1].mean() + profile - profile.mean())[np.arange(H) % SEASON]
    else:  # the smoothing fit on the training rows only, its forecast from the window's last row
        # CES (a member) smooths from the target's own 0: mean / std in scaled units
        smoothing = fit_holt_winters(scaled[train], SEASON, offset=sales[train].mean() / sales[train].std())
        anchor = smoothing.anchors(scaled.astype(np.float32), H)[origin]
    sample = inspector.sample
    assert sample.origin == origin and sample.split == "val"
    assert np.allclose(sample.x[:, 0], x_sales, atol=1e-5)
    assert np.allclose(sample.x[:, 1], scaled_price[inputs.start:inputs.stop], atol=1e-5)
    assert np.allclose(sample.y, future - anchor, atol=1e-4)
    values = inspector.values_model.frame()
    assert values.iloc[:, 0].tolist() == [r + 1 for r in list(inputs) + list(targets)]
    assert np.allclose(values["x: sales"].to_numpy()[:T], x_sales, atol=1e-4)
    assert np.allclose(values["y: learns"].to_numpy()[T:], future - anchor, atol=1e-3)
    assert ("anchor" in values.columns) == (mode != "level")


def test_the_log_transform_is_what_the_network_sees(qtbot, window, known_csv):
    inspector, slider, plan = set_up(qtbot, window, known_csv, "level", transform="log")
    _path, sales, _price = known_csv
    slider.setValue(5)
    logged = np.log(sales)
    train = logged[:plan.bounds.train_end]
    origin = expected_origins(plan)[5]
    scaled = (logged - train.mean()) / train.std()
    assert np.allclose(inspector.sample.x[:, 0], scaled[origin - T + 1:origin + 1], atol=1e-5)
    assert np.allclose(inspector.sample.y, scaled[origin + 1:origin + H + 1], atol=1e-5)
    assert "logarithm" in inspector.shapes_label.text()


def test_clicking_the_series_picks_the_sample_ending_there(qtbot, window, known_csv):
    inspector, slider, plan = set_up(qtbot, window, known_csv, "delta")
    chart = inspector.chart
    chart.draw()  # lays the axes out: the click is read in their coordinates
    row = 70  # 0-based: drawn at x = 71
    x, y = chart.axes.transData.transform((row + 1, np.mean(chart.axes.get_ylim())))
    ratio = chart.devicePixelRatioF()
    QTest.mouseClick(chart, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(round(x / ratio), round(chart.height() - y / ratio)))
    origins = expected_origins(plan)
    assert origins[slider.value()] == row
    assert inspector.chart.highlighted()[0] == range(row - T + 1, row + 1)
