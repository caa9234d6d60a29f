"""Builds the Linux package (PyInstaller onedir, .tar.gz, .deb) and self-tests what it built.

Slow (minutes) and heavy (about 1 GB on disk); run it alone with `python -m pytest -m packaging`.
"""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from core import __version__

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.packaging, pytest.mark.skipif(not sys.platform.startswith("linux"),
                                                        reason="the Linux package builds on Linux")]


@pytest.fixture(scope="module")
def built():
    pytest.importorskip("PyInstaller", reason="install the packaging extra: pip install -e '.[packaging]'")
    result = subprocess.run(["bash", "packaging/build_linux.sh"], cwd=ROOT, capture_output=True, text=True,
                            timeout=3600, env={**os.environ, "PYTHON": sys.executable})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    dist = ROOT / "dist"
    return dist, result.stdout


def self_test(executable: Path, tmp_path: Path, *options: str) -> subprocess.CompletedProcess:
    """Runs --self-test with an empty home and temp folder, to see it writes nothing outside."""
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir(parents=True)
    temp.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "TMPDIR": str(temp),
           "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    result = subprocess.run([str(executable), "--self-test", *options], capture_output=True, text=True,
                            timeout=600, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "self-test passed" in result.stdout
    assert list(home.iterdir()) == [] and list(temp.iterdir()) == []  # nothing left behind
    return result


def test_the_tarball_runs_its_self_test(built, tmp_path):
    dist, report = built
    tarball = dist / f"lstm-forecaster-{__version__}-linux-{os.uname().machine}.tar.gz"
    with tarfile.open(tarball) as archive:
        archive.extractall(tmp_path / "unpacked", filter="tar")
    out = self_test(tmp_path / "unpacked" / "lstm-forecaster" / "lstm-forecaster", tmp_path)
    assert "read the GBK sample: 730 rows" in out.stdout
    assert "read the workbook sample: sheet 数据, 40 rows" in out.stdout   # calamine is in the build
    assert "onedir:" in report and "deb:" in report
    # the Chinese UI: the build carries the catalogs (the self-test checks a translated button)
    chinese = self_test(tmp_path / "unpacked" / "lstm-forecaster" / "lstm-forecaster", tmp_path / "zh",
                        "--lang", "zh_CN")
    assert "built the main window (zh_CN)" in chinese.stdout


def test_the_deb_installs_the_app_launcher_desktop_entry_and_icons(built, tmp_path):
    dist, _ = built
    deb = next(dist.glob(f"lstm-forecaster_{__version__}_*.deb"))
    fields = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version", "Depends"],
                            capture_output=True, text=True, check=True).stdout
    assert f"Version: {__version__}" in fields
    for library in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"):
        assert library in fields
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    for path in ("./opt/lstm-forecaster/lstm-forecaster", "./usr/bin/lstm-forecaster",
                 "./usr/share/applications/lstm-forecaster.desktop",
                 "./usr/share/icons/hicolor/256x256/apps/lstm-forecaster.png",
                 "./usr/share/icons/hicolor/scalable/apps/lstm-forecaster.svg",
                 "./usr/share/mime/packages/lstm-forecaster.xml"):
        assert path in listing, path
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    launcher = (root / "usr" / "bin" / "lstm-forecaster").read_text()
    assert "exec /opt/lstm-forecaster/lstm-forecaster" in launcher
    desktop = (root / "usr/share/applications/lstm-forecaster.desktop").read_text()
    assert "Exec=lstm-forecaster %f" in desktop and "Icon=lstm-forecaster" in desktop
    self_test(root / "opt" / "lstm-forecaster" / "lstm-forecaster", tmp_path)
