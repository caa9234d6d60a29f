"""Property-based tests (hypothesis): whatever file or settings come in, only our own errors go out.

The reader, the settings and the model loader face files and values we did not write. For any
input they either succeed (and what they return holds together) or raise one of the project's
error types (core.errors) with a one-line message; never a TypeError, a pandas error or a
traceback. Each property runs a bounded number of examples, without a deadline.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from core.data.csv_reader import read_csv
from core.errors import BundleError, ConfigError, DataError, ForecasterError
from core.settings.config import ForecastConfig
from tests.factories import save_small_model

# the full tier (CI) runs every example; the everyday tier the first third of the same (derandomized)
# sequence, since these properties are the slowest everyday tests
FULL_TIER = bool(os.environ.get("LSTMF_FULL_TIER"))
SETTINGS = settings(max_examples=150 if FULL_TIER else 50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


def check_loaded(loaded) -> None:
    """What read_csv returns holds together: JSON-able report, filled finite numbers, rows."""
    report, frame = loaded.report, loaded.frame
    json.dumps(report.to_dict(), allow_nan=False)
    assert report.rows == len(frame) >= 3
    assert len(report.columns) == frame.shape[1]
    for name in report.numeric_columns():
        values = frame[name].to_numpy()
        assert values.dtype == np.float64 and np.isfinite(values).all(), name
    if report.date_column is not None:
        stamps = frame[report.date_column]
        assert stamps.notna().all() and stamps.is_monotonic_increasing and stamps.is_unique


def read_only_our_errors(path) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # warnings are not failures here; crashes are
            loaded = read_csv(path)
    except DataError as exc:
        message = str(exc)
        assert path.name in message and "\n" not in message, message
        return
    check_loaded(loaded)


# --------------------------------------------------------------------------- CSV reader

PIECES = ["date", "value", "日期", "销售额", "Köln", "€", ",", ";", "\t", "|", "\n", "\r\n", '"',
          '""', " ", "2024-01-0", "2024-02-29", "13/01/2024", "01.02.2024", "2024年1月5日", "1990",
          "1,5", "1.234,5", "1,234.5", "-3e4", "1e309", "inf", "-", "NA", "n/a", "#N/A", "TRUE",
          "+01:00", "Z", "T10:00:00", "sep=;", "\x00", "\x1a", "\ufeff", "Q1", "0", "9", ".", "'"]

# a well-formed head keeps many examples past the first checks, deep into the reader
csv_text = st.tuples(
    st.sampled_from(["", "date,value\n", "date;value;x\n", "time\tload\n", "a|b|c\n",
                     "日期,销售额\n", "sep=;\nDatum;Umsatz\n"]),
    st.lists(st.one_of(st.sampled_from(PIECES), st.integers(-10**6, 10**6).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr),
                       st.text(max_size=4)), max_size=150),
).map(lambda parts: parts[0] + "".join(parts[1]))

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "cp1252", "utf-16", "utf-16-le", "latin-1"]


@SETTINGS
@given(text=csv_text, encoding=st.sampled_from(ENCODINGS))
def test_generated_csv_text_is_read_or_refused_with_a_data_error(workdir, text, encoding):
    path = workdir / "generated.csv"
    path.write_bytes(text.encode(encoding, errors="replace"))
    read_only_our_errors(path)


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_generated_bytes_are_read_or_refused_with_a_data_error(workdir, data):
    path = workdir / "bytes.csv"
    path.write_bytes(data)
    read_only_our_errors(path)


rows = st.lists(st.tuples(st.dates().map(str), st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**20, 10**20)), min_size=0, max_size=40)


@SETTINGS
@given(rows=rows, delimiter=st.sampled_from([",", ";", "\t", "|"]),
       decimal_comma=st.booleans(), shuffle=st.randoms(use_true_random=False))
def test_generated_tables_read_back_their_numbers(workdir, rows, delimiter, decimal_comma, shuffle):
    """Tables with a date, a float and an integer column: every finite number read back exactly."""
    assume(not (decimal_comma and delimiter == ","))
    shuffle.shuffle(rows)

    def number(x: float) -> str:
        text = repr(x)
        return text.replace(".", ",") if decimal_comma else text

    lines = ["date" + delimiter + "x" + delimiter + "n"]
    lines += [f"{d}{delimiter}{number(x)}{delimiter}{n}" for d, x, n in rows]
    path = workdir / "table.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        loaded = read_csv(path, decimal="," if decimal_comma else None)
    except DataError as exc:
        assert "table.csv" in str(exc)
        return
    check_loaded(loaded)
    frame = loaded.frame
    if loaded.report.date_column == "date" and "x" in loaded.report.numeric_columns():
        # the last row of each date wins; where that value was a finite number, it is kept
        last = {}
        for d, x, n in rows:
            last[d] = (x, n)
        for stamp, x, n in zip(frame["date"], frame["x"], frame["n"]):
            want_x, want_n = last[str(stamp.date())]
            if math.isfinite(want_x) and loaded.report.column("x").missing == 0:
                assert x == want_x
            if loaded.report.column("n").kind == "numeric" and abs(want_n) < 2**53:
                assert n == float(want_n)


# --------------------------------------------------------------------------- settings

any_value = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
    st.text(max_size=8), st.sampled_from(["lstm", "gru", "rnn", "mse", "adam", "standard", "delta"]),
    st.lists(st.text(max_size=4), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                              max_size=2),
)
FIELDS = ["features", "date_column", "window", "horizon", "val_fraction", "test_fraction",
          "test_size", "scaler", "target_mode", "season", "cell", "hidden", "layers", "dropout",
          "bidirectional", "head_width", "epochs", "batch_size", "lr", "optimizer", "weight_decay",
          "loss", "patience", "grad_clip", "seed", "threads", "ridge_alpha", "interval_level",
          "forecast_steps"]


@SETTINGS
@given(target=any_value, changes=st.dictionaries(st.sampled_from(FIELDS), any_value, max_size=6))
def test_generated_settings_are_valid_or_a_config_error(target, changes):
    try:
        config = ForecastConfig(target=target, **changes)
    except ConfigError as exc:
        assert "\n" not in str(exc)
        return
    # a config that passed validation round-trips through JSON and plans without surprises
    again = ForecastConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config


@SETTINGS
@given(data=st.one_of(any_value, st.dictionaries(st.sampled_from([*FIELDS, "target", "schema_version"]),
                                                 any_value, max_size=8)))
def test_generated_settings_files_are_valid_or_a_config_error(data):
    try:
        ForecastConfig.from_dict(data)
    except ConfigError:
        pass


# --------------------------------------------------------------------------- saved models

json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
              st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=12)


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    return save_small_model(tmp_path_factory.mktemp("model") / "model", rows=80, window=5, hidden=4)


def _paths(meta, prefix=()):
    """Every (path, value) in a JSON tree."""
    yield prefix, meta
    if isinstance(meta, dict):
        for key, value in meta.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(meta, list):
        for i, value in enumerate(meta[:3]):
            yield from _paths(value, (*prefix, i))


@settings(max_examples=120 if FULL_TIER else 40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(choice=st.integers(0, 10**6), value=json_value)
def test_edited_model_descriptions_load_or_give_a_bundle_error(saved_model, workdir, choice, value):
    """Any one value of model.json replaced by any JSON: a BundleError, or a model that works."""
    from core.apply import forecast_table
    from core.model.bundle import META_FILE, load_bundle

    meta = json.loads((saved_model / META_FILE).read_text(encoding="utf-8"))
    paths = [p for p, _ in _paths(meta) if p and p[0] not in ("training", "versions")]
    where = paths[choice % len(paths)]
    node = meta
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    folder = workdir / "edited"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(saved_model, folder)
    (folder / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    try:
        bundle = load_bundle(folder)
    except BundleError as exc:
        assert "\n" not in str(exc)
        return
    try:
        table = forecast_table(bundle)
    except ForecasterError:
        return
    assert np.isfinite(table["predicted"].to_numpy(dtype=float)).all()
