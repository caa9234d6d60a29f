"""The message catalogs: language choice, up-to-date catalogs, placeholders, and Chinese on the CLI."""

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from core import i18n

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import catalog  # noqa: E402

from tests.factories import run_cli  # noqa: E402


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_CN"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.GB18030"}, "zh_CN"),
    ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "zh_CN"),  # C says nothing: LANG decides
    ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "de_DE.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANGUAGE": "zh_CN:en", "LANG": "en_GB.UTF-8"}, "zh_CN"),
])
def test_system_language_follows_the_posix_variables(environ, expected):
    assert i18n.system_language(environ) == expected


def test_switching_language_translates_the_next_call():
    i18n.set_language("zh_CN")
    assert i18n._("none") == "无"
    i18n.set_language("en")
    assert i18n._("none") == "none"


def test_catalogs_are_up_to_date_with_the_code():
    """Re-extraction finds no new or vanished message, and every .mo is compiled from its .po."""
    assert catalog.problems() == []


def _fields(text: str) -> set[str]:
    return {name for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_is_translated_with_the_same_placeholders():
    for lang in catalog.languages():
        _, entries = catalog.read_po(catalog.po_path(lang))
        untranslated = [e.msgid for e in entries.values() if not all(e.msgstr) or e.fuzzy]
        assert untranslated == [], f"{lang}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
        for e in entries.values():
            wanted = _fields(e.msgid) | (_fields(e.msgid_plural) if e.msgid_plural else set())
            for translated in e.msgstr:
                assert _fields(translated) == wanted, (lang, e.msgid, translated)


def test_pseudo_catalog_wraps_every_message(tmp_path):
    catalog.write_pseudo_catalog(tmp_path)
    i18n.set_language("zh_CN", localedir=tmp_path)
    assert i18n._("none") == "⟦none⟧"
    assert i18n.ngettext("{count} future step", "{count} future steps", 1).format(count=1) == "⟦1 future steps⟧"


@pytest.fixture
def _cli(monkeypatch, tmp_path):
    """The command line in this process with LANG set, as a user's shell sets it (tests/conftest.py has
    removed LANGUAGE, LC_ALL and LC_MESSAGES, and switches back to English after the test). A real
    process's Chinese refusal: tests/core/test_bundle_messages.py::test_main_py_refuses_a_damaged_model_in_chinese."""
    def run(*args: str, lang: str = "zh_CN.UTF-8") -> subprocess.CompletedProcess:
        monkeypatch.setenv("LANG", lang)
        monkeypatch.chdir(tmp_path)  # relative names (missing.csv) are looked up where nothing is
        return run_cli(*args)

    return run


def test_engine_error_comes_out_in_chinese_on_one_line(_cli, tmp_path):
    done = _cli("train", "missing.csv", "--target", "y", "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and done.stdout == ""
    assert re.search(r"[\u4e00-\u9fff]", lines[0]), lines[0]
    assert "missing.csv" in lines[0]


def test_lang_option_overrides_the_environment_before_and_after_the_command(_cli, tmp_path):
    before = _cli("--lang", "en", "train", "missing.csv", "--target", "y", "--out", str(tmp_path / "o"))
    after = _cli("train", "missing.csv", "--target", "y", "--out", str(tmp_path / "o"), "--lang", "en")
    chinese = _cli("train", "missing.csv", "--target", "y", "--out", str(tmp_path / "o"), "--lang=zh_CN",
                   lang="C.UTF-8")
    for done in (before, after):
        assert done.returncode == 2 and not re.search(r"[\u4e00-\u9fff]", done.stderr), done.stderr
    assert chinese.returncode == 2 and re.search(r"[\u4e00-\u9fff]", chinese.stderr)


def test_inspect_json_keeps_english_keys_and_values_in_chinese(_cli, data_dir):
    import json

    done = _cli("inspect", str(ROOT / "resources" / "samples" / "store_sales_zh_gbk.csv"), "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0
    assert {"rows", "encoding", "columns", "notes"} <= report.keys()
    assert {c["kind"] for c in report["columns"]} <= {"numeric", "datetime", "text", "empty"}
