"""One run's outputs written as a set: staged, then moved into the output folder together.

A `train` writes several files (metrics.json, predictions.csv, forecast.csv, plot.png, model/
and model.lstmf). Written one by one into the output folder, a full disk, a kill or a second run
into the same folder would leave files of different runs side by side, and `predict` would trust
a model that the metrics beside it don't describe. So:

- the output folder is locked for the whole run (a second run into it is refused at once);
- every file is first written into a fresh staging folder inside it, on the same file system;
  a failure there leaves the previous run's outputs untouched;
- the staged files are then moved into place, metrics.json last, and outputs this run does not
  make (a forecast.csv from an earlier run) are removed;
- every run has a run id, recorded in metrics.json and in both saved models: a model whose run id
  differs from the metrics.json beside it comes from an interrupted run, and loading refuses it
  (`core.model.bundle.check_run_id`).
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

from core.errors import ForecasterError, OutputError
from core.files import atomic_write_bytes, refuse_overwriting_input
from core.i18n import _

STAGING_PREFIX = ".run-"
METRICS_FILE = "metrics.json"
LOCK_FILE = ".lstm-forecaster.lock"  # only where a folder itself can't be locked (Windows)


def new_run_id() -> str:
    return uuid.uuid4().hex


class RunFolder:
    """`with RunFolder(out, outputs, inputs) as run:` write each output to `run.stage(name)`,
    then `run.commit()`. Leaving the block without a commit leaves `out` as it was."""

    def __init__(self, out: str | Path, outputs: Iterable[str], inputs: Iterable[str | Path] = ()) -> None:
        self.out = Path(out)
        self.outputs = list(outputs)  # names inside `out`, in the order they are moved into place
        self.inputs = [Path(p) for p in inputs]
        self.run_id = new_run_id()
        self.staging: Path | None = None
        self._lock_fd: int | None = None

    # -- the lock and the staging folder ------------------------------------------------------
    def __enter__(self) -> RunFolder:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(_("Can't create the output folder {folder}: {reason}.").format(
                folder=self.out, reason=exc.strerror or exc)) from None
        if not self.out.is_dir():
            raise OutputError(_("The output path {path} exists and is not a folder.").format(path=self.out))
        refuse_overwriting_input(self.targets(), self.inputs)
        self._lock()
        try:
            self._remove_stale_staging()
            self.staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.out))
        except OSError as exc:
            self._unlock()
            raise OutputError(_("Can't write into {folder}: {reason}.").format(
                folder=self.out, reason=exc.strerror or exc)) from None
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind, exc, tb) -> None:
        try:
            if self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._unlock()

    def targets(self) -> list[Path]:
        """Every path this run may replace (the files inside a model folder too)."""
        paths = []
        for name in self.outputs:
            path = self.out / name
            paths.append(path)
            if path.is_dir():
                paths.extend(child for child in path.iterdir())
        return paths

    def _lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: an exclusive lock on a file in the folder
            self._lock_windows()
            return
        fd = os.open(self.out, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(_("Another run is writing into {folder} right now; wait for it to finish or "
                                "choose another output folder.").format(folder=self.out)) from None
        self._lock_fd = fd

    def _lock_windows(self) -> None:  # pragma: no cover - exercised on Windows only
        import msvcrt

        fd = os.open(self.out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            raise OutputError(_("Another run is writing into {folder} right now; wait for it to finish or "
                                "choose another output folder.").format(folder=self.out)) from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None

    def _remove_stale_staging(self) -> None:
        """Staging folders left by a run that was killed (we hold the lock: none is in use)."""
        for child in self.out.iterdir():
            if child.name.startswith(STAGING_PREFIX) and child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)

    # -- writing and committing ---------------------------------------------------------------
    def stage(self, name: str) -> Path:
        assert self.staging is not None, "use RunFolder in a with block"
        return self.staging / name

    def commit(self) -> None:
        """Move the staged outputs into place (metrics.json last) and remove the ones this run
        did not make. Each move is a rename within one file system."""
        assert self.staging is not None
        names = [n for n in self.outputs if n != METRICS_FILE] + [METRICS_FILE] * (METRICS_FILE in self.outputs)
        try:
            for name in names:
                staged, target = self.stage(name), self.out / name
                if staged.is_dir():
                    target.mkdir(exist_ok=True)
                    for child in sorted(staged.iterdir(), key=_weights_first):
                        _place(child, target / child.name)
                elif staged.exists():
                    _place(staged, target)
                elif target.is_file() or target.is_symlink():
                    target.unlink()  # an earlier run's output this run doesn't make
        except OSError as exc:
            if isinstance(exc, ForecasterError):
                raise
            raise OutputError(_("Can't write into {folder}: {reason}.").format(
                folder=self.out, reason=exc.strerror or exc)) from None


def _weights_first(path: Path) -> int:
    return 0 if path.suffix == ".safetensors" else 1


def _place(staged: Path, target: Path) -> None:
    """Rename `staged` over `target`, unless `target` must keep its identity (a symlink, a hard
    link, a device): then its bytes go through the atomic write, which keeps it."""
    try:
        existing = os.lstat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and (stat.S_ISLNK(existing.st_mode) or not stat.S_ISREG(existing.st_mode)
                                 or existing.st_nlink > 1):
        atomic_write_bytes(target, staged.read_bytes())
        staged.unlink()
        return
    if existing is not None:  # keep the replaced file's permissions
        os.chmod(staged, stat.S_IMODE(existing.st_mode))
    os.replace(staged, target)
    if sys.platform != "win32":
        _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
