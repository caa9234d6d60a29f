"""Hyperparameter search with a hard time budget (Optuna: TPE sampler, per-epoch pruning).

Trials are scored on the validation split only; the best settings and the user's own are then
run once and scored on the test split, where the search's conclusion is decided. Trials run in
this process or in worker processes sharing one study: Optuna's journal file on one machine (by
default), PostgreSQL for several machines (`search-worker`); SQLite studies made before still open.
"""

from core.search.records import (
    SearchProgress,
    SearchRequest,
    SearchResult,
    TrialRecord,
    baseline_sentence,
    write_search,
)
from core.search.runner import run_search
from core.search.space import search_space
from core.search.storage import SearchError
from core.search.study import join_study

__all__ = ["SearchError", "SearchProgress", "SearchRequest", "SearchResult", "TrialRecord", "baseline_sentence",
           "join_study", "run_search", "search_space", "write_search"]
