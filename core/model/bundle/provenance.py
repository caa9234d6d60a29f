"""Where a saved model came from: the settings search that chose its settings, and its run's id."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from core.errors import BundleError
from core.i18n import _, ngettext
from core.model.bundle.archive import MAX_MEMBER_BYTES, META_FILE

RUN_METRICS_FILE = "metrics.json"
RUN_SEARCH_FILE = "search.json"  # beside a model a search wrote (cli search)
# meta["search"]: where a model's settings came from when a settings search chose them
# (core.search.SearchResult.provenance); plain JSON values of these types, nothing else kept
SEARCH_RECORD = {"study": (str,), "storage": (str,), "budget_s": (int, float), "elapsed_s": (int, float),
                 "trials": (int,), "best_trial": (int, type(None)), "validation_score": (int, float, type(None)),
                 "baseline_score": (int, float, type(None)), "baseline_best": (bool,)}


def search_record(value: Any) -> dict[str, Any] | None:
    """A bundle's search record as it may be used: the known keys with values of their types, or
    None (absent, or not a record this app wrote: it is informational, so it is dropped, not refused)."""
    if not isinstance(value, dict):
        return None
    record = {}
    for key, types in SEARCH_RECORD.items():
        item = value.get(key)
        if not isinstance(item, types) or (isinstance(item, bool) and bool not in types):
            return None
        if isinstance(item, float) and not math.isfinite(item):
            return None
        if isinstance(item, str) and len(item) > 1000:
            return None
        record[key] = item
    return record


def search_note(meta: dict[str, Any]) -> str:
    """One line for a model's details: the search its settings came from ("" when none)."""
    record = search_record(meta.get("search"))
    if record is None:
        return ""
    if record["baseline_best"]:
        return ngettext("A settings search (study {study}, {trials} trial) found no settings better than these on "
                        "validation.",
                        "A settings search (study {study}, {trials} trials) found no settings better than these on "
                        "validation.", record["trials"]).format(study=record["study"], trials=record["trials"])
    score = record["validation_score"]
    return ngettext("Its settings came from a settings search: trial {trial} of {trials} in study {study} "
                    "(validation RMSE {score}).",
                    "Its settings came from a settings search: trial {trial} of {trials} in study {study} "
                    "(validation RMSE {score}).", record["trials"]).format(
        trial=record["best_trial"], trials=record["trials"], study=record["study"],
        score=f"{score:.4g}" if score is not None else "?")


def check_run_id(path: Path, meta: dict[str, Any]) -> None:
    """A model saved by `train` or `search` records its run's id, as does the metrics.json or
    search.json beside it. When both are there and differ, the run that wrote the model was
    interrupted (or another run wrote the other file): the two describe different models, so the
    model is not trusted."""
    run_id = meta.get("run_id")
    if not isinstance(run_id, str):
        return
    for name in (RUN_METRICS_FILE, RUN_SEARCH_FILE):
        recorded = _recorded_run_id(path.parent / name)
        if recorded is None or recorded == run_id:
            continue
        if name == RUN_METRICS_FILE:
            raise BundleError(_("{file} and the {metrics_file} beside it come from different runs (a train was "
                                "interrupted or two ran into one folder); train again, or move the model elsewhere "
                                "to use it anyway.").format(file=path.name, metrics_file=RUN_METRICS_FILE))
        raise BundleError(_("{file} and the {search_file} beside it come from different searches (a search was "
                            "interrupted or two wrote into one folder); search again, or move the model elsewhere "
                            "to use it anyway.").format(file=path.name, search_file=RUN_SEARCH_FILE))


def _recorded_run_id(path: Path) -> str | None:
    """The run id a run's JSON file records (None: no file, not readable, or none recorded)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_MEMBER_BYTES[META_FILE]:
            return None
        recorded = json.loads(path.read_bytes().decode("utf-8")).get("run_id")
    except (OSError, ValueError, RecursionError, AttributeError):
        return None
    return recorded if isinstance(recorded, str) else None
