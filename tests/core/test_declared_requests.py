"""The backtest and search requests are declared as the settings are: one declaration gives
validation, the CLI's flags (type, default, help) and the cross-setting rules."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from cli import build_parser
from cli.declared_args import add_declared_arguments, from_args, help_text
from cli.parser import UsageError
from core.backtest import BacktestRequest
from core.errors import ConfigError
from core.runtime import default_workers
from core.search import SearchRequest
from core.settings.config import BOTH_SIZES, ForecastConfig
from core.settings.table import setting, settings_of, validate_declared


def _subparser(command: str) -> argparse.ArgumentParser:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return commands.choices[command]


def _option(parser: argparse.ArgumentParser, flag: str) -> argparse.Action:
    return parser._option_string_actions[flag]


def test_the_backtest_flags_take_default_type_and_help_from_the_declaration():
    backtest = _subparser("backtest")
    folds = next(s for s in settings_of(BacktestRequest) if s.name == "folds")
    assert _option(backtest, "--folds").default == BacktestRequest().folds == 5
    assert _option(backtest, "--folds").help == help_text(folds)
    assert _option(backtest, "--folds").help.startswith(folds.help)  # the tab's tooltip, then the default
    assert _option(backtest, "--retrain-every").default == BacktestRequest().retrain_every
    args = backtest.parse_args(["d.csv", "--target", "y", "--out", "o", "--folds", "3", "--fold-step", "4",
                                "--retrain-every", "0", "--sliding"])
    assert from_args(BacktestRequest, args) == BacktestRequest(folds=3, fold_step=4, retrain_every=0,
                                                               expanding=False)
    plain = backtest.parse_args(["d.csv", "--target", "y", "--out", "o"])
    assert from_args(BacktestRequest, plain) == BacktestRequest()


def test_the_search_flags_come_from_the_request_and_its_seed_is_not_the_runs():
    search = _subparser("search")
    assert _option(search, "--jobs").default == SearchRequest(budget_s=1).jobs == default_workers()
    assert _option(search, "--trials").default is None and _option(search, "--budget").required
    args = search.parse_args(["d.csv", "--target", "y", "--out", "o", "--budget", "90", "--trials", "4",
                              "--jobs", "0", "--search-seed", "7", "--seed", "3", "--study", "s1"])
    request = from_args(SearchRequest, args, prefix="search_", storage=None, fixed=())
    assert request == SearchRequest(budget_s=90.0, trials=4, jobs=0, study="s1", seed=7)
    assert args.seed == 3  # the run's own --seed is another setting
    with pytest.raises(UsageError, match="--jobs"):
        search.parse_args(["d.csv", "--target", "y", "--out", "o", "--budget", "9", "--jobs", "two"])


def test_a_machine_dependent_default_is_made_for_each_request(monkeypatch):
    monkeypatch.setattr("core.runtime.available_cores", lambda: 9)
    assert SearchRequest(budget_s=1).jobs == 8


@pytest.mark.parametrize("changes, message", [
    ({"folds": 0}, "The number of folds must be a whole number of at least 1 (got 0)."),
    ({"folds": 2.5}, "The number of folds must be a whole number of at least 1 (got 2.5)."),
    ({"fold_step": 0}, "The fold step must be a whole number of rows, at least 1 (got 0)."),
    ({"retrain_every": -1}, "'Retrain every' must be a whole number of folds, 0 or more (got -1)."),
    ({"expanding": "yes"}, "must be true or false"),
])
def test_validate_declared_refuses_out_of_range_values_with_the_declared_message(changes, message):
    request = dataclasses.replace(BacktestRequest(), **changes)
    with pytest.raises(ConfigError) as raised:
        validate_declared(request)
    assert message in str(raised.value)
    with pytest.raises(ConfigError, match="must"):
        request.check()


def test_validate_declared_accepts_the_edges_and_checks_any_declared_dataclass():
    validate_declared(BacktestRequest(folds=1, fold_step=None, retrain_every=0, expanding=False))
    validate_declared(SearchRequest(budget_s=0.5, trials=None, jobs=0))
    with pytest.raises(ConfigError, match="time budget"):
        validate_declared(SearchRequest(budget_s=0))

    @dataclasses.dataclass
    class Tiny:
        count: int = setting(2, "x", "Count", "how many", low=1, high=3)

    validate_declared(Tiny())
    with pytest.raises(ConfigError, match="Count must be between 1 and 3"):
        validate_declared(Tiny(count=4))


def test_the_sizes_exclude_each_other_in_validation_and_on_the_command_line():
    with pytest.raises(ConfigError) as raised:
        ForecastConfig(target="y", test_size=20, train_size=60)
    assert str(raised.value) == BOTH_SIZES
    assert ForecastConfig(target="y", test_size=20, test_fraction=5.0).test_size == 20  # rows override it
    train = _subparser("train")
    for flags in (["--test-size", "20", "--train-size", "60"], ["--train-size", "60", "--test-size", "20"]):
        with pytest.raises(UsageError) as refused:
            train.parse_args(["d.csv", "--target", "y", "--out", "o", *flags])
        assert BOTH_SIZES in str(refused.value)  # the parser says what validation says
    with pytest.raises(UsageError, match="not allowed with"):
        train.parse_args(["d.csv", "--target", "y", "--out", "o", "--test-size", "20", "--test-fraction", "0.2"])
    args = train.parse_args(["d.csv", "--target", "y", "--out", "o", "--test-size", "auto", "--train-size", "60"])
    assert (args.test_size, args.train_size) == (None, 60)


def test_add_declared_arguments_works_on_a_plain_parser_with_a_prefix():
    parser = argparse.ArgumentParser()
    add_declared_arguments(parser, BacktestRequest, prefix="bt_")
    args = parser.parse_args(["--folds", "2"])
    assert args.bt_folds == 2 and args.bt_expanding is True
    assert from_args(BacktestRequest, args, prefix="bt_").folds == 2
