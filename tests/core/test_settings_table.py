"""The settings table drives validation, the CLI and serialization: these check the derivations."""

import dataclasses
import re
import typing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli import build_parser
from cli.settings_args import config_from_args
from core.errors import ConfigError
from core.pipeline import plan_run
from core.settings.config import SETTINGS, ForecastConfig, ResolvedConfig
from core.settings.table import GROUPS

README = Path(__file__).parents[2] / "README.md"


def test_the_table_and_the_dataclass_agree_exactly():
    fields = {f.name: f for f in dataclasses.fields(ForecastConfig)}
    assert [s.name for s in SETTINGS] == list(fields)
    hints = typing.get_type_hints(ForecastConfig)
    for s in SETTINGS:
        field = fields[s.name]
        if s.required:
            assert field.default is dataclasses.MISSING
        else:
            assert field.default == s.default, s.name
        assert (type(None) in typing.get_args(hints[s.name])) == s.optional, s.name
        assert s.group in GROUPS and s.label and s.help, s.name
        assert not s.optional or s.auto, f"{s.name}: say what 'auto' (None) means"
        if not s.required:
            assert s.problem(s.default) is None, f"{s.name}: the default must be valid"


def test_defaults_come_from_the_table():
    config = ForecastConfig(target="y")
    assert config.hidden == 32 and config.window is None and config.interval_level == 0.9
    assert {s.name: getattr(config, s.name) for s in SETTINGS if not s.required} == \
        {s.name: s.default for s in SETTINGS if not s.required}


def _out_of_range(s):
    """A value just outside the declared range or choices."""
    if s.choices:
        return "no-such-choice"
    step = 1 if s.kind is int else 0.01
    if s.low is not None:
        return s.low if s.low_open else s.low - step
    return s.high if s.high_open else s.high + step


RANGED = [s for s in SETTINGS if s.choices or s.low is not None or s.high is not None]


@pytest.mark.parametrize("s", RANGED, ids=[s.name for s in RANGED])
def test_every_ranged_setting_rejects_a_value_outside_and_names_itself(s):
    bad = _out_of_range(s)
    with pytest.raises(ConfigError, match=f"^{re.escape(s.noun)} must be"):
        ForecastConfig(target="y", **{s.name: bad})


@pytest.mark.parametrize("s", [s for s in RANGED if s.high is not None], ids=lambda s: s.name)
def test_every_upper_bound_is_checked_too(s):
    bad = s.high if s.high_open else s.high + (1 if s.kind is int else 0.01)
    with pytest.raises(ConfigError, match=re.escape(s.noun)):
        ForecastConfig(target="y", **{s.name: bad})


@pytest.mark.parametrize("change, message", [
    ({"hidden": 5000}, "Hidden size must be between 1 and 4096 (got 5000)."),
    ({"batch_size": -1}, "Batch size must be 0 (full batch) or more (got -1)."),
    ({"lr": 0}, "Learning rate must be above 0 and below 10 (got 0)."),
    ({"dropout": 1.0}, "Dropout must be at least 0 and below 1 (got 1.0)."),
    ({"seed": 2**32}, "Seed must be between 0 and 4294967295 (got 4294967296)."),
    ({"hidden": "32"}, "Hidden size must be a whole number (got '32')."),
    ({"layers": True}, "Layers must be a whole number (got True)."),
    ({"dropout": float("nan")}, "Dropout must be a number (got nan)."),
    ({"bidirectional": 1}, "Bidirectional must be true or false (got 1)."),
    ({"scaler": "robust"}, "Scaler must be one of standard, minmax (got 'robust')."),
    ({"target": ""}, "Choose a target column."),
    ({"features": ("a", "")}, "Feature columns must be column names (got ('a', ''))."),
])
def test_messages_read_as_sentences(change, message):
    with pytest.raises(ConfigError) as caught:
        ForecastConfig(**({"target": "y"} | change))
    assert str(caught.value) == message


def test_a_test_size_in_rows_overrides_the_fraction():
    assert ForecastConfig(target="y", test_size=31, test_fraction=1.5).test_size == 31
    with pytest.raises(ConfigError, match="Test fraction"):
        ForecastConfig(target="y", test_fraction=1.5)


def test_settings_files_from_before_a_setting_existed_still_load():
    data = ForecastConfig(target="y", hidden=8).to_dict()
    del data["patience"]  # written before patience existed
    data["from_the_future"] = 3  # a key this version doesn't know
    loaded = ForecastConfig.from_dict(data)
    assert loaded.hidden == 8 and loaded.patience == 25


def test_plan_run_returns_a_resolved_config_with_window_and_threads_filled():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"y": np.sin(np.arange(120) * 2 * np.pi / 12) + rng.normal(0, 0.1, 120)})
    plan = plan_run(frame, ForecastConfig(target="y"))
    assert isinstance(plan.config, ResolvedConfig)
    assert isinstance(plan.config.window, int) and isinstance(plan.config.threads, int)
    assert plan.config.season == 12
    assert ResolvedConfig.from_dict(plan.config.to_dict()) == plan.config
    with pytest.raises(ConfigError, match="resolved configuration needs a window"):
        ForecastConfig(target="y").resolved(threads=1)


# ---------------------------------------------------------------- the command line

def _train_options() -> set[str]:
    train = build_parser()._subparsers._group_actions[0].choices["train"]
    return {flag for action in train._actions for flag in action.option_strings}


def test_every_setting_with_a_flag_is_on_the_command_line():
    flags = {s.cli for s in SETTINGS if s.cli}
    assert flags <= _train_options()
    assert {"--target", "--hidden", "--test-size", "--forecast-steps"} <= flags


def test_the_readme_lists_exactly_the_train_flags():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("`train` takes"):text.index("It writes into")]
    listed = set(re.findall(r"--[a-z][a-z-]*", section))
    settings = {s.cli for s in SETTINGS if s.cli}
    reading = {"--date-column", "--encoding", "--delimiter", "--decimal", "--sheet", "--header-row"}
    assert listed - {"--help"} == (settings - {"--target", "--features"}) | reading


def test_command_line_defaults_are_the_config_defaults():
    args = build_parser().parse_args(["train", "data.csv", "--target", "y", "--out", "o"])
    assert config_from_args(args, date_column=None) == ForecastConfig(target="y")


def test_command_line_values_arrive_typed():
    args = build_parser().parse_args([
        "train", "data.csv", "--target", "y", "--out", "o", "--features", "a, b", "--hidden", "8",
        "--bidirectional", "--lr", "0.01", "--cell", "gru", "--test-size", "31", "--window", "auto"])
    config = config_from_args(args, date_column="date")
    assert (config.features, config.hidden, config.bidirectional, config.lr, config.cell) == \
        (("a", "b"), 8, True, 0.01, "gru")
    assert config.test_size == 31 and config.window is None and config.date_column == "date"


def test_a_setting_declared_once_reaches_validation_serialization_and_the_command_line(capsys):
    """`ensemble` is one declaration in ForecastConfig (plus its use in core.pipeline)."""
    config = ForecastConfig(target="y")
    assert config.to_dict()["ensemble"] is None  # auto: the plan chooses from the training windows
    assert ForecastConfig.from_dict({"target": "y"}).ensemble == 1  # files from before it existed: one network
    with pytest.raises(ConfigError, match=re.escape("Ensemble of seeds must be between 1 and 10 (got 11).")):
        config.replace(ensemble=11)
    args = build_parser().parse_args(["train", "d.csv", "--target", "y", "--out", "o", "--ensemble", "3"])
    assert config_from_args(args, date_column=None).ensemble == 3
    with pytest.raises(SystemExit):
        build_parser().parse_args(["train", "--help"])
    assert "--ensemble ENSEMBLE" in capsys.readouterr().out
