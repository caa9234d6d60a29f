"""The settings form, built from the settings table: one widget per form-visible setting.

The widget follows the declared type (spin box, decimal spin box, drop-down, check box); "auto"
(None) is the spin box's lowest value shown as text; labels and tooltips come from the table,
and settings are grouped in boxes as declared. The one hand-written piece is the test split's
"fraction of rows / last N rows" choice, which joins two settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator, QWheelEvent
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

from core.i18n import _
from core.model.device import available_devices, unavailable_reason
from core.settings.config import SETTINGS, SETTINGS_BY_NAME
from core.settings.table import GROUPS, Setting

FORM_SETTINGS = tuple(s for s in SETTINGS if s.in_form)
TEST_ROWS_START = 31  # "last N rows" starts at a month of daily rows
# Settings whose "auto" (None) is chosen by another widget, not by a spin box's lowest value: one
# that, set, overrides a setting that always has a value (`exclusive_with`). The test split's
# "fraction of rows / last N rows" drop-down decides whether test_size is None.
AUTO_ELSEWHERE = frozenset(s.name for s in SETTINGS for other in s.exclusive_with
                           if not SETTINGS_BY_NAME[other].optional)


# An "auto" that is another field's number: the spin box says the number, not only where it comes
# from ("= steps ahead" beside "= horizon" read as a riddle). The other field at "auto" too: 1.
AUTO_FROM = {"horizon": "forecast_steps", "forecast_steps": "horizon"}


def _auto_in_widget(s: Setting) -> bool:
    return s.optional and s.name not in AUTO_ELSEWHERE


class WheelNeedsFocus:
    """Leaves the mouse wheel to the scrolling panel unless the field has focus: scrolling past a
    spin box or a drop-down must not change its value silently."""

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel alone doesn't take focus

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # goes on to the scroll area


class SpinBox(WheelNeedsFocus, QSpinBox):
    """A whole-number spin box that ignores the mouse wheel unless it has focus. `special`: a value
    shown as words besides the minimum's ("auto" at the minimum, "full batch" at 0)."""

    special: tuple[int, str] | None = None

    def textFromValue(self, value: int) -> str:
        if self.special is not None and value == self.special[0]:
            return self.special[1]
        return super().textFromValue(value)

    def valueFromText(self, text: str) -> int:
        if self.special is not None and text.strip() == self.special[1]:
            return self.special[0]
        return super().valueFromText(text)

    def validate(self, text: str, pos: int) -> object:
        if self.special is not None and text.strip() == self.special[1]:
            return QValidator.State.Acceptable, text, pos
        return super().validate(text, pos)


class DoubleSpinBox(WheelNeedsFocus, QDoubleSpinBox):
    """A decimal spin box that ignores the mouse wheel unless it has focus."""


class ComboBox(WheelNeedsFocus, QComboBox):
    """A drop-down that ignores the mouse wheel unless it has focus, and may be narrower than its
    longest choice (the list opens full width), so long labels don't widen the settings pane."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)


def object_name(s: Setting) -> str:
    """`forecast_steps` -> `forecastStepsSpin` (or the declared name)."""
    if s.object_name:
        return s.object_name
    first, *rest = s.name.split("_")
    suffix = "Check" if s.kind is bool else "Combo" if s.choices else "Spin"
    return first + "".join(word.capitalize() for word in rest) + suffix


def tooltip(s: Setting) -> str:
    if _auto_in_widget(s):
        return _("{help} '{auto}': {meaning}.").format(help=_(s.help), auto=_(s.auto_text), meaning=_(s.auto))
    return _(s.help)


def _int_range(s: Setting) -> tuple[int, int]:
    low, high = s.widget_range or (s.low, s.high)
    return int(low if low is not None else 0), int(high if high is not None else 2_147_483_647)


def _make_widget(s: Setting) -> QWidget:
    widget: QWidget
    if s.kind is bool and not s.choices:
        widget = QCheckBox()
    elif s.choices:
        combo = ComboBox()
        for value, label in s.choices:
            combo.addItem(_(label), value)
        widget = combo
    elif s.kind is float and not s.percent:
        double = DoubleSpinBox()
        low, high = s.widget_range or (s.low or 0.0, s.high or 1e9)
        double.setDecimals(s.decimals)
        if _auto_in_widget(s):  # "auto" one step of the last decimal below the lowest value
            low -= 10.0 ** -s.decimals
            double.setSpecialValueText(_(s.auto_text))
        double.setRange(low, high)
        double.setSingleStep(s.step)
        widget = double
    else:
        spin = SpinBox()
        spin.setAccelerated(True)
        if s.percent:
            low, high = s.widget_range or (s.low or 0.0, s.high or 1.0)
            spin.setRange(round(low * 100), round(high * 100))
            spin.setSuffix(" %")
        else:
            low_int, high_int = _int_range(s)
            automatic = _auto_in_widget(s)
            spin.setRange(low_int - 1 if automatic else low_int, high_int)
            if automatic or s.special:
                spin.setSpecialValueText(_(s.auto_text if automatic else s.special))  # shown at the minimum
            if automatic and s.special:  # both: the special value (e.g. 0 = full batch) in words too
                spin.special = (low_int, _(s.special))
        widget = spin
    widget.setObjectName(object_name(s))
    widget.setToolTip(tooltip(s))
    return widget


def _value(s: Setting, widget: Any) -> Any:
    if s.kind is bool and not s.choices:
        return widget.isChecked()
    if s.choices:
        return widget.currentData()
    if s.percent:
        return widget.value() / 100
    if _auto_in_widget(s) and widget.value() == widget.minimum():
        return None  # "auto"
    return widget.value()


def _set_value(s: Setting, widget: Any, value: Any) -> None:
    """Shows `value`; raises TypeError/ValueError for a value of the wrong kind."""
    if s.kind is bool and not s.choices:
        widget.setChecked(bool(value))
    elif s.choices:
        if widget.findData(value) >= 0:
            widget.setCurrentIndex(widget.findData(value))
    elif value is None:
        if _auto_in_widget(s):
            widget.setValue(widget.minimum())
    elif isinstance(value, bool):
        raise TypeError(f"{s.name} is not a true/false setting")
    elif s.percent:
        widget.setValue(round(float(value) * 100))
    elif s.kind is int:
        widget.setValue(int(value))
    else:
        widget.setValue(float(value))


def declared_widget(s: Setting) -> QWidget:
    """The field of any declared setting (a request's too), showing its declared default."""
    widget = _make_widget(s)
    _set_value(s, widget, s.default)
    return widget


def declared_value(s: Setting, widget: QWidget) -> Any:
    """The value a field made by `declared_widget` shows (None where it shows "auto")."""
    return _value(s, widget)


def show_declared_value(s: Setting, widget: QWidget, value: Any) -> None:
    """Shows `value` in a field made by `declared_widget`; TypeError/ValueError for a wrong kind."""
    _set_value(s, widget, value)


class SettingsForm(QWidget):
    changed = Signal()  # any field changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widgets: dict[str, QWidget] = {}
        for s in FORM_SETTINGS:
            widget = _make_widget(s)
            self.widgets[s.name] = widget
            setattr(self, s.name, widget)  # form.epochs, form.window... as before
        self.test_mode = ComboBox()
        self.test_mode.setObjectName("testModeCombo")
        self.test_mode.addItem(_("fraction of rows"), "fraction")
        self.test_mode.addItem(_("last N rows"), "rows")
        self.test_mode.setToolTip(_("Hold out the test split as a fraction of the rows, or as the last N rows (for "
                                    "example the last 31 days)."))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._test_form: QFormLayout | None = None
        for group, title in GROUPS.items():
            members = [s for s in FORM_SETTINGS if s.group == group]
            if not members:
                continue
            box = QGroupBox(_(title))
            form = QFormLayout(box)
            for s in members:
                if s.name == "test_fraction":
                    form.addRow(_("Test split as"), self.test_mode)
                    self._test_form = form
                form.addRow(_(s.label), self.widgets[s.name])
            layout.addWidget(box)

        self.reset_to_defaults()
        for widget in [*self.widgets.values(), self.test_mode]:
            if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
                widget.valueChanged.connect(self.changed)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self.changed)
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(self.changed)
        self.test_mode.currentIndexChanged.connect(self._update_test_rows)
        self._update_test_rows()
        self.show_devices()
        for name in AUTO_FROM:  # the fields' own signals: the form's are blocked while values are restored
            if name in self.widgets:
                self.widgets[name].valueChanged.connect(self._show_auto_numbers)  # type: ignore[attr-defined]
        self._show_auto_numbers()

    def _show_auto_numbers(self) -> None:
        """The number an "auto" that follows another field stands for: '7 (= steps ahead)'."""
        for name, other in AUTO_FROM.items():
            if name not in self.widgets or other not in self.widgets:
                continue
            number = _value(SETTINGS_BY_NAME[other], self.widgets[other]) or 1
            auto = _(SETTINGS_BY_NAME[name].auto_text)
            self.widgets[name].setSpecialValueText(  # type: ignore[attr-defined]
                _("{count} ({auto})").format(count=number, auto=auto))

    def show_devices(self, available: frozenset[str] | None = None) -> None:
        """Devices this machine lacks are disabled, each with the reason as its tooltip; one chosen
        anyway (settings remembered from another machine) goes back to automatic."""
        combo = self.widgets.get("device")
        if not isinstance(combo, QComboBox):
            return
        available = available_devices() if available is None else available
        items = combo.model()
        for index in range(combo.count()):
            value = combo.itemData(index)
            usable = value in ("auto", "cpu") or value in available
            items.item(index).setEnabled(usable)  # type: ignore[attr-defined]
            combo.setItemData(index, None if usable else unavailable_reason(value), Qt.ItemDataRole.ToolTipRole)
        if combo.currentData() not in ("auto", "cpu") and combo.currentData() not in available:
            combo.setCurrentIndex(combo.findData("auto"))

    def reset_to_defaults(self) -> None:
        """Every field at its declared default; the test split as a fraction of the rows."""
        self.set_values({s.name: s.default for s in FORM_SETTINGS})
        if "test_size" in self.widgets:
            self.widgets["test_size"].setValue(TEST_ROWS_START)  # type: ignore[attr-defined]
        self.test_mode.setCurrentIndex(self.test_mode.findData("fraction"))

    def _by_rows(self) -> bool:
        return self.test_mode.currentData() == "rows"

    def _update_test_rows(self) -> None:
        if self._test_form is None:
            return
        self._test_form.setRowVisible(self.widgets["test_fraction"], not self._by_rows())
        self._test_form.setRowVisible(self.widgets["test_size"], self._by_rows())

    def values(self) -> dict[str, Any]:
        """The form as ForecastConfig keyword arguments (without the columns)."""
        values = {s.name: _value(s, self.widgets[s.name]) for s in FORM_SETTINGS}
        if "test_size" in values and not self._by_rows():
            values["test_size"] = None
        return values

    def set_values(self, values: dict[str, Any]) -> None:
        """Restores saved values; unknown keys and bad values are ignored."""
        for s in FORM_SETTINGS:
            if s.name not in values or (s.name == "test_size" and values[s.name] is None):
                continue  # test rows keep their number while the fraction decides
            try:
                _set_value(s, self.widgets[s.name], values[s.name])
            except (TypeError, ValueError, OverflowError):
                continue
        if "test_size" in values:
            self.test_mode.setCurrentIndex(self.test_mode.findData("rows" if values["test_size"] else "fraction"))
        if "device" in values:
            self.show_devices()
