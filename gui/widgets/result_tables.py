"""The Results tab's number tables: the forecast step by step and the scores per step. Both copy
their selected rows (Ctrl+C) as tab-separated text with a header line, ready for a spreadsheet,
with every digit the engine computed (the cells show fewer)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.i18n import N_, _
from core.numbers import EMPTY, decimals_for, number_text
from core.prep.timeindex import format_time

FULL = Qt.ItemDataRole.UserRole  # the cell's value as copied: full precision


def _shown(value: object, decimals: int) -> str:
    """A cell in grouped fixed notation with its column's decimals (core.numbers)."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return number_text(value, decimals, EMPTY)
    return EMPTY if value is None else str(value)


def _copied(value: object) -> str:
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


class CopyableTable(QTableWidget):
    """A read-only table whose selected rows Ctrl+C copies as tab-separated text."""

    COLUMNS: tuple[tuple[str, str], ...] = ()  # (key, header)

    def __init__(self, parent=None, objectName: str = "") -> None:
        super().__init__(0, len(self.COLUMNS), parent)
        if objectName:
            self.setObjectName(objectName)
        self.setHorizontalHeaderLabels([_(header) for _key, header in self.COLUMNS])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(22)

    def set_rows(self, rows: list[list[tuple[str, str]]]) -> None:
        """Each row: (shown text, copied text) per column."""
        self.clearContents()
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, (shown, copied) in enumerate(row):
                item = QTableWidgetItem(shown)
                item.setData(FULL, copied)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)

    def copied_text(self, rows: list[int] | None = None) -> str:
        """The header and the given rows (default: the selected ones, else all) as TSV."""
        if rows is None:
            rows = sorted({index.row() for index in self.selectedIndexes()}) or list(range(self.rowCount()))
        lines = ["\t".join(key for key, _header in self.COLUMNS)]
        for r in rows:
            lines.append("\t".join(str(self.item(r, c).data(FULL)) if self.item(r, c) else ""
                                   for c in range(self.columnCount())))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> None:
        QGuiApplication.clipboard().setText(self.copied_text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)


# the forecast's "method" values (core.model.predictor's DIRECT, RECURSIVE), as shown
METHOD_WORDS = {"direct": N_("direct"), "recursive": N_("recursive")}


class ForecastTable(CopyableTable):
    """One row per forecast step: time, step, predicted, lower, upper, method."""

    COLUMNS = (("time", N_("Time")), ("step", N_("Step")), ("predicted", N_("Predicted")), ("lower", N_("Lower")),
               ("upper", N_("Upper")), ("method", N_("Method")))

    def __init__(self, parent=None, objectName: str = "forecastTable") -> None:
        super().__init__(parent, objectName)
        self.setToolTip(_("The forecast past the last row, one row per step. Ctrl+C copies the selected rows; "
                          "File > Export > Predictions and forecast writes them with the predictions."))

    def show_forecast(self, forecast: pd.DataFrame | None) -> None:
        rows = []
        records = [] if forecast is None else forecast.to_dict("records")
        # the prediction and its bounds are one quantity: one count of decimals for all three columns
        places = decimals_for(r.get(k) for r in records for k in ("predicted", "lower", "upper"))
        for record in records:
            time = format_time(record["time"])
            row = [(time, time), (str(int(record["step"])), str(int(record["step"])))]
            for key in ("predicted", "lower", "upper"):
                value = record.get(key)
                row.append((_shown(value, places), _copied(value)))
            method = record.get("method")
            method = "" if method is None or (isinstance(method, float) and math.isnan(method)) else str(method)
            # shown in the user's language; copied as the CSV writes it
            row.append((_(METHOD_WORDS[method]) if method in METHOD_WORDS else method, method))
            rows.append(row)
        self.set_rows(rows)

    def values(self, key: str) -> list[float]:
        """A numeric column at full precision (NaN where empty), as it would be copied."""
        column = [k for k, _header in self.COLUMNS].index(key)
        return [float(self.item(r, column).data(FULL) or "nan") for r in range(self.rowCount())]


class StepScoresTable(CopyableTable):
    """The model's test scores at each step of the horizon."""

    COLUMNS = (("step", N_("Step")), ("windows", N_("Windows")), ("rmse", "RMSE"), ("mae", "MAE"),
               ("mape", "MAPE %"), ("coverage", N_("Interval coverage")))

    def __init__(self, parent=None, objectName: str = "stepScoresTable") -> None:
        super().__init__(parent, objectName)
        self.setToolTip(_("The model's test scores for each step ahead: how much accuracy falls with distance."))

    def show_scores(self, scores: pd.DataFrame | None) -> None:
        rows = []
        records = [] if scores is None else scores.to_dict("records")
        places = {key: decimals_for(r[key] for r in records) for key in ("rmse", "mae", "mape")}
        for record in records:
            row = [(str(int(record["step"])), str(int(record["step"]))),
                   (f"{int(record['windows']):,}", str(int(record["windows"])))]
            for key in ("rmse", "mae", "mape"):
                row.append((_shown(record[key], places[key]), _copied(record[key])))
            coverage = record["coverage"]
            shown = "–" if coverage is None or (isinstance(coverage, float) and math.isnan(coverage)) \
                else f"{coverage:.0%}"
            row.append((shown, _copied(coverage)))
            rows.append(row)
        self.set_rows(rows)
