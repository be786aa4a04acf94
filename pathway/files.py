"""Files that hold personal data (exports, import reject files, calendars, the reminder
log) are readable and writable by their owner only, from the moment they exist.

The mode is given to ``open(2)`` itself, so no other user can open the file between its
creation and a later ``chmod``. A file that already exists keeps its inode (it may be a
path someone else watches) but loses any group and other rights before a byte is
written.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, TextIO

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


def write_private(path: Path, data: bytes) -> None:
    with private_binary(path) as stream:
        stream.write(data)
