"""A read-only table model over a DataFrame that formats only the cells Qt asks for.

Qt asks for visible cells only, so a million-row frame scrolls as smoothly as a small one. Cells
the import filled in (a missing value interpolated) are shaded and say so in their tooltip.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from core.i18n import _

_ROOT = QModelIndex()  # the invisible root: the default parent of a flat table
FILLED_BACKGROUND = QColor("#fff3bf")  # pale yellow, readable in a dark theme too (dark text set)
FILLED_TEXT = QColor("#5c3c00")


def has_times(values: np.ndarray) -> bool:
    """Whether a datetime column has any time of day other than midnight: then every cell shows
    its time, midnight's too ('2000-06-05 00:00:00' beside '2000-06-05 00:30:00')."""
    if not np.issubdtype(values.dtype, np.datetime64):
        return False
    known = values[~np.isnat(values)]
    return bool((known != known.astype("datetime64[D]")).any())


def format_value(value: object, times: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return f"{value:.15g}"  # every digit the file had (70602.95, 1371330000), none of float's noise
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return ""
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() and not times else str(stamp)
    return str(value)


class DataFrameModel(QAbstractTableModel):
    def __init__(self, frame: pd.DataFrame | None = None, parent=None) -> None:
        super().__init__(parent)
        self._frame = frame if frame is not None else pd.DataFrame()
        self._columns: list[np.ndarray] = []
        self._times: list[bool] = []
        self._filled: list[np.ndarray | None] = []  # per column: True where the import filled the value
        self._refresh_columns({})

    def _refresh_columns(self, filled_rows: dict[str, np.ndarray]) -> None:
        # one numpy array per column: item access is far cheaper than DataFrame.iat
        self._columns = [self._frame[c].to_numpy() for c in self._frame.columns]
        self._times = [has_times(values) for values in self._columns]
        self._filled = []
        for name in self._frame.columns:
            rows = filled_rows.get(name)
            mask = None
            if rows is not None and len(rows):
                mask = np.zeros(len(self._frame), dtype=bool)
                mask[rows[rows < len(mask)]] = True
            self._filled.append(mask)

    def set_frame(self, frame: pd.DataFrame, filled_rows: dict[str, np.ndarray] | None = None) -> None:
        """`filled_rows`: the rows of each column whose value the import filled in (marked)."""
        self.beginResetModel()
        self._frame = frame
        self._refresh_columns(filled_rows or {})
        self.endResetModel()

    def is_filled(self, row: int, column: int) -> bool:
        mask = self._filled[column]
        return bool(mask is not None and mask[row])

    def frame(self) -> pd.DataFrame:
        return self._frame

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._frame.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(self._columns[index.column()][index.row()], self._times[index.column()])
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole) \
                and self.is_filled(index.row(), index.column()):
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("Filled in: this value was missing in the file; the import interpolated it (or took the "
                         "nearest value, at the start or the end).")
            return QBrush(FILLED_BACKGROUND if role == Qt.ItemDataRole.BackgroundRole else FILLED_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and np.issubdtype(
                self._columns[index.column()].dtype, np.number):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return str(self._frame.columns[section])
        return str(section + 1)  # rows numbered from 1, as in the CLI's outputs
