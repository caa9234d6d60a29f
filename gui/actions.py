"""Every command of the window declared once: text, shortcut, handler, status tip and when it is
enabled. The table builds the QActions, the menus and the toolbar (napari's action tables).

Handlers are attribute paths on the window ("dialogs.save_model") looked up when triggered and
called with no arguments: QAction.triggered(bool) would pass `checked` as the first parameter
(Save model once took it for a path). A focused spin box or line edit claims some of our keys
for itself (Ctrl+E is "end of line" on Linux); the ShortcutGuard gives them back to the actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QMenu, QMenuBar, QToolBar, QWidget

from core.i18n import N_, _
from gui.jobs import Job
from gui.session import Session

Key = QKeySequence.StandardKey


def always(_session: Session) -> bool:
    return True


def has_output(session: Session) -> bool:
    return session.shown is not None


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    handler: str  # attribute path on the window, called with no arguments
    shortcut: Key | str | None = None
    tip: str = ""
    enabled_when: Callable[[Session], bool] = always


ACTIONS = (
    ActionSpec("open", N_("&Open CSV…"), "dialogs.choose_csv", Key.Open, N_("Open a CSV file"),
               lambda s: s.may(Job.LOAD)),
    ActionSpec("reload", N_("&Re-read with these options"), "data_panel.reread", "Ctrl+Shift+R",
               N_("Read the file again with the encoding/delimiter/decimal chosen on the Data tab"),
               lambda s: s.data.source_path is not None and s.may(Job.LOAD)),
    ActionSpec("quit", N_("&Quit"), "close", Key.Quit),
    ActionSpec("train", N_("&Train"), "session.training.start", "Ctrl+R", N_("Train a model with these settings"),
               lambda s: s.training.can_start()),
    ActionSpec("cancel", N_("&Cancel training"), "run_panel.cancel", "Esc",
               N_("Stop after the current batch and keep the best model so far"), lambda s: s.training.running),
    ActionSpec("search", N_("&Search for settings…"), "search_panel.reveal", None,
               N_("Show the Search tab: tune the settings within a time budget"), always),
    ActionSpec("save_model", N_("&Save model…"), "dialogs.save_model", Key.Save,
               N_("Save the trained model, its scalers and settings in one .lstmf file"),
               lambda s: s.models.result is not None and not s.training.running),
    ActionSpec("open_model", N_("Open &model…"), "dialogs.choose_model", "Ctrl+Shift+O",
               N_("Open a saved .lstmf model and show its forecast"), lambda s: s.may(Job.MODEL)),
    ActionSpec("apply_model", N_("&Apply model to new data…"), "dialogs.choose_apply_csv", "Ctrl+Shift+A",
               N_("Predict a CSV with the same columns using the open or trained model"),
               lambda s: s.models.can_apply()),
    ActionSpec("export_predictions", N_("&Predictions and forecast (CSV)…"), "dialogs.export_predictions",
               "Ctrl+E", N_("Write the predictions and the forecast shown on the Results tab to a CSV file"),
               has_output),
    ActionSpec("export_chart", N_("&Chart (PNG, SVG, PDF)…"), "dialogs.export_chart", None,
               N_("Save the chart of the Results tab as an image or a PDF"), has_output),
    ActionSpec("export_metrics", N_("&Metrics (CSV)…"), "dialogs.export_metrics", None,
               N_("Write the scores of the Results tab to a CSV file"), has_output),
    ActionSpec("show_data", N_("&Data"), "data_panel.reveal", "Ctrl+1", N_("Show the Data tab")),
    ActionSpec("show_training", N_("T&raining"), "training_panel.reveal", "Ctrl+2", N_("Show the Training tab")),
    ActionSpec("show_results", N_("R&esults"), "results_panel.reveal", "Ctrl+3", N_("Show the Results tab")),
    ActionSpec("reset_settings", N_("Reset settings to &defaults"), "settings_panel.reset_to_defaults", None,
               N_("Put every setting back to its default value (the columns stay as they are)"),
               lambda s: not s.training.running),
    ActionSpec("logs", N_("Open &log folder"), "dialogs.open_log_folder", None,
               N_("Open the folder of the app's log")),
    ActionSpec("about", N_("&About"), "dialogs.show_about"),
)

# the menu bar: action ids; None is a separator; (title, entries) a submenu; "@title" an empty
# submenu the window fills itself (recent files, samples)
MENUS = (
    (N_("&File"), ("open", "@" + N_("Open &Recent"), "@" + N_("Open &Sample"), "reload", None, "save_model",
                   "open_model", "apply_model",
                   (N_("&Export"), ("export_predictions", "export_chart", "export_metrics")), None, "quit")),
    (N_("&Run"), ("train", "cancel", None, "search")),
    (N_("&View"), ("show_data", "show_training", "show_results", None, "reset_settings")),
    (N_("&Help"), ("logs", "about")),
)
TOOLBAR = ("open", None, "train", "cancel", None, "save_model", "open_model", "apply_model")


class Actions(QObject):
    """The window's QActions, built from ACTIONS and enabled as the Session's state allows."""

    def __init__(self, window: QWidget, session: Session, specs: tuple[ActionSpec, ...] = ACTIONS) -> None:
        super().__init__(window)
        self._session = session
        self._specs = specs
        self._actions: dict[str, QAction] = {}
        self.submenus: dict[str, QMenu] = {}  # the "@title" menus, by title
        for spec in specs:
            action = QAction(_(spec.text), window, objectName=f"{spec.id}Action")
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            action.setStatusTip(_(spec.tip))
            action.triggered.connect(lambda _checked=False, path=spec.handler: attrgetter(path)(window)())
            window.addAction(action)  # its shortcut works wherever the focus is in the window
            self._actions[spec.id] = action
        for signal in (session.busyChanged, session.settings.planChanged, session.data.finished, session.resultShown):
            signal.connect(self.update)
        self.update()

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def update(self, *_args) -> None:
        """Enables each action as its predicate over the Session says."""
        for spec in self._specs:
            self._actions[spec.id].setEnabled(spec.enabled_when(self._session))

    def fill_menu_bar(self, bar: QMenuBar, menus=MENUS) -> None:
        for title, entries in menus:
            self._fill(bar.addMenu(_(title)), entries)

    def _fill(self, menu: QMenu, entries) -> None:
        for entry in entries:
            if entry is None:
                menu.addSeparator()
            elif isinstance(entry, tuple):
                self._fill(menu.addMenu(_(entry[0])), entry[1])
            elif entry.startswith("@"):  # keyed by the English title, shown translated
                self.submenus[entry[1:]] = menu.addMenu(_(entry[1:]))
            else:
                menu.addAction(self._actions[entry])

    def fill_toolbar(self, toolbar: QToolBar, entries=TOOLBAR) -> None:
        for entry in entries:
            if entry is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self._actions[entry])

    def guard_shortcuts(self, window: QWidget) -> None:
        """Lets our shortcuts through the window's editors (spin boxes, line edits)."""
        guard = ShortcutGuard(self._actions.values(), self)
        for editor in window.findChildren(QAbstractSpinBox) + window.findChildren(QLineEdit):
            editor.installEventFilter(guard)


class ShortcutGuard(QObject):
    """An editor with the focus accepts ShortcutOverride for keys it has a use for, and Qt then
    sends the key to the editor instead of the shortcut. For an enabled action's key, this filter
    swallows the override unaccepted, so the action's shortcut fires."""

    def __init__(self, actions, parent: QObject) -> None:
        super().__init__(parent)
        self._actions = list(actions)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            return any(action.isEnabled() and action.shortcut() == pressed for action in self._actions)
        return False
