"""Project files (core.project): what is saved comes back, with every value's type; crafted files
(a newer version, wrong types, huge, not JSON, a model that isn't one) are refused in one sentence."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.data.options import ReadOptions
from core.errors import BundleError, ProjectError
from core.project import (
    MAX_PROJECT_BYTES,
    Project,
    ProjectModel,
    SourceFile,
    find_source,
    load_project_model,
    read_project,
    save_project,
    source_of,
)
from core.project.codec import record_to_json
from core.settings.requests import BacktestRequest, SearchRequest


@dataclass(frozen=True)
class Shown:
    """A record like the window's ShownOutput: tables, optional numbers, texts, nested scores."""

    target: str
    predictions: pd.DataFrame
    metrics: dict[str, dict[str, float | None]]
    coverage: float | None
    notes: tuple[str, ...] = ()
    anchor: list[float] | None = None
    horizon: int = 1
    forecast: pd.DataFrame | None = None


def shown() -> Shown:
    predictions = pd.DataFrame({
        "time": pd.date_range("2024-01-01", periods=4, freq="D"), "step": np.array([1, 1, 1, 1], dtype=np.int32),
        "predicted": [1.5, np.nan, 3.25, 1e-300], "split": pd.Categorical(["train", "val", "test", "test"],
                                                                          categories=["train", "val", "test"]),
        "method": ["direct", "direct", None, "recursive"], "flag": [True, False, True, True]})
    return Shown("销售", predictions, {"model": {"rmse": 0.1, "mape": None}, "naive": {"rmse": 0.3}}, None,
                 ("a note", "第二"), [1.0, 2.0], 3, None)


@pytest.fixture
def data_file(tmp_path) -> Path:
    path = tmp_path / "data" / "sales.csv"
    path.parent.mkdir()
    path.write_text("day,sales\n2024-01-01,1\n2024-01-02,2\n", encoding="utf-8")
    return path


def a_project(data_file: Path, model: ProjectModel | None = None) -> Project:
    return Project(source_of(data_file), ReadOptions(delimiter=",", date_column="day", sheet="二月", header_row=3),
                   "sales", ("price", "促销"), {"window": 14, "hidden": 16, "dropout": 0.25, "cell": "gru",
                                                  "batch_size": None, "features": ("ignored",)},
                   BacktestRequest(folds=3, fold_step=2, retrain_every=0, expanding=False),
                   SearchRequest(budget_s=90.0, trials=7, jobs=2, storage="postgresql://u:secret@h/db", study="s",
                                 seed=5, fixed=("cell", "no_such_setting")), model)


def test_a_project_round_trip_keeps_every_value(tmp_path, data_file):
    path = tmp_path / "p.lstmproj"
    model = ProjectModel(b"PK\x03\x04 not opened here", shown())
    assert save_project(a_project(data_file, model), path) is None
    back = read_project(path, results_as=Shown)
    assert back.source == SourceFile(str(data_file.resolve()), hashlib.sha256(data_file.read_bytes()).hexdigest(),
                                     str(Path("data") / "sales.csv"))
    assert back.read_options == ReadOptions(delimiter=",", date_column="day", sheet="二月", header_row=3)
    assert (back.target, back.features) == ("sales", ("price", "促销"))
    # the settings as asked; the columns come from the project's columns, not from its settings
    assert back.settings == {"window": 14, "hidden": 16, "dropout": 0.25, "cell": "gru", "batch_size": None}
    assert back.backtest == BacktestRequest(folds=3, fold_step=2, retrain_every=0, expanding=False)
    # the storage URL (a password in it) and the study stay on this machine
    assert back.search == SearchRequest(budget_s=90.0, trials=7, jobs=2, seed=5, fixed=("cell",))
    assert "secret" not in path.read_text(encoding="utf-8")
    assert back.model.bundle == model.bundle
    results = back.model.results
    expected = shown().predictions
    pd.testing.assert_frame_equal(results.predictions, expected)  # the dtypes too
    assert list(results.predictions["split"].cat.categories) == ["train", "val", "test"]
    assert results.metrics == {"model": {"rmse": 0.1, "mape": None}, "naive": {"rmse": 0.3}}
    assert (results.coverage, results.notes, results.anchor, results.horizon, results.forecast) == (
        None, ("a note", "第二"), [1.0, 2.0], 3, None)


def test_the_readable_part_comes_first_and_the_model_last_on_one_line(tmp_path, data_file):
    path = tmp_path / "p.lstmproj"
    save_project(a_project(data_file, ProjectModel(b"bytes", shown())), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1] == '  "format": "lstm-forecaster-project",'
    assert lines[-2].startswith('  "model": {"sha256":') and lines[-1] == "}"
    assert '"window": 14' in "\n".join(lines[:-2])


def test_a_model_too_large_to_embed_is_left_out_and_said(tmp_path, data_file, monkeypatch):
    import core.project

    monkeypatch.setattr(core.project, "MAX_PROJECT_BYTES", (1 << 20) + 4000)
    path = tmp_path / "p.lstmproj"
    note = save_project(a_project(data_file, ProjectModel(b"x" * 4000, shown())), path)
    assert note is not None and "left out of the project" in note and "File > Save model" in note
    back = read_project(path)
    assert back.model is None and back.settings["window"] == 14


def test_a_request_the_form_got_wrong_is_not_saved_to_refuse_the_project_later(tmp_path, data_file):
    path = tmp_path / "p.lstmproj"
    project = a_project(data_file)
    save_project(Project(project.source, backtest=BacktestRequest(folds=0), search=SearchRequest(budget_s=-1)), path)
    back = read_project(path)
    assert back.backtest is None and back.search is None


def test_the_data_file_is_found_where_it_was_or_beside_the_project(tmp_path, data_file):
    project_path = tmp_path / "p.lstmproj"
    save_project(a_project(data_file), project_path)
    project = read_project(project_path)
    assert find_source(project, project_path) == data_file.resolve()
    # the folder moved with its project: the data is found from the project's folder
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (tmp_path / "data").rename(moved / "data")
    project_path.rename(moved / "p.lstmproj")
    assert find_source(project, moved / "p.lstmproj") == (moved / "data" / "sales.csv").resolve()
    # gone from both places: nobody knows where
    (moved / "data" / "sales.csv").unlink()
    assert find_source(project, moved / "p.lstmproj") is None


def test_an_embedded_model_loads_through_the_bundle_reader(tmp_path, data_file):
    from tests.factories import save_small_model

    bundle = save_small_model(tmp_path / "m.lstmf", rows=90, window=6, hidden=8).read_bytes()
    path = tmp_path / "with model.lstmproj"
    save_project(a_project(data_file, ProjectModel(bundle, {"any": "results"})), path)
    loaded = load_project_model(read_project(path).model, path)
    assert loaded.config.target == "y" and loaded.config.window == 6
    # bytes that are not a model, under a checksum that matches them: the bundle reader refuses them,
    # naming the project
    junk = ProjectModel(b"\x80\x04\x95 a pickle, not a model", {})
    save_project(a_project(data_file, junk), path)
    with pytest.raises(BundleError, match="with model.lstmproj"):
        load_project_model(read_project(path).model, path)


# ---------------------------------------------------------------- crafted files
def saved_json(tmp_path, data_file, model: ProjectModel | None = None) -> dict:
    path = tmp_path / "good.lstmproj"
    save_project(a_project(data_file, model), path)
    return json.loads(path.read_text(encoding="utf-8"))


def refused(tmp_path, content: bytes | dict, results_as=None) -> str:
    path = tmp_path / "crafted.lstmproj"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode("utf-8"))
    with pytest.raises(ProjectError) as caught:
        read_project(path, results_as=results_as)
    message = str(caught.value)
    assert "\n" not in message and "crafted.lstmproj" in message and len(message) < 600, message
    return message


def test_a_newer_version_is_refused_with_what_to_do(tmp_path, data_file):
    data = saved_json(tmp_path, data_file)
    message = refused(tmp_path, data | {"version": 2})
    assert "newer version" in message and "format 2" in message and "update the app" in message
    for version in (0, "1", None, True, 1.0):
        assert "not an LSTM Forecaster project" in refused(tmp_path, data | {"version": version})


@pytest.mark.parametrize("content", [
    b"", b"\xff\xfe not utf-8", b"PK\x03\x04 a zip", b"[1, 2]", b"[" * 200_000 + b"]" * 200_000,
    json.dumps({"format": "lstm-forecaster-model", "version": 1}).encode()])
def test_what_is_no_project_is_refused(tmp_path, content):
    assert "not an LSTM Forecaster project file" in refused(tmp_path, content)


@pytest.mark.parametrize("change, words", [
    (lambda d: d["settings"].update(hidden="many"), "Hidden"),
    (lambda d: d["settings"].update(dropout=[0.1]), "Dropout"),
    (lambda d: d["settings"].update(cell={"x": 1}), "cell"),
    (lambda d: d["settings"].update(window=0), "Window"),
    (lambda d: d.update(settings=[1, 2]), "settings"),
    (lambda d: d["columns"].update(features="price"), "feature columns"),
    (lambda d: d["columns"].update(target=7), "target"),
    (lambda d: d["read_options"].update(header_row="3"), "header row"),
    (lambda d: d["read_options"].update(sheet=["a"]), "sheet"),
    (lambda d: d["source"].update(sha256="../../etc"), "checksum"),
    (lambda d: d["source"].update(path=None), "path"),
    (lambda d: d["backtest"].update(folds=-1), "folds"),
    (lambda d: d["search"].update(budget_s="600"), "budget"),
    (lambda d: d["search"].update(fixed="cell"), "fixed"),
])
def test_values_of_the_wrong_type_are_refused_naming_them(tmp_path, data_file, change, words):
    data = saved_json(tmp_path, data_file)
    change(data)
    message = refused(tmp_path, data)
    assert "can't be opened as a project" in message and words.lower() in message.lower(), message


@pytest.mark.parametrize("change, words", [
    (lambda m: m.update(bundle="not base64!"), "base64"),
    (lambda m: m.update(bundle=base64.b64encode(b"other").decode()), "checksum"),
    (lambda m: m.update(bundle=12), "embedded model"),
    (lambda m: m["results"].update(coverage="90%"), "coverage"),
    (lambda m: m["results"].update(metrics={"model": {"rmse": "0.1"}}), "metrics"),
    (lambda m: m["results"].update(notes=[1, 2]), "notes"),
    (lambda m: m["results"].pop("target"), "target"),
    (lambda m: m["results"]["predictions"]["columns"][2].update(values=["1", 2, 3, 4]), "predicted"),
    (lambda m: m["results"]["predictions"]["columns"][1].update(dtype="object"), "step"),
    (lambda m: m["results"]["predictions"]["columns"][0].update(values=["yesterday"] * 4), "time"),
    (lambda m: m["results"]["predictions"]["columns"][3].update(categories=["train"]), "split"),
    (lambda m: m["results"]["predictions"].update(rows=10**9), "rows"),
    (lambda m: m["results"]["predictions"]["columns"][4].update(values=["x"]), "method"),
])
def test_the_model_and_its_results_are_checked(tmp_path, data_file, change, words):
    data = saved_json(tmp_path, data_file, ProjectModel(b"model bytes", shown()))
    change(data["model"])
    message = refused(tmp_path, data, results_as=Shown)
    assert words.lower() in message.lower(), message


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.lstmproj"
    with open(path, "wb") as handle:  # sparse: no disk is used
        handle.truncate(MAX_PROJECT_BYTES + 1)
    with pytest.raises(ProjectError, match=r"huge.lstmproj is refused: at [\d,]+ bytes it is far larger"):
        read_project(path)


def test_a_missing_project_says_so(tmp_path):
    with pytest.raises(ProjectError, match="There is no project file at"):
        read_project(tmp_path / "gone.lstmproj")


def test_records_write_tables_with_their_kinds():
    data = record_to_json(shown())
    kinds = {c["name"]: (c["kind"], c.get("dtype")) for c in data["predictions"]["columns"]}
    assert kinds == {"time": ("datetime", "datetime64[us]"), "step": ("number", "int32"),
                     "predicted": ("number", "float64"), "split": ("category", None), "method": ("text", None),
                     "flag": ("bool", None)}
    assert data["notes"] == ["a note", "第二"]


@pytest.mark.parametrize("change", [lambda d: d.update(version=2), lambda d: d["settings"].update(hidden="many"),
                                    lambda d: d["columns"].update(features=3), lambda d: d.update(format="x")])
def test_refusals_are_in_the_users_language(tmp_path, data_file, change):
    from core.i18n import set_language
    from tests.english_words import english_words

    data = saved_json(tmp_path, data_file)
    change(data)
    set_language("zh_CN")
    message = refused(tmp_path, data)
    assert english_words(message, keep=["crafted.lstmproj", "LSTM Forecaster", "many"]) == [], message
    assert "。。" not in message and "。." not in message  # one sentence, one full stop
