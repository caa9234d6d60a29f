"""The columns box: which column to forecast, which orders the rows, which help explain it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from core.i18n import N_, _
from core.numbers import figures
from gui.format import plain_tooltip
from gui.panels import Panel
from gui.session import Session

NO_DATE = N_("(none)")  # the date combo's first item, shown translated


class ColumnsPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("columnsPanel")
        self.session = session
        self.target_combo = QComboBox(objectName="targetCombo")
        self.target_combo.setToolTip(_("The column to forecast. Its own past is always an input."))
        self.date_combo = QComboBox(objectName="dateColumnCombo")
        self.date_combo.setToolTip(_("The date/time column: it orders the rows and labels the chart. Changing it "
                                     "reads the file again."))
        self.feature_list = QListWidget(objectName="featureList")
        self.feature_list.setToolTip(_("Extra input columns (drivers). Tick the ones that help explain the target; "
                                       "the target's own past is always used."))
        self.feature_list.setMinimumHeight(180)  # a dozen columns without scrolling
        self.select_all_button = QPushButton(_("Select all"), objectName="selectAllFeatures")
        self.select_all_button.setToolTip(_("Tick every column that can be a feature"))
        self.select_all_button.clicked.connect(lambda: self._tick_all(True))
        self.select_none_button = QPushButton(_("Select none"), objectName="selectNoFeatures")
        self.select_none_button.clicked.connect(lambda: self._tick_all(False))
        feature_buttons = QHBoxLayout()
        feature_buttons.addWidget(self.select_all_button)
        feature_buttons.addWidget(self.select_none_button)
        feature_buttons.addStretch(1)
        box = QGroupBox(_("Columns"))
        form = QFormLayout(box)
        form.addRow(_("Target"), self.target_combo)
        form.addRow(_("Date column"), self.date_combo)
        form.addRow(_("Features"), self.feature_list)
        form.addRow("", feature_buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        self.target_combo.currentIndexChanged.connect(self._on_target_changed)
        self.feature_list.itemChanged.connect(lambda _item: self._push())
        self.date_combo.activated.connect(self._on_date_column_chosen)
        session.data.finished.connect(self._fill)
        session.data.columnsChanged.connect(self._follow)

    def selected_features(self) -> list[str]:
        items = [self.feature_list.item(i) for i in range(self.feature_list.count())]
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked
                and item.flags() & Qt.ItemFlag.ItemIsEnabled]

    def set_features(self, names: list[str]) -> None:
        for i in range(self.feature_list.count()):
            item = self.feature_list.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)

    def _tick_all(self, checked: bool) -> None:
        """Ticks (or unticks) every column that can be a feature, then plans once."""
        self.feature_list.blockSignals(True)
        for i in range(self.feature_list.count()):
            item = self.feature_list.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.feature_list.blockSignals(False)
        self._push()

    def _push(self) -> None:
        self.session.data.set_columns(self.target_combo.currentText(), self.selected_features())

    def _fill(self, _loaded=None) -> None:
        report = self.session.data.loaded.report
        blocked = [self.target_combo.blockSignals(True), self.feature_list.blockSignals(True)]
        self.target_combo.clear()
        self.target_combo.addItems(report.numeric_columns())
        self.target_combo.setCurrentText(self.session.data.target)
        self.date_combo.clear()
        self.date_combo.addItem(_(NO_DATE), None)
        for column in report.columns:
            if column.kind in ("datetime", "text") or column.name == report.date_column:
                self.date_combo.addItem(column.name, column.name)
        self.date_combo.setCurrentIndex(max(0, self.date_combo.findData(report.date_column))
                                        if report.date_column else 0)
        self._fill_features(set(self.session.data.features))
        self.target_combo.blockSignals(blocked[0])
        self.feature_list.blockSignals(blocked[1])

    def _follow(self) -> None:
        """The Session's columns were set elsewhere (the window restoring those last used): show them."""
        data = self.session.data
        if data.loaded is None or (self.target_combo.currentText() == data.target
                                   and set(self.selected_features()) == set(data.features)):
            return
        blocked = self.target_combo.blockSignals(True)
        self.target_combo.setCurrentText(data.target)
        self.target_combo.blockSignals(blocked)
        self._fill_features(set(data.features))

    def _fill_features(self, keep_checked: set[str]) -> None:
        report = self.session.data.loaded.report
        target = self.target_combo.currentText()
        self.feature_list.blockSignals(True)
        self.feature_list.clear()
        for column in report.columns:
            if column.name == report.date_column:
                continue
            item = QListWidgetItem(column.name)
            flags = Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
            if not column.usable:
                flags = Qt.ItemFlag.ItemIsUserCheckable
                # the reason may quote a cell of the file
                item.setToolTip(plain_tooltip(_("Can't be a feature: {reason}.").format(reason=column.reason)))
            elif column.name == target:
                flags = Qt.ItemFlag.ItemIsUserCheckable
                item.setToolTip(_("This is the target: its own past is always an input."))
            else:
                item.setToolTip(_("Numeric column: tick to use it as an input (range {low:.4g} to {high:.4g}).")
                                .format(**figures(low=column.min, high=column.max)))
            item.setFlags(flags)
            checked = column.name in keep_checked and column.name != target
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.feature_list.addItem(item)
        self.feature_list.blockSignals(False)

    def _on_target_changed(self, _index: int) -> None:
        if self.session.data.loaded is not None:
            self._fill_features(set(self.selected_features()))
        self._push()

    def _on_date_column_chosen(self, _index: int) -> None:
        chosen = self.date_combo.currentData()  # None for "(none)", in any language
        if self.session.data.loaded is not None and chosen != self.session.data.loaded.report.date_column:
            self.session.data.reread(date_column=chosen)
