"""The settings form: every field of ForecastConfig a user may change, each with a plain tooltip."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.settings.config import ForecastConfig

DEFAULTS = ForecastConfig(target="_")


def _spin(minimum: int, maximum: int, value: int, tip: str, name: str = "", special: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    box.setToolTip(tip)
    box.setAccelerated(True)
    if special:
        box.setSpecialValueText(special)  # shown instead of the minimum, e.g. "auto"
    if name:
        box.setObjectName(name)
    return box


def _double(minimum: float, maximum: float, value: float, step: float, decimals: int, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setToolTip(tip)
    return box


def _combo(items: list[tuple[str, str]], value: str, tip: str) -> QComboBox:
    box = QComboBox()
    for label, data in items:
        box.addItem(label, data)
    box.setCurrentIndex(max(0, box.findData(value)))
    box.setToolTip(tip)
    return box


class SettingsForm(QWidget):
    changed = Signal()  # any field changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        d = DEFAULTS
        self.window = _spin(0, 100_000, 0, "How many past rows the model reads to make one forecast "
                            "(T in the input shape). 'auto' uses two seasons, or 12 rows.", "windowSpin", "auto")
        self.horizon = _spin(1, 10_000, d.horizon, "How many steps ahead each window forecasts "
                             "(H): the model outputs H values at once.", "horizonSpin")
        self.test_mode = _combo([("fraction of rows", "fraction"), ("last N rows", "rows")], "fraction",
                                "Hold out the test split as a fraction of the rows, or as the last N rows "
                                "(for example the last 31 days).")
        self.test_fraction = _double(0.01, 0.8, d.test_fraction, 0.05, 2,
                                     "Share of the last rows kept for the final, honest test.")
        self.test_size = _spin(1, 10_000_000, 31, "Number of last rows kept for the final test.")
        self.val_fraction = _double(0.0, 0.8, d.val_fraction, 0.05, 2,
                                    "Share of rows before the test split used to pick the best epoch "
                                    "(early stopping). 0 = no validation split.")
        self.cell = _combo([("LSTM", "lstm"), ("GRU", "gru"), ("RNN (plain)", "rnn")], d.cell,
                           "The recurrent cell: LSTM (long short-term memory), GRU (lighter, often as "
                           "good), or a plain RNN (simplest, forgets quickly).")
        self.hidden = _spin(1, 4096, d.hidden, "Size of the memory (hidden state) of each layer. "
                            "Larger learns more but needs more data.")
        self.layers = _spin(1, 16, d.layers, "Recurrent layers stacked on top of each other.")
        self.dropout = _double(0.0, 0.95, d.dropout, 0.05, 2, "Share of values randomly zeroed between "
                               "layers while training, to reduce overfitting. 0 = off.")
        self.bidirectional = QCheckBox("read windows in both directions")
        self.bidirectional.setToolTip("Also read each window backwards. Doubles the recurrent parameters.")
        self.head_width = _spin(0, 4096, d.head_width, "Width of a hidden Dense layer (with ReLU) between "
                                "the recurrent layers and the output. 0 = a single Linear layer.",
                                special="0 (one Linear layer)")
        self.epochs = _spin(1, 100_000, d.epochs, "Maximum passes over the training windows.", "epochsSpin")
        self.batch_size = _spin(0, 1_000_000, d.batch_size, "Windows per weight update. 0 = all "
                                "training windows at once (full batch).", special="full batch")
        self.lr = _double(0.00001, 1.0, d.lr, 0.001, 5, "Learning rate: step size of the optimizer (Adam). "
                          "Lower it if the loss jumps around or diverges.")
        self.loss = _combo([("MSE (squared error)", "mse"), ("MAE (absolute error)", "mae"),
                            ("Huber (robust)", "huber")], d.loss,
                           "What training minimizes. MAE and Huber care less about outliers.")
        self.patience = _spin(0, 100_000, d.patience, "Stop after this many epochs without a better "
                              "validation loss and keep the best weights. 0 = never stop early.",
                              special="off")
        self.scaler = _combo([("standardize (mean 0, std 1)", "standard"), ("min-max (0 to 1)", "minmax")],
                             d.scaler, "How values are scaled before training; statistics come from "
                             "the training rows only.")
        self.target_mode = _combo([("change from last value", "delta"), ("level", "level")], d.target_mode,
                                  "'Change' lets a trend continue past the training range; 'level' "
                                  "predicts the scaled value directly, as many tutorials do.")
        self.season = _spin(0, 100_000, 0, "Seasonal period in rows for the seasonal naive baseline and the "
                            "automatic window. 'auto' detects it.", special="auto")
        self.forecast_steps = _spin(0, 100_000, 0, "How many steps past the last row to forecast. "
                                    "Up to the horizon the network answers directly; further steps feed "
                                    "its forecasts back (recursive) and grow less certain.",
                                    "forecastStepsSpin", special="= horizon")
        self.interval_level = _spin(50, 99, round(d.interval_level * 100), "How sure the prediction "
                                    "intervals should be: 90 % means about 9 in 10 actual values should "
                                    "fall inside. Calibrated on the validation split.", "intervalSpin")
        self.interval_level.setSuffix(" %")
        self.seed = _spin(0, 2_147_483_647, d.seed, "Random seed: the same seed, settings and data give "
                          "the same results.")

        data_box = QGroupBox("Windows and split")
        form = QFormLayout(data_box)
        form.addRow("Window (T)", self.window)
        form.addRow("Horizon (H)", self.horizon)
        form.addRow("Test split as", self.test_mode)
        form.addRow("Test fraction", self.test_fraction)
        form.addRow("Test rows", self.test_size)
        form.addRow("Validation fraction", self.val_fraction)
        form.addRow("Season", self.season)
        self._test_form = form
        model_box = QGroupBox("Network")
        form = QFormLayout(model_box)
        form.addRow("Cell", self.cell)
        form.addRow("Hidden size", self.hidden)
        form.addRow("Layers", self.layers)
        form.addRow("Dropout", self.dropout)
        form.addRow("", self.bidirectional)
        form.addRow("Head width", self.head_width)
        train_box = QGroupBox("Training")
        form = QFormLayout(train_box)
        form.addRow("Epochs", self.epochs)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Learning rate", self.lr)
        form.addRow("Loss", self.loss)
        form.addRow("Patience", self.patience)
        form.addRow("Scaling", self.scaler)
        form.addRow("Predict", self.target_mode)
        form.addRow("Seed", self.seed)
        forecast_box = QGroupBox("Forecast")
        form = QFormLayout(forecast_box)
        form.addRow("Steps ahead", self.forecast_steps)
        form.addRow("Interval", self.interval_level)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for box in (data_box, model_box, train_box, forecast_box):
            layout.addWidget(box)

        for spin in self.findChildren(QSpinBox) + self.findChildren(QDoubleSpinBox):
            spin.valueChanged.connect(self.changed)
        for combo in self.findChildren(QComboBox):
            combo.currentIndexChanged.connect(self.changed)
        self.bidirectional.toggled.connect(self.changed)
        self.test_mode.currentIndexChanged.connect(self._update_test_rows)
        self._update_test_rows()

    def _update_test_rows(self) -> None:
        by_rows = self.test_mode.currentData() == "rows"
        self._test_form.setRowVisible(self.test_fraction, not by_rows)
        self._test_form.setRowVisible(self.test_size, by_rows)

    def values(self) -> dict[str, Any]:
        """The form as ForecastConfig keyword arguments (without the columns)."""
        by_rows = self.test_mode.currentData() == "rows"
        return {
            "window": self.window.value() or None,
            "horizon": self.horizon.value(),
            "test_fraction": self.test_fraction.value(),
            "test_size": self.test_size.value() if by_rows else None,
            "val_fraction": self.val_fraction.value(),
            "season": self.season.value() or None,
            "cell": self.cell.currentData(),
            "hidden": self.hidden.value(),
            "layers": self.layers.value(),
            "dropout": self.dropout.value(),
            "bidirectional": self.bidirectional.isChecked(),
            "head_width": self.head_width.value(),
            "epochs": self.epochs.value(),
            "batch_size": self.batch_size.value(),
            "lr": self.lr.value(),
            "loss": self.loss.currentData(),
            "patience": self.patience.value(),
            "scaler": self.scaler.currentData(),
            "target_mode": self.target_mode.currentData(),
            "seed": self.seed.value(),
            "forecast_steps": self.forecast_steps.value() or None,
            "interval_level": self.interval_level.value() / 100,
        }

    def set_values(self, values: dict[str, Any]) -> None:
        """Restores saved values; unknown keys and bad values are ignored."""
        spins = {"window": self.window, "horizon": self.horizon, "test_size": self.test_size,
                 "season": self.season, "hidden": self.hidden, "layers": self.layers,
                 "head_width": self.head_width, "epochs": self.epochs, "batch_size": self.batch_size,
                 "patience": self.patience, "seed": self.seed, "test_fraction": self.test_fraction,
                 "val_fraction": self.val_fraction, "dropout": self.dropout, "lr": self.lr,
                 "forecast_steps": self.forecast_steps, "interval_level": self.interval_level}
        combos = {"cell": self.cell, "loss": self.loss, "scaler": self.scaler, "target_mode": self.target_mode}
        values = dict(values)
        if isinstance(values.get("interval_level"), (int, float)):
            values["interval_level"] = round(values["interval_level"] * 100)
        for key, value in values.items():
            if value is None:
                if key not in ("window", "season", "forecast_steps"):
                    continue
                value = 0  # "auto"
            try:
                if key in spins:
                    box = spins[key]
                    box.setValue(type(box.value())(value))
                elif key in combos and combos[key].findData(value) >= 0:
                    combos[key].setCurrentIndex(combos[key].findData(value))
                elif key == "bidirectional":
                    self.bidirectional.setChecked(bool(value))
            except (TypeError, ValueError):
                continue
        if values.get("test_size"):
            self.test_mode.setCurrentIndex(self.test_mode.findData("rows"))
