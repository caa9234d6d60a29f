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
    """A model saved by `train` records its run's id, as does the metrics.json beside it. When
    both are there and differ, the run that wrote the model was interrupted (or another run
    wrote the metrics): the two describe different models, so the model is not trusted."""
    run_id = meta.get("run_id")
    metrics = path.parent / RUN_METRICS_FILE
    if not isinstance(run_id, str) or not metrics.is_file():
        return
    try:
        if metrics.stat().st_size > MAX_MEMBER_BYTES[META_FILE]:
            return
        recorded = json.loads(metrics.read_bytes().decode("utf-8")).get("run_id")
    except (OSError, ValueError, RecursionError, AttributeError):
        return
    if isinstance(recorded, str) and recorded != run_id:
        raise BundleError(_("{file} and the {metrics_file} beside it come from different runs (a train was "
                            "interrupted or two ran into one folder); train again, or move the model elsewhere to "
                            "use it anyway.").format(file=path.name, metrics_file=RUN_METRICS_FILE))
