"""UI responsiveness: event-loop stalls while the real main window trains, result-chart redraws
of a million points on zoom and pan, and how often live loss curves redraw.

    python bench/bench_ui.py [--rows 20000] [--epochs 4] [--points 1000000] [--quick] [--busy]

Runs offscreen unless a display is set (`xvfb-run -a -s "-screen 0 1400x900x24" python ...`).
Stalls are measured with a 10 ms QTimer: a stall is how much later than 10 ms a tick came; beside
it, the UI thread's own CPU time between two ticks (what a stall would be with a core to itself).
Training goes through MainWindow exactly as a click on Train does, once with the app's thread
policy and once with 2 torch threads for comparison. Opening the file is measured too, and the
first Train of a window whose engine has not loaded (torch imports on the worker meanwhile).
`--busy`: one more process spins on a core all along (another program, or a second training).
Prints tables; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LSTM_FORECASTER_DATA_DIR", tempfile.mkdtemp(prefix="lstmf-bench-"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QSpinBox  # noqa: E402

from tools.qtwait import pause, wait_for  # noqa: E402


class StallMeter:
    """A 10 ms timer; records how late each tick is."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.lates: list[float] = []
        # the UI thread's own CPU time between two ticks: what a stall costs it, whatever else runs
        # on the machine (a stall of a shared machine is mostly waiting for a core)
        self.cpu: list[float] = []
        self.marks: dict[str, int] = {}

    def start(self) -> None:
        self.clock.start()
        self._last = 0.0
        self._last_cpu = time.thread_time() * 1000
        self.timer.start()

    def mark(self, name: str) -> None:
        self.marks[name] = len(self.lates)

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.lates.append(max(0.0, now - self._last - 10.0))
        self._last = now
        cpu = time.thread_time() * 1000
        self.cpu.append(cpu - self._last_cpu)
        self._last_cpu = cpu

    def stop(self) -> None:
        self.timer.stop()


def stall_summary(lates: list[float], cpu: list[float] | None = None) -> dict:
    return {"max": max(lates, default=0.0), "p99": float(np.percentile(lates, 99)) if lates else 0.0,
            "over50": sum(late > 50 for late in lates), "ticks": len(lates), "cpu": max(cpu or [], default=0.0)}


def train_once(window, epochs: int, threads: int | None) -> dict:
    """Clicks Train on an open window and measures stalls until the result is shown."""
    import gui.session.settings as session_module
    from gui.jobs import Job

    policy = session_module.default_threads
    if threads is not None:
        session_module.default_threads = lambda: threads
    try:
        window.findChild(QSpinBox, "epochsSpin").setValue(epochs)
        meter = StallMeter()
        shown: list = []
        window.session.training.finished.connect(shown.append)
        window.training_panel.loss_canvas.redraws = 0
        # "training" ends when the worker reports its result; the result display follows on the UI thread
        def mark_trained(_result) -> None:
            meter.mark("trained")

        window.session.jobs.task(Job.TRAIN).succeeded.connect(mark_trained)
        meter.start()
        started = time.perf_counter()
        window.session.training.start()
        wait_for(window.session.training.finished, 600_000)
        seconds = time.perf_counter() - started
        pause(1000)  # the result charts paint after trainingFinished: keep measuring
        meter.stop()
        window.session.training.finished.disconnect(shown.append)
        window.session.jobs.task(Job.TRAIN).succeeded.disconnect(mark_trained)
    finally:
        session_module.default_threads = policy
    cut = meter.marks.get("trained", len(meter.lates))
    return {"threads": shown[0].history.threads, "seconds": seconds,
            **stall_summary(meter.lates[:cut], meter.cpu[:cut]),
            "display": max(meter.lates[cut:], default=0.0), "display_cpu": max(meter.cpu[cut:], default=0.0),
            "redraws": window.training_panel.loss_canvas.redraws}


def training_scenario(scenario: str, csv: Path, epochs: int, policy_only: bool = False) -> list[dict]:
    """One fresh process per scenario, so "cold" really starts without torch loaded.

    cold: the window does not warm the engine up; the first Train imports torch on its worker.
    warm: the app as shipped: torch and scikit-learn load in the background once the window shows;
          the idle window is measured meanwhile, then Train is clicked twice, then with 2 threads.
    """
    import gui.main_window as mw

    app = QApplication.instance() or QApplication([])
    window = mw.MainWindow(warm_up_engine=scenario == "warm")
    window.resize(1300, 850)
    rows = []
    if scenario == "warm":
        meter = StallMeter()
        meter.start()
        started = time.perf_counter()
        window.show()
        wait_for(window.session.engineReady, 600_000)
        seconds = time.perf_counter() - started
        meter.stop()
        rows.append({"run": "idle window while the engine loads in the background (from show)",
                     "threads": "", "seconds": seconds, **stall_summary(meter.lates, meter.cpu), "display": None,
                     "redraws": None})
    else:
        window.show()
    app.processEvents()
    meter = StallMeter()
    meter.start()
    started = time.perf_counter()
    window.session.data.open_csv(str(csv))
    wait_for(window.session.data.finished, 600_000)
    seconds = time.perf_counter() - started
    pause(500)  # the preview and the cleared charts paint after the table arrives
    meter.stop()
    rows.append({"run": "opening the file (until shown, + 0.5 s)", "threads": "", "seconds": seconds,
                 **stall_summary(meter.lates, meter.cpu), "display": None, "redraws": None})
    runs = {"cold": [(None, "Train right after opening, torch not loaded: the run loads it")],
            "warm": [(None, "after the warm-up, first run"), (None, "second run"), (2, "both cores")]}[scenario]
    if policy_only:
        runs = [run for run in runs if run[0] is None]
    for threads, note in runs:
        result = train_once(window, epochs, threads)
        rows.append({"run": f"{result['threads']} thread{'s' if result['threads'] > 1 else ''}, {note}",
                     **result})
    window.session.models.result_saved = True  # else closing asks whether to save it, and waits
    window.close()
    return rows


def run_scenario_in_child(scenario: str, csv: Path, epochs: int, policy_only: bool = False) -> list[dict]:
    import json
    import subprocess

    output = subprocess.run([sys.executable, __file__, "--child", scenario, "--csv", str(csv),
                             "--epochs", str(epochs), *(["--policy-only"] if policy_only else [])],
                            capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def synthetic_predictions(points: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    actual = 100 + np.cumsum(rng.normal(size=points))
    split = np.repeat(np.array(["train", "val", "test"]), [int(points * 0.7), int(points * 0.15),
                                                           points - int(points * 0.7) - int(points * 0.15)])
    return pd.DataFrame({
        "time": pd.date_range("2000-01-01", periods=points, freq="min").to_numpy(),
        "step": 1, "actual": actual, "predicted": actual + rng.normal(0, 0.5, points),
        "split": split, "target_row": np.arange(points),
    })


def chart_redraws(points: int, decimate: bool, repeats: int) -> dict:
    import gui.widgets.canvases as canvases

    threshold = canvases.DECIMATE_ABOVE
    if not decimate:
        canvases.DECIMATE_ABOVE = 10**12
    try:
        canvas = canvases.ResultCanvas()
        canvas.resize(1200, 500)
        canvas.show()
        QApplication.processEvents()
        predictions = synthetic_predictions(points)
        started = time.perf_counter()
        canvas.show_predictions(predictions, None, "sales", 0.9, True)
        canvas.draw()
        first = time.perf_counter() - started
        axes = canvas.figure.axes[0]
        full = axes.get_xlim()
        width = full[1] - full[0]
        views = {"zoom to 1/10": (full[0] + 0.45 * width, full[0] + 0.55 * width),
                 "pan by 1/20": (full[0] + 0.50 * width, full[0] + 0.60 * width),
                 "back to the full view": full}
        out = {"first": first}
        for name, limits in views.items():
            seconds = []
            for _ in range(repeats):
                started = time.perf_counter()
                axes.set_xlim(*limits)
                canvas.draw()  # synchronous: what a zoom or a pan step costs
                seconds.append(time.perf_counter() - started)
                axes.set_xlim(*full)
                canvas.draw()
                axes.set_xlim(*limits)
            out[name] = statistics.median(seconds)
        out["drawn"] = sum(d.shown for d in canvas.decimators) // max(len(canvas.decimators), 1) \
            if canvas.decimators else points
        canvas.close()
    finally:
        canvases.DECIMATE_ABOVE = threshold
    return out


def loss_redraw_rate(epochs_per_second: int, seconds: float) -> tuple[int, float]:
    from core.model.training import EpochProgress
    from gui.widgets.canvases import LossCanvas

    canvas = LossCanvas()
    canvas.show()
    canvas.reset("MSE")
    canvas.redraws = 0
    count = [0]

    def epoch() -> None:
        count[0] += 1
        canvas.add_epoch(EpochProgress(count[0], 10**6, 1 / count[0], 1.1 / count[0], 0.001, count[0]))

    feeder = QTimer()
    feeder.setInterval(int(1000 / epochs_per_second))
    feeder.timeout.connect(epoch)
    feeder.start()
    pause(int(seconds * 1000))
    feeder.stop()
    canvas.close()
    return count[0], canvas.redraws / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000, help="rows of the CSV trained on")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--points", type=int, default=1_000_000, help="points in the result chart")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--busy", action="store_true", help="another process spins on a core all along")
    parser.add_argument("--policy-only", action="store_true",
                        help="train with the thread policy only (not again with 2 threads: with a busy "
                             "core that run takes minutes)")
    parser.add_argument("--child", choices=("cold", "warm"), help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import json

        print(json.dumps(training_scenario(args.child, args.csv, args.epochs, args.policy_only)))
        return
    if args.quick:
        args.rows, args.epochs, args.points, args.repeats = 5000, 2, 200_000, 3
    app = QApplication.instance() or QApplication([])
    if args.busy:
        import atexit
        import subprocess

        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        atexit.register(spinner.kill)
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Qt platform {app.platformName()}, "
          f"load average {os.getloadavg()[0]:.2f}"
          f"{'; one more process spinning on a core' if args.busy else ''}")

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "train.csv"
        t = np.arange(args.rows)
        pd.DataFrame({"date": pd.date_range("2000-01-01", periods=args.rows, freq="h"),
                      "sales": 100 + 10 * np.sin(t / 24 * 2 * np.pi) + np.cumsum(rng.normal(size=args.rows)),
                      "temperature": rng.normal(size=args.rows)}).to_csv(csv, index=False)
        print(f"\n## Event-loop stalls while training through MainWindow: {args.rows:,} rows, "
              f"{args.epochs} epochs, default settings, 10 ms timer; one process per block")
        print("| run | seconds | ticks | longest stall ms | 99th percentile ms | stalls > 50 ms "
              "| showing the result: longest stall ms | UI-thread CPU in one gap ms: run, result "
              "| loss-chart redraws |")
        print("|---|---|---|---|---|---|---|---|---|")
        for scenario in ("warm", "cold"):
            for r in run_scenario_in_child(scenario, csv, args.epochs, args.policy_only):
                display = "" if r["display"] is None else f"{r['display']:.0f}"
                cpu = f"{r['cpu']:.0f}" + ("" if r.get("display_cpu") is None else f", {r['display_cpu']:.0f}")
                redraws = "" if r["redraws"] is None else r["redraws"]
                print(f"| {r['run']} | {r['seconds']:.1f} | {r['ticks']} | {r['max']:.0f} | {r['p99']:.0f} | "
                      f"{r['over50']} | {display} | {cpu} | {redraws} |", flush=True)

    print(f"\n## Result chart, {args.points:,} points per line (real and predicted, dates on x), "
          f"1200 x 500 px canvas, median of {args.repeats}")
    print("| chart | points drawn per line | show + first draw s | zoom to 1/10 ms | pan by 1/20 ms "
          "| full view ms |")
    print("|---|---|---|---|---|---|")
    for decimate in (False, True):
        r = chart_redraws(args.points, decimate, args.repeats)
        print(f"| {'decimated (min/max per pixel column)' if decimate else 'every point'} | {r['drawn']:,} "
              f"| {r['first']:.2f} | {1000 * r['zoom to 1/10']:.0f} | {1000 * r['pan by 1/20']:.0f} | "
              f"{1000 * r['back to the full view']:.0f} |", flush=True)

    print("\n## Live loss curves: epochs arriving faster than the eye")
    print("| epochs per second sent | epochs sent | redraws per second |")
    print("|---|---|---|")
    for rate in (20, 200):
        sent, redraws = loss_redraw_rate(rate, 3.0)
        print(f"| {rate} | {sent} | {redraws:.1f} |")


if __name__ == "__main__":
    main()
