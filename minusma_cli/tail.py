"""A fast reader for the run of ``[[events]]`` tables that ends most large fact files.

``tomllib`` reads a character at a time, and on a large fact file it is most of a
first run.  Yet such a file is nearly all events, written one plain line at a time:
``key = "text"``, a date, a whole number, a one-line array of strings.  Those lines
are read here with one regular expression each, about four times faster, and
anything else (a float, a multi-line value, an inline or sub-table, a dotted or
duplicate key...) is handed back to ``tomllib``: one event table at a time, or,
if anything is off, the whole file.  Whatever this module returns is what ``tomllib.loads``
returns for the same text; ``tests/test_tail.py`` holds it to that.

Why the two readings agree:

- The tail starts at a line that reads ``[[events]]``, after the last line that
  begins with ``[`` and does not, so it holds only event tables, their keys and
  lines that begin with space, tab or ``#``.
- The head (the text before the tail) must parse alone.  Then the tail starts
  where a statement starts, not inside a string or an array: the head would end in
  the middle of it and fail.  Each ``[[events]]`` header of the tail appends a new
  table to ``events``, as in the whole, provided ``events`` is unknown to the head
  or is an array of tables there.  The head shows the latter by a line reading
  ``[[events]]`` before which no multi-line string opens (so the line is a header:
  a one-line string cannot hold a line break, an inline table cannot span lines,
  and inside an array such a line is a syntax error).  No other shape of
  ``events`` survives a header in a head that parses.
- A line of the tail is read here only if the whole line matches; an event table
  with any other line is given to ``tomllib`` alone, from its header to the next
  line reading ``[[events]]``, and must give ``{"events": [...]}`` and nothing
  else: it can only add events, as it would in the whole.  If that table ended
  inside a multi-line value, it fails to parse, and so the whole file is parsed.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

_CHAR = r"[^\x00-\x08\x0a-\x1f\x7f"  # a character TOML allows in a string or comment (open class)
_COMMENT = r"(?:#" + _CHAR + r"]*+)?"
_BASIC = r'"' + _CHAR + r'"\\]*+"'
_PLAIN = _CHAR + r'"\\]'  # in a basic string, a character that stands for itself
_ESCAPED = r'\\(?:["\\btnfr]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})'  # TOML 1.0's escapes
_END = r"(?:\r?\n|\Z)"
_HEADER = r"\[\[events\]\][ \t]*+" + _COMMENT + _END

# Every repetition is possessive (*+): what follows it can never match what it took,
# so giving some back could only fail again, and a line that does not match would
# otherwise be retried in every split of its runs of spaces (minutes for a long one).
#
# One line of the tail.  lastindex names what matched: the value's group, 1 for an
# empty array (only the key matched), 10 for a header, None for a blank or comment line.
_VALUE = (
    r'"(' + _PLAIN + r"*+(?:" + _ESCAPED + _PLAIN + r'*+)*+)"'  # 2: a basic string
    r"|'(" + _CHAR + r"']*+)'"  # 3: a literal string
    r"|([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"  # 4, 5, 6: a date
    r"|(-?(?:0|[1-9][0-9]*+))"  # 7: a whole number
    r"|\[[ \t]*+((?:" + _BASIC + r"[ \t]*+,[ \t]*+)*" + _BASIC + r"[ \t]*+,?)?[ \t]*+\]"  # 8: strings
    r"|(true|false)"  # 9: a boolean
)
_LINE = re.compile(
    rf"(?:[ \t]*+([A-Za-z0-9_-]++)[ \t]*+=[ \t]*+(?:{_VALUE})[ \t]*+{_COMMENT}{_END}"  # 1: the key
    rf"|({_HEADER})"  # 10: a header
    rf"|[ \t]*+{_COMMENT}{_END})"  # a blank line or a comment
)
_KEY, _BASIC_STR, _LITERAL, _DAY, _INT, _STRINGS, _BOOL, _NEW_TABLE = 1, 2, 3, 6, 7, 8, 9, 10
_ITEM = re.compile(r'"([^"]*)"')
_ESCAPE = re.compile(r'\\(?:(["\\btnfr])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_SHORT = {'"': '"', "\\": "\\", "b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r"}


def _unescape(value: str) -> str | None:
    """The text of a basic string's escapes (which _LINE has checked), or None for a bad code point."""
    bad = False

    def one(escape: re.Match[str]) -> str:
        nonlocal bad
        short, four, eight = escape.groups()
        if short is not None:
            return _SHORT[short]
        code = int(four or eight, 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            bad = True
            return ""
        return chr(code)

    text = _ESCAPE.sub(one, value)
    return None if bad else text


_NEXT_HEADER = re.compile(r"\n" + _HEADER)
_HEADER_AT = re.compile(_HEADER)
#: event tables handed to tomllib one by one before the reader may give up on a file
_HANDED_AT_MOST = 256
_OTHER_TABLE = re.compile(r"\n\[(?!\[events\]\])")


def _header_from(text: str, pos: int) -> int | None:
    """Where the first line reading [[events]] that starts at ``pos`` (a line start) or later begins."""
    if _HEADER_AT.match(text, pos):
        return pos
    found = _NEXT_HEADER.search(text, pos)
    return None if found is None else found.start() + 1


def tail_start(text: str) -> int | None:
    """Where the closing run of event tables starts, or None if the text has none."""
    others = [found.start() for found in _OTHER_TABLE.finditer(text)]
    return _header_from(text, others[-1] + 1 if others else 0)


def events_are_open(head: str) -> bool:
    """Whether ``head`` opens ``events`` as an array of tables (see the module's notes)."""
    first = _header_from(head, 0)
    if first is None:
        return False
    before = head[:first]
    return '"""' not in before and "'''" not in before


def read_events(text: str, start: int = 0) -> list[dict[str, Any]] | None:
    """The event tables of ``text[start:]`` (which starts with a header), or None: parse it all whole."""
    import tomllib

    events: list[dict[str, Any]] = []
    table: dict[str, Any] = {}
    table_at = pos = start
    handed = 0
    end = len(text)
    match = _LINE.match
    date = _dt.date
    while pos < end:
        line = match(text, pos)
        if line is not None:
            kind = line.lastindex
            if kind is None:  # a blank line or a comment
                pos = line.end()
                continue
            if kind == _NEW_TABLE:
                table = {}
                events.append(table)
                table_at = pos
                pos = line.end()
                continue
            key = line.group(_KEY)
            if events and key not in table:
                pos = line.end()
                if kind == _BASIC_STR:
                    value = line.group(_BASIC_STR)
                    if "\\" in value:
                        value = _unescape(value)
                        if value is None:  # not a Unicode character: tomllib's to report
                            return None
                    table[key] = value
                elif kind == _INT:
                    try:
                        table[key] = int(line.group(_INT))
                    except ValueError:  # more digits than Python reads: tomllib's to report
                        return None
                elif kind == _STRINGS:
                    table[key] = _ITEM.findall(line.group(_STRINGS))
                elif kind == _DAY:
                    year, month, day = line.group(4, 5, 6)
                    try:
                        table[key] = date(int(year), int(month), int(day))
                    except ValueError:
                        return None  # 2015-02-30: tomllib's to report
                elif kind == _LITERAL:
                    table[key] = line.group(_LITERAL)
                elif kind == _BOOL:
                    table[key] = line.group(_BOOL) == "true"
                else:  # only the key matched: an empty array
                    table[key] = []
                continue
        # a line this reader does not take: this event table goes to tomllib on its own
        handed += 1
        if not events or (handed > _HANDED_AT_MOST and handed * 2 > len(events)):
            return None  # mostly tables it does not take: tomllib reads the whole file faster
        after = _NEXT_HEADER.search(text, pos - 1)
        stop = end if after is None else after.start() + 1
        try:
            alone = tomllib.loads(text[table_at:stop])
        except (ValueError, RecursionError):  # a TOMLDecodeError, or an int too long to read
            return None
        found = alone.get("events")
        if len(alone) != 1 or not isinstance(found, list):
            return None
        events.pop()
        events.extend(found)
        table = {}
        pos = stop
    return events


def parse(text: str) -> dict[str, Any] | None:
    """``tomllib.loads(text)`` read faster, or None when this reader cannot vouch for it."""
    import tomllib

    start = tail_start(text)
    if start is None:
        return None
    head = text[:start]
    try:
        doc = tomllib.loads(head)
    except (ValueError, RecursionError):  # a TOMLDecodeError, or an int too long to read
        return None
    if "events" in doc and not events_are_open(head):
        return None
    events = read_events(text, start)
    if events is None:
        return None
    doc.setdefault("events", []).extend(events)
    return doc
