"""The settings form and the last-used settings, both built from the settings table."""

import json

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDoubleSpinBox, QScrollArea, QSpinBox

from core.settings.config import SETTINGS, ForecastConfig
from gui.app_settings import AppSettings
from gui.settings_form import FORM_SETTINGS, SettingsForm

WIDGET_NAMES = ["windowSpin", "horizonSpin", "epochsSpin", "forecastStepsSpin", "intervalSpin"]


@pytest.fixture
def form(qtbot):
    widget = SettingsForm()
    qtbot.addWidget(widget)
    return widget


def test_a_widget_per_form_setting_with_its_name_default_and_tooltip(form):
    defaults = ForecastConfig(target="y")
    for s in FORM_SETTINGS:
        kind = QCheckBox if s.kind is bool else QComboBox if s.choices else \
            QDoubleSpinBox if s.kind is float and not s.percent else QSpinBox
        widget = form.findChild(kind, form.widgets[s.name].objectName())
        assert widget is form.widgets[s.name] is getattr(form, s.name), s.name
        assert s.help in widget.toolTip(), s.name
        assert form.values()[s.name] == getattr(defaults, s.name), s.name
    for name in WIDGET_NAMES:  # names tests, benchmarks and screenshots find widgets by
        assert form.findChild(QSpinBox, name) is not None, name
    assert form.findChild(QSpinBox, "windowSpin").text() == "auto"
    assert form.findChild(QSpinBox, "forecastStepsSpin").text() == "1 (= horizon)"  # the horizon, auto too
    batch = form.findChild(QSpinBox, "batchSizeSpin")
    assert batch.text() == "auto" and form.values()["batch_size"] is None
    batch.setValue(0)  # both words on one spin box: "auto" below, "full batch" at 0
    assert batch.text() == "full batch" and form.values()["batch_size"] == 0
    batch.setValue(64)
    assert batch.text() == "64"
    assert form.findChild(QDoubleSpinBox, "lrSpin").text() == "auto" and form.values()["lr"] is None
    patience = form.findChild(QSpinBox, "patienceSpin")
    assert patience.text() == "auto" and form.values()["patience"] is None
    patience.setValue(0)
    assert patience.text() == "no early stopping" and form.values()["patience"] == 0
    assert form.findChild(QComboBox, "cellCombo").currentText() == "LSTM"


def test_what_the_user_types_is_what_the_config_gets(qtbot, form):
    form.show()
    hidden = form.findChild(QSpinBox, "hiddenSpin")
    hidden.selectAll()
    qtbot.keyClicks(hidden, "48")
    window = form.findChild(QSpinBox, "windowSpin")
    window.setValue(14)
    form.findChild(QSpinBox, "intervalSpin").setValue(80)
    config = ForecastConfig(target="y", **form.values())
    assert (config.hidden, config.window, config.interval_level) == (48, 14, 0.8)
    window.setValue(window.minimum())
    assert form.values()["window"] is None  # back to "auto"


def test_test_rows_replace_the_fraction_when_chosen(form):
    mode = form.findChild(QComboBox, "testModeCombo")
    assert form.values()["test_size"] is None
    mode.setCurrentIndex(mode.findData("rows"))
    assert form.values()["test_size"] == 31
    form.set_values({"test_size": None})
    assert mode.currentData() == "fraction" and form.values()["test_size"] is None


def test_bad_saved_values_are_ignored(form):
    form.set_values({"hidden": "lots", "cell": "transformer", "epochs": 7, "no_such_setting": 1,
                     "layers": True})
    values = form.values()
    assert (values["hidden"], values["cell"], values["epochs"], values["layers"]) == (32, "lstm", 7, 1)


def _wheel_up(widget):
    center = QPointF(widget.rect().center())
    event = QWheelEvent(center, QPointF(widget.mapToGlobal(center.toPoint())), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_panel_not_an_unfocused_value(qtbot):
    scroll = QScrollArea()
    form = SettingsForm()
    scroll.setWidget(form)
    qtbot.addWidget(scroll)
    scroll.show()
    qtbot.waitExposed(scroll)
    epochs = form.findChild(QSpinBox, "epochsSpin")
    cell = form.findChild(QComboBox, "cellCombo")
    assert epochs.focusPolicy() == Qt.FocusPolicy.StrongFocus
    _wheel_up(epochs)
    _wheel_up(cell)
    assert epochs.value() == 200 and cell.currentData() == "lstm"
    scroll.activateWindow()
    epochs.setFocus()
    qtbot.waitUntil(epochs.hasFocus)
    _wheel_up(epochs)  # once the user clicked into it, the wheel changes it
    assert epochs.value() == 201


def _non_default(s):
    if s.kind is bool:
        return not s.default
    if s.choices:
        return next(v for v in s.values if v != s.default)
    if s.kind is tuple:
        return ("温度", "price")
    if s.kind is str:
        return "日期"
    if s.optional and s.default is None and s.name != "date_column":
        return s.kind(int(s.low) + 2)  # (the learning rate is a float)
    if s.kind is int:
        return (s.default or 0) + 3
    return round(float(s.default) * 0.5 + 0.0625, 4) if s.default else 0.125


def test_last_used_settings_round_trip_every_setting_with_its_type(qtbot):
    values = {s.name: _non_default(s) for s in SETTINGS}
    values["test_fraction"] = 0.2  # the fractions must leave rows for training
    values["val_fraction"] = 0.1
    ForecastConfig(**(values | {"train_size": None}))  # valid (test and train sizes exclude each other)
    ForecastConfig(**(values | {"test_size": None}))
    AppSettings().set_form_values(values)
    AppSettings().sync()
    restored = AppSettings().form_values()  # a new QSettings reads the INI file's text
    assert restored == values
    assert {k: type(v) for k, v in restored.items()} == {k: type(v) for k, v in values.items()}
    autos = {"window": None, "season": None, "forecast_steps": None, "test_size": None,
             "train_size": None, "ensemble": None, "batch_size": None, "lr": None, "patience": None}
    AppSettings().set_form_values(autos)
    assert {k: AppSettings().form_values()[k] for k in autos} == autos


def test_last_used_settings_from_before_the_table_still_load(qtbot):
    store = AppSettings()
    store._settings.setValue("last_settings", json.dumps({"hidden": 48, "cell": "gru"}))
    store.sync()
    assert AppSettings().form_values() == {"hidden": 48, "cell": "gru"}
    store.set_form_values({"hidden": 64})
    assert AppSettings().form_values() == {"hidden": 64}  # the old key is gone once written anew


def test_unreadable_stored_values_are_left_out(qtbot):
    store = AppSettings()
    store._settings.setValue("last_used/hidden", "lots")
    store._settings.setValue("last_used/epochs", "50")
    assert AppSettings().form_values() == {"epochs": 50}


def test_a_setting_declared_once_appears_in_the_form(form):
    ensemble = form.findChild(QSpinBox, "ensembleSpin")
    # "auto" sits below the lowest count: 5 networks, fewer on long series (core.pipeline.plan)
    assert ensemble is form.ensemble and ensemble.value() == ensemble.minimum() and ensemble.text() == "auto"
    assert (ensemble.minimum(), ensemble.maximum()) == (0, 10)
    assert ForecastConfig(target="y", **form.values()).ensemble is None
    assert "different seeds" in ensemble.toolTip()
    box = ensemble.parentWidget()
    assert box.title() == "Training" and box.layout().labelForField(ensemble).text() == "Ensemble of seeds"
    ensemble.setValue(4)
    assert ForecastConfig(target="y", **form.values()).ensemble == 4


def test_the_tutorial_options_are_in_their_groups_and_reach_the_session(qtbot):
    """Train size and feature scaling: typed and picked as a user does, they reach the asked config."""
    from PySide6.QtWidgets import QGroupBox

    from gui import MainWindow
    from gui.resources import sample_path

    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(sample_path("daily_sales.csv"))
    spin = window.findChild(QSpinBox, "trainSizeSpin")
    combo = window.findChild(QComboBox, "featureScalerCombo")
    groups = {box.title(): box for box in window.findChildren(QGroupBox)}
    assert groups["Split"].isAncestorOf(spin) and groups["Scaling"].isAncestorOf(combo)
    assert spin.value() == spin.minimum() and spin.text() == "by fractions"
    assert combo.currentText() == "as the target"
    asked = window.session.settings.asked_config()
    assert asked.train_size is None and asked.feature_scaler == "same"

    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "200")
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "min-max (0 to 1)"
    asked = window.session.settings.asked_config()
    assert asked.train_size == 200 and asked.feature_scaler == "minmax" and asked.scaler == "standard"


def test_the_settings_pane_fits_its_width_without_clipping(window, qtbot):
    """Long choice labels ("standardize (mean 0, std 1)") must not widen the form past the pane at
    its narrowest, whose horizontal scroll bar is off: the right edge of every field would be cut."""
    inner = window.settings_panel.parentWidget()
    scroll = inner.parentWidget().parentWidget()
    pane = scroll.parentWidget()
    needed = inner.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth()
    assert needed <= pane.minimumWidth()


def test_adopted_settings_are_saved_and_restored_exactly_where_the_form_rounds(qtbot):
    """A search's best dropout of 0.237 shows as 0.24 and weight decay has no field: the window
    saves the Session's values, not the form's, and the next window asks for them exactly."""
    from gui import MainWindow
    from gui.app_settings import AppSettings

    window = MainWindow(warm_up_engine=False)
    qtbot.addWidget(window)
    form = window.settings_panel.form
    window.session.settings.adopt({"dropout": 0.237, "weight_decay": 1e-4})
    assert form.values()["dropout"] == pytest.approx(0.24)  # what the form can show
    assert window.session.settings.values["dropout"] == 0.237
    form.widgets["epochs"].setValue(form.widgets["epochs"].value() + 1)  # another field: both stay exact
    assert window.session.settings.values["dropout"] == 0.237
    assert window.session.settings.values["weight_decay"] == 1e-4
    window.save_settings()
    stored = AppSettings().form_values()
    assert stored["dropout"] == 0.237 and stored["weight_decay"] == 1e-4

    again = MainWindow(warm_up_engine=False)
    qtbot.addWidget(again)
    values = again.session.settings.values
    assert values["dropout"] == 0.237 and values["weight_decay"] == 1e-4
    assert values["epochs"] == stored["epochs"] and again.settings_panel.form.values()["dropout"] == pytest.approx(0.24)
    again.settings_panel.form.widgets["dropout"].setValue(0.3)  # the user changes that field: the form's value wins
    assert again.session.settings.values["dropout"] == pytest.approx(0.30)
    assert again.session.settings.values["weight_decay"] == 1e-4  # no field to change it: still as saved
    again.commands["reset_settings"].trigger()
    assert "weight_decay" not in again.session.settings.values  # back to the declared default
