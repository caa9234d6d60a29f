"""Start-up: seconds from launching `python main.py` to the main window being shown, and the
slowest imports on the way (`python -X importtime`).

    python bench/bench_startup.py [--repeats 5] [--top 12]
    xvfb-run -a python bench/bench_startup.py --frozen dist/lstm-forecaster/lstm-forecaster

`--frozen` also times a PyInstaller build until its window is mapped (needs a display and xdotool).

Each launch is a fresh interpreter running main.py's GUI path (offscreen Qt unless a display
is set, e.g. under `xvfb-run -a`); "shown" is the first turn of the event loop after the main
window's show event, reported back on stdout. The first launch after a while pays for a cold
disk cache; the median is the warm number. Prints tables; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
sys.path.insert(0, {root!r})
sys.argv = ["main.py"]
{preload}
from PySide6.QtCore import QTimer
import gui.main_window as mw
_show = mw.MainWindow.showEvent
def showEvent(self, event):
    _show(self, event)
    def shown():
        mods = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "sklearn", "scipy"))
        print("SHOWN", len(mods), flush=True)
        self.close()
    QTimer.singleShot(0, shown)
mw.MainWindow.showEvent = showEvent
import main
main.main([])
"""


def launch(env: dict, extra: list[str] | None = None, preload: str = "") -> tuple[float, str, str]:
    code = CHILD.format(root=str(ROOT), preload=preload)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, *(extra or []), "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    out, err = process.communicate(timeout=60)
    if not line.startswith("SHOWN"):
        raise RuntimeError(f"the window was not shown:\n{line}{out}{err}")
    return elapsed, line, err


def launch_frozen(executable: str, env: dict) -> float:
    """Seconds until a visible window named "LSTM Forecaster" exists (xdotool polls X)."""
    started = time.perf_counter()
    process = subprocess.Popen([executable], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # polled every 20 ms: `xdotool search --sync` retries only every 0.5 s, which rounded
        # every launch up to the next half second
        while time.perf_counter() - started < 60:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "LSTM Forecaster"],
                                   capture_output=True)
            if found.returncode == 0:
                return time.perf_counter() - started
            time.sleep(0.02)
        raise TimeoutError(f"{executable}: no window within 60 s")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--frozen", help="path of a frozen build's executable to time as well")
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["LSTM_FORECASTER_DATA_DIR"] = tempfile.mkdtemp(prefix="lstmf-bench-")
    platform_name = env.get("QT_QPA_PLATFORM", "display " + env.get("DISPLAY", "?"))
    print(f"# start-up to main window shown: {args.repeats} launches each, interleaved, Qt platform {platform_name}")
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    variants = {"`python main.py`": "",
                "the same with scikit-learn imported first (as before the speed issue)":
                    "import sklearn.preprocessing, sklearn.metrics"}
    times: dict[str, list[float]] = {name: [] for name in variants}
    heavy: dict[str, str] = {}
    for _ in range(args.repeats):
        for name, preload in variants.items():
            elapsed, line, _ = launch(env, preload=preload)
            times[name].append(elapsed)
            heavy[name] = line.split()[1]
    print("| launch | first | median | min | max | torch/sklearn/scipy modules loaded when shown |")
    print("|---|---|---|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {values[0]:.2f} s | {statistics.median(values):.2f} s | {min(values):.2f} s | "
              f"{max(values):.2f} s | {heavy[name]} |")

    if args.frozen:
        frozen = [launch_frozen(args.frozen, env) for _ in range(args.repeats)]
        print(f"| frozen build `{args.frozen}` (until its window is mapped) | {frozen[0]:.2f} s | "
              f"{statistics.median(frozen):.2f} s | {min(frozen):.2f} s | {max(frozen):.2f} s | |")

    _, _, err = launch(env, ["-X", "importtime"])
    rows = []
    for line in err.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m and len(m.group(3)) <= 5 and m.group(4) != "gui":  # the app and its direct imports
            rows.append((int(m.group(2)), m.group(4)))
    rows.sort(reverse=True)
    print()
    print("| top-level import (python -X importtime, one launch) | cumulative ms |")
    print("|---|---|")
    for cumulative, name in rows[: args.top]:
        print(f"| {name} | {cumulative / 1000:.0f} |")


if __name__ == "__main__":
    main()
