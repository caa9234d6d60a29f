"""The Windows tab (the window inspector): one training sample at a time, as the network sees it.

Pick a sample with the slider or by clicking on the series: its T input rows and H target rows are
highlighted on the chart and in the data table (the target column first), the shapes line says
what X (N, T, F) -> y (N, H) means with this data, and a small table lists the values the network
reads and learns after the log transform, the scaling and the anchor."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.i18n import _
from gui.panels import Panel
from gui.session import Session
from gui.widgets.inspector_views import HighlightedRowsModel, WindowChart
from gui.widgets.table_model import DataFrameModel

DIGITS = 4  # the network's values are shown rounded; the sample keeps them exact


def rows_text(rows: range) -> str:
    """Rows 0-based -> "rows 21-34" or "row 35", numbered from 1 as the data table does."""
    if len(rows) == 1:
        return _("row {row}").format(row=rows[0] + 1)
    return _("rows {first}–{last}").format(first=rows[0] + 1, last=rows[-1] + 1)


class InspectorPanel(Panel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.setObjectName("windowInspector")
        self.session = session
        self.inspection = None  # core.pipeline.inspect_window.WindowInspection of the plan shown
        self.sample = None  # the Sample shown
        self._stale = True  # the plan changed since the inspection shown was built
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="inspectorSample")
        self.slider.setToolTip(_("Choose a sample (one window of rows); clicking on the chart picks one too."))
        self.slider.valueChanged.connect(self.show_sample)
        self.sample_label = QLabel("", objectName="inspectorSampleText", wordWrap=True)
        self.sample_label.setTextFormat(Qt.TextFormat.PlainText)
        self.shapes_label = QLabel("", objectName="inspectorShapes", wordWrap=True)
        self.shapes_label.setTextFormat(Qt.TextFormat.PlainText)  # column names
        self.shapes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = WindowChart()
        self.chart.setObjectName("inspectorChart")
        self.chart.rowClicked.connect(self.pick_row)
        self.rows_model = HighlightedRowsModel()
        self.rows_table = self._table("inspectorRows", self.rows_model)
        self.values_model = DataFrameModel()
        self.values_table = self._table("inspectorValues", self.values_model)
        self.values_table.verticalHeader().hide()  # its first column numbers the rows as the data does
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(_("Sample")))
        chooser.addWidget(self.slider, 1)
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(self._titled(_("The data: input rows blue, target rows orange"), self.rows_table))
        tables.addWidget(self._titled(_("As the network sees them"), self.values_table))
        tables.setChildrenCollapsible(False)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(self.chart)
        body.addWidget(tables)
        body.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.sample_label)
        layout.addWidget(self.shapes_label)
        layout.addWidget(body, 1)
        session.settings.planChanged.connect(self._on_plan_changed)
        session.engineReady.connect(self._on_plan_changed)

    @staticmethod
    def _table(name: str, model) -> QTableView:
        table = QTableView(objectName=name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setDefaultSectionSize(22)
        return table

    @staticmethod
    def _titled(title: str, widget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(title))
        layout.addWidget(widget, 1)
        return box

    # ---------------------------------------------------------------- following the plan
    def _on_plan_changed(self, *_args) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Builds the current plan's inspection (the scalers fit on its training rows) and shows
        the sample at the slider, or says why there is none."""
        s = self.session
        if s.settings.plan is None or s.data.loaded is None:
            self._show_nothing(s.settings.problem_text or _("Open a file and choose a target column to see the "
                                                            "samples the network learns from."))
            return
        if not s.engine_loaded():  # fitting the scalers needs it: engineReady calls again
            self._show_nothing(_("Loading the engine…"))
            return
        self._stale = False
        self.inspection = inspection = s.inspector.inspection()
        if inspection is None or not inspection.samples:
            self._show_nothing(s.inspector.problem_text or _("These settings leave no samples."))
            return
        c = inspection.config
        columns = ([c.date_column] if c.date_column else []) + list(c.input_columns)
        self.rows_model.set_frame(s.data.loaded.frame[columns])
        bounds = inspection.plan.bounds
        self.chart.show_series(s.data.loaded.frame[c.target].to_numpy(dtype=np.float64), c.target,
                               {split: bounds.row_range(split) for split in ("train", "val", "test")},
                               inspection.split_words())
        lines = inspection.shapes_lines()
        reason = inspection.plan.smoothing_alone_reason()
        self.shapes_label.setText("\n".join([*lines, inspection.values_line(), *([reason] if reason else [])]))
        self.slider.setEnabled(True)
        self.slider.blockSignals(True)
        self.slider.setRange(0, inspection.samples - 1)
        self.slider.blockSignals(False)
        self.show_sample(self.slider.value())

    def _show_nothing(self, text: str) -> None:
        self.inspection = self.sample = None
        self.slider.setEnabled(False)
        self.sample_label.setText(text)
        self.shapes_label.setText("")
        self.rows_model.set_frame(pd.DataFrame())
        self.values_model.set_frame(pd.DataFrame())
        self.chart.show_message(text)

    # ---------------------------------------------------------------- one sample
    def pick_row(self, row: int) -> None:
        """A click on the chart at row `row` (0-based): the sample whose last input row is nearest."""
        if self.inspection is not None:
            self.slider.setValue(self.inspection.index_at_row(row))

    def show_sample(self, index: int) -> None:
        if self.inspection is None:
            return
        sample = self.sample = self.inspection.sample(index)
        inputs, targets = sample.input_rows, sample.target_rows
        self.rows_model.highlight(inputs, targets)
        self.rows_table.scrollTo(self.rows_model.index(inputs[0], 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self.chart.set_sample(inputs, targets)
        self.sample_label.setText(_(
            "Sample {index} of {total}: {split} sample {number} of {of}. It reads {inputs} (T × F = {t} × {f}: the "
            "window's rows × the input columns) and learns to predict {targets} (H = {h}).").format(
            index=index + 1, total=self.inspection.samples, split=sample.split_text, number=sample.number,
            of=sample.of,
            inputs=rows_text(inputs), t=sample.window, f=len(sample.columns), targets=rows_text(targets),
            h=sample.horizon))
        self.values_model.set_frame(self.values_frame(sample))
        self.values_table.resizeColumnsToContents()

    @staticmethod
    def values_frame(sample) -> pd.DataFrame:
        """The sample's rows (numbered from 1) with what the network reads (x, one column per input,
        the target first) and, on the target rows, the anchor and what it learns (y)."""
        t, h = sample.window, sample.horizon
        blank = np.full(h, np.nan)
        table = {_("row"): np.concatenate([np.asarray(sample.input_rows), np.asarray(sample.target_rows)]) + 1,
                 _("part"): [_("input")] * t + [_("target")] * h}
        for i, column in enumerate(sample.columns):
            table[_("x: {column}").format(column=column)] = np.concatenate([sample.x[:, i], blank]).round(DIGITS)
        gap = np.full(t, np.nan)
        table[_("target, scaled")] = np.concatenate([gap, sample.scaled_targets]).round(DIGITS)
        if sample.anchor is not None:
            table[_("anchor")] = np.concatenate([gap, sample.anchor]).round(DIGITS)
        table[_("y: learns")] = np.concatenate([gap, sample.y]).round(DIGITS)
        return pd.DataFrame(table)
