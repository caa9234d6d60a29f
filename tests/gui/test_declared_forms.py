"""The Backtest and Search tabs take their fields from the requests' declarations: the same
defaults, ranges and help the command line has."""

from __future__ import annotations

from cli import build_parser
from core.backtest import BacktestRequest
from core.runtime import default_workers
from core.search import SearchRequest
from core.settings.table import settings_of
from gui.app_settings import BACKTEST, AppSettings
from gui.settings_form import tooltip


def _backtest_parser():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    return commands.choices["backtest"]


def test_the_backtest_tab_shows_the_declared_defaults_ranges_and_help(window):
    panel = window.backtest_panel
    assert panel.request() == BacktestRequest()
    folds = {s.name: s for s in settings_of(BacktestRequest)}["folds"]
    assert panel.folds_spin.value() == BacktestRequest().folds == _backtest_parser()._option_string_actions[
        "--folds"].default
    assert (panel.folds_spin.minimum(), panel.folds_spin.maximum()) == (1, 1000)
    cli_help = _backtest_parser()._option_string_actions["--folds"].help
    assert panel.folds_spin.toolTip() == folds.help and cli_help.startswith(panel.folds_spin.toolTip())
    assert panel.step_spin.minimum() == 0 and panel.step_spin.text() == "= horizon"
    assert panel.retrain_spin.value() == 1 and panel.window_combo.currentData() is True


def test_the_backtest_tab_round_trips_every_field(window):
    panel = window.backtest_panel
    asked = BacktestRequest(folds=9, fold_step=3, retrain_every=0, expanding=False)
    panel.set_request(asked)
    assert panel.request() == asked
    assert panel.retrain_spin.text() == "once (first fold)"
    panel.set_request(BacktestRequest())
    assert panel.request() == BacktestRequest()


def test_the_search_tab_takes_workers_trials_and_seed_from_the_declarations(window):
    panel = window.search_panel
    declared = {s.name: s for s in settings_of(SearchRequest)}
    assert panel.jobs_spin.value() == default_workers() == SearchRequest(budget_s=1).jobs
    assert panel.jobs_spin.toolTip() == tooltip(declared["jobs"])
    assert panel.trials_spin.text() == "no limit" and panel.request().trials is None
    panel.trials_spin.setValue(4)
    assert panel.request().trials == 4
    assert panel.storage_edit.toolTip() == declared["storage"].help


def test_remembered_backtest_values_keep_the_valid_ones(qtbot):
    store = AppSettings()
    store.set_backtest_request({"folds": 7, "retrain_every": 0, "expanding": False, "unknown": 1})
    assert AppSettings().backtest_request() == {"folds": 7, "retrain_every": 0, "expanding": False}
    store._settings.setValue(BACKTEST, '{"folds": 0, "fold_step": 6}')
    assert AppSettings().backtest_request() == {"fold_step": 6}  # folds 0 is no number of folds
