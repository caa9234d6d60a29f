"""A bundle's two members, read from a `.lstmf` zip or a folder with a cap on every size.

Only the two known member names are ever read, into memory: nothing is extracted, so zip member
names such as '../../x' or '/etc/x' are never used as paths.
"""

from __future__ import annotations

import errno
import lzma
import zipfile
import zlib
from pathlib import Path

from core.errors import BundleError
from core.i18n import N_, _

BUNDLE_SUFFIX = ".lstmf"
WEIGHTS_FILE = "model.safetensors"
META_FILE = "model.json"
# a bundle holds two known members; anything bigger than this is not one of ours
MAX_MEMBER_BYTES = {META_FILE: 64 << 20, WEIGHTS_FILE: 2 << 30}
# optional: the scoring networks and their optimizer state, for training more (`train --resume`)
TRAINING_FILE = "training.safetensors"
OPTIONAL_MEMBER_BYTES = {TRAINING_FILE: 2 << 30}
MAX_COMPRESSION_RATIO = 200  # zip bombs expand by thousands
# trained float32 weights hardly compress (about 1.1:1); a weights member that shrinks 10-fold
# is padding, not a model
MAX_WEIGHTS_COMPRESSION_RATIO = 10
MAX_ZIP_ENTRIES = 16  # ours has two; a zip of thousands of entries is not a model
# what a damaged or hostile archive can raise while its members are read
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError,
               EOFError, ValueError, zlib.error, lzma.LZMAError)


class Members:
    """The two members of a bundle (zip or folder), sized before they are read, read with a cap."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.archive: zipfile.ZipFile | None = None
        self.infos: dict[str, zipfile.ZipInfo] = {}
        if path.is_dir():
            missing = [n for n in MAX_MEMBER_BYTES if not (path / n).is_file()]
            if missing:
                raise BundleError(_("{path} is not a saved model: it lacks {missing}.").format(
                                      path=path, missing=', '.join(missing)))
            return
        if not path.is_file():
            raise BundleError(_("There is no saved model at {path}.").format(path=path))
        with MemberErrors(path):
            if path.stat().st_size > sum(MAX_MEMBER_BYTES.values()) + (1 << 20):
                raise BundleError(_("{file} is refused: at {size:,} bytes it is far larger than a model file.").format(
                                      file=path.name, size=path.stat().st_size))
            self.archive = zipfile.ZipFile(path)
            if len(self.archive.infolist()) > MAX_ZIP_ENTRIES:
                count = len(self.archive.infolist())
                self.close()
                raise BundleError(_("{file} is not an LSTM Forecaster model (it holds {count:,} files).").format(
                                      file=path.name, count=count))
            self.infos = {info.filename: info for info in self.archive.infolist()}
            missing = [n for n in MAX_MEMBER_BYTES if n not in self.infos]
            if missing:
                self.close()
                raise BundleError(_("{file} is not an LSTM Forecaster model (it lacks {missing}).").format(
                                      file=path.name, missing=', '.join(missing)))

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()

    def size(self, name: str) -> int:
        """The size the member claims (a zip's header, a folder's stat): known before reading."""
        with MemberErrors(self.path):
            if self.archive is None:
                return (self.path / name).stat().st_size
            return self.infos[name].file_size

    def has(self, name: str) -> bool:
        """Whether the bundle holds the (optional) member `name`."""
        return (self.path / name).is_file() if self.archive is None else name in self.infos

    def read(self, name: str, limit: int) -> bytes:
        limit = min(limit, (MAX_MEMBER_BYTES | OPTIONAL_MEMBER_BYTES)[name])
        where = self.path.name
        with MemberErrors(self.path):
            size = self.size(name)
            if self.archive is not None:
                info = self.infos[name]
                ratio = size / max(info.compress_size, 1)
                cap = MAX_WEIGHTS_COMPRESSION_RATIO if name in (WEIGHTS_FILE, TRAINING_FILE) else MAX_COMPRESSION_RATIO
                if size > (1 << 20) and ratio > cap:
                    raise BundleError(_("{file} is refused: its {member} would unpack to {size:,} bytes from "
                                        "{compressed:,}, which no model does.").format(
                                          file=where, member=name, size=size, compressed=info.compress_size))
            if size > limit:
                raise BundleError(_("{file} is refused: its {member} would unpack to {size:,} bytes, far more than "
                                    "this model needs.").format(file=where, member=name, size=size))
            if self.archive is None:
                with open(self.path / name, "rb") as handle:  # a folder member: capped like a zip's
                    data = handle.read(limit + 1)
            else:
                with self.archive.open(self.infos[name]) as member:
                    data = member.read(limit + 1)
            if len(data) > limit:
                raise BundleError(_("{file} is refused: its {member} is larger than it claims.").format(
                                      file=where, member=name))
            return data


class MemberErrors:
    """Damaged archives and unreadable files as one-line BundleErrors."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, BundleError):
            return False
        if isinstance(exc, _ZIP_ERRORS):
            raise BundleError(_("{file} is not an LSTM Forecaster model file, or it is damaged (it is not a valid "
                                ".lstmf archive).").format(file=self.path.name)) from None
        if isinstance(exc, OSError):
            raise BundleError(_("{path} can't be read: {reason}.").format(
                                  path=self.path, reason=os_reason(exc))) from None
        return False


# the system's own words (strerror) are English whatever the user's language
_OS_REASONS = {errno.EACCES: N_("permission denied"), errno.EPERM: N_("permission denied"),
               errno.ENOENT: N_("it does not exist"), errno.EISDIR: N_("it is a folder"),
               errno.EIO: N_("the disk could not read it"), errno.ENAMETOOLONG: N_("the name is too long")}


def os_reason(exc: OSError) -> str:
    """Why the system refused, in the user's language (an unusual error by its code, e.g. ELOOP)."""
    words = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if words is not None:
        return _(words)
    return _("system error {number} ({code!r})").format(number=exc.errno,
                                                        code=errno.errorcode.get(exc.errno or 0, "?"))


def read_members(path: Path, optional: bool = False) -> dict[str, bytes]:
    """Both members, each under its cap (for tools and tests that look inside a bundle); with
    `optional`, the optional ones it holds too (the window saves an opened model as it was read)."""
    members = Members(path)
    try:
        names = {**MAX_MEMBER_BYTES, **(OPTIONAL_MEMBER_BYTES if optional else {})}
        return {name: members.read(name, limit) for name, limit in names.items()
                if name in MAX_MEMBER_BYTES or members.has(name)}
    finally:
        members.close()
