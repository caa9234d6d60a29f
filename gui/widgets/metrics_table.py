"""The test-split scores of the model and the three baselines, side by side."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

ROWS = [("model", "Model"), ("naive", "Naive (last value)"), ("seasonal_naive", "Seasonal naive"),
        ("linear", "Linear (Ridge)")]
COLUMNS = [("rmse", "RMSE", "Root mean squared error, in the target's units. Lower is better."),
           ("mae", "MAE", "Mean absolute error, in the target's units. Lower is better."),
           ("mape", "MAPE %", "Mean absolute percentage error (rows where the actual is 0 skipped)."),
           ("r2", "R²", "Share of the variance explained; 1 is perfect, below 0 is worse than the mean."),
           ("mase", "MASE", "MAE divided by the naive forecast's in-sample MAE; below 1 beats it.")]
LOWER_IS_BETTER = {"rmse", "mae", "mape", "mase"}


class MetricsTable(QTableWidget):
    def __init__(self, parent=None, objectName: str = "") -> None:
        super().__init__(len(ROWS), len(COLUMNS), parent)
        if objectName:
            self.setObjectName(objectName)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalHeaderLabels([label for _, label in ROWS])
        for column, (_, label, tip) in enumerate(COLUMNS):
            item = QTableWidgetItem(label)
            item.setToolTip(tip)
            self.setHorizontalHeaderItem(column, item)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.setToolTip("Scores on the test split; the best in each column is in bold.")
        self.setMinimumHeight(150)

    def clear_metrics(self) -> None:
        self.clearContents()

    def show_metrics(self, metrics: dict[str, dict[str, float | None]], seasonal: bool = True) -> None:
        """Shows the scores; rows with no score at all are hidden, and "Seasonal naive" when there is
        no season (it is then the naive forecast again)."""
        self.clearContents()
        for row, (name, _) in enumerate(ROWS):
            scored = any(v is not None for v in metrics.get(name, {}).values())
            self.setRowHidden(row, not scored or (name == "seasonal_naive" and not seasonal))
        bold = QFont()
        bold.setBold(True)
        for column, (key, _, _) in enumerate(COLUMNS):
            values = {name: metrics.get(name, {}).get(key) for name, _ in ROWS
                      if seasonal or name != "seasonal_naive"}
            present = {n: v for n, v in values.items() if v is not None}
            best = None
            if present:
                pick = min if key in LOWER_IS_BETTER else max
                best = pick(present, key=lambda n: present[n] if key != "mase" else abs(present[n]))
            for row, (name, _) in enumerate(ROWS):
                value = values.get(name)
                item = QTableWidgetItem("–" if value is None else f"{value:.4g}")
                if name == best:
                    item.setFont(bold)
                self.setItem(row, column, item)

    def cell_text(self, row_key: str, column_key: str) -> str:
        row = [k for k, _ in ROWS].index(row_key)
        column = [k for k, _, _ in COLUMNS].index(column_key)
        item = self.item(row, column)
        return item.text() if item else ""
