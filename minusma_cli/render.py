"""Every output format in one place: JSON, NDJSON, CSV, Markdown and tables.

Plain module: no Typer.  Rich is imported only when a table is drawn for a
terminal, so the machine formats start fast.  Text from fact files is
untrusted: control characters and bidi overrides are shown as visible escapes
in every human format, never passed to the terminal, and Rich markup in the
data is never interpreted.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from minusma_cli.env import Environment
from minusma_cli.env import sanitize as sanitize  # the one escape, shown to render's users
from minusma_cli.errors import OutputError, UsageError
from minusma_cli.query import COMMAND_OF, KEYS, Result, Row

if TYPE_CHECKING:
    from minusma_cli.factbase import FactBase

FORMATS = ("table", "json", "ndjson", "csv", "markdown")

# In JSON the C0 controls are already escaped by the encoder; escape the rest too.
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _json_safe(text: str) -> str:
    if text.isascii() and "\x7f" not in text:  # the common case, checked at C speed
        return text
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --- field selection ----------------------------------------------------------


def select_fields(result: Result, fields: str | None) -> list[str] | None:
    """Parse ``--fields a,b,c`` against the keys the command offers (linear in its length)."""
    if fields is None:
        return None
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    once = dict.fromkeys(wanted)  # the names in order, each once
    if len(once) < len(wanted):
        from collections import Counter

        twice = sorted(name for name, n in Counter(wanted).items() if n > 1)
        raise UsageError(f"--fields: {', '.join(map(repr, twice))} given twice")
    valid = available_keys(result)
    offered = set(valid)
    unknown = [name for name in once if name not in offered]
    if unknown or not wanted:
        what = f"unknown field {', '.join(map(repr, unknown))}" if unknown else "no field given"
        raise UsageError(f"--fields: {what}; valid fields: {', '.join(valid)}")
    return wanted


def available_keys(result: Result) -> list[str]:
    keys = list(result.keys)
    for row in result.rows:
        keys.extend(k for k in row if k not in keys)
    return keys


def project(rows: Iterable[Row], fields: Sequence[str] | None) -> Iterable[Row]:
    if fields is None:
        return rows
    return ({f: row.get(f) for f in fields} for row in rows)


# --- machine formats ----------------------------------------------------------


def _encoded(rows: Iterable[Row]) -> Iterator[str]:
    """Each row as compact-ish JSON text, safe to print.

    Records that cite the same sources share one list (see ``query.Rows``), so
    the text of that list is made once and spliced in: on a large timeline most
    of each line is its sources.  The result is the same text ``json.dumps``
    gives for the whole row.
    """
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    made: dict[int, str] = {}
    for row in rows:
        cited = row.get("sources")
        if isinstance(cited, list) and cited and next(reversed(row)) == "sources":
            tail = made.get(id(cited))
            if tail is None:
                tail = made[id(cited)] = encode(cited)
            # take the last key out for the encoder and put it back where it was (last)
            del row["sources"]
            try:
                head = encode(row)
            finally:
                row["sources"] = cited
            text = f'{head[:-1]}, "sources": {tail}}}' if len(head) > 2 else f'{{"sources": {tail}}}'
        else:
            text = encode(row)
        yield _json_safe(text)


#: rows encoded and written at a time
_BATCH = 2048


def _joined(parts: Iterable[str], *, head: str, sep: str, tail: str) -> Iterator[bytes]:
    """Encoded rows as UTF-8 chunks of ``_BATCH`` rows: never the whole output held twice.

    Joining a few non-ASCII rows into one large str makes the whole of it two
    bytes a character; joining bytes keeps it one.
    """
    between = sep.encode()
    batch: list[bytes] = []
    first = True
    yield head.encode()
    for part in parts:
        batch.append(part.encode())
        if len(batch) >= _BATCH:
            yield (b"" if first else between) + between.join(batch)
            batch, first = [], False
    if batch:
        yield (b"" if first else between) + between.join(batch)
    yield tail.encode()


def json_chunks(rows: Iterable[Row]) -> Iterator[bytes]:
    """One array, one object per line: valid JSON that still reads well line by line."""
    parts = list(_encoded(rows))
    if not parts:
        return iter((b"[]\n",))
    return _joined(parts, head="[\n", sep=",\n", tail="\n]\n")


def ndjson_chunks(rows: Iterable[Row]) -> Iterator[bytes]:
    parts = list(_encoded(rows))
    if not parts:
        return iter(())
    return _joined(parts, head="", sep="\n", tail="\n")


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_flat(v.get("id") if isinstance(v, dict) else v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={_flat(v)}" for k, v in value.items())
    return sanitize(str(value), keep_newlines=True)


#: sub-keys of the nested objects, so that CSV headers do not depend on the rows
NESTED = {
    "vote": ("in_favour", "against", "abstaining", "abstainers"),
    "ceiling": ("military", "police"),
    "mandate": ("resolution", "adopted", "action", "mandate_until"),
}


#: what a spreadsheet reads as the start of a formula (OWASP, CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """One CSV cell: a number stays a number; text a spreadsheet would run gets a leading ``'``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = _flat(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def flatten(row: Row, keys: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in keys:
        value = row.get(key)
        sub = NESTED.get(key)
        if sub is None:
            out[key] = csv_cell(value)
            continue
        for name in sub:
            out[f"{key}.{name}"] = csv_cell(value.get(name)) if isinstance(value, dict) else ""
        if isinstance(value, dict):
            for name, inner in value.items():
                if name not in sub:
                    out[f"{key}.{name}"] = csv_cell(inner)
    return out


def csv_text(rows: Sequence[Row], keys: Sequence[str]) -> str:
    import csv
    import io

    out = io.StringIO()
    header = flatten({}, keys)
    for row in rows[:1]:  # nested keys beyond the known ones (summary's ceiling.resolution)
        header.update((k, "") for k in flatten(row, keys) if k not in header)
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(flatten(row, keys))
    return out.getvalue()


# --- human views: columns, cells and source notes -----------------------------------


class Column(NamedTuple):
    """A table column: ``prose`` may wrap; anything else (dates, numbers, ids) is never broken.

    ``rank`` decides what a narrow terminal keeps: rank 0 always, higher ranks as
    the width allows.  Piped output always has every column.
    """

    header: str
    key: str
    numeric: bool = False
    prose: bool = False
    rank: int = 0
    #: the narrowest a prose column is worth showing at
    least: int = 16
    #: the widest a prose column of rank > 0 grows, so that the main one gets the room
    most: int = 0
    #: left out of a table in which no row has a value for it
    optional: bool = False


def _col(
    header: str,
    key: str | None = None,
    numeric: bool = False,
    prose: bool = False,
    rank: int = 0,
    least: int = 16,
    most: int = 0,
    optional: bool = False,
) -> Column:
    return Column(
        header, key or header.lower().replace(" ", "_"), numeric, prose, rank, least, most, optional
    )


COLUMNS: dict[str, tuple[Column, ...]] = {
    "timeline": (
        _col("Date"),
        _col("Category", rank=2),
        _col("Title", prose=True, least=24),
        _col("Places", prose=True, rank=1),
        _col("Killed", numeric=True, rank=1),
    ),
    "attacks": (
        _col("Date"),
        _col("Places", prose=True, rank=1),
        _col("Killed", numeric=True),
        _col("Injured", numeric=True, rank=2),
        _col("Victims", prose=True, rank=3),
        _col("Title", prose=True),
    ),
    "resolutions": (
        _col("No.", "number", True),
        _col("Adopted"),
        _col("Action", rank=1),
        _col("Vote", prose=True, rank=2, least=12, most=30),
        _col("Mandate until", rank=1),
        _col("Ceiling", prose=True, rank=3, most=30),
        _col("Summary", prose=True, rank=4, least=40),
    ),
    "bases": (
        _col("Site", "name"),
        _col("Region", rank=2),
        _col("Kind", rank=3),
        _col("Closed"),
        _col("Handed to", prose=True, rank=1, most=30),
        _col("Outcome", rank=4),
    ),
    "casualties": (
        _col("As of"),
        _col("Period", rank=4),
        _col("Killed", numeric=True),
        _col("Injured", numeric=True, rank=2),
        _col("Qualifier", rank=1),
        _col("Injured qualifier", rank=5),
        _col("Cause", rank=1),
        # figures for one country's personnel only (casualties --nationality)
        _col("Nationality", optional=True),
        _col("Reported by", prose=True, rank=1),
    ),
    "strength": (
        _col("As of"),
        _col("Military", numeric=True),
        _col("Police", numeric=True),
        _col("Civilians", numeric=True, rank=2),
        _col("Total", numeric=True),
        _col("Reported by", prose=True, rank=1, least=14, most=30),
    ),
    "contributors": (
        _col("Country"),
        _col("As of"),
        _col("Military", numeric=True, rank=1),
        _col("Police", numeric=True, rank=1),
        _col("Total", numeric=True),
        _col("Counts", "part", prose=True, rank=1, least=12, most=24, optional=True),
        _col("Note", prose=True, rank=2, least=20, most=40),
    ),
    "budget": (
        _col("From", "period_start"),
        _col("To", "period_end"),
        _col("Amount (US$)", "amount_usd", numeric=True),
        _col("Kind", rank=1),
        _col("Approved by", prose=True, rank=2, most=40),
    ),
    "people": (
        _col("Name", prose=True),
        _col("Role"),
        _col("Nationality", rank=2),
        _col("Start"),
        _col("End"),
    ),
    "sources": (
        _col("Id"),
        _col("Publisher", prose=True, rank=1),
        _col("Published"),
        _col("Title", prose=True, rank=2),
        _col("Url", rank=3),
        _col("Cited by", numeric=True, rank=1),
    ),
    "search": (
        _col("Type", rank=2),
        _col("Id"),
        _col("Date", "_date", rank=1),
        _col("What", "_label", prose=True),
    ),
}
#: values of these keys are running text, free to wrap (in a --fields table too)
PROSE = frozenset(
    {
        "title",
        "summary",
        "note",
        "name",
        "places",
        "reported_by",
        "handed_to",
        "publisher",
        "victims",
        "vote",
        "ceiling",
        "aliases",
        "full_name",
        "approved_by",
        "_label",
    }
)
NUMERIC = frozenset(
    {
        "killed",
        "injured",
        "number",
        "meeting",
        "cited_by",
        "lat",
        "lon",
        "military",
        "police",
        "civilians",
        "total",
        "amount_usd",
        "rank",
    }
)
#: commands shown as one record per block of "field: value" lines
VERTICAL = ("show", "summary")


def cell(key: str, value: Any) -> str:
    """The human text of one value."""
    if value is None:
        return "-"
    if key == "vote" and isinstance(value, dict):
        text = f"{value.get('in_favour')}-{value.get('against')}-{value.get('abstaining')}"
        if value.get("abstainers"):
            text += f" (abstaining: {', '.join(value['abstainers'])})"
        return text
    if key == "ceiling" and isinstance(value, dict):
        parts = [f"{value[k]:,} {k}" for k in ("military", "police") if value.get(k) is not None]
        return (" + ".join(parts) or "-") + (
            f" (res. {value['resolution']})" if "resolution" in value else ""
        )
    if key == "mandate" and isinstance(value, dict):
        until = value.get("mandate_until") or "-"
        return f"resolution {value['resolution']} ({value['action']}, {value['adopted']}), until {until}"
    if key == "casualties" and isinstance(value, list):
        return "; ".join(_figure(v) for v in value) if value else "-"
    if key == "leaders" and isinstance(value, list):
        return "; ".join(
            f"{v['name']} ({v['role']}, {v['start'] or '?'} to {v['end'] or '?'})" for v in value
        )
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if key not in ("number", "meeting", "resolution") else str(value)
    if isinstance(value, list):
        return ", ".join(cell(key, v) for v in value) if value else "-"
    if isinstance(value, dict):
        if "name" in value and value.get("name"):
            return str(value["name"])
        return ", ".join(f"{k}: {cell(k, v)}" for k, v in value.items() if v is not None)
    return str(value)


def _figure(c: Row) -> str:
    """One reported figure in words: ``311 killed (exact, all causes) as of 2023-12-30, by X``."""
    quals = {"killed": c["qualifier"], "injured": c.get("injured_qualifier") or c["qualifier"]}
    counts = [f"{c[k]:,} {k} ({quals[k]})" for k in ("killed", "injured") if c.get(k) is not None]
    return f"{', '.join(counts)}, {c['cause']}, as of {c['as_of']}, by {c['reported_by']}"


def _deployed(s: Row) -> str:
    """A strength report in words: ``13,010 military, 1,759 police as of 2019-02-28, by X``."""
    parts = ", ".join(f"{s[k]:,} {k}" for k in ("military", "police", "civilians") if s.get(k) is not None)
    if s.get("total") is not None:
        parts += f"; {s['total']:,} in all" if parts else f"{s['total']:,} in all (see its note)"
    return f"{parts or '-'} as of {s['as_of']}, by {s['reported_by']}"


def _size(c: Row) -> str:
    """``1,427 military``, ``1,679``, or ``850 military, one battalion`` for part of a contingent."""
    if c.get("total") is not None:
        size = f"{c['total']:,}"
    else:
        size = " + ".join(f"{c[k]:,} {k}" for k in ("military", "police") if c.get(k) is not None) or "-"
    return f"{size}, {c['part']}" if c.get("part") else size


def _funded(b: Row) -> str:
    """``2018-07-01 to 2019-06-30: US$1,074,718,900 appropriation, by X``."""
    return (
        f"{b['period_start']} to {b['period_end']}: US${b['amount_usd']:,} {b['kind']}, by {b['approved_by']}"
    )


def summary_lines(row: Row) -> list[tuple[str, str]]:
    """The summary as a short sheet: what a reader asks first, one fact a line where it can be."""
    g = row.get
    lines = [("mission", f"{g('name')} - {g('full_name')}")]
    span_parts = [
        f"{label} {g(key)}"
        for label, key in (
            ("established", "established"),
            ("deployed", "deployed"),
            ("mandate ended", "mandate_ended"),
            ("withdrawn", "withdrawn"),
            ("liquidation from", "liquidation_start"),
        )
        if g(key)
    ]
    if span_parts:
        lines.append(("span", ", ".join(span_parts)))
    if g("on") is not None:
        lines.append(("mandate", cell("mandate", g("mandate")) if g("mandate") else "none in force"))
        lines.append(("ceiling", cell("ceiling", g("ceiling")) if g("ceiling") else "none in force"))
        deployed = [_deployed(s) for s in g("strength") or ()]
        lines.append(("deployed", "\n".join(deployed) or "no figure reported by then"))
        largest = [f"{c['country']} {_size(c)} ({c['as_of']})" for c in g("contributors") or ()]
        lines.append(("contributors", "; ".join(largest) or "no figure reported by then"))
        funded = [_funded(b) for b in g("budget") or ()]
        lines.append(("budget", "\n".join(funded) or "no period recorded"))
    leaders = [
        f"{p['start'] or '?'} to {p['end'] or '?'}: {p['name']} ({p['role']})" for p in g("leaders") or ()
    ]
    lines.append(("leaders" if g("on") is None else "in office", "\n".join(leaders) or "-"))
    sites = [
        s["name"] + (f" (closed {s['closed']})" if s.get("closed") and g("on") is None else "")
        for s in g("sites") or ()
    ]
    lines.append(("sites" if g("on") is None else "sites open", "; ".join(sites) or "-"))
    figures = [_figure(c) for c in g("casualties") or ()]
    lines.append(("casualties", "\n".join(figures) or "-"))
    lines.append(("resolutions", f"{g('resolutions')} adopted" + (f" by {g('on')}" if g("on") else "")))
    if g("note"):
        lines.append(("note", str(g("note"))))
    return lines


def _label(row: Row) -> str:
    for key in ("title", "name", "country", "summary", "reported_by", "approved_by"):
        if row.get(key):
            return str(row[key])
    return str(row.get("id"))


def _date_of(row: Row) -> Any:
    for key in ("date", "adopted", "as_of", "closed", "start", "period_start"):
        if row.get(key) is not None:
            return row[key]
    return None


class Notes:
    """Numbers each source once, in order of first use, for the footnote."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.entries: list[Row] = []

    def mark(self, sources: Any) -> str:
        marks = []
        for src in sources or ():
            number = self.numbers.get(src["id"])
            if number is None:
                number = self.numbers[src["id"]] = len(self.numbers) + 1
                self.entries.append(src)
            marks.append(str(number))
        return ",".join(marks)

    def lines(self) -> list[str]:
        """The footnote lines, made safe to print (the one place source text is shown)."""
        return [note_line(n, src) for n, src in enumerate(self.entries, start=1)]


def note_line(n: int, src: Row) -> str:
    g = src.get
    return sanitize(f"[{n}] {g('publisher')}, {g('published')} - {g('title')} - {g('url')}")


def compact_marks(marks: str) -> str:
    """``1,2,3,5`` -> ``1-3,5``: source markers that take little room on a terminal."""
    if not marks:
        return marks
    numbers = [int(m) for m in marks.split(",")]
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [
        str(r[0]) if len(r) == 1 else f"{r[0]},{r[1]}" if len(r) == 2 else f"{r[0]}-{r[-1]}" for r in runs
    ]
    # a long list keeps its first markers and says how many more: show ID lists them all
    kept: list[str] = []
    for i, part in enumerate(parts):
        if i and len(",".join([*kept, part])) > MARKS_WIDTH - 3:
            rest = sum(
                1 if "-" not in p else int(p.split("-")[1]) - int(p.split("-")[0]) + 1 for p in parts[i:]
            )
            rest += sum(p.count(",") for p in parts[i:])
            return ",".join(kept) + f",+{rest}"
        kept.append(part)
    return ",".join(kept)


#: the widest a row's source markers get on a terminal
MARKS_WIDTH = 12


class Grid:
    """A table as text cells: what every human view draws."""

    def __init__(
        self,
        title: str,
        columns: list[Column],
        rows: list[list[str]],
        entries: list[Row],
        vertical: bool = False,
        ids: list[str] | None = None,
        spell: bool = False,
        command: str = "",
    ) -> None:
        self.command = command
        self.title = title
        self.columns = columns
        self.headers = [c.header for c in columns]
        self.numeric = [c.numeric for c in columns]
        self.rows = rows
        self.entries = entries
        self.notes = [note_line(n, src) for n, src in enumerate(entries, start=1)]
        self.vertical = vertical
        #: the ids of the rows, for the hint that names one to ``show``
        self.ids = ids or []
        #: on a terminal too, every source is spelled out (show)
        self.spell = spell


SRC = Column("Src", "sources")


def shown_keys(row: Row) -> list[str]:
    """The keys a record shown in full lists: its kind's own (JSON has every kind's keys)."""
    command = COMMAND_OF.get(str(row.get("type")))
    own = KEYS[command] if command else tuple(row)
    return [k for k in ("type", *own) if k in row and k != "sources"]


def grid(result: Result, fields: Sequence[str] | None) -> Grid:
    """Lay out a result as cells, with a source-marker column and footnotes."""
    notes = Notes()
    if result.command in VERTICAL:
        rows: list[list[str]] = []
        for row in result.rows:
            if result.command == "summary" and fields is None:
                rows.extend([k, "\n".join(sanitize(x) for x in v.split("\n"))] for k, v in summary_lines(row))
            else:
                keys = fields or shown_keys(row)
                rows.extend([k, sanitize(cell(k, row.get(k)))] for k in keys)
            notes.mark(row.get("sources"))
            if result.command == "show":
                n = len(row.get("sources") or ())
                rows.append(["sources", f"{n} source{'s' if n != 1 else ''}, listed below"])
        columns = [Column("Field", "field"), Column("Value", "value", prose=True)]
        return Grid(result.title, columns, rows, notes.entries, vertical=True, spell=result.command == "show")
    if fields is not None:
        chosen = [
            Column(f.replace("_", " ").capitalize(), f, f in NUMERIC, f in PROSE)
            for f in fields
            if f != "sources"
        ]
    else:
        chosen = [
            c
            for c in COLUMNS.get(result.command, tuple(_col(k, prose=k in PROSE) for k in result.keys))
            if not c.optional or any(row.get(c.key) is not None for row in result.rows)
        ]
    # no source, no fact: the human views always cite, whatever --fields keeps
    cite = result.command != "sources"
    body = []
    for row in result.rows:
        extra = {"_label": _label(row), "_date": _date_of(row)} if result.command == "search" else {}
        line = [sanitize(cell(c.key, extra.get(c.key, row.get(c.key)))) for c in chosen]
        if cite:
            line.append(notes.mark(row.get("sources")))
        body.append(line)
    if cite:
        chosen.append(SRC)
    ids = [str(r.get("id")) for r in result.rows]
    return Grid(sanitize(result.title), chosen, body, notes.entries, ids=ids, command=result.command)


def write_plain(g: Grid, out: IO[str]) -> None:
    """The table as plain text: aligned columns, no colour, nothing cut."""
    if not g.rows:
        out.write("(no records)\n")
        return
    widths = [
        max(len(h), *(len(part) for r in g.rows for part in r[i].split("\n")))
        for i, h in enumerate(g.headers)
    ]

    def line(cells: Sequence[str]) -> str:
        if any("\n" in c for c in cells):  # a value of several lines: one line each
            split = [c.split("\n") for c in cells]
            depth = max(len(parts) for parts in split)
            return "".join(
                line([parts[k] if k < len(parts) else "" for parts in split]) for k in range(depth)
            )
        parts = [
            c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, g.numeric, strict=True)
        ]
        return "  ".join(parts).rstrip() + "\n"

    out.write(line(g.headers))
    out.write(line(["-" * w for w in widths]))
    for row in g.rows:
        out.write(line(row))
    _write_notes(g, out)


def _write_notes(g: Grid, out: IO[str]) -> None:
    if g.notes:
        out.write("\nSources:\n")
        for note in g.notes:
            out.write(note + "\n")


def write_markdown(g: Grid, out: IO[str]) -> None:
    def esc(text: str) -> str:
        # HTML first, so that a cell never becomes a tag in a Markdown viewer
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace("\\", "\\\\").replace("|", "\\|")

    out.write(f"**{esc(g.title)}**\n\n")
    out.write("| " + " | ".join(esc(h) for h in g.headers) + " |\n")
    out.write("|" + "|".join("---:" if n else "---" for n in g.numeric) + "|\n")
    for row in g.rows:
        out.write("| " + " | ".join(esc(c) for c in row) + " |\n")
    if g.notes:
        out.write("\nSources:\n\n")
        for note in g.notes:
            out.write(f"- {esc(note)}\n")


# --- the terminal view ------------------------------------------------------------

#: what a column costs beside its text: one space of padding each side and one between
#: (none at the table's edges)
GAP = 3


def _min_width(column: Column, cells: list[str], *, shrink: bool = False) -> int:
    """The narrowest a column is shown at; a date, number, id or word is never broken.

    A prose column is worth showing at ``column.least`` characters; ``shrink``
    gives the narrowest it can be at all, its longest word.
    """
    header = max(len(w) for w in column.header.split())
    if column is SRC:
        cells = [compact_marks(c) for c in cells]
    if not cells:
        return header
    if column.prose:
        longest_word = max((len(w) for c in cells for w in c.split()), default=0)
        least = longest_word if shrink else max(longest_word, column.least)
        return max(header, min(max(len(c) for c in cells), least))
    # a column that never wraps does not wrap its header either
    return max(len(column.header), *(len(c) for c in cells))


def fit_columns(g: Grid, width: int) -> list[int]:
    """The columns a terminal this wide shows: by rank, while they fit (rank 0 always)."""
    mins = [_min_width(c, [r[i] for r in g.rows]) for i, c in enumerate(g.columns)]
    used = -GAP  # no gap before the first column
    keep: set[int] = set()
    for i in sorted(range(len(g.columns)), key=lambda i: (g.columns[i].rank, i)):
        need = mins[i] + GAP
        if g.columns[i].rank == 0 or used + need <= width:
            keep.add(i)
            used += need
    return sorted(keep)


def rich_view(g: Grid, width: int, *, all_sources: bool = False) -> Any:
    """The grid for a terminal ``width`` wide: the columns that fit, compact source
    markers and one line saying how to see the sources (``all_sources`` lists them).
    Data is never parsed as markup; dates, numbers and ids are never broken."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    if not g.rows:
        return Text("(no records)")
    if g.command == "search":
        g = _id_under_label(g)
    keep = list(range(len(g.columns))) if g.vertical else fit_columns(g, width)
    table = Table(
        title=Text(g.title, style="bold"),
        box=box.SIMPLE_HEAVY,
        show_header=not g.vertical,
        show_edge=False,
        pad_edge=False,
    )
    for i in keep:
        column = g.columns[i]
        cells = [r[i] for r in g.rows]
        table.add_column(
            Text(column.header),
            justify="right" if column.numeric else "left",
            no_wrap=not column.prose,
            overflow="fold" if column.prose else "ellipsis",
            # a prose column may shrink to its longest word when the rest must fit
            min_width=None if g.vertical else _min_width(column, cells, shrink=column.prose),
            # a lesser prose column stays narrowish, so that the main one gets the room
            max_width=max(_min_width(column, cells), column.most)
            if column.prose and column.rank and not g.vertical
            else None,
            style="dim" if column is SRC else None,
        )

    def text(i: int, value: str) -> Text:
        if g.columns[i] is SRC:
            return Text(compact_marks(value))
        if g.command == "search-terminal" and "\n" in value:  # the id under the label, dimmed
            label, rid = value.rsplit("\n", 1)
            return Text.assemble(label + "\n", (rid, "dim"))
        return Text(value)

    for row in g.rows:
        table.add_row(*(text(i, row[i]) for i in keep))
    parts: list[Any] = [table]
    hidden = [g.columns[i].header for i in range(len(g.columns)) if i not in keep]
    if hidden:
        parts.append(Text(f"Also: {', '.join(hidden)} (a wider terminal, or --fields)", style="dim"))
    if not g.entries:
        return Group(*parts)
    if all_sources or g.spell:
        parts.append(source_list(g.entries))
    else:
        count = len(g.entries)
        cited = f"{count} source{'s' if count != 1 else ''}"
        parts.append(
            Text(
                f"{cited}; --sources lists them"
                if g.vertical
                else f"Src: {cited}; --sources lists them; minusma show ID gives one record in full",
                style="dim",
            )
        )
    return Group(*parts)


def _id_under_label(g: Grid) -> Grid:
    """Search on a terminal: each record's id under its label, in one column.

    Ids run to 50 characters; beside a label they leave it no room at 80
    columns.  Under it, the id is one word of the cell, so the column is never
    narrower than the id and the id is never broken.
    """
    at = {c.key: i for i, c in enumerate(g.columns)}
    if "id" not in at or "_label" not in at:
        return g
    columns = [c for c in g.columns if c.key != "id"]
    rows = [
        [f"{row[at['_label']]}\n{row[at['id']]}" if c.key == "_label" else row[at[c.key]] for c in columns]
        for row in g.rows
    ]
    return Grid(g.title, columns, rows, g.entries, ids=g.ids, command="search-terminal")


def source_list(entries: list[Row]) -> Any:
    """Every source spelled out, each URL whole on its own line as a terminal link."""
    from rich.console import Group
    from rich.style import Style
    from rich.text import Text

    lines: list[Any] = [Text("Sources:", style="bold")]
    for n, src in enumerate(entries, start=1):
        g = src.get
        lines.append(Text(sanitize(f"[{n}] {g('publisher')}, {g('published')} - {g('title')}")))
        url = sanitize(str(g("url") or "-"))
        link = Style(link=url) if url.startswith(("http://", "https://")) else None
        lines.append(Text("    " + url, style=link or "", no_wrap=True, overflow="ignore"))
    return Group(*lines)


def make_console(
    out: IO[str],
    *,
    width: int,
    colour: bool,
    terminal: bool = True,
    record: bool = False,
) -> Any:
    """A Rich console on ``out``, ``width`` columns wide; colour as the terminal has it, or none."""
    from rich.console import Console

    return Console(
        file=out,
        record=record,
        force_terminal=terminal,
        color_system=("truecolor" if record else "auto") if colour else None,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        soft_wrap=False,
    )


def write(
    result: Result,
    env: Environment,
    *,
    fmt: str = "table",
    fields: str | None = None,
    no_color: bool = False,
    chart: bool = False,
    svg: str | None = None,
    facts: FactBase | None = None,
    all_sources: bool = False,
    pager: bool = False,
) -> None:
    """Write a result in one format; the only place that knows the formats.

    JSON, NDJSON, CSV and Markdown are UTF-8 whatever the locale; only the table
    follows the terminal's encoding.  ``--svg`` saves a picture beside the
    output and never changes what stdout gets.  ``pager``: on a terminal, a
    table taller than the screen goes through the pager.
    """
    selected = select_fields(result, fields)
    if (chart or svg) and fmt != "table":
        raise UsageError("--chart and --svg draw pictures: use them without --json or --format")
    if fmt == "json":
        env.write_all(json_chunks(project(result.rows, selected)))
    elif fmt == "ndjson":
        env.write_all(ndjson_chunks(project(result.rows, selected)))
    elif fmt == "csv":
        env.write(csv_text(result.rows, selected or available_keys(result)).encode())
    elif fmt == "markdown":
        text = io.StringIO()
        write_markdown(grid(result, selected), text)
        env.write(text.getvalue().encode())
    elif fmt == "table":
        if svg is not None:
            save_svg(result, selected, svg, env=env, chart=chart, no_color=no_color, facts=facts)
        human = _human(
            result, selected, env, chart=chart, no_color=no_color, facts=facts, all_sources=all_sources
        )
        if pager and env.stdout_isatty:
            from minusma_cli.pager import page

            page(human, env)
        else:
            env.write_text(human)
    else:
        raise UsageError(f"--format: unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")


class _Capture(io.StringIO):
    """Text kept for the writer; tells Rich the terminal's encoding, so it draws what can be shown."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def _picture(
    result: Result,
    selected: Sequence[str] | None,
    console: Any,
    *,
    chart: bool,
    facts: FactBase | None,
    all_sources: bool = True,
) -> Any:
    """The chart, or the table, as Rich renderables drawn for ``console``."""
    if not chart:
        return rich_view(grid(result, selected), console.width, all_sources=all_sources)
    from minusma_cli.charts import chart as draw

    if facts is None:  # pragma: no cover - the CLI always passes the facts
        raise UsageError("--chart needs the fact base")
    return draw(result, facts, width=console.width, color=console.color_system is not None)


def _human(
    result: Result,
    selected: Sequence[str] | None,
    env: Environment,
    *,
    chart: bool,
    no_color: bool,
    facts: FactBase | None,
    all_sources: bool = False,
) -> str:
    """The table or chart as text for stdout: Rich on a terminal, plain text in a pipe.

    Lines are never cropped: a source's URL stays whole even where the terminal folds it.
    """
    text = _Capture(env.encoding)
    if chart or env.fancy():
        fancy = env.fancy()
        console = make_console(text, width=env.width, colour=fancy and env.colour(no_color), terminal=fancy)
        picture = _picture(result, selected, console, chart=chart, facts=facts, all_sources=all_sources)
        console.print(picture, crop=False)
    else:
        write_plain(grid(result, selected), text)
    return text.getvalue()


def save_svg(
    result: Result,
    selected: Sequence[str] | None,
    path: str,
    *,
    env: Environment,
    chart: bool,
    no_color: bool,
    facts: FactBase | None,
) -> None:
    """The table (or chart) as an SVG picture; it keeps its colours even when stdout is a pipe."""
    recorder = make_console(io.StringIO(), width=env.width, record=True, colour=env.colour(no_color))
    recorder.print(_picture(result, selected, recorder, chart=chart, facts=facts))
    try:
        recorder.save_svg(path, title=f"minusma {result.command}")
    except OSError as exc:
        raise OutputError(f"--svg: cannot write {path!r} ({exc.strerror or exc})") from None
