"""Files that hold personal data (exports, import reject files, calendars, charts, the
reminder log) are readable and writable by their owner only, from the moment they exist.

The mode is given to ``open(2)`` itself, so no other user can open the file between its
creation and a later ``chmod``.

A file kivo writes whole (an export, a reject file, a calendar, a chart) is written to a
temporary file in the target's folder and renamed into place when complete: a run that
fails or is killed leaves the old file (or none), never half a file. The target must be
a regular file or not exist: a device (``/dev/stdout``, a terminal), a pipe, a folder or
a socket is refused even with ``--force`` (a rename would replace the device's name, and
writing into it is not what "a file" means); so is the input file itself, however it is
named (same inode). A symbolic link to a regular file is followed: the file it points to
is replaced and the link kept. Without ``force`` an existing file is never replaced; the
final step is a hard link, which fails if a file appeared meanwhile.

The reminder log is appended to in place (``private_descriptor(append=True)``).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from pathway.errors import Refused
from states.errors import InvalidInput
from states.violations import structural

PRIVATE = 0o600


def private_descriptor(path: Path, *, append: bool = False) -> int:
    """An ``os.open`` descriptor for writing ``path`` (emptied unless ``append``)."""
    flags = os.O_CREAT | os.O_WRONLY | (os.O_APPEND if append else os.O_TRUNC)
    descriptor = os.open(path, flags, PRIVATE)
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISREG(mode) and stat.S_IMODE(mode) & 0o077:
            os.fchmod(descriptor, PRIVATE)
    except OSError:
        os.close(descriptor)
        raise
    return descriptor


def private_text(path: Path, encoding: str = "utf-8") -> TextIO:
    """A text file for personal data (``newline=""``: the csv module ends the lines)."""
    return open(private_descriptor(path), "w", encoding=encoding, newline="")


def private_binary(path: Path) -> BinaryIO:
    return open(private_descriptor(path), "wb")


def checked_target(
    path: Path,
    *,
    option: str,
    force: bool,
    inputs: Sequence[Path] = (),
) -> Path:
    """The path to write for the target ``path`` (a link to a regular file resolved), or
    an error naming ``option``: ``InvalidInput`` (exit 2) for a target that is not a
    regular file, is one of ``inputs`` or lies in no folder; ``Refused`` for an existing
    file without ``force``."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise InvalidInput(
            f"{option} {path}: cannot use it ({error.strerror or error})", field=_field(option)
        ) from None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise InvalidInput(
            f"{option} {path}: is {_kind(found.st_mode)}, not a regular file: "
            "refused, even with --force",
            field=_field(option),
        )
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    if found is not None:
        for source in inputs:
            if _same(source, found):
                raise InvalidInput(
                    f"{option} {path}: is a file this command reads (its input or the "
                    "database): refused, even with --force",
                    field=_field(option),
                )
        if not force:
            raise Refused(
                f"{path} exists",
                [structural("file-exists", f"{path} already exists: give --force to replace it")],
            )
    if not target.parent.is_dir():
        raise InvalidInput(
            f"{option} {path}: there is no folder {target.parent}", field=_field(option)
        )
    return target


class Replacing:
    """A file being written beside its target; ``install`` renames it into place,
    ``discard`` removes it. Created with mode 0600 (``mkstemp``)."""

    def __init__(self, target: Path, *, force: bool, option: str) -> None:
        self.target, self.force, self.option = target, force, option
        descriptor, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
        self.partial = Path(name)
        self.descriptor: int | None = descriptor

    def open_text(self, encoding: str = "utf-8") -> TextIO:
        return open(self._take(), "w", encoding=encoding, newline="")

    def open_binary(self) -> BinaryIO:
        return open(self._take(), "wb")

    def _take(self) -> int:
        assert self.descriptor is not None, "the partial file is opened once"
        descriptor, self.descriptor = self.descriptor, None
        return descriptor

    def install(self) -> None:
        """Rename the finished file into place (checked again: the target may have
        changed while the file was written)."""
        self._close()
        checked_target(self.target, option=self.option, force=self.force)
        if self.force:
            os.replace(self.partial, self.target)
            return
        try:
            os.link(self.partial, self.target)
        except FileExistsError:
            self.discard()
            raise Refused(
                f"{self.target} exists",
                [structural("file-exists", f"{self.target} already exists: give --force")],
            ) from None
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            os.replace(self.partial, self.target)  # a file system without hard links
            return
        self.partial.unlink(missing_ok=True)

    def discard(self) -> None:
        self._close()
        self.partial.unlink(missing_ok=True)

    def _close(self) -> None:
        if self.descriptor is not None:
            os.close(self._take())


def beside(path: Path, *, option: str, force: bool, inputs: Sequence[Path] = ()) -> Replacing:
    """Check ``path`` (``checked_target``) and start a ``Replacing`` beside it."""
    target = checked_target(path, option=option, force=force, inputs=inputs)
    try:
        return Replacing(target, force=force, option=option)
    except OSError as error:
        raise InvalidInput(
            f"{option} {path}: cannot write there ({error.strerror or error})",
            field=_field(option),
        ) from None


@contextmanager
def replacing(
    path: Path, *, option: str, force: bool, inputs: Sequence[Path] = ()
) -> Iterator[Replacing]:
    """A ``Replacing`` for ``path``, installed when the block ends without an exception
    (otherwise nothing is left behind)."""
    partial = beside(path, option=option, force=force, inputs=inputs)
    try:
        yield partial
        partial.install()
    except BaseException:
        partial.discard()
        raise


def write_private(
    path: Path,
    data: bytes,
    *,
    option: str = "file",
    force: bool = True,
    inputs: Sequence[Path] = (),
) -> None:
    """``data`` as the whole of the file ``path``, written beside it and renamed."""
    with (
        replacing(path, option=option, force=force, inputs=inputs) as partial,
        partial.open_binary() as stream,
    ):
        stream.write(data)


def database_files(url: str) -> list[Path]:
    """The SQLite database file (and its journals) behind ``url``: inputs no file kivo
    writes may replace (none for a server database)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return []
    name = url[len(prefix) :].split("?", 1)[0]
    if not name or name == ":memory:":
        return []
    path = Path(name)
    return [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]


def _same(source: Path, found: os.stat_result) -> bool:
    try:
        mine = os.stat(source)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (found.st_dev, found.st_ino)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _field(option: str) -> str:
    return option.lstrip("-").replace("-", "_")
