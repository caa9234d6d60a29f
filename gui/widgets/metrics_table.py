"""The test-split scores of the model and the three baselines, side by side."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.i18n import N_, _
from core.numbers import EMPTY, decimals_for, number_text

ROWS = [("model", N_("Model")), ("naive", N_("Naive (last value)")), ("seasonal_naive", N_("Seasonal naive")),
        ("linear", N_("Linear (Ridge)"))]
COLUMNS = [("rmse", "RMSE", N_("Root mean squared error, in the target's units. Lower is better.")),
           ("mae", "MAE", N_("Mean absolute error, in the target's units. Lower is better.")),
           ("mape", "MAPE %", N_("Mean absolute percentage error (rows where the actual is 0 skipped).")),
           ("r2", "R²", N_("Share of the variance explained; 1 is perfect, below 0 is worse than the mean.")),
           ("mase", "MASE", N_("MAE divided by the naive forecast's in-sample MAE; below 1 beats it."))]
LOWER_IS_BETTER = {"rmse", "mae", "mape", "mase"}


class MetricsTable(QTableWidget):
    def __init__(self, parent=None, objectName: str = "") -> None:
        super().__init__(len(ROWS), len(COLUMNS), parent)
        if objectName:
            self.setObjectName(objectName)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalHeaderLabels([_(label) for _key, label in ROWS])
        for column, (_key, label, tip) in enumerate(COLUMNS):
            item = QTableWidgetItem(label)  # the scores' own abbreviations, the same in every language
            item.setToolTip(_(tip))
            self.setHorizontalHeaderItem(column, item)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setToolTip(_("Scores on the test split; the best in each column is in bold."))
        self.setMinimumHeight(150)

    def clear_metrics(self) -> None:
        self.clearContents()

    def show_metrics(self, metrics: dict[str, dict[str, float | None]], seasonal: bool = True) -> None:
        """Shows the scores; rows with no score at all are hidden, and "Seasonal naive" when there is
        no season (it is then the naive forecast again)."""
        self.clearContents()
        for row, (name, _label) in enumerate(ROWS):
            scored = any(v is not None for v in metrics.get(name, {}).values())
            self.setRowHidden(row, not scored or (name == "seasonal_naive" and not seasonal))
        bold = QFont()
        bold.setBold(True)
        for column, (key, _label, _tip) in enumerate(COLUMNS):
            values = {name: metrics.get(name, {}).get(key) for name, _label in ROWS
                      if seasonal or name != "seasonal_naive"}
            present = {n: v for n, v in values.items() if v is not None}
            best = None
            if present:
                pick = min if key in LOWER_IS_BETTER else max
                best = pick(present, key=lambda n: present[n] if key != "mase" else abs(present[n]))
            places = decimals_for(values.values())  # one count of decimals down the column
            for row, (name, _label) in enumerate(ROWS):
                value = values.get(name)
                item = QTableWidgetItem(number_text(value, places, EMPTY))
                if name == best:
                    item.setFont(bold)
                self.setItem(row, column, item)

    def cell_text(self, row_key: str, column_key: str) -> str:
        row = [k for k, _label in ROWS].index(row_key)
        column = [k for k, _label, _tip in COLUMNS].index(column_key)
        item = self.item(row, column)
        return item.text() if item else ""
