"""The Search tab's views of the trials: a table model (one row per trial, the searched settings as
columns, the best row highlighted) and a chart of each trial's score with the running best.

Both take the engine's TrialRecords (core.search) as they come, in any order and as often as the
search reports; only the UI thread touches them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from core.i18n import N_, _
from core.outputs.summary import best_trial  # noqa: F401 (the panel's import; one implementation)
from core.settings.config import SETTINGS
from core.vocabulary import TRIAL_STATE_WORDS, TrialState
from gui.format import plain_tooltip, score_text, setting_label, setting_text
from gui.widgets.canvases import PlotCanvas

_ROOT = QModelIndex()
SEARCHABLE = tuple(s for s in SETTINGS if s.searchable)  # the settings table's order
STATE_WORDS = TRIAL_STATE_WORDS
BEST_BACKGROUND = QColor("#d1fadf")  # the best trial's row: a pale green that keeps text readable
FIXED_COLUMNS = (N_("Trial"), N_("State"), N_("Score"), N_("Seconds"))


class TrialsModel(QAbstractTableModel):
    """One row per trial, by trial number: number, state, score, seconds, then each searched setting."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._trials: list = []
        self._setting_names: list[str] = []
        self._best_number: int | None = None

    def set_trials(self, trials, best_number: int | None) -> None:
        trials = sorted(trials, key=lambda t: t.number)
        names = list(self._setting_names)
        order = {s.name: i for i, s in enumerate(SETTINGS)}
        for t in trials:
            names.extend(n for n in t.settings if n not in names)
        names.sort(key=lambda n: order.get(n, len(order)))
        if names != self._setting_names or len(trials) != len(self._trials):
            self.beginResetModel()
            self._trials, self._setting_names, self._best_number = trials, names, best_number
            self.endResetModel()
            return
        self._trials, self._best_number = trials, best_number  # same shape: repaint the cells only
        if trials:
            self.dataChanged.emit(self.index(0, 0), self.index(len(trials) - 1, self.columnCount() - 1))

    def clear(self) -> None:
        self.beginResetModel()
        self._trials, self._setting_names, self._best_number = [], [], None
        self.endResetModel()

    def trial(self, row: int):
        return self._trials[row]

    def best_row(self) -> int | None:
        return next((row for row, t in enumerate(self._trials) if t.number == self._best_number), None)

    def setting_names(self) -> list[str]:
        return list(self._setting_names)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._trials)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self._setting_names)

    def _text(self, t, column: int) -> str:
        if column == 0:
            return str(t.number)
        if column == 1:
            return _(STATE_WORDS[t.state]) if t.state in STATE_WORDS else t.state.lower()
        if column == 2:
            return score_text(t.score)
        if column == 3:
            return f"{t.seconds:.1f}"
        name = self._setting_names[column - len(FIXED_COLUMNS)]
        return setting_text(name, t.settings[name]) if name in t.settings else ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        t = self._trials[index.row()]
        best = t.number == self._best_number
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(t, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and best:
            return QBrush(BEST_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and best:
            return QBrush(QColor("#101828"))  # dark text on the pale row, in a dark theme too
        if role == Qt.ItemDataRole.FontRole and best:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if getattr(t, "reason", None):  # why it was pruned or failed, in words
                return plain_tooltip(t.reason)
            if getattr(t, "baseline", False):
                return _("Your own settings, as the form has them: the score to beat")
            return _("The best trial so far") if best else None
        if role == Qt.ItemDataRole.FontRole and getattr(t, "baseline", False):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and section == 2:
            return _("The trial's RMSE on the validation split, in the target's units: lower is better. Pruned and "
                     "failed trials have none.")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section < len(FIXED_COLUMNS):
            return _(FIXED_COLUMNS[section])
        return setting_label(self._setting_names[section - len(FIXED_COLUMNS)])


class TrialsCanvas(PlotCanvas):
    """Each finished trial's score (pruned trials as grey crosses: at their last score, or along the
    top edge when they were stopped before one) and the best score so far as a step line."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, figsize=(4.0, 3.0))
        self._shown_key: tuple = ()
        self.show_message(_("Each trial's score appears here while the search runs."))

    def reset(self) -> None:
        self._shown_key = ()
        self.show_message(_("Each trial's score appears here while the search runs."))

    def show_trials(self, trials) -> None:
        """Redraws when a trial's score or state changed since the last call (progress may repeat)."""
        shown = (TrialState.COMPLETE, TrialState.PRUNED)
        scored = sorted((t for t in trials if t.score is not None and t.state in shown), key=lambda t: t.number)
        unscored = sorted(t.number for t in trials if t.score is None and t.state == TrialState.PRUNED)
        key = tuple((t.number, t.state, t.score) for t in scored) + tuple(unscored)
        if key == self._shown_key:
            return
        self._shown_key = key
        if not scored:
            self.show_message(_("Each trial's score appears here while the search runs."))
            return
        axes = self.new_axes()
        complete = [t for t in scored if t.state == TrialState.COMPLETE]
        pruned = [t for t in scored if t.state == TrialState.PRUNED]
        if complete:
            axes.plot([t.number for t in complete], [t.score for t in complete], "o", color="#1f77b4",
                      label=_("trial"), gid="trial")
            best, steps_x, steps_y = math.inf, [], []
            for t in complete:
                best = min(best, t.score)
                steps_x.append(t.number)
                steps_y.append(best)
            axes.step(steps_x, steps_y, where="post", color="#e8590c", label=_("best so far"), gid="best-so-far")
        own = next((t for t in complete if getattr(t, "baseline", False)), None)
        if own is not None:  # the line every other trial has to get under
            axes.axhline(own.score, color="#667085", linestyle="--", linewidth=1, label=_("your settings"),
                         gid="your-settings")
        if pruned:
            axes.plot([t.number for t in pruned], [t.score for t in pruned], "x", color="#98a2b3",
                      label=_("pruned"), gid="pruned")
        if unscored:  # stopped before a score: at their trial number along the top edge
            axes.plot(unscored, [0.97] * len(unscored), "x", color="#98a2b3", transform=axes.get_xaxis_transform(),
                      label=None if pruned else _("pruned"), gid="pruned-unscored", clip_on=False)
        numbers = [t.number for t in scored] + unscored
        if max(numbers) - min(numbers) < 2:  # one or two trials: whole numbers around them, not ±0.04
            axes.set_xlim(min(numbers) - 1, max(numbers) + 1)
        axes.set_xlabel(_("trial"))
        axes.set_ylabel(_("validation RMSE"))  # short: a longer label was cut on a 1024 px window
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.margins(x=0.08, y=0.1)  # the first and last trials off the frame's edge
        axes.legend(loc="best", fontsize=8)  # where it covers no point
        self.draw_idle()
