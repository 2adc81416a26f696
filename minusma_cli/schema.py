"""The fact-file schema (``schema_version = 1``) and the checks that apply it.

Plain module: no Typer, no Rich. :func:`check_document` takes what the TOML
parser returned, converts dates to ISO strings in place and returns every
problem found, each with a path (section, record, field) that the store turns
into a line number (see ``store``). Checks that need every loaded file at once (references,
duplicates across files) live in ``factbase``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from minusma_cli.dates import parse_iso, span

SCHEMA_VERSION = 1
MAX_STRING = 4000
#: the largest whole number a count may hold; far beyond any real figure here, and small
#: enough that every output format can print it
MAX_COUNT = 10**9
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")

CATEGORIES = (
    "conflict",
    "coup",
    "political",
    "mandate",
    "peace-process",
    "election",
    "attack",
    "deployment",
    "withdrawal",
    "liquidation",
)
SOURCE_KINDS = ("press-release", "resolution", "report", "news", "statement", "reference", "other")
ACTIONS = ("authorize", "establish", "renew", "modify", "terminate")
BASE_KINDS = ("headquarters", "sector-headquarters", "camp", "temporary-operating-base")
OUTCOMES = ("handed-civil", "handed-army", "vacated", "taken-by-armed-group")
QUALIFIERS = ("exact", "at-least", "over", "about")
CAUSES = ("all", "hostile-acts", "accident", "illness", "other")
BUDGET_KINDS = ("appropriation", "commitment-authority", "expenditure")
ROLES = (
    "head-of-mission",
    "acting-head-of-mission",
    "force-commander",
    "acting-force-commander",
    "deputy",
)


class RawProblem(NamedTuple):
    """A problem before its line is known: ``path`` is (section, key or index, field...)."""

    path: tuple[str | int, ...]
    what: str


class Invalid(Exception):
    """Raised by a field check; the message says what is wrong."""


Check = Callable[[Any], Any]


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, _dt.datetime):
        return "a date-time"
    if isinstance(value, _dt.date):
        return "a date"
    if isinstance(value, _dt.time):
        return "a time"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string, got {_type_name(value)}")
    if not value or value.isspace():
        raise Invalid("must not be empty")
    if len(value) > MAX_STRING:
        raise Invalid(f"too long ({len(value):,} characters; the limit is {MAX_STRING:,})")
    return value


def slug(value: Any) -> str:
    if isinstance(value, str) and len(value) <= MAX_STRING and ID_RE.fullmatch(value):
        return value
    text(value)
    raise Invalid(f"{value!r} is not an id (lowercase letters, digits and '-')")


def _figure(value: float) -> str:
    """A number for a message; a huge whole number is described, not spelled out."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a number of about {value.bit_length() * 3 // 10:,} digits"
    return str(value)


def count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number, got {_type_name(value)}")
    if value < 0:
        raise Invalid(f"must not be negative (got {_figure(value)})")
    if value > MAX_COUNT:
        raise Invalid(f"too large (got {_figure(value)}; the limit is {MAX_COUNT:,})")
    return value


#: the largest sum of money a record may hold, in US dollars (a trillion)
MAX_USD = 10**12


def usd(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(f"expected a whole number of US dollars, got {_type_name(value)}")
    if not 0 <= value <= MAX_USD:
        raise Invalid(f"must be between 0 and {MAX_USD:,} (got {_figure(value)})")
    return value


def _coordinate(limit: float) -> Check:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(f"expected a decimal number, got {_type_name(value)}")
        if not -limit <= value <= limit:
            raise Invalid(f"must be between -{limit:g} and {limit:g} (got {_figure(value)})")
        return float(value)

    return check


def day(value: Any) -> str:
    """A full date: TOML date or ``"YYYY-MM-DD"``."""
    iso = partial_date(value)
    if len(iso) != 10:
        raise Invalid(f"expected a full date (YYYY-MM-DD), got {iso!r}")
    return iso


def partial_date(value: Any) -> str:
    """A TOML date, or a string ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``."""
    if isinstance(value, _dt.datetime):
        raise Invalid("expected a date, got a date-time (drop the time)")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        iso = parse_iso(value)
        if iso is None:
            raise Invalid(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return iso
    raise Invalid(f'expected a date (YYYY-MM-DD, or "YYYY-MM" / "YYYY"), got {_type_name(value)}')


def published(value: Any) -> str:
    if value == "n.d.":
        return "n.d."
    try:
        return partial_date(value)
    except Invalid as exc:
        raise Invalid(f'{exc} (use "n.d." when the page shows no date)') from None


def url(value: Any) -> str:
    text(value)
    if not value.startswith(("https://", "http://")) or not value.isprintable() or " " in value:
        raise Invalid(f"{value!r} is not an http(s) URL")
    return str(value)


def one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str:
        text(value)
        if value not in choices:
            raise Invalid(f"{value!r} is not one of: {', '.join(choices)}")
        return str(value)

    return check


def list_of(item: Check, *, non_empty: bool = False) -> Check:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise Invalid(f"expected a list, got {_type_name(value)}")
        if non_empty and not value:
            raise Invalid("must not be empty")
        out = []
        for i, element in enumerate(value):
            try:
                out.append(item(element))
            except Invalid as exc:
                raise Invalid(f"item {i + 1}: {exc}") from None
        return out

    return check


def table_of(fields: dict[str, tuple[Check, bool]]) -> Check:
    def check(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(f"expected a table, got {_type_name(value)}")
        out: dict[str, Any] = {}
        for key, element in value.items():
            if key not in fields:
                raise Invalid(f"unknown key {key!r} (expected: {', '.join(fields)})")
            try:
                out[key] = fields[key][0](element)
            except Invalid as exc:
                raise Invalid(f"{key}: {exc}") from None
        missing = [k for k, (_, required) in fields.items() if required and k not in out]
        if missing:
            raise Invalid(f"missing {', '.join(missing)}")
        return out

    return check


def names_table(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid(f"expected a table of language = name, got {_type_name(value)}")
    return {str(k): text(v) for k, v in value.items()}


SOURCE_IDS = list_of(slug, non_empty=True)

# field -> (check, required).  "sources" and place references are checked for
# existence in factbase, once every file is loaded.
Spec = dict[str, tuple[Check, bool]]

MISSION: Spec = {
    "name": (text, True),
    "full_name": (text, True),
    "names": (names_table, False),
    "established": (partial_date, False),
    "deployed": (partial_date, False),
    "mandate_ended": (partial_date, False),
    "withdrawn": (partial_date, False),
    "liquidation_start": (partial_date, False),
    "last_site_handed_over": (partial_date, False),
    "liquidation_planned_end": (partial_date, False),
    "predecessor": (text, False),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}
SOURCE: Spec = {
    "title": (text, True),
    "publisher": (text, True),
    "published": (published, True),
    "url": (url, True),
    "kind": (one_of(SOURCE_KINDS), True),
    "language": (text, False),
    "note": (text, False),
}
PLACE: Spec = {
    "name": (text, True),
    "aliases": (list_of(text), False),
    "region": (text, True),
    "lat": (_coordinate(90), False),
    "lon": (_coordinate(180), False),
    "note": (text, False),
    "sources": (list_of(slug), False),
}
EVENT: Spec = {
    "id": (slug, True),
    "date": (partial_date, True),
    "end": (partial_date, False),
    "category": (one_of(CATEGORIES), True),
    "title": (text, True),
    "places": (list_of(slug), False),
    "killed": (count, False),
    "injured": (count, False),
    "victims": (list_of(text), False),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}
RESOLUTION: Spec = {
    "number": (count, True),
    "adopted": (day, True),
    "meeting": (count, False),
    "action": (one_of(ACTIONS), True),
    "vote": (
        table_of(
            {
                "in_favour": (count, True),
                "against": (count, True),
                "abstaining": (count, True),
                "abstainers": (list_of(text), False),
            }
        ),
        True,
    ),
    "mandate_until": (partial_date, False),
    "ceiling": (table_of({"military": (count, False), "police": (count, False)}), False),
    "summary": (text, True),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}
BASE: Spec = {
    "id": (slug, True),
    "place": (slug, True),
    "kind": (one_of(BASE_KINDS), True),
    "opened": (partial_date, False),
    "drawdown_start": (partial_date, False),
    "closed": (partial_date, False),
    "handed_to": (text, False),
    "outcome": (one_of(OUTCOMES), False),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}
CASUALTY: Spec = {
    "id": (slug, True),
    "as_of": (partial_date, True),
    "period": (text, False),
    "killed": (count, False),
    "injured": (count, False),
    "qualifier": (one_of(QUALIFIERS), True),
    # where the injured figure is qualified differently ("311 dead, more than 700 injured")
    "injured_qualifier": (one_of(QUALIFIERS), False),
    "cause": (one_of(CAUSES), True),
    "reported_by": (text, True),
    # a figure for one country's personnel only, kept apart from the mission totals
    "nationality": (text, False),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}
PERSON: Spec = {
    "id": (slug, True),
    "name": (text, True),
    "aliases": (list_of(text), False),
    "role": (one_of(ROLES), True),
    "nationality": (text, True),
    "appointed": (partial_date, False),
    "start": (partial_date, False),
    "end": (partial_date, False),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}

STRENGTH: Spec = {
    "id": (slug, True),
    "as_of": (partial_date, True),
    "military": (count, False),
    "police": (count, False),
    "civilians": (count, False),
    "total": (count, False),
    "reported_by": (text, True),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}
CONTRIBUTOR: Spec = {
    "id": (slug, True),
    "country": (text, True),
    "as_of": (partial_date, True),
    "military": (count, False),
    "police": (count, False),
    "total": (count, False),
    "part": (text, False),
    "rank": (count, False),
    "reported_by": (text, False),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}
BUDGET: Spec = {
    "id": (slug, True),
    "period_start": (partial_date, True),
    "period_end": (partial_date, True),
    "amount_usd": (usd, True),
    "kind": (one_of(BUDGET_KINDS), True),
    "approved_by": (text, True),
    "note": (text, False),
    "sources": (SOURCE_IDS, True),
}

#: record lists: section name -> spec
LISTS: dict[str, Spec] = {
    "events": EVENT,
    "resolutions": RESOLUTION,
    "bases": BASE,
    "casualties": CASUALTY,
    "people": PERSON,
    "strength": STRENGTH,
    "contributors": CONTRIBUTOR,
    "budgets": BUDGET,
}
#: keyed tables: section name -> spec of each entry
KEYED: dict[str, Spec] = {"sources": SOURCE, "places": PLACE}
TOP_LEVEL = ("schema_version", "revised", "mission", *KEYED, *LISTS)

#: pairs of (earlier, later) fields that must be in order, per section
ORDERED: dict[str, tuple[str, str]] = {
    "events": ("date", "end"),
    "bases": ("opened", "closed"),
    "people": ("start", "end"),
    "budgets": ("period_start", "period_end"),
}


#: per spec, its checks, its required fields and its field names, worked out once
_COMPILED: dict[int, tuple[dict[str, Check], frozenset[str], str]] = {}


def _compiled(spec: Spec) -> tuple[dict[str, Check], frozenset[str], str]:
    found = _COMPILED.get(id(spec))
    if found is None:
        checks = {key: rule for key, (rule, _) in spec.items()}
        required = frozenset(key for key, (_, needed) in spec.items() if needed)
        found = _COMPILED[id(spec)] = (checks, required, ", ".join(spec))
    return found


def check_record(
    record: dict[str, Any], spec: Spec, path: tuple[str | int, ...], problems: list[RawProblem]
) -> None:
    """Check one record against its spec, converting values in place; every problem is collected."""
    checks, required, names = _compiled(spec)
    missing = required.difference(record)
    for key, value in list(record.items()):
        rule = checks.get(key)
        if rule is None:
            problems.append(RawProblem((*path, key), f"unknown field (expected: {names})"))
            del record[key]  # so that later checks only ever see fields of known shape
            continue
        try:
            record[key] = rule(value)
        except Invalid as exc:
            problems.append(RawProblem((*path, key), str(exc)))
            del record[key]
    for key in sorted(missing, key=list(spec).index):
        problems.append(RawProblem((*path, key), "missing (required)"))


def _in_order(record: dict[str, Any], first: str, last: str) -> bool:
    start, end = record.get(first), record.get(last)
    if not (isinstance(start, str) and isinstance(end, str)):
        return True
    return span(end)[1] >= span(start)[0]


def check_document(doc: dict[str, Any]) -> list[RawProblem]:
    """Check a parsed fact file against schema 1, normalising it in place."""
    problems: list[RawProblem] = []
    for key in doc:
        if key not in TOP_LEVEL:
            problems.append(RawProblem((key,), f"unknown section (expected: {', '.join(TOP_LEVEL)})"))
    version = doc.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION or isinstance(version, bool):
        shown = _figure(version) if isinstance(version, int) else repr(version)
        problems.append(RawProblem(("schema_version",), f"unsupported version {shown} (this tool reads 1)"))
    if "revised" in doc:
        # the day the file's facts were last revised (shown by --version for the bundled file)
        try:
            doc["revised"] = day(doc["revised"])
        except Invalid as exc:
            problems.append(RawProblem(("revised",), str(exc)))
            del doc["revised"]

    mission = doc.get("mission")
    if mission is not None:
        if isinstance(mission, dict):
            check_record(mission, MISSION, ("mission",), problems)
        else:
            problems.append(RawProblem(("mission",), "expected a table [mission]"))
            del doc["mission"]

    for section, spec in KEYED.items():
        entries = doc.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            problems.append(RawProblem((section,), f"expected tables [{section}.ID]"))
            del doc[section]
            continue
        for key in list(entries):
            entry = entries[key]
            if not ID_RE.fullmatch(key):
                problems.append(
                    RawProblem((section, key), "is not an id (lowercase letters, digits and '-')")
                )
            if not isinstance(entry, dict):
                problems.append(RawProblem((section, key), "expected a table"))
                del entries[key]
                continue
            check_record(entry, spec, (section, key), problems)

    for section, spec in LISTS.items():
        records = doc.get(section)
        if records is None:
            continue
        if not isinstance(records, list):
            problems.append(RawProblem((section,), f"expected [[{section}]] tables"))
            del doc[section]
            continue
        order = ORDERED.get(section)
        later = order[1] if order else ""
        for index, record in enumerate(records):
            path: tuple[str | int, ...] = (section, index)
            if not isinstance(record, dict):
                problems.append(RawProblem(path, "expected a table"))
                continue
            check_record(record, spec, path, problems)
            if section == "resolutions" and isinstance(record.get("number"), int):
                record["id"] = f"resolution-{record['number']}"
                vote = record.get("vote")
                if vote and vote.get("abstainers") and len(vote["abstainers"]) != vote["abstaining"]:
                    problems.append(
                        RawProblem(
                            (*path, "vote"),
                            f"abstaining = {vote['abstaining']} but {len(vote['abstainers'])} "
                            "abstainers named",
                        )
                    )
            if later in record and order and not _in_order(record, *order):
                problems.append(
                    RawProblem(
                        (*path, order[1]),
                        f"{order[1]} ({record[order[1]]}) is before {order[0]} ({record[order[0]]})",
                    )
                )
    return problems
