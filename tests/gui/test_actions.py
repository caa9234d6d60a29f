"""The action table owns every command: each handler path resolves on a real window, the panels'
command buttons are bound to its actions (a click runs the command, a button is enabled exactly
when its action is, its tooltip shows the table's shortcut), and the menus are found by id."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QFileDialog, QPushButton, QVBoxLayout, QWidget

from gui import MainWindow
from gui.actions import ACTIONS, MENUS, TOOLBAR, Actions, ActionSpec, MenuSpec
from gui.resources import sample_path
from gui.session import Session

SALES = sample_path("daily_sales.csv")
TIMEOUT = 120_000
BOUND = {"open", "reload", "train", "cancel", "run_backtest", "cancel_backtest", "export_backtest", "run_search",
         "cancel_search", "use_search", "export_search", "future_features", "future_template", "train_more_now"}


def bound_buttons(window) -> list[tuple[str, QPushButton]]:
    return [(spec.id, button) for spec in ACTIONS for button in window.commands.buttons(spec.id)]


def assert_buttons_follow_their_actions(window) -> dict[str, bool]:
    """Every bound button is enabled exactly when its action is; returns the state by action id."""
    state = {}
    for action_id, button in bound_buttons(window):
        assert button.isEnabled() == window.commands[action_id].isEnabled(), action_id
        state[action_id] = button.isEnabled()
    return state


def menu_ids(menus) -> list[str]:
    found = []
    for menu in menus:
        found.append(menu.id)
        found += [entry for entry in menu.entries if isinstance(entry, str)]
        found += menu_ids([entry for entry in menu.entries if isinstance(entry, MenuSpec)])
    return found


def test_every_handler_and_reason_resolves_to_a_callable_of_the_window(window):
    ids = [spec.id for spec in ACTIONS]
    assert len(ids) == len(set(ids))
    for spec in ACTIONS:
        assert callable(window.commands.resolve(spec.handler)), spec.id
        if spec.why_not is not None:
            reason = window.commands.resolve(spec.why_not)()
            assert reason is None or isinstance(reason, str), spec.id
    # the menus and the toolbar name only actions of the table (and their own submenus)
    submenus = {"file", "run", "view", "help", "recent", "samples", "export", "recent_projects"}
    assert set(menu_ids(MENUS)) - submenus <= set(ids)
    assert {entry for entry in TOOLBAR if entry is not None} <= set(ids)


def test_a_wrong_handler_path_fails_when_the_actions_are_built(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    session = Session(host)
    with pytest.raises(LookupError, match="dialogs.save_modle"):
        Actions(host, session, (ActionSpec("save", "Save", "dialogs.save_modle"),))
    host.label = "not a command"
    with pytest.raises(LookupError, match="not callable"):
        Actions(host, session, (ActionSpec("label", "Label", "label"),))


class Host(QWidget):
    """A stand-in window with one command and one reason not to run it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []
        self.reason: str | None = None
        self.button = QPushButton("Poke", self)
        QVBoxLayout(self).addWidget(self.button)

    def poke(self, *args) -> None:
        self.calls.append(args)

    def why_not(self) -> str | None:
        return self.reason


def test_a_bound_button_runs_its_command_and_follows_its_action(qtbot):
    host = Host()
    qtbot.addWidget(host)
    host.show()
    allowed = [True]
    spec = ActionSpec("poke", "&Poke", "poke", "Ctrl+K", "Poke the model", lambda _s: allowed[0], why_not="why_not")
    actions = Actions(host, Session(host), (spec,))
    actions.bind_button("poke", host.button)
    assert host.button.toolTip() == "Poke the model (Ctrl+K)"  # the shortcut comes from the table
    assert host.button.text() == "Poke"  # the button keeps its own text

    qtbot.mouseClick(host.button, Qt.MouseButton.LeftButton)
    assert host.calls == [()]  # once, with no `checked` argument

    allowed[0] = False
    actions.update()
    assert not host.button.isEnabled() and not actions["poke"].isEnabled()
    qtbot.mouseClick(host.button, Qt.MouseButton.LeftButton)
    assert host.calls == [()]

    allowed[0] = True
    host.reason = "Tick something first."
    actions.update()
    assert not host.button.isEnabled() and not actions["poke"].isEnabled()
    assert host.button.toolTip() == "Tick something first."  # a disabled button says why
    host.reason = None
    actions.update()
    assert host.button.isEnabled() and host.button.toolTip() == "Poke the model (Ctrl+K)"


def test_bound_buttons_are_enabled_exactly_when_their_actions_are(qtbot, window):
    assert {action_id for action_id, _button in bound_buttons(window)} == BOUND
    state = assert_buttons_follow_their_actions(window)  # the start page: only Open
    assert state["open"] and not state["train"] and not state["reload"] and not state["run_search"]

    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        assert window.session.data.open_csv(SALES)
    window.settings_panel.form.epochs.setValue(5000)
    window.settings_panel.form.patience.setValue(0)
    window.session.settings.replan()
    state = assert_buttons_follow_their_actions(window)
    assert state["train"] and state["reload"] and state["run_backtest"] and state["run_search"]
    assert not state["cancel"] and not state["export_backtest"] and not state["use_search"]

    # the Search tab's own reason: nothing ticked to search
    checks = window.search_panel.findChildren(QCheckBox)
    for check in checks:
        check.setChecked(False)
    state = assert_buttons_follow_their_actions(window)
    assert not state["run_search"]
    assert window.search_panel.run_button.toolTip() == "Tick at least one setting to search."
    checks[0].setChecked(True)
    assert assert_buttons_follow_their_actions(window)["run_search"]

    with qtbot.waitSignal(window.session.training.started, timeout=10_000):
        assert window.session.training.start()
    state = assert_buttons_follow_their_actions(window)
    assert state["cancel"] and not state["train"] and not state["reload"] and not state["run_backtest"]
    assert not state["run_search"]
    with qtbot.waitSignal(window.session.training.finished, timeout=TIMEOUT):
        window.session.training.cancel()
    qtbot.waitUntil(lambda: window.commands["train"].isEnabled(), timeout=10_000)
    state = assert_buttons_follow_their_actions(window)
    assert state["train"] and not state["cancel"]


def test_tooltips_show_the_shortcut_from_the_table(window):
    by_id = {spec.id: spec for spec in ACTIONS}
    shortcuts = 0
    for action_id, button in bound_buttons(window):
        spec = by_id[action_id]
        if spec.why_not is not None and window.commands.resolve(spec.why_not)() is not None:
            continue  # a disabled Run search says why instead
        if spec.shortcut is None:
            assert button.toolTip() == spec.tip, action_id
            continue
        keys = QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        assert keys and button.toolTip() == f"{spec.tip} ({keys})", action_id
        shortcuts += 1
    assert shortcuts >= 4  # open, reload, train, cancel
    assert window.run_panel.train_button.toolTip() == "Train a model with these settings (Ctrl+R)"
    assert window.run_panel.cancel_button.toolTip() == (
        "Stop after the current batch and keep the best model so far (Esc)")


def test_the_tooltip_and_the_menus_in_another_language(qtbot):
    from core.i18n import set_language

    set_language("zh_CN")  # the english_messages fixture puts English back
    window = MainWindow(warm_up_engine=False)
    qtbot.addWidget(window)
    assert window.run_panel.train_button.toolTip() == "用这些设置训练一个模型（Ctrl+R）"
    # found by id, whatever the titles read
    assert window.commands.menus["view"].title() == "视图(&V)"
    assert window.commands["reset_settings"] in window.commands.menus["view"].actions()
    assert window.language_menu.menu.menuAction() in window.commands.menus["view"].actions()
    assert window.recent_menu is window.commands.menus["recent"]
    assert window.commands.menus["samples"].actions()  # the window filled it with the samples


def test_clicking_the_bound_buttons_runs_their_commands(qtbot, window, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(SALES), ""))
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000) as opened:
        qtbot.mouseClick(window.start_panel.open_button, Qt.MouseButton.LeftButton)
    assert window.session.data.source_path == str(SALES) and opened.args[0].report.rows == 730

    window.data_panel.reveal()
    assert window.session.data.read_options.encoding is None  # detected
    window.data_panel.encoding_combo.setCurrentText("latin-1")
    with qtbot.waitSignal(window.session.data.finished, timeout=30_000):
        qtbot.mouseClick(window.data_panel.reread_button, Qt.MouseButton.LeftButton)
    assert window.session.data.read_options.encoding == "latin-1"  # read again as the Data tab says

    window.settings_panel.form.epochs.setValue(5000)
    window.settings_panel.form.patience.setValue(0)
    window.session.settings.replan()
    with qtbot.waitSignal(window.session.training.started, timeout=10_000):
        qtbot.mouseClick(window.run_panel.train_button, Qt.MouseButton.LeftButton)
    assert window.session.training.running
    with qtbot.waitSignal(window.session.training.finished, timeout=TIMEOUT) as finished:
        qtbot.mouseClick(window.run_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].history.status == "cancelled"
