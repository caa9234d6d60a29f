"""core/ must stay importable without Qt: the CLI and tests run headless, and the GUI is one face of many."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_core_module_imports_without_qt():
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                     for p in [*(ROOT / "core").rglob("*.py"), *(ROOT / "cli").rglob("*.py")])
    assert {"core.pipeline", "core.model.training", "cli"} <= set(modules)
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'PyQt'))"
        " or 'backend_qt' in m)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
