"""Rules of the house checked by machine: the layer contracts (import-linter) and the linter (ruff).

Both read their configuration from pyproject.toml; a broken contract or a lint finding fails here
with the tool's own report.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_layer_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    out = _run([str(lint_imports), "--no-cache"])
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_ruff_finds_nothing():
    out = _run([sys.executable, "-m", "ruff", "check", "--no-cache", "."])
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
