"""Reading a fact file's bytes, once and bounded, and decoding them.

A fact file may be a regular file, a named pipe, ``/dev/stdin`` or ``-`` (standard
input): each is read exactly once, and never more than ``MAX_BYTES``, whatever it
claims to be (``/dev/zero`` claims nothing and never ends).
"""

from __future__ import annotations

import os
import stat
import sys
from datetime import date
from pathlib import Path
from typing import BinaryIO

MAX_BYTES = 64 * 1024 * 1024
#: the name that means standard input, as in most command-line tools
STDIN = "-"


class Unreadable(Exception):
    """The file cannot be used; the message says why, in a user's words."""


def bundled_path() -> Path:
    """The fact base shipped with the package (or the checkout's, when run from source)."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "facts.toml"
    return inside if inside.is_file() else package.parent / "facts.toml"


def bundled_revision() -> str | None:
    """The ``revised`` date at the top of the bundled fact base, read without parsing the rest."""
    head: list[str] = []
    try:
        with bundled_path().open(encoding="utf-8") as handle:
            for line in handle:
                if line.lstrip().startswith("["):
                    break  # top-level keys come before the first table
                head.append(line)
    except (OSError, UnicodeDecodeError):
        return None
    from minusma_cli.store.toml import NotToml, parse

    try:
        revised = parse("".join(head)).get("revised")
    except NotToml:
        return None
    return revised.isoformat() if isinstance(revised, date) else None


def read_bytes(path: Path) -> bytes:
    """All the bytes of a fact file, or Unreadable."""
    if str(path) == STDIN:
        return _bounded(sys.stdin.buffer)
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise Unreadable("is a directory, not a fact file")
            if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
                raise Unreadable(f"too large ({info.st_size:,} bytes; the limit is {MAX_BYTES:,})")
            return _bounded(handle, info.st_size if stat.S_ISREG(info.st_mode) else 0)
    except FileNotFoundError:
        raise Unreadable("no such file") from None
    except IsADirectoryError:
        raise Unreadable("is a directory, not a fact file") from None
    except PermissionError:
        raise Unreadable("permission denied") from None
    except OSError as exc:
        raise Unreadable(f"cannot be read ({exc.strerror or exc})") from None


def _bounded(handle: BinaryIO, size: int = 0) -> bytes:
    """Everything up to the end, but never more than MAX_BYTES.

    ``size`` is what a regular file says it holds: it is read in one piece. Anything
    else (a pipe, a device) is read up to a mebibyte at a time, one system call
    each (``read1``): a buffered ``read`` would go back to a pipe that never closes
    without looking at a Ctrl-C that arrived between two of its system calls.
    """
    read = getattr(handle, "read1", handle.read)  # an in-memory stream in tests has no read1
    parts: list[bytes] = []
    total = 0
    step = size + 1 if size else 1 << 20
    while chunk := read(min(step, MAX_BYTES + 1 - total)):
        parts.append(chunk)
        total += len(chunk)
        if total > MAX_BYTES:
            raise Unreadable(f"too large (more than {MAX_BYTES:,} bytes)")
        step = 1 << 20
    return b"".join(parts)  # one part (a regular file) is returned as it is, not copied


def decode(data: bytes) -> str:
    """The text of a fact file: UTF-8, with or without a byte-order mark."""
    if b"\x00" in data:
        raise Unreadable("binary data (a NUL byte), not a TOML text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Unreadable(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        ) from None
