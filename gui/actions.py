"""Every command of the window declared once: text, shortcut, handler, status tip and when it is
enabled. The table builds the QActions, the menus and the toolbar (napari's action tables), and
the panels' command buttons are bound to its actions (napari's `bind_button`): a click triggers
the action, the button is enabled exactly when the action is, and its tooltip is the action's tip
with the shortcut from the table.

Handlers are attribute paths on the window ("dialogs.save_model"), checked when the actions are
built (a typo fails at the window's start, not at the first click) and looked up again when
triggered, then called with no arguments: QAction.triggered(bool) would pass `checked` as the
first parameter (Save model once took it for a path). A focused spin box or line edit claims some
of our keys for itself (Ctrl+E is "end of line" on Linux); the ShortcutGuard gives them back to
the actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QLineEdit, QMenu, QMenuBar, QToolBar, QWidget

from core.i18n import N_, _
from gui.jobs import Job
from gui.session import Session

Key = QKeySequence.StandardKey


def always(_session: Session) -> bool:
    return True


def has_output(session: Session) -> bool:
    return session.shown is not None


def may_export_backtest(session: Session) -> bool:
    return session.backtest.result is not None and not session.backtest.running


def may_use_search(session: Session) -> bool:
    return session.search.can_use_result() and not session.search.running


def may_export_search(session: Session) -> bool:
    return session.search.result is not None and not session.search.running


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    handler: str  # attribute path on the window, called with no arguments
    shortcut: Key | str | None = None
    tip: str = ""
    enabled_when: Callable[[Session], bool] = always
    # attribute path on the window of a `() -> str | None`: why the command can't run now, in
    # words the enabling predicate can't give (a form's fields, a search's verdict). While it says
    # something the action is disabled and its buttons show the reason as their tooltip.
    why_not: str | None = None


ACTIONS = (
    ActionSpec("open", N_("&Open CSV or workbook…"), "dialogs.choose_csv", Key.Open,
               N_("Open a CSV file, or a sheet of an Excel or OpenDocument workbook"),
               lambda s: s.may(Job.LOAD)),
    ActionSpec("reload", N_("&Re-read with these options"), "data_panel.reread", "Ctrl+Shift+R",
               N_("Read the file again with the encoding/delimiter/decimal chosen on the Data tab"),
               lambda s: s.data.source_path is not None and s.may(Job.LOAD)),
    ActionSpec("quit", N_("&Quit"), "close", Key.Quit),
    ActionSpec("train", N_("&Train"), "session.training.start", "Ctrl+R", N_("Train a model with these settings"),
               lambda s: s.training.can_start()),
    ActionSpec("cancel", N_("&Cancel training"), "run_panel.cancel", "Esc",
               N_("Stop after the current batch and keep the best model so far"), lambda s: s.training.running),
    ActionSpec("train_more", N_("Train N &more…"), "results_panel.train_more_box.ask", None,
               N_("Train the shown model's networks more epochs, from their best weights and optimizer state"),
               lambda s: s.training.can_train_more(), why_not="session.training.more_refusal"),
    ActionSpec("train_more_now", N_("Train more"), "results_panel.train_more_box.start", None,
               N_("Train the shown model's networks this many more epochs, from their best weights and optimizer "
                  "state"), lambda s: s.training.can_train_more(), why_not="session.training.more_refusal"),
    ActionSpec("search", N_("&Search for settings…"), "search_panel.reveal", None,
               N_("Show the Search tab: tune the settings within a time budget"), always),
    ActionSpec("save_project", N_("Save pro&ject…"), "projects.choose_save", "Ctrl+Shift+S",
               N_("Save the data file's place and checksum, how it was read, the columns, the settings and the trained "
                  "model with its results in one .lstmproj file"),
               lambda s: s.data.loaded is not None and not s.training.running),
    ActionSpec("open_project", N_("Open projec&t…"), "projects.choose_open", None,
               N_("Open a .lstmproj project: its data file, columns, settings and results"),
               lambda s: s.may(Job.LOAD)),
    ActionSpec("save_model", N_("&Save model…"), "dialogs.save_model", Key.Save,
               N_("Save the trained model, its scalers and settings in one .lstmf file"),
               lambda s: s.models.savable() and not s.training.running),
    ActionSpec("open_model", N_("Open &model…"), "dialogs.choose_model", "Ctrl+Shift+O",
               N_("Open a saved .lstmf model and show its forecast"), lambda s: s.may(Job.MODEL)),
    ActionSpec("apply_model", N_("&Apply model to new data…"), "dialogs.choose_apply_csv", "Ctrl+Shift+A",
               N_("Predict a CSV with the same columns using the open or trained model"),
               lambda s: s.models.can_apply()),
    ActionSpec("future_features", N_("&Future feature values…"), "dialogs.choose_future", None,
               N_("Forecast again from this model (no retraining) with the feature columns' future values from a "
                  "CSV or workbook, instead of their last values held"), lambda s: s.models.can_give_future()),
    ActionSpec("future_template", N_("Save future &template…"), "dialogs.save_future_template", None,
               N_("Save a CSV of the forecast's future dates with the feature columns empty, to fill in and open "
                  "with Future feature values"), lambda s: s.models.can_give_future()),
    ActionSpec("export_predictions", N_("&Predictions and forecast (CSV)…"), "dialogs.export_predictions",
               "Ctrl+E", N_("Write the predictions and the forecast shown on the Results tab to a CSV file"),
               has_output),
    ActionSpec("export_chart", N_("&Chart (PNG, SVG, PDF)…"), "dialogs.export_chart", None,
               N_("Save the chart of the Results tab as an image or a PDF"), has_output),
    ActionSpec("export_metrics", N_("&Metrics (CSV)…"), "dialogs.export_metrics", None,
               N_("Write the scores of the Results tab to a CSV file"), has_output),
    ActionSpec("export_report", N_("Export re&port…"), "dialogs.export_report", None,
               N_("Write one HTML or PDF file with the data summary, settings, verdict, scores, charts and "
                  "forecast of what the Results tab shows"), lambda s: s.models.can_report() and s.may(Job.REPORT)),
    ActionSpec("show_data", N_("&Data"), "data_panel.reveal", "Ctrl+1", N_("Show the Data tab")),
    ActionSpec("show_training", N_("T&raining"), "training_panel.reveal", "Ctrl+2", N_("Show the Training tab")),
    ActionSpec("show_results", N_("R&esults"), "results_panel.reveal", "Ctrl+3", N_("Show the Results tab")),
    ActionSpec("show_backtest", N_("&Backtest"), "backtest_panel.reveal", "Ctrl+4", N_("Show the Backtest tab")),
    ActionSpec("show_search", N_("&Search"), "search_panel.reveal", "Ctrl+5", N_("Show the Search tab")),
    ActionSpec("show_windows", N_("&Windows"), "inspector_panel.reveal", "Ctrl+6",
               N_("Show the Windows tab: the samples the network learns from, as it sees them")),
    ActionSpec("show_network", N_("Ne&twork"), "network_panel.reveal", "Ctrl+7",
               N_("Show the Network tab: the network the current settings describe")),
    # the window's, not the tab widget's: a focused table would keep Ctrl+Tab for itself
    ActionSpec("next_tab", N_("&Next tab"), "next_tab", Key.NextChild, N_("Show the next tab")),
    ActionSpec("previous_tab", N_("&Previous tab"), "previous_tab", Key.PreviousChild,
               N_("Show the previous tab")),
    ActionSpec("reset_settings", N_("Reset settings to de&faults"), "settings_panel.reset_to_defaults", None,
               N_("Put every setting back to its default value (the columns stay as they are)"),
               lambda s: not s.training.running),
    ActionSpec("logs", N_("Open &log folder"), "dialogs.open_log_folder", None,
               N_("Open the folder of the app's log")),
    ActionSpec("about", N_("&About"), "dialogs.show_about"),
    # the Backtest and Search tabs' commands: buttons on their tabs, in no menu
    ActionSpec("run_backtest", N_("Run backtest"), "backtest_panel.run", None,
               N_("Train and score the current settings at every fold"), lambda s: s.backtest.can_start()),
    ActionSpec("cancel_backtest", N_("Cancel"), "backtest_panel.cancel", None,
               N_("Stop the running fold; the folds that finished are kept"), lambda s: s.backtest.running),
    ActionSpec("export_backtest", N_("Export…"), "dialogs.export_backtest", None,
               N_("Save the fold forecasts (CSV) or the scores (JSON), as the command line writes them"),
               may_export_backtest),
    ActionSpec("run_search", N_("Run search"), "search_panel.run", None,
               N_("Search for better settings within the time budget, starting from the form's"),
               lambda s: s.search.can_start(), why_not="search_panel.run_refusal"),
    ActionSpec("cancel_search", N_("Cancel"), "search_panel.cancel", None,
               N_("Stop the search after the current epoch; the trials so far are kept"), lambda s: s.search.running),
    ActionSpec("use_search", N_("Use these settings"), "session.search.use_result", None,
               N_("Put the best settings into the form (the next Train uses them) and show their run on the "
                  "Results tab"), may_use_search, why_not="session.search.use_refusal"),
    ActionSpec("export_search", N_("Export…"), "dialogs.export_search", None,
               N_("Save the search as JSON (every trial, the best settings and their test scores) or the trials "
                  "table as CSV, as the command line's search.json and search.csv"), may_export_search),
)


@dataclass(frozen=True)
class MenuSpec:
    """A menu of the menu bar, or a submenu: `entries` are action ids, None (a separator) and
    submenus. An empty one is for the window to fill (recent files, samples)."""

    id: str
    title: str
    entries: tuple[str | MenuSpec | None, ...] = ()


MENUS = (
    MenuSpec("file", N_("&File"), (
        "open", MenuSpec("recent", N_("Open &Recent")), MenuSpec("samples", N_("Open &Sample")), "reload", None,
        "save_project", "open_project", MenuSpec("recent_projects", N_("Recent &Projects")), None,
        "save_model", "open_model", "apply_model", "future_features", "future_template",
        MenuSpec("export", N_("&Export"), ("export_predictions", "export_chart", "export_metrics")),
        "export_report", None, "quit")),
    MenuSpec("run", N_("&Run"), ("train", "cancel", "train_more", None, "search")),
    MenuSpec("view", N_("&View"), ("show_data", "show_training", "show_results", "show_backtest", "show_search",
                                   "show_windows", "show_network", None, "next_tab", "previous_tab", None,
                                   "reset_settings")),
    MenuSpec("help", N_("&Help"), ("logs", "about")),
)
TOOLBAR = ("open", None, "train", "cancel", None, "save_model", "open_model", "apply_model")


def tooltip(tip: str, shortcut: QKeySequence) -> str:
    """A command's tip with its shortcut as the platform writes it: 'Train a model… (Ctrl+R)'."""
    keys = shortcut.toString(QKeySequence.SequenceFormat.NativeText)
    return _("{tip} ({shortcut})").format(tip=_(tip), shortcut=keys) if keys else _(tip)


class Actions(QObject):
    """The window's QActions, built from ACTIONS and enabled as the Session's state allows, with the
    buttons bound to them."""

    def __init__(self, window: QWidget, session: Session, specs: tuple[ActionSpec, ...] = ACTIONS) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._specs = {spec.id: spec for spec in specs}
        self._actions: dict[str, QAction] = {}
        self._buttons: dict[str, list[QAbstractButton]] = {}
        self.menus: dict[str, QMenu] = {}  # every menu and submenu of the menu bar, by id
        for spec in specs:
            for path in (spec.handler, spec.why_not):
                if path is not None:
                    self.resolve(path)
            action = QAction(_(spec.text), window, objectName=f"{spec.id}Action")
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            action.setStatusTip(_(spec.tip))
            action.triggered.connect(lambda _checked=False, path=spec.handler: self.resolve(path)())
            window.addAction(action)  # its shortcut works wherever the focus is in the window
            self._actions[spec.id] = action
        for signal in (session.busyChanged, session.settings.planChanged, session.data.finished, session.resultShown):
            signal.connect(self.update)
        self.update()

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def resolve(self, path: str) -> Callable[[], object]:
        """The window's callable at `path` ("dialogs.save_model"); LookupError naming the path if none."""
        try:
            found = attrgetter(path)(self._window)
        except AttributeError as exc:
            raise LookupError(f"the window has no {path!r} for the action table") from exc
        if not callable(found):
            raise LookupError(f"{path!r} on the window is not callable")
        return found

    def _why_not(self, spec: ActionSpec) -> str | None:
        return self.resolve(spec.why_not)() if spec.why_not is not None else None

    def update(self, *_args) -> None:
        """Enables each action, and the buttons bound to it, as its predicate over the Session says."""
        for action_id, spec in self._specs.items():
            reason = self._why_not(spec)
            enabled = reason is None and spec.enabled_when(self._session)
            action = self._actions[action_id]
            action.setEnabled(enabled)
            for button in self._buttons.get(action_id, ()):
                button.setEnabled(enabled)
                button.setToolTip(reason or tooltip(spec.tip, action.shortcut()))

    def bind_button(self, action_id: str, button: QAbstractButton) -> None:
        """The button becomes the action's (napari's action_manager.bind_button): a click triggers
        it, the button is enabled exactly when the action is, and its tooltip is the action's tip
        with the shortcut, or why it can't run now. The button keeps its own, shorter text."""
        action = self._actions[action_id]
        button.clicked.connect(lambda _checked=False: action.trigger())
        self._buttons.setdefault(action_id, []).append(button)
        self.update()

    def buttons(self, action_id: str) -> list[QAbstractButton]:
        return list(self._buttons.get(action_id, ()))

    def fill_menu_bar(self, bar: QMenuBar, menus: tuple[MenuSpec, ...] = MENUS) -> None:
        for spec in menus:
            self._fill(bar.addMenu(_(spec.title)), spec)

    def _fill(self, menu: QMenu, spec: MenuSpec) -> None:
        menu.setObjectName(f"{spec.id}Menu")
        self.menus[spec.id] = menu
        for entry in spec.entries:
            if entry is None:
                menu.addSeparator()
            elif isinstance(entry, MenuSpec):
                self._fill(menu.addMenu(_(entry.title)), entry)
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
