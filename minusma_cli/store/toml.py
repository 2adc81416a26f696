"""Parsing a fact file's text with ``tomli``, and finding the line of a record or field in it.

Line numbers come from the same text that was parsed: the file is never opened
again (it may be a pipe, or standard input).
"""

from __future__ import annotations

import re
import sys
from typing import Any

try:
    import tomli as toml_parser
except ImportError:  # pragma: no cover - tomli is a dependency; the standard library's parser reads the same
    import tomllib as toml_parser  # type: ignore[no-redef]


class NotToml(Exception):
    """The text is not TOML this tool can read; ``line`` is where, when known."""

    def __init__(self, what: str, line: int | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.line = line


_LINE_IN_MESSAGE = re.compile(r"\(at line (\d+), column \d+\)")


def parse(text: str) -> dict[str, Any]:
    """The TOML document in ``text``, or NotToml with a message a user can act on."""
    try:
        return toml_parser.loads(text)
    except toml_parser.TOMLDecodeError as exc:
        message = str(exc)
        match = _LINE_IN_MESSAGE.search(message)
        what = _LINE_IN_MESSAGE.sub("", message).strip()
        raise NotToml(f"TOML syntax error: {what}", int(match.group(1)) if match else None) from None
    except RecursionError:
        raise NotToml("nested too deeply to read") from None
    except ValueError:  # the parser lets Python's own limit on the digits of an int through
        most = sys.get_int_max_str_digits()
        long = re.search(f"[0-9][0-9_]{{{most},}}", text) if most else None
        if long is None:
            raise NotToml("a value that cannot be read") from None
        line = text.count("\n", 0, long.start()) + 1
        raise NotToml(f"a number too long to read (more than {most:,} digits)", line) from None


# A table header on a line of its own, or the quotes that open and close a multi-line string
# (inside which a line that looks like a header is text).
_TOKENS = re.compile(
    r"\"\"\"|'''|^[ \t]*(\[\[?)[ \t]*([^\[\]\n]+?)[ \t]*\]\]?[ \t]*(?:#[^\n]*)?$", re.MULTILINE
)
_KEY_PART = re.compile(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)')

Path = tuple[str | int, ...]


class LineIndex:
    """Where records and fields stand in a TOML text, for problem messages.

    Reads table headers and ``key =`` lines, which covers the layout the design
    describes. Built once, in one pass, so each look-up costs only the lines of
    its own record.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        #: (line, offset of the line, is an array header, dotted key), in file order
        self.headers: list[tuple[int, int, bool, tuple[str, ...]]] = []
        self.first: dict[tuple[str, ...], int] = {}  # key -> index of its first header
        self.arrays: dict[tuple[str, ...], list[int]] = {}  # key -> indexes of its [[array]] headers
        self._scanned = False

    def _scan(self) -> None:
        """Find every table header, once, when the first problem needs a line."""
        self._scanned = True
        text = self.text
        line, counted, quote = 1, 0, ""
        for match in _TOKENS.finditer(text):
            token = match.group(0)
            if token in ('"""', "'''"):
                if not quote or quote == token:
                    quote = "" if quote else token
                continue
            if quote:
                continue
            line += text.count("\n", counted, match.start())
            counted = match.start()
            key = tuple(a or b or c for a, b, c in _KEY_PART.findall(match.group(2)))
            is_array = match.group(1) == "[["
            self.first.setdefault(key, len(self.headers))
            if is_array:
                self.arrays.setdefault(key, []).append(len(self.headers))
            self.headers.append((line, match.start(), is_array, key))

    def _find_key(self, start: int, end: int, key: str) -> int | None:
        """The offset of the line in text[start:end] that sets ``key``."""
        pattern = re.compile(rf"^[ \t]*(?:\"{re.escape(key)}\"|{re.escape(key)})[ \t]*[=.]", re.MULTILINE)
        found = pattern.search(self.text, start, end)
        return None if found is None else found.start()

    def _line_at(self, offset: int, header: int = -1) -> int:
        if header < 0:
            return self.text.count("\n", 0, offset) + 1
        line, start = self.headers[header][:2]
        return line + self.text.count("\n", start, offset)

    def _record(self, path: Path) -> int | None:
        """The index of the header of the record ``path`` names."""
        section = str(path[0])
        if len(path) >= 2 and isinstance(path[1], int) and section != "mission":
            arrays = self.arrays.get((section,), [])
            return arrays[path[1]] if path[1] < len(arrays) else None
        target = (section,) if section == "mission" or len(path) < 2 else (section, str(path[1]))
        return self.first.get(target)

    def _end(self, at: int) -> int:
        """The offset where the record whose header is ``at`` ends: the next record or section."""
        target = self.headers[at][3]
        for _, offset, is_array, key in self.headers[at + 1 :]:
            if is_array or key[: len(target)] != target or len(key) == len(target):
                return offset
        return len(self.text)

    def line_of(self, path: Path) -> int | None:
        if not path:
            return None
        if not self._scanned:
            self._scan()
        field_index = 1 if str(path[0]) == "mission" else 2
        at = self._record(path) if len(path) > 1 or path[0] == "mission" else None
        if at is None:
            top = self._find_key(0, len(self.text), str(path[0]))
            if top is not None:
                return self._line_at(top)
            index = next((i for i, h in enumerate(self.headers) if h[3][:1] == (str(path[0]),)), None)
            return None if index is None else self.headers[index][0]
        start, end = self.headers[at][1], self._end(at)
        if len(path) > field_index:
            name = str(path[field_index])
            found = self._find_key(start, end, name)
            if found is not None:
                return self._line_at(found, at)
            for line, offset, _, key in self.headers[at + 1 :]:
                if offset >= end:
                    break
                if key[-1:] == (name,):
                    return line
        return self.headers[at][0]
