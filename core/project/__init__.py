"""Project files (`.lstmproj`): an analysis to reopen, as one JSON document with a versioned schema.

A project names the data file (its path, its path from the project's folder, its SHA-256), how it
was read (ReadOptions, the sheet included), the columns, the settings, the Backtest and Search tabs'
requests and, optionally, the trained model with what the Results tab showed for it.

The model goes inside as the `.lstmf` file's bytes in base64, not as a zip of members beside a
project.json: the project stays one JSON document a person can read and diff (the model is the last
entry, on one line, and the results are compact after it), and the bundle is loaded back through
`load_bundle`, the same reader and the same caps as any model file, so a project can't smuggle past
them what a model file can't. Base64 costs a third more bytes on models that are small (tens of
kilobytes to a few megabytes); the whole file is capped anyway.

Nothing unpickles; writes are atomic; a crafted file is refused with one sentence naming it (its
size, each value's type, an unknown format or a newer version), as bundles are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core import __version__
from core.data.options import ReadOptions
from core.errors import ConfigError, DamagedValue, ProjectError
from core.files import atomic_write_bytes, dumps, file_sha256
from core.i18n import _
from core.project.codec import MAX_TEXT, damaged, record_from_json, record_to_json
from core.settings.config import SETTINGS_BY_NAME
from core.settings.requests import BacktestRequest, SearchRequest
from core.settings.table import settings_of, validate_declared

__all__ = ["FORMAT", "MAX_MODEL_BYTES", "MAX_PROJECT_BYTES", "PROJECT_SUFFIX", "VERSION", "Project", "ProjectModel",
           "SourceFile", "find_source", "load_project_model", "read_project", "save_project", "source_of"]

PROJECT_SUFFIX = ".lstmproj"
FORMAT = "lstm-forecaster-project"
VERSION = 1
MAX_PROJECT_BYTES = 256 << 20  # settings are kilobytes; the model and a long run's results fit well inside
MAX_MODEL_BYTES = 128 << 20  # the embedded .lstmf (a larger model is saved on its own: File > Save model)
_COLUMN_SETTINGS = ("target", "features", "date_column")  # the project's columns, not its settings
_SEARCH_FIELDS = ("budget_s", "trials", "jobs", "seed")  # the storage and study name stay on the machine


@dataclass(frozen=True)
class SourceFile:
    """The data file: `path` as it was (absolute), `relative` from the project's folder (to find a
    folder moved with its project), its SHA-256 then (None: not recorded)."""

    path: str
    sha256: str | None = None
    relative: str | None = None


@dataclass(frozen=True)
class ProjectModel:
    """The trained model as its `.lstmf` file's bytes, and what the Results tab showed for it (a record
    of the face's type, checked field by field when read; a dict of JSON values when no type is given)."""

    bundle: bytes
    results: Any


@dataclass(frozen=True)
class Project:
    source: SourceFile
    read_options: ReadOptions = field(default_factory=ReadOptions)
    target: str = ""
    features: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)  # ForecastConfig keywords besides the columns
    backtest: BacktestRequest | None = None
    search: SearchRequest | None = None  # storage and study are left out: they belong to a machine
    model: ProjectModel | None = None


# ---------------------------------------------------------------- writing
def save_project(project: Project, path: str | Path) -> str | None:
    """Writes `project` atomically; a note when the model was left out (too large to embed), else None."""
    path = Path(path)
    head = _head(project, path)
    text = dumps(head)
    note = None
    if project.model is not None:
        model = _model_text(project.model)
        if len(model) + len(text) > MAX_PROJECT_BYTES - (1 << 20):
            note = _("The trained model and its results were left out of the project: with them it would be "
                     "larger than {size} MB. Save the model on its own with File > Save model.").format(
                size=MAX_PROJECT_BYTES >> 20)
        else:  # last and compact: the readable part stays readable
            text = text[:-2] + ',\n  "model": ' + model + "\n}"
    atomic_write_bytes(path, (text + "\n").encode("utf-8"))
    return note


def _head(project: Project, path: Path) -> dict[str, Any]:
    source = project.source
    try:
        relative = os.path.relpath(Path(source.path).resolve(), path.resolve().parent)
    except ValueError:  # another drive (Windows)
        relative = None
    backtest, search_request = _valid_or_none(project.backtest), _valid_or_none(project.search)
    search = None if search_request is None else {name: getattr(search_request, name) for name in _SEARCH_FIELDS}
    if search is not None:
        search["fixed"] = list(search_request.fixed)
    return {
        "format": FORMAT, "version": VERSION, "app": __version__,
        "source": {"path": source.path, "relative": relative, "sha256": source.sha256},
        "read_options": asdict(project.read_options),
        "columns": {"target": project.target, "features": list(project.features)},
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in project.settings.items()},
        "backtest": None if backtest is None else asdict(backtest),
        "search": search,
    }


def _valid_or_none(request: Any) -> Any:
    """A request the project can be opened with again, or None (a form with a value out of range)."""
    if request is None:
        return None
    try:
        validate_declared(request)
    except ConfigError:
        return None
    return request


def _model_text(model: ProjectModel) -> str:
    results = record_to_json(model.results) if not isinstance(model.results, dict) else model.results
    return dumps({"sha256": hashlib.sha256(model.bundle).hexdigest(),
                  "bundle": base64.b64encode(model.bundle).decode("ascii"), "results": results}, indent=None)


def source_of(path: str | Path) -> SourceFile:
    """The data file as a project records it: its absolute path and checksum."""
    path = Path(path).resolve()
    return SourceFile(str(path), file_sha256(path))


# ---------------------------------------------------------------- reading
def read_project(path: str | Path, results_as: type | None = None) -> Project:
    """Reads and checks a project; ProjectError with one readable sentence naming the file.

    `results_as`: the dataclass the face shows results with; the model's results are checked
    against its fields (without it they stay plain JSON values)."""
    path = Path(path)
    data = _json_of(path)
    try:
        return _project(data, results_as)
    except DamagedValue as exc:
        raise ProjectError(_("{file} can't be opened as a project: {reason}.").format(
            file=path.name, reason=_short(str(exc)).rstrip(".。"))) from None


def _short(text: str, limit: int = 300) -> str:
    """A crafted value quoted in a reason can be megabytes long: one line stays one line."""
    return text if len(text) <= limit else text[:limit] + "…"


def _json_of(path: Path) -> Any:
    """The file's JSON, read under the size cap; ProjectError if it is none of ours."""
    try:
        if not path.is_file():
            raise ProjectError(_("There is no project file at {path}.").format(path=path))
        size = path.stat().st_size
        if size > MAX_PROJECT_BYTES:
            raise ProjectError(_("{file} is refused: at {size:,} bytes it is far larger than a project file.").format(
                file=path.name, size=size))
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PROJECT_BYTES + 1)
    except OSError as exc:
        from core.model.bundle.archive import os_reason

        raise ProjectError(_("{path} can't be read: {reason}.").format(path=path, reason=os_reason(exc))) from None
    if len(raw) > MAX_PROJECT_BYTES:
        raise ProjectError(_("{file} is refused: it is larger than it claims.").format(file=path.name))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectError(_("{file} is not an LSTM Forecaster project file, or it is damaged.").format(file=path.name))
    version = data.get("version")
    if type(version) is int and version > VERSION:
        raise ProjectError(_("{file} was saved by a newer version of the app (project format {version}); this "
                             "version opens format {supported}. Please update the app.").format(
            file=path.name, version=version, supported=VERSION))
    if type(version) is not int or version != VERSION:  # 1.0 and true are equal to 1, and are not versions
        raise ProjectError(_("{file} is not an LSTM Forecaster project file, or it is damaged.").format(file=path.name))
    return data


def _project(data: dict[str, Any], results_as: type | None) -> Project:
    columns = _section(data, "columns")
    target = columns.get("target")  # "" when the table had no numeric column
    target = target if target == "" else _text(target, _("the target column"))
    features = columns.get("features")
    if not isinstance(features, list) or len(features) > 10_000:
        raise damaged(_("its feature columns are not a list of names"))
    return Project(_source(_section(data, "source")), _read_options(_section(data, "read_options")), target,
                   tuple(_text(f, _("a feature column")) for f in features), _settings(_section(data, "settings")),
                   _backtest(data.get("backtest")), _search(data.get("search")), _model(data.get("model"), results_as))


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    section = data.get(name)
    if not isinstance(section, dict):
        raise damaged(_("its {section!r} is not a set of named values").format(section=name))
    return section


def _text(value: Any, what: str, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT or (not optional and value == ""):
        raise damaged(_("{what} is not a name").format(what=what))
    return value


def _source(section: dict[str, Any]) -> SourceFile:
    checksum = section.get("sha256")
    if checksum is not None and (not isinstance(checksum, str) or len(checksum) != 64
                                 or any(c not in "0123456789abcdef" for c in checksum)):
        raise damaged(_("the data file's checksum is not a SHA-256"))
    return SourceFile(_text(section.get("path"), _("the data file's path")), checksum,
                      _text(section.get("relative"), _("the data file's path"), optional=True))


def _read_options(section: dict[str, Any]) -> ReadOptions:
    texts = {name: _text(section.get(name), _("the read option {name!r}").format(name=name), optional=True)
             for name in ("encoding", "delimiter", "decimal", "date_column", "sheet")}
    header_row = section.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or isinstance(header_row, bool)
                                   or not 1 <= header_row <= 1_000_000):
        raise damaged(_("the header row is not a row number"))
    return ReadOptions(header_row=header_row, **texts)


def _settings(section: dict[str, Any]) -> dict[str, Any]:
    """The known settings, each valid as declared (names of settings this version lacks are left out)."""
    values = {}
    for name, value in section.items():
        declared = SETTINGS_BY_NAME.get(name)
        if declared is None or name in _COLUMN_SETTINGS:
            continue
        if declared.kind is tuple and isinstance(value, list):
            value = tuple(value)
        problem = _problem(declared, value)
        if problem is not None:
            raise damaged(_("its settings are refused: {problem}").format(problem=problem.rstrip(".。")))
        values[name] = value
    return values


def _problem(declared, value: Any) -> str | None:
    try:
        return declared.problem(value)
    except (TypeError, ValueError):  # a crafted value no declared check expected
        return _("{noun} has a value of the wrong type").format(noun=declared.noun)


def _backtest(section: Any) -> BacktestRequest | None:
    if section is None:
        return None
    if not isinstance(section, dict):
        raise damaged(_("its {section!r} is not a set of named values").format(section="backtest"))
    known = {s.name: section[s.name] for s in settings_of(BacktestRequest) if s.name in section}
    return _request(BacktestRequest, known)


def _search(section: Any) -> SearchRequest | None:
    if section is None:
        return None
    if not isinstance(section, dict):
        raise damaged(_("its {section!r} is not a set of named values").format(section="search"))
    known = {name: section[name] for name in _SEARCH_FIELDS if name in section}
    fixed = section.get("fixed", [])
    searchable = {s.name for s in SETTINGS_BY_NAME.values() if s.searchable}
    if not isinstance(fixed, list) or not all(isinstance(f, str) for f in fixed):
        raise damaged(_("the search's fixed settings are not a list of names"))
    known["fixed"] = tuple(f for f in fixed if f in searchable)  # a setting this version can't search is left out
    known.setdefault("budget_s", 60.0)
    return _request(SearchRequest, known)


def _request(kind: type, known: dict[str, Any]) -> Any:
    for s in settings_of(kind):
        if s.name in known:
            problem = _problem(s, known[s.name])
            if problem is not None:
                refusal = (_("its backtest request is refused: {problem}") if kind is BacktestRequest
                           else _("its search request is refused: {problem}"))
                raise damaged(refusal.format(problem=problem.rstrip(".。")))
    request = kind(**known)
    try:
        validate_declared(request)
    except ConfigError as exc:
        raise damaged(str(exc).rstrip(".。")) from None
    return request


def _model(section: Any, results_as: type | None) -> ProjectModel | None:
    if section is None:
        return None
    if not isinstance(section, dict) or not isinstance(section.get("bundle"), str):
        raise damaged(_("its model is not an embedded model file"))
    encoded = section["bundle"]
    if len(encoded) > (MAX_MODEL_BYTES // 3 + 1) * 4:
        raise damaged(_("its model is larger than any model it would embed"))
    try:
        bundle = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise damaged(_("its model is not valid base64")) from None
    if hashlib.sha256(bundle).hexdigest() != section.get("sha256"):
        raise damaged(_("its model does not match its checksum"))
    results = section.get("results")
    if results_as is not None:
        results = record_from_json(results_as, results)
    elif not isinstance(results, dict):
        raise damaged(_("the results are not a set of named values"))
    return ProjectModel(bundle, results)


# ---------------------------------------------------------------- the data file and the model
def find_source(project: Project, project_path: str | Path) -> Path | None:
    """Where the data file is now: at its path, or where it lies from the project's folder (both moved
    together); None when at neither."""
    candidates = [Path(project.source.path)]
    if project.source.relative:
        candidates.append(Path(project_path).resolve().parent / project.source.relative)
    return next((c for c in candidates if c.is_file()), None)


def load_project_model(model: ProjectModel, project_path: str | Path):
    """The embedded model loaded by `load_bundle`, with every check a model file gets (BundleError
    names the project's file). Imports torch: for a worker thread."""
    from core.model.bundle import load_bundle

    with tempfile.TemporaryDirectory(prefix="lstm-project-") as folder:
        copy = Path(folder) / Path(project_path).name  # its messages name the project
        atomic_write_bytes(copy, model.bundle)
        return load_bundle(copy)
