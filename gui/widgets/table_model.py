"""A read-only table model over a DataFrame that formats only the cells Qt asks for.

Qt asks for visible cells only, so a million-row frame scrolls as smoothly as a small one.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

_ROOT = QModelIndex()  # the invisible root: the default parent of a flat table


def format_value(value: object) -> str:
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
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else str(stamp)
    return str(value)


class DataFrameModel(QAbstractTableModel):
    def __init__(self, frame: pd.DataFrame | None = None, parent=None) -> None:
        super().__init__(parent)
        self._frame = frame if frame is not None else pd.DataFrame()
        self._columns: list[np.ndarray] = []
        self._refresh_columns()

    def _refresh_columns(self) -> None:
        # one numpy array per column: item access is far cheaper than DataFrame.iat
        self._columns = [self._frame[c].to_numpy() for c in self._frame.columns]

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self._frame = frame
        self._refresh_columns()
        self.endResetModel()

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
            return format_value(self._columns[index.column()][index.row()])
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
