"""Reading fact files: bytes, TOML, schema check, line numbers and the parse cache.

Plain module: no Typer, no Rich.  A file that checks clean is stored as JSON in
the user's cache folder under the hash of its bytes, so the next run skips the
TOML parser (the slow part) and the checks.  The cache is never unpickled, is
written atomically, and any cache file that cannot be read back as expected is
ignored and rebuilt.  On a machine with two cores or more, a large file that
ends in a long run of events is parsed in two halves at once (see split_point).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
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
    head = {"format": CACHE_FORMAT, "tool": __version__, **header, "crc32": zlib.crc32(body)}
    return json.dumps(head).encode() + b"\n" + body


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


def facts_entry(key: str, facts: dict[str, Any]) -> bytes:
    """The cache entry for these layered, checked facts."""
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
    body = b"".join(parts)
    layout = {"base": len(parts[0]), "events": chunks, "count": len(events)}
    crc = zlib.crc32(body, zlib.crc32(_json_bytes(layout)))
    head = {"format": CACHE_FORMAT, "tool": __version__, "key": key, **layout, "crc32": crc}
    return json.dumps(head).encode() + b"\n" + body


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
        payload = facts_entry(key, facts)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
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


# --- a large file, parsed in two halves at once ---------------------------------------
#
# The TOML parser is most of the time of a first run on a large file, and it runs on
# one core.  A file that ends in a long run of events can be cut before one of them
# and each half parsed by its own process, with the result the whole would give:
#
# - the cut is just before a line that reads exactly [[events]], and the first half
#   parses alone, so the cut is not inside a string or an array (the half would end
#   in the middle of it): the second half starts where a statement starts;
# - an earlier line reads [[events]] too, with no multi-line string opened before it
#   (no ''' or """), so it is a table header (a one-line string cannot hold a line
#   break, an inline table cannot span lines, and such a line inside an array is a
#   syntax error): "events" is an array of tables, which the second half extends.
#   This is the only guard against a static array (events = [...]) in the first
#   half, which the whole would refuse to extend and the halves would not notice;
# - no line of the second half starts with "[" except those headers, and its result
#   is {"events": [...]} and nothing else: all it defines are new events, each a
#   table of its own, as they would be in the whole.
#
# If either half fails to parse or to check, or anything else is off, the file is
# parsed whole, so that every message (and its line number) is the usual one.

_EVENT_HEADER = re.compile(rb"\[\[events\]\][ \t]*(?:\r?\n|\Z)")
_INDENTED_BRACKET = re.compile(rb"\n[ \t]+\[")
#: below this many bytes, a second process costs more than it saves
SPLIT_AT_LEAST = 1 << 20


def _event_headers(data: bytes, start: int, end: int) -> Iterator[int]:
    """Where the lines beginning in data[start:end] that read exactly [[events]] begin (start >= 1)."""
    at = start - 2
    while (at := data.find(b"\n[[events]]", at + 1, end)) >= 0:
        if _EVENT_HEADER.match(data, at + 1):
            yield at + 1


def cut_ok(data: bytes, cut: int) -> bool:
    """Whether ``data`` may be cut at ``cut`` and its halves parsed apart (see above)."""
    if cut < 1 or data[cut - 1 : cut] != b"\n" or not _EVENT_HEADER.match(data, cut):
        return False
    first = next(_event_headers(data, 1, cut), None)
    if first is None or b'"""' in data[:first] or b"'''" in data[:first]:
        return False
    if _INDENTED_BRACKET.search(data, cut):
        return False
    events = data.count(b"\n[[events]]\n", cut) + data.count(b"\n[[events]]\r\n", cut)
    return data.count(b"\n[", cut) == events


def split_point(data: bytes, *, at_least: int | None = None) -> int | None:
    """Where a fact file's bytes can be cut in two and each half parsed alone, or None.

    The cut is just after a line break, so each half is UTF-8 on its own.
    """
    if len(data) < (SPLIT_AT_LEAST if at_least is None else at_least):
        return None
    middle = start = len(data) // 2
    # walk back over the lines of the second half that open events, to the last that does not
    end = len(data)
    while (at := data.rfind(b"\n[", middle, end)) >= 0:
        if not _EVENT_HEADER.match(data, at + 1):
            start = at + 1
            break
        end = at
    cut = next(_event_headers(data, start, len(data)), None)
    if cut is None or len(data) - cut < len(data) // 8:  # too little left to share
        return None
    return cut if cut_ok(data, cut) else None


def _may_fork() -> bool:
    """Whether a second process can help: fork exists, two cores or more, no other thread."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return False
    # a fork copies one thread; a lock another thread held would stay locked in the child
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return cores > 1


def _parse_halves(data: bytes, cut: int) -> dict[str, Any] | None:
    """Parse and check ``data[:cut]`` here and ``data[cut:]`` in a forked child; None: parse it whole."""
    import signal
    import tomllib

    if b"\x00" in data:
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    # Ctrl-C is held back until each process stands in the block that cleans up after it.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # pragma: no cover - the child; the tests see what it sends
        code = 1
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            os.close(read_end)
            payload = b""
            try:
                rest = tomllib.loads(data[cut:].decode("utf-8"))
                if list(rest) == ["events"] and isinstance(rest["events"], list) and not check_document(rest):
                    payload = _json_bytes(rest["events"])
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
                pass  # an empty answer: the parent parses the whole file and reports it
            with open(write_end, "wb") as pipe:
                pipe.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    answer = b""
    finished = False  # the child has sent all it will send
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        try:
            doc = tomllib.loads(data[:cut].decode("utf-8-sig"))
            clean = isinstance(doc.get("events"), list) and not check_document(doc)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
            doc, clean = {}, False
        if clean:
            with open(read_end, "rb", closefd=False) as pipe:
                answer = pipe.read()
            finished = True
    finally:
        os.close(read_end)
        if not finished:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        status = 1
        with contextlib.suppress(ChildProcessError):
            status = os.waitpid(pid, 0)[1]
    if not (finished and answer and os.waitstatus_to_exitcode(status) == 0):
        return None
    try:
        rest = json.loads(answer)
    except ValueError:
        return None
    if not isinstance(rest, list):
        return None
    doc["events"].extend(rest)
    return doc


def parse_file(loaded: FactFile, data: bytes) -> None:
    """Decode, parse and check a file's bytes into ``loaded.doc``; problems are collected."""
    cut = split_point(data) if _may_fork() else None
    if cut is not None:
        halves = _parse_halves(data, cut)
        if halves is not None:
            loaded.doc = halves  # parsed and checked, clean
            return
    try:
        text = _decode(data)
    except ValueError as exc:
        loaded.problems.append(Problem(loaded.display, None, "", str(exc)))
        return
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
