"""The cache: one entry of checked, layered facts per set of fact files.

It touches only its own files and trusts no one else's:

- the folder is used only when it belongs to this user and no one else may write
  to it; otherwise there is no cache (nothing read, nothing written);
- an entry is opened without following a symlink, and read only if it is a regular
  file of this user, and then only as many bytes as its header claims (which must
  be all of it);
- its header names the files it was made for (path and digest of their bytes) and a
  digest of this package's own source files, so that another set of files, an edited
  file or edited code (an editable install too) is a miss, and the entry is rebuilt;
- only names of its own exact pattern are ever pruned or removed, and a temporary
  file left by an interrupted write is removed by the next write.

What it does not protect against: anyone who can write to the folder as this user
(or as root) can make the tool answer anything, as they could edit its code.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# _blake2 directly: hashlib also loads OpenSSL, about 4 ms of every run's start-up
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython builds _blake2 everywhere
    from hashlib import blake2b

FORMAT = 4
KEEP = 32  # entries kept, newest first: edited files do not pile up for ever
MAX_HEADER = 1024 * 1024
MAX_ENTRY = 512 * 1024 * 1024
_ENTRY = re.compile(r"facts-[0-9a-f]{40}\.json")
_TEMPORARY = re.compile(r"\.facts-[0-9a-f]{40}\.[0-9a-f]{16}\.tmp")


def cache_dir() -> Path:
    """Where entries are kept: ``MINUSMA_CACHE_DIR`` or the user's cache folder."""
    explicit = os.environ.get("MINUSMA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":  # pragma: no cover
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "minusma"


def digest(data: bytes) -> str:
    return blake2b(data, digest_size=20).hexdigest()


def code_digest() -> str:
    """A digest of every source file of this package, so that edited code never meets an old entry."""
    package = Path(__file__).resolve().parent.parent
    whole = blake2b(digest_size=20)
    for source in sorted(package.rglob("*.py")):
        whole.update(str(source.relative_to(package)).encode() + b"\0")
        whole.update(source.read_bytes() + b"\0")
    return whole.hexdigest()


def make_key(files: list[list[str]]) -> tuple[str, dict[str, Any]]:
    """The entry name's key and the header fields an entry for these (name, digest) files must have."""
    expected: dict[str, Any] = {"format": FORMAT, "code": code_digest(), "files": files}
    return digest(json.dumps(expected).encode()), expected


@contextlib.contextmanager
def _folder(create: bool) -> Iterator[int | None]:
    """A descriptor of the cache folder if it is safe to use, else None."""
    if not hasattr(os, "getuid") or os.open not in os.supports_dir_fd:  # pragma: no cover - Windows
        yield None
        return
    path = cache_dir()
    try:
        if create:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        yield None
        return
    try:
        info = os.fstat(fd)
        safe = info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        yield fd if safe else None
    finally:
        os.close(fd)


def read(key: str, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The facts stored under ``key``, or None when absent, not ours, or not made for these files."""
    with _folder(create=False) as folder:
        if folder is None:
            return None
        try:
            fd = os.open(
                f"facts-{key}.json",
                os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                dir_fd=folder,
            )
        except OSError:
            return None
        with open(fd, "rb") as handle:
            info = os.fstat(fd)
            if not (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()):
                return None
            if info.st_size > MAX_ENTRY:
                return None
            head = handle.readline(MAX_HEADER)
            try:
                header = json.loads(head)
            except ValueError:
                return None
            if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
                return None
            size = header.get("size")
            if type(size) is not int or len(head) + size != info.st_size:
                return None
            body = handle.read(size)
    if len(body) != size or header.get("crc32") != zlib.crc32(body):
        return None
    try:
        facts = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return facts if isinstance(facts, dict) else None


def write(key: str, expected: dict[str, Any], facts: dict[str, Any]) -> None:
    """Store checked facts under ``key``; any failure only means no cache this time."""
    body = json.dumps(facts, ensure_ascii=True, separators=(",", ":"), check_circular=False).encode()
    head = json.dumps({**expected, "size": len(body), "crc32": zlib.crc32(body)}).encode() + b"\n"
    name = f"facts-{key}.json"
    temporary = f".facts-{key}.{os.urandom(8).hex()}.tmp"
    with _folder(create=True) as folder:
        if folder is None:
            return
        try:
            fd = os.open(
                temporary,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                0o600,
                dir_fd=folder,
            )
            try:
                with open(fd, "wb") as handle:
                    handle.write(head)
                    handle.write(body)
                os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=folder)
                raise
            _prune(folder, keep=name)
        except OSError:
            return


def _prune(folder: int, *, keep: str) -> None:
    """Remove temporary files left by interrupted writes, and the oldest entries beyond KEEP.

    Only names of the cache's own patterns, and only regular files. A temporary file
    still being written by another run may go too: that run then only has no entry.
    """
    entries: list[tuple[int, str]] = []
    with os.scandir(folder) as found:
        for item in found:
            if not item.is_file(follow_symlinks=False):
                continue
            if _TEMPORARY.fullmatch(item.name):
                with contextlib.suppress(OSError):
                    os.unlink(item.name, dir_fd=folder)
            elif _ENTRY.fullmatch(item.name) and item.name != keep:
                with contextlib.suppress(OSError):
                    entries.append((item.stat(follow_symlinks=False).st_mtime_ns, item.name))
    entries.sort(reverse=True)
    for _, old in entries[KEEP - 1 :]:
        with contextlib.suppress(OSError):
            os.unlink(old, dir_fd=folder)
