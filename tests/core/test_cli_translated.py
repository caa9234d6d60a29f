"""The command line in Chinese says nothing in English: `backtest` and `search` end to end, and the
progress lines that only a terminal sees. tests/english_words.py is the checker."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from english_words import english_words  # noqa: E402

from tests.factories import run_cli  # noqa: E402

NILE = ROOT / "tests" / "data" / "nile.csv"
SMALL = ["--target", "volume", "--epochs", "2", "--hidden", "4", "--threads", "1"]


def chinese(*args) -> subprocess.CompletedProcess:
    """`main.py --lang zh_CN ARGS`, run in this process (tests/conftest.py switches back to English after)."""
    return run_cli("--lang", "zh_CN", *args)


def setting_words() -> set[str]:
    """What `search` prints as name=value: the settings' names and choices, as typed on the command line."""
    from core.settings.config import SETTINGS

    return {s.name for s in SETTINGS} | {str(v) for s in SETTINGS for v in s.values} | {"True", "False"}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# --------------------------------------------------------------------------- the checker itself


def test_the_checker_finds_english_and_keeps_what_is_no_sentence():
    assert english_words("已写入 /tmp/out/backtest.json, backtest.csv；RMSE 4.5e-05，MASE nan (--out)") == []
    assert english_words("volume：2 折", keep=["volume"]) == []
    assert english_words("折 1/2 epoch 3/5  7s") == ["epoch"]  # "s" alone is no word; "epoch" is
    assert english_words("试验 0：完成；best 1.2 (#0); 52 s left") == ["best", "left"]
    assert english_words("window=12, cell=lstm", allowed={"window", "cell"}) == ["lstm"]


# --------------------------------------------------------------------------- the commands


def test_backtest_in_chinese_has_no_english_words(tmp_path):
    out = tmp_path / "bt"
    done = chinese("backtest", NILE, *SMALL, "--folds", "2", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "折" in done.stdout and (out / "backtest.json").is_file()
    assert english_words(done.stdout + done.stderr, keep=[str(out), str(NILE), "volume"]) == []


def test_search_in_chinese_has_no_english_words(tmp_path):
    out = tmp_path / "se"
    done = chinese("search", NILE, *SMALL, "--budget", "60", "--trials", "2", "--jobs", "0", "--out", out)
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert "试验 0" in done.stdout and len(report["trials"]) == 2
    assert not [p.name for p in out.iterdir() if p.name.startswith(".run-")]  # no staging left behind
    assert english_words(done.stdout + done.stderr, keep=[str(out), str(NILE), "volume", report["study"]],
                         allowed=setting_words()) == []


def test_an_automatic_best_setting_is_shown_in_the_language_of_the_run():
    from cli.commands.search import shown_settings
    from core.i18n import set_language

    assert shown_settings({"window": None, "lr": 0.00125, "cell": "gru"}) == "window=auto, lr=0.00125, cell=gru"
    set_language("zh_CN")
    assert shown_settings({"window": None}) == "window=自动"


# --------------------------------------------------------------------------- progress lines


def epoch(**changes):
    values = dict(step=0, steps=0, epoch=3, epochs=10, network=2, networks=3, refit=False, train_loss=0.5,
                  val_loss=0.25, best_epoch=2)
    return SimpleNamespace(**(values | changes))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_trains_progress_line_reads_as_before_in_english_and_is_translated(lang):
    from cli.commands.train import TerminalProgress
    from core.i18n import set_language

    set_language(lang)
    terminal = Terminal()
    progress = TerminalProgress(terminal)
    progress(epoch())
    progress(epoch(refit=True, networks=1, val_loss=None))
    progress.close()
    text = terminal.getvalue()
    if lang == "en":
        first, second = text.split("\r")[1:]
        assert first.startswith("net 2/3 epoch 3/10 [#######.................] train 0.5 val 0.25 best 2  ETA <= ")
        assert second.startswith("refit 2/1 epoch 3/10 [") and " val " not in second and second.endswith("s \n")
    else:
        assert "网络 2/3" in text and "重新拟合 2/1" in text and "轮次 3/10" in text
        assert english_words(text) == []


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_backtests_fold_line_reads_as_before_in_english_and_is_translated(lang):
    from cli.commands.backtest import FoldProgress
    from core.i18n import set_language

    set_language(lang)
    terminal = Terminal()
    progress = FoldProgress(terminal)
    progress(SimpleNamespace(fold=2, folds=5, epoch=epoch(step=4, steps=20)))
    progress(SimpleNamespace(fold=3, folds=5, epoch=None))
    text = terminal.getvalue()
    if lang == "en":
        assert text.startswith("\rfold 2/5 epoch 4/20  0s        \rfold 3/5  0s        ")
    else:
        assert "折 2/5 轮次 4/20" in text and english_words(text) == []


def test_progress_lines_stay_silent_off_a_terminal():
    from cli.commands.backtest import FoldProgress
    from cli.commands.train import TerminalProgress

    stream = io.StringIO()
    for progress, update in ((TerminalProgress(stream), epoch()),
                             (FoldProgress(stream), SimpleNamespace(fold=1, folds=2, epoch=epoch()))):
        progress(update)
        progress.close()
    assert stream.getvalue() == ""
