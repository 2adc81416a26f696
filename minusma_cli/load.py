"""Reading fact files: bytes, TOML, schema check, line numbers and the parse cache.

Plain module: no Typer, no Rich.  A file that checks clean is stored as JSON in
the user's cache folder under the hash of its bytes, so the next run skips the
TOML parser (the slow part) and the checks.  The cache is never unpickled, is
written atomically, and any cache file that cannot be read back as expected is
ignored and rebuilt.  The run of events that ends a large file is read by the
faster reader in ``tail``; everything else, and every error, is ``tomllib``'s.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

from minusma_cli import __version__
from minusma_cli.errors import CacheError, Problem
from minusma_cli.schema import LISTS, RawProblem, check_document

MAX_BYTES = 64 * 1024 * 1024
CACHE_FORMAT = 3
_LINE_IN_MESSAGE = re.compile(r"\(at line (\d+), column \d+\)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


def bundled_path() -> Path:
    """The fact base shipped with the package (or the checkout's, when run from source)."""
    here = Path(__file__).resolve().parent
    inside = here / "facts.toml"
    return inside if inside.is_file() else here.parent / "facts.toml"


def cache_dir() -> Path:
    """Where parsed fact files are kept: ``MINUSMA_CACHE_DIR`` or the user's cache folder."""
    explicit = os.environ.get("MINUSMA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":  # pragma: no cover
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "minusma"


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', dotted)
    return [a or b or c for a, b, c in parts]


class LineIndex:
    """Finds the line of a record or field in TOML text, for error messages.

    Only built when a file has problems; it reads table headers and ``key =``
    lines, which covers the layout the design describes.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: list[tuple[int, bool, list[str]]] = []
        in_multiline: str | None = None
        for number, line in enumerate(self.lines, start=1):
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1 and in_multiline in (None, quote):
                    in_multiline = None if in_multiline else quote
            if in_multiline:
                continue
            match = _HEADER.match(line)
            if match:
                self.headers.append((number, match.group(1) == "[[", _split_key(match.group(2))))

    def _find_key(self, start: int, end: int, key: str) -> int | None:
        pattern = re.compile(rf"^\s*(?:\"{re.escape(key)}\"|{re.escape(key)})\s*[=.]")
        for number in range(start, end):
            if pattern.match(self.lines[number - 1]):
                return number
        return None

    def _record_span(self, path: tuple[str | int, ...]) -> tuple[int, int] | None:
        """First line of a record's header and the line where the next record starts."""
        section = str(path[0])
        if section == "mission" or len(path) < 2:
            target = [section]
        elif isinstance(path[1], int):
            target = [section]
            arrays = [i for i, (_, arr, key) in enumerate(self.headers) if arr and key == target]
            if path[1] >= len(arrays):
                return None
            at = arrays[path[1]]
        else:
            target = [section, str(path[1])]
        if len(path) < 2 or not isinstance(path[1], int):
            found = [i for i, (_, _, key) in enumerate(self.headers) if key == target]
            if not found:
                return None
            at = found[0]
        end = len(self.lines) + 1
        for number, is_array, key in self.headers[at + 1 :]:
            if is_array or key[: len(target)] != target or len(key) == len(target):
                end = number
                break
        return self.headers[at][0], end

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        if not path:
            return None
        field_index = 1 if str(path[0]) == "mission" else 2
        span = self._record_span(path) if len(path) > 1 or path[0] == "mission" else None
        if span is None:
            top = self._find_key(1, len(self.lines) + 1, str(path[0]))
            if top is not None:
                return top
            for number, _, key in self.headers:
                if key[:1] == [str(path[0])]:
                    return number
            return None
        start, end = span
        if len(path) > field_index:
            found = self._find_key(start + 1, end, str(path[field_index]))
            if found is not None:
                return found
            for number, _, key in self.headers:
                if start < number < end and key[-1:] == [str(path[field_index])]:
                    return number
        return start


class FactFile:
    """One loaded fact file: its checked document and what was wrong with it."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.doc: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self._index: LineIndex | None = None

    def line_of(self, path: tuple[str | int, ...]) -> int | None:
        if self._index is None:
            try:
                self._index = LineIndex(self.path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError):
                return None
        return self._index.line_of(path)

    def problem(self, path: tuple[str | int, ...], what: str) -> Problem:
        return Problem(self.display, self.line_of(path), describe(path, self.doc), what)


def describe(path: tuple[str | int, ...], doc: dict[str, Any]) -> str:
    """``events.attack-kidal.killed`` or ``events[4].date`` for a problem path."""
    if not path:
        return ""
    parts = [str(path[0])]
    rest = list(path[1:])
    index = rest[0] if rest else None
    if isinstance(index, int):
        rest.pop(0)
        records = doc.get(str(path[0]))
        rid = None
        if isinstance(records, list) and index < len(records) and isinstance(records[index], dict):
            rid = records[index].get("id")
        parts[0] += f"[{index + 1}]" if not isinstance(rid, str) else f".{rid}"
    parts.extend(str(p) for p in rest)
    return ".".join(parts)


def _read_bytes(path: Path) -> bytes:
    """Read a fact file, or raise ValueError with a message a user can act on.

    At most MAX_BYTES are read whatever the file claims to be: a pipe or a
    device (``--facts /dev/zero``) reports no size, so the read itself is bounded.
    """
    try:
        if path.is_dir():
            raise ValueError("is a directory, not a fact file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValueError(f"too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except IsADirectoryError:
        raise ValueError("is a directory, not a fact file") from None
    except PermissionError:
        raise ValueError("permission denied") from None
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:
        raise ValueError(f"too large (more than {MAX_BYTES:,} bytes)")
    return data


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValueError("binary data (a NUL byte), not a TOML text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        ) from None


def cache_key(contents: list[bytes]) -> str:
    """A key for these exact file contents, in this order, read by this version."""
    # _blake2 directly: importing hashlib also loads OpenSSL, about 3 ms of every run
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - CPython always builds _blake2
        from hashlib import blake2b
    digest = blake2b(f"{CACHE_FORMAT}\0{__version__}\0{len(contents)}".encode(), digest_size=20)
    for data in contents:
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(blake2b(data, digest_size=20).digest())
    return digest.hexdigest()


def _json_bytes(value: Any) -> bytes:
    # ASCII on disk: it reads back faster (one byte per character in memory)
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), check_circular=False).encode()


def entry_bytes(header: dict[str, Any], payload: Any) -> bytes:
    """An entry of one JSON value: a JSON header line (with a CRC-32 of the rest), then the value."""
    import zlib

    body = _json_bytes(payload)
    return _header_line(header, zlib.crc32(body)) + body


def _header_line(fields: dict[str, Any], crc: int) -> bytes:
    return json.dumps({"format": CACHE_FORMAT, "tool": __version__, **fields, "crc32": crc}).encode() + b"\n"


def entry_payload(raw: bytes, **expected: Any) -> Any:
    """The payload of an entry whose header matches ``expected``; None if anything is off.

    The checksum turns any change to the payload, even one that leaves valid
    JSON behind, into a miss.
    """
    import zlib

    try:
        head, _, body = raw.partition(b"\n")
        header = json.loads(head)
        if not _header_matches(header, expected) or header.get("crc32") != zlib.crc32(body):
            return None
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _header_matches(header: Any, expected: dict[str, Any]) -> bool:
    return (
        isinstance(header, dict)
        and header.get("format") == CACHE_FORMAT
        and header.get("tool") == __version__
        and all(header.get(k) == v for k, v in expected.items())
    )


# A cache entry of layered facts is a header line, then the JSON of every section but
# the events, then the events in one JSON part per year they start in, each with the
# first date and the last day (plus "~", see query.timeline) of its events.  A run
# that asks for a few years decodes only the parts that may hold them, and a run
# that needs no events (resolutions, bases) decodes none.  The CRC-32 covers the
# layout as well as the body, so that no altered entry is read.


def facts_entry(key: str, facts: dict[str, Any]) -> list[bytes]:
    """The cache entry for these layered, checked facts, in pieces to write one after another.

    Not joined: on a large file each join would be another copy of the whole entry.
    """
    import zlib

    events: list[dict[str, Any]] = facts["events"]
    by_year: dict[str, list[int]] = {}
    for index, event in enumerate(events):
        by_year.setdefault(str(event.get("date"))[:4], []).append(index)
    parts = [_json_bytes({name: value for name, value in facts.items() if name != "events"})]
    chunks: list[list[Any]] = []
    for year in sorted(by_year):
        indexes = by_year[year]
        chosen = [events[i] for i in indexes]
        parts.append(_json_bytes([indexes, chosen]))
        first = min(str(e.get("date")) for e in chosen)
        last = max(str(e.get("end") or e.get("date")) + "~" for e in chosen)
        chunks.append([len(parts[-1]), first, last])
    layout = {"base": len(parts[0]), "events": chunks, "count": len(events)}
    crc = zlib.crc32(_json_bytes(layout))
    for part in parts:
        crc = zlib.crc32(part, crc)
    return [_header_line({"key": key, **layout}, crc), *parts]


class CachedEvents:
    """The events of a cache entry, each part decoded when first needed."""

    def __init__(self, where: Path, body: bytes, start: int, chunks: list[list[Any]], count: int) -> None:
        self.where = where
        self.count = count
        self._body = body
        self._spans: list[tuple[int, int, str, str]] = []
        for length, first, last in chunks:
            self._spans.append((start, start + length, first, last))
            start += length
        self._decoded: dict[int, tuple[list[int], list[dict[str, Any]]]] = {}

    def between(self, lo: str | None, hi: str | None) -> list[dict[str, Any]]:
        """The events of every part that may overlap the days lo..hi (a superset, in no set order)."""
        found: list[dict[str, Any]] = []
        for number, (_, _, first, last) in enumerate(self._spans):
            if (lo is None or last >= lo) and (hi is None or first <= hi):
                found.extend(self._part(number)[1])
        return found

    def all(self) -> list[dict[str, Any]]:
        """Every event, in the order of the files."""
        events: list[Any] = [None] * self.count
        try:
            for number in range(len(self._spans)):
                for index, event in zip(*self._part(number), strict=True):
                    events[index] = event
        except (IndexError, TypeError, ValueError):
            self._damaged()
        if any(event is None for event in events):
            self._damaged()
        return events

    def _part(self, number: int) -> tuple[list[int], list[dict[str, Any]]]:
        found = self._decoded.get(number)
        if found is None:
            start, end, _, _ = self._spans[number]
            try:
                value = json.loads(self._body[start:end])
            except (ValueError, RecursionError):
                value = None
            if not (
                isinstance(value, list)
                and len(value) == 2
                and isinstance(value[0], list)
                and isinstance(value[1], list)
                and len(value[0]) == len(value[1])
                and all(type(event) is dict for event in value[1])
            ):
                self._damaged()
            found = self._decoded[number] = (value[0], value[1])
        return found

    def _damaged(self) -> NoReturn:
        # The checksum makes this a forged entry, not a torn one: drop it and say so.
        with contextlib.suppress(OSError):
            self.where.unlink()
        raise CacheError(
            f"the cache entry {self.where} could not be read and was removed; run the command again"
        )


def _layout_ok(header: dict[str, Any], size: int) -> bool:
    chunks, base, count = header.get("events"), header.get("base"), header.get("count")
    if not (type(base) is int and type(count) is int and isinstance(chunks, list) and base >= 0):
        return False
    total = base
    for chunk in chunks:
        if not (
            isinstance(chunk, list)
            and len(chunk) == 3
            and type(chunk[0]) is int
            and chunk[0] > 0
            and isinstance(chunk[1], str)
            and isinstance(chunk[2], str)
        ):
            return False
        total += chunk[0]
    return total == size


def cache_read(key: str) -> tuple[dict[str, Any], CachedEvents] | None:
    """The cached sections for ``key`` and their events, or None when absent, unreadable, stale or altered."""
    import zlib

    where = cache_dir() / f"{key}.json"
    try:
        raw = where.read_bytes()
    except OSError:
        return None
    head, _, body = raw.partition(b"\n")
    try:
        header = json.loads(head)
        if not (_header_matches(header, {"key": key}) and _layout_ok(header, len(body))):
            return None
        layout = {"base": header["base"], "events": header["events"], "count": header["count"]}
        if header.get("crc32") != zlib.crc32(body, zlib.crc32(_json_bytes(layout))):
            return None
        facts = json.loads(body[: header["base"]])
    except (ValueError, RecursionError):
        return None
    if not isinstance(facts, dict):
        return None
    for section in LISTS:
        if section != "events" and not isinstance(facts.get(section), list):
            return None
    if not (isinstance(facts.get("sources"), dict) and isinstance(facts.get("places"), dict)):
        return None
    return facts, CachedEvents(where, body, header["base"], header["events"], header["count"])


def cache_write(key: str, facts: dict[str, Any]) -> None:
    """Store checked facts under ``key``; any failure only means no cache this time."""
    import tempfile

    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        pieces = facts_entry(key, facts)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(pieces)
            os.replace(tmp, directory / f"{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(directory, keep=directory / f"{key}.json")
    except (OSError, ValueError):
        return


def source_digest(data: bytes) -> str:
    """The hash that ties a pre-checked copy to the exact bytes of its fact file."""
    return cache_key([data])


PRECHECKED = "facts.checked.json"


def prechecked(loaded: FactFile, data: bytes, *, folder: Path | None = None) -> bool:
    """Use the copy of the bundled facts checked when the package was built, if it matches.

    The wheel carries it beside facts.toml (see hatch_build.py); a source
    checkout has none, and a copy made from other bytes is ignored.
    """
    here = folder or Path(__file__).resolve().parent
    if loaded.path.resolve() != here / "facts.toml":
        return False
    try:
        raw = (here / PRECHECKED).read_bytes()
    except OSError:
        return False
    doc = entry_payload(raw, source=source_digest(data))
    if not isinstance(doc, dict):
        return False
    loaded.doc = doc
    return True


def _prune(directory: Path, *, keep: Path, most: int = 32) -> None:
    """Drop the oldest entries beyond ``most``, so edited files do not pile up for ever."""
    entries = sorted(directory.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[most:]:
        if old != keep:
            old.unlink(missing_ok=True)


def _parse(text: str, loaded: FactFile) -> dict[str, Any] | None:
    import tomllib  # only on a cache miss: it costs more to import than the cache costs to read

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _LINE_IN_MESSAGE.search(message)
        line = int(match.group(1)) if match else None
        what = _LINE_IN_MESSAGE.sub("", message).strip()
        loaded.problems.append(Problem(loaded.display, line, "", f"TOML syntax error: {what}"))
        return None
    except RecursionError:
        loaded.problems.append(Problem(loaded.display, None, "", "nested too deeply to read"))
        return None
    except ValueError:  # tomllib lets Python's own limit on the digits of an int through
        most = sys.get_int_max_str_digits()
        long = re.search(f"[0-9][0-9_]{{{most},}}", text) if most else None
        line = text.count("\n", 0, long.start()) + 1 if long else None
        what = "a value that cannot be read"
        if long:
            what = f"a number too long to read (more than {most:,} digits)"
        loaded.problems.append(Problem(loaded.display, line, "", what))
        return None
    if not any(key != "schema_version" for key in doc):
        why = "only a schema_version" if doc else "it is empty"
        loaded.problems.append(Problem(loaded.display, None, "", f"no facts in this file ({why})"))
        return None
    return doc


def read_file(path: Path, display: str | None = None) -> tuple[FactFile, bytes | None]:
    """Read one fact file's bytes; a file that cannot be read gets its problem instead."""
    loaded = FactFile(path=path, display=display if display is not None else str(path))
    try:
        return loaded, _read_bytes(path)
    except ValueError as exc:
        loaded.problems.append(Problem(loaded.display, None, "", str(exc)))
        return loaded, None


def parse_file(loaded: FactFile, data: bytes) -> None:
    """Decode, parse and check a file's bytes into ``loaded.doc``; problems are collected."""
    from minusma_cli import tail

    try:
        text = _decode(data)
    except ValueError as exc:
        loaded.problems.append(Problem(loaded.display, None, "", str(exc)))
        return
    # the run of events that ends most large files is read fast; the rest, and any
    # file the fast reader cannot vouch for, by tomllib (which also words every error)
    doc = tail.parse(text)
    if doc is None:
        doc = _parse(text, loaded)
    if doc is None:
        return
    raw = check_document(doc)
    loaded.doc = doc
    if raw:
        loaded._index = LineIndex(text)
        loaded.problems.extend(_locate(loaded, raw))


def load_file(path: Path, *, display: str | None = None) -> FactFile:
    """Read, parse and check one fact file, without the cache."""
    loaded, data = read_file(path, display)
    if data is not None:
        parse_file(loaded, data)
    return loaded


def _locate(loaded: FactFile, raw: list[RawProblem]) -> list[Problem]:
    return [loaded.problem(p.path, p.what) for p in raw]
