"""Questions asked of the fact base: filters, lookups and the rows each command prints.

Plain module: no Typer, no Rich.  Every command's answer is a :class:`Result`:
its rows are dicts with the keys of the JSON contract, in contract order,
``None`` for unknown values and ``[]`` for empty lists.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import Any

from minusma_cli.dates import overlaps, period_overlaps, sort_key, span, today
from minusma_cli.errors import NotFoundError, UsageError
from minusma_cli.factbase import FactBase
from minusma_cli.schema import BUDGET, CONTRIBUTOR, STRENGTH

Row = dict[str, Any]

SOURCE_KEYS = ("id", "title", "publisher", "published", "url")
KEYS: dict[str, tuple[str, ...]] = {
    "timeline": (
        "id",
        "date",
        "end",
        "category",
        "title",
        "places",
        "killed",
        "injured",
        "victims",
        "note",
        "sources",
    ),
    "resolutions": (
        "id",
        "number",
        "adopted",
        "meeting",
        "action",
        "vote",
        "mandate_until",
        "ceiling",
        "summary",
        "note",
        "sources",
    ),
    "bases": (
        "id",
        "name",
        "place",
        "region",
        "kind",
        "opened",
        "drawdown_start",
        "closed",
        "handed_to",
        "outcome",
        "lat",
        "lon",
        "note",
        "sources",
    ),
    "casualties": (
        "id",
        "as_of",
        "period",
        "killed",
        "injured",
        "qualifier",
        "injured_qualifier",
        "cause",
        "nationality",
        "reported_by",
        "note",
        "sources",
    ),
    "people": (
        "id",
        "name",
        "aliases",
        "role",
        "nationality",
        "appointed",
        "start",
        "end",
        "note",
        "sources",
    ),
    "sources": ("id", "title", "publisher", "published", "url", "kind", "cited_by", "sources"),
}
KEYS["attacks"] = KEYS["timeline"]
# the newer sections: their keys are the schema's fields, in the schema's order
KEYS["strength"] = tuple(STRENGTH)
KEYS["contributors"] = tuple(CONTRIBUTOR)
KEYS["budget"] = tuple(BUDGET)
#: the command whose keys each kind of record has
COMMAND_OF = {
    "event": "timeline",
    "resolution": "resolutions",
    "base": "bases",
    "casualty": "casualties",
    "person": "people",
    "strength": "strength",
    "contributor": "contributors",
    "budget": "budget",
}
#: the keys a record of any kind may have, with its "type" (search and show)
ANY_KEYS = ("type", *dict.fromkeys(k for name in COMMAND_OF.values() for k in KEYS[name]))


class Result:
    """What a command answers: a kind of row, its keys, and the rows."""

    def __init__(self, command: str, keys: tuple[str, ...], rows: list[Row], title: str = "") -> None:
        self.command = command
        self.keys = keys
        self.rows = rows
        self.title = title


def check_range(since: str | None, until: str | None) -> None:
    """A range that ends before it starts is a mistake worth saying, not an empty answer."""
    if since is not None and until is not None and span(since)[0] > span(until)[1]:
        raise UsageError(f"--since {since} is after --until {until}")


def _needs_text(text: str, option: str) -> str:
    wanted = fold(text).strip()
    if not wanted:
        raise UsageError(f"{option}: give some text to look for")
    return wanted


def fold(text: str) -> str:
    """Lowercase without accents, for matching: ``Ménaka`` -> ``menaka``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Rows:
    """Builds contract rows from records, resolving sources and places once each."""

    def __init__(self, facts: FactBase) -> None:
        self.facts = facts
        self._sources: dict[str, Row] = {}
        self._cited: dict[tuple[str, ...], list[Row]] = {}
        self._at: dict[tuple[str, ...], list[Row]] = {}
        self._places: dict[str, Row] = {}

    def sources(self, ids: Iterable[str]) -> list[Row]:
        """The source objects for these ids; records citing the same ids share one list."""
        wanted = tuple(ids)
        cited = self._cited.get(wanted)
        if cited is None:
            cited = self._cited[wanted] = [self._source(sid) for sid in wanted]
        return cited

    def _source(self, sid: str) -> Row:
        row = self._sources.get(sid)
        if row is None:
            src = self.facts.sources.get(sid, {})
            row = self._sources[sid] = {"id": sid, **{k: src.get(k) for k in SOURCE_KEYS[1:]}}
        return row

    def places(self, ids: Iterable[str]) -> list[Row]:
        """The place objects for these ids; records at the same places share one list."""
        wanted = tuple(ids)
        at = self._at.get(wanted)
        if at is None:
            at = self._at[wanted] = [self.place(pid) for pid in wanted]
        return at

    def place(self, pid: str) -> Row:
        row = self._places.get(pid)
        if row is None:
            place = self.facts.places.get(pid, {})
            row = {"id": pid, "name": place.get("name"), "region": place.get("region")}
            self._places[pid] = row
        return row

    def event(self, r: dict[str, Any]) -> Row:
        g = r.get
        return {
            "id": r["id"],
            "date": r["date"],
            "end": g("end"),
            "category": r["category"],
            "title": r["title"],
            "places": self.places(g("places") or ()),
            "killed": g("killed"),
            "injured": g("injured"),
            "victims": g("victims") or [],
            "note": g("note"),
            "sources": self.sources(r["sources"]),
        }

    def resolution(self, r: dict[str, Any]) -> Row:
        vote = r.get("vote") or {}
        ceiling = r.get("ceiling")
        return {
            "id": r["id"],
            "number": r["number"],
            "adopted": r["adopted"],
            "meeting": r.get("meeting"),
            "action": r["action"],
            "vote": {
                "in_favour": vote.get("in_favour"),
                "against": vote.get("against"),
                "abstaining": vote.get("abstaining"),
                "abstainers": vote.get("abstainers") or [],
            },
            "mandate_until": r.get("mandate_until"),
            "ceiling": None
            if ceiling is None
            else {"military": ceiling.get("military"), "police": ceiling.get("police")},
            "summary": r["summary"],
            "note": r.get("note"),
            "sources": self.sources(r["sources"]),
        }

    def base(self, r: dict[str, Any]) -> Row:
        place = self.facts.places.get(r["place"], {})
        g = r.get
        return {
            "id": r["id"],
            "name": place.get("name"),
            "place": r["place"],
            "region": place.get("region"),
            "kind": r["kind"],
            "opened": g("opened"),
            "drawdown_start": g("drawdown_start"),
            "closed": g("closed"),
            "handed_to": g("handed_to"),
            "outcome": g("outcome"),
            "lat": place.get("lat"),
            "lon": place.get("lon"),
            "note": g("note"),
            "sources": self.sources(r["sources"]),
        }

    def casualty(self, r: dict[str, Any]) -> Row:
        g = r.get
        return {
            "id": r["id"],
            "as_of": r["as_of"],
            "period": g("period"),
            "killed": g("killed"),
            "injured": g("injured"),
            "qualifier": r["qualifier"],
            # the injured figure shares the record's qualifier unless it has its own
            "injured_qualifier": g("injured_qualifier") or (None if g("injured") is None else r["qualifier"]),
            "cause": r["cause"],
            # None for a mission-wide figure; a country for its own personnel only
            "nationality": g("nationality"),
            "reported_by": r["reported_by"],
            "note": g("note"),
            "sources": self.sources(r["sources"]),
        }

    def person(self, r: dict[str, Any]) -> Row:
        g = r.get
        return {
            "id": r["id"],
            "name": r["name"],
            "aliases": g("aliases") or [],
            "role": r["role"],
            "nationality": r["nationality"],
            "appointed": g("appointed"),
            "start": g("start"),
            "end": g("end"),
            "note": g("note"),
            "sources": self.sources(r["sources"]),
        }

    def plain(self, kind: str, r: dict[str, Any]) -> Row:
        """A record of a section with nothing to resolve but its sources, in schema order."""
        keys = KEYS[COMMAND_OF[kind]]
        return {k: self.sources(r["sources"]) if k == "sources" else r.get(k) for k in keys}

    def of_kind(self, kind: str) -> Callable[[dict[str, Any]], Row]:
        builder: Callable[[dict[str, Any]], Row] | None = getattr(self, kind, None)
        if builder is None:
            return lambda r: self.plain(kind, r)
        return builder

    def any(self, kind: str, r: dict[str, Any]) -> Row:
        """A record as search and show give it: ``type``, then every kind's keys, None where absent."""
        row = self.of_kind(kind)(r)
        return {"type": kind, **{k: row.get(k) for k in ANY_KEYS[1:]}}


# --- places -----------------------------------------------------------------


def place_names(facts: FactBase, pid: str) -> list[str]:
    place = facts.places.get(pid, {})
    return [pid, place.get("name") or "", *(place.get("aliases") or ())]


def match_places(facts: FactBase, text: str) -> set[str]:
    """Place ids whose id, name or alias is ``text`` (ignoring case and accents).

    A name that is no place is a usage error with the nearest names, not an empty answer.
    """
    wanted = _needs_text(text, "--place")
    found = {pid for pid in facts.places if any(fold(n) == wanted for n in place_names(facts, pid))}
    if not found:
        names = [n for pid in facts.places for n in place_names(facts, pid) if n]
        raise UsageError(f"no place {text!r}{did_you_mean(text, names)}")
    return found


def did_you_mean(text: str, choices: Iterable[str]) -> str:
    """``; did you mean kidal?`` for the choices nearest to ``text`` (case and accents ignored)."""
    import difflib

    by_fold: dict[str, str] = {}
    for choice in choices:
        by_fold.setdefault(fold(choice), choice)
    near = difflib.get_close_matches(fold(text), list(by_fold), n=3, cutoff=0.6)
    if not near:
        return ""
    return "; did you mean " + " or ".join(by_fold[n] for n in near) + "?"


# --- commands -----------------------------------------------------------------


def timeline(
    facts: FactBase,
    *,
    since: str | None = None,
    until: str | None = None,
    categories: Iterable[str] = (),
    place: str | None = None,
) -> Result:
    check_range(since, until)
    cats = set(categories)
    pids = None if place is None else match_places(facts, place)
    rows = Rows(facts)
    selected = [
        e
        for e in facts.events
        if period_overlaps(e["date"], e.get("end") or e["date"], since, until)
        and (not cats or e["category"] in cats)
        and (pids is None or not pids.isdisjoint(e.get("places") or ()))
    ]
    # by date, then id: two stable single-key sorts beat one sort on (date, id) tuples
    selected.sort(key=itemgetter("id"))
    selected.sort(key=itemgetter("date"))
    return Result("timeline", KEYS["timeline"], [rows.event(e) for e in selected], "Timeline")


def resolutions(
    facts: FactBase,
    *,
    numbers: Iterable[int] = (),
    actions: Iterable[str] = (),
    since: str | None = None,
    until: str | None = None,
) -> Result:
    check_range(since, until)
    nums, acts = set(numbers), set(actions)
    known = {r["number"] for r in facts.resolutions}
    for number in sorted(nums - known):
        hint = did_you_mean(str(number), [str(k) for k in sorted(known)])
        raise UsageError(f"no resolution {number} in the fact base{hint}")
    rows = Rows(facts)
    selected = sorted(
        (
            r
            for r in facts.resolutions
            if (not nums or r["number"] in nums)
            and (not acts or r["action"] in acts)
            and overlaps(r["adopted"], since, until)
        ),
        key=lambda r: (r["adopted"], r["number"]),
    )
    return Result(
        "resolutions",
        KEYS["resolutions"],
        [rows.resolution(r) for r in selected],
        "Security Council resolutions",
    )


def mission_span(facts: FactBase) -> tuple[str | None, str | None]:
    """From deployment to the last handover: the bounds of anything the mission held."""
    m = facts.mission or {}
    return m.get("deployed") or m.get("established"), m.get("last_site_handed_over") or m.get("withdrawn")


def _open_between(
    base: dict[str, Any], since: str | None, until: str | None, bounds: tuple[str | None, str | None]
) -> bool:
    """An unknown opening or closing date is bounded by the mission's own span, not open-ended."""
    first = base.get("opened") or bounds[0]
    last = base.get("closed") or bounds[1]
    return period_overlaps(first, last, since, until)


def bases(
    facts: FactBase,
    *,
    region: str | None = None,
    on: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Result:
    """Sites in a region, open on a day, or open at some time in [since, until]."""
    check_range(since, until)
    rows = Rows(facts)
    wanted = fold(region).strip() if region else None
    regions = {p.get("region") for p in facts.places.values() if p.get("region")}
    if wanted is not None and wanted not in {fold(r) for r in regions if r}:
        raise UsageError(f"no region {region!r}{did_you_mean(region or '', [r for r in regions if r])}")
    bounds = mission_span(facts)
    selected = []
    for b in facts.bases:
        place = facts.places.get(b["place"], {})
        if wanted is not None and fold(place.get("region") or "") != wanted:
            continue
        if on is not None and not _open_between(b, on, on, bounds):
            continue
        if (since or until) and not _open_between(b, since, until, bounds):
            continue
        selected.append(b)
    selected.sort(key=lambda b: (sort_key(b.get("closed")), b["id"]))
    return Result("bases", KEYS["bases"], [rows.base(b) for b in selected], "Sites (camps and headquarters)")


def casualties(
    facts: FactBase,
    *,
    causes: Iterable[str] = (),
    nationality: str | None = None,
    all_nationalities: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> Result:
    """Reported figures, side by side: mission-wide ones unless a nationality is asked for.

    A figure for one country's personnel is part of a mission total, never one of
    them, so the two are listed apart: ``nationality`` gives that country's
    figures, ``all_nationalities`` every country's, by country.
    """
    check_range(since, until)
    if nationality is not None and all_nationalities:
        raise UsageError("--nationality and --all-nationalities ask for two things: choose one")
    wanted = set(causes)
    country = None if nationality is None else match_country(facts, nationality, "--nationality")
    rows = Rows(facts)

    def kept_apart(c: dict[str, Any]) -> bool:
        of = c.get("nationality")
        if country is not None:
            return of is not None and fold(of) == country
        return (of is not None) == all_nationalities

    selected = [
        c
        for c in facts.casualties
        if (not wanted or c["cause"] in wanted) and overlaps(c["as_of"], since, until) and kept_apart(c)
    ]
    selected.sort(key=lambda c: (sort_key(c["as_of"]), c["id"]))
    if all_nationalities:
        selected.sort(key=lambda c: fold(c["nationality"]))
    if country is not None:
        title = f"Reported casualty figures for personnel from {_spelled(facts, country)}"
    elif all_nationalities:
        title = "Reported casualty figures by nationality"
    else:
        title = "Reported casualty figures (mission-wide)"
    return Result("casualties", KEYS["casualties"], [rows.casualty(c) for c in selected], title)


# --- countries: contributors and the nationalities of casualties ----------------------


def countries(facts: FactBase) -> list[str]:
    """Every country the fact base names as a contributor or a nationality.

    (Not the events' victims: reading every event would cost a large file its speed.)
    """
    names = [c["country"] for c in facts.contributors]
    names += [c["nationality"] for c in facts.casualties if c.get("nationality")]
    names += [p["nationality"] for p in facts.people if p.get("nationality")]
    return list(dict.fromkeys(names))


def match_country(facts: FactBase, text: str, option: str) -> str:
    """``text`` folded, if the fact base knows it as a country; else a usage error with the nearest.

    A country the fact base knows but has no figure for is an empty answer, not an error.
    """
    wanted = _needs_text(text, option)
    known = countries(facts)
    if wanted not in {fold(n) for n in known}:
        hint = did_you_mean(text, known)
        if not hint:
            hint = "; it knows " + ", ".join(sorted(known, key=fold)) if known else "; it names no country"
        raise UsageError(f"{option}: no country {text!r} in the fact base{hint}")
    return wanted


def _spelled(facts: FactBase, folded: str) -> str:
    """A folded country name as the fact base spells it."""
    return next((n for n in countries(facts) if fold(n) == folded), folded)


# --- strength, contributors, budgets ----------------------------------------------------


def strength(facts: FactBase, *, since: str | None = None, until: str | None = None) -> Result:
    """Deployed personnel on dated reports, oldest first."""
    check_range(since, until)
    rows = Rows(facts)
    selected = sorted(
        (s for s in facts.strength if overlaps(s["as_of"], since, until)),
        key=lambda s: (sort_key(s["as_of"]), s["id"]),
    )
    return Result(
        "strength",
        KEYS["strength"],
        [rows.plain("strength", s) for s in selected],
        "Deployed strength (personnel on the ground, not the ceiling)",
    )


def contingent_size(record: dict[str, Any]) -> int:
    """A contingent's size for ranking: its total, else military plus police as known."""
    if record.get("total") is not None:
        return int(record["total"])
    return int(record.get("military") or 0) + int(record.get("police") or 0)


def latest_reported(records: Iterable[dict[str, Any]], on: str) -> list[dict[str, Any]]:
    """The records reported last at or before ``on``: all of them if several share that date,
    so that figures which disagree stand side by side."""
    last_day = span(on)[1]
    known = [r for r in records if span(r["as_of"])[0] <= last_day]
    if not known:
        return []
    newest = max(sort_key(r["as_of"]) for r in known)
    return [r for r in known if r["as_of"] == newest]


def latest_each(records: Iterable[dict[str, Any]], key: str, on: str) -> list[dict[str, Any]]:
    """For each value of ``key`` (case and accents ignored), its latest records at or before ``on``."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(fold(record[key]), []).append(record)
    return [r for group in groups.values() for r in latest_reported(group, on)]


def contingents_on(records: Iterable[dict[str, Any]], on: str) -> list[dict[str, Any]]:
    """Each country's latest figure at or before ``on`` for its whole contingent.

    A figure that counts only part of one (``part``: a battalion, a police unit)
    stands in only for a country with no whole figure by then: the latest
    battalion must not hide a larger national total reported earlier.
    """
    records = list(records)
    whole = latest_each([r for r in records if not r.get("part")], "country", on)
    known = {fold(r["country"]) for r in whole}
    partial = latest_each([r for r in records if r.get("part")], "country", on)
    return whole + [r for r in partial if fold(r["country"]) not in known]


def largest(records: list[dict[str, Any]], how_many: int) -> list[dict[str, Any]]:
    """The records of the ``how_many`` largest countries' contingents, largest first.

    A country with two figures of one date (sources that disagree) keeps both.
    """
    ranked = sorted(records, key=lambda c: (-contingent_size(c), fold(c["country"]), c["id"]))
    kept: list[str] = []
    out = []
    for record in ranked:
        name = fold(record["country"])
        if name not in kept:
            if len(kept) == how_many:
                continue
            kept.append(name)
        out.append(record)
    return out


def budget_in_force(facts: FactBase, on: str) -> list[dict[str, Any]]:
    """The budget records whose financial period includes ``on``, appropriations first."""
    order = {"appropriation": 0, "commitment-authority": 1, "expenditure": 2}
    return sorted(
        (b for b in facts.budgets if period_overlaps(b["period_start"], b["period_end"], on, on)),
        key=lambda b: (sort_key(b["period_start"]), order.get(b["kind"], 9), b["id"]),
    )


def contributors(
    facts: FactBase,
    *,
    country: str | None = None,
    on: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Result:
    """Countries' contingents on dated reports.

    ``on``: each country's latest figure at or before that date, largest first.
    Otherwise by date, and largest first within a date.
    """
    check_range(since, until)
    wanted = None if country is None else match_country(facts, country, "--country")
    rows = Rows(facts)
    chosen = [
        c
        for c in facts.contributors
        if (wanted is None or fold(c["country"]) == wanted) and overlaps(c["as_of"], since, until)
    ]
    if on is not None:
        chosen = contingents_on(chosen, on)
        chosen.sort(key=lambda c: (-contingent_size(c), fold(c["country"]), c["id"]))
        title = f"Contributing countries on {on} (each one's latest figure)"
    else:
        chosen.sort(key=lambda c: (-contingent_size(c), fold(c["country"]), c["id"]))
        chosen.sort(key=lambda c: sort_key(c["as_of"]))
        title = "Contributing countries"
    if wanted is not None:
        title += f": {_spelled(facts, wanted)}"
    return Result("contributors", KEYS["contributors"], [rows.plain("contributor", c) for c in chosen], title)


def budget(facts: FactBase, *, since: str | None = None, until: str | None = None) -> Result:
    """Money for each financial period, oldest first; ``since``/``until`` meet the period."""
    check_range(since, until)
    rows = Rows(facts)
    selected = sorted(
        (b for b in facts.budgets if period_overlaps(b["period_start"], b["period_end"], since, until)),
        key=lambda b: (sort_key(b["period_start"]), sort_key(b["period_end"]), b["id"]),
    )
    return Result("budget", KEYS["budget"], [rows.plain("budget", b) for b in selected], "Budgets")


def attacks(facts: FactBase, *, since: str | None = None, until: str | None = None) -> Result:
    result = timeline(facts, since=since, until=until, categories=["attack"])
    result.rows.sort(key=lambda r: (-(r["killed"] or 0), sort_key(r["date"])))
    return Result("attacks", KEYS["attacks"], result.rows, "Deadliest attacks on the mission")


FAMILY = {
    "head-of-mission": "head",
    "acting-head-of-mission": "head",
    "force-commander": "force",
    "acting-force-commander": "force",
}


def terms(facts: FactBase) -> dict[str, tuple[str | None, str | None]]:
    """Each person's (start, end) in office, for "who held the post on this day".

    Where a source gives no start (or no end), the end of the previous holder of
    the same post (or the start of the next one) bounds the term, so that an
    acting commander with one known date is not taken to serve for ever; what
    is still unknown after that is bounded by the mission, from its creation to
    the end of the withdrawal.
    """
    out: dict[str, tuple[str | None, str | None]] = {}
    by_family: dict[str, list[dict[str, Any]]] = {}
    for person in facts.people:
        out[person["id"]] = (person.get("start") or person.get("appointed"), person.get("end"))
        family = FAMILY.get(person["role"])
        if family:
            by_family.setdefault(family, []).append(person)
    for holders in by_family.values():
        holders.sort(key=lambda p: sort_key(out[p["id"]][0] or out[p["id"]][1]))
        for before, after in itertools.pairwise(holders):
            start, end = out[before["id"]]
            next_start, next_end = out[after["id"]]
            if end is None and next_start is not None:
                out[before["id"]] = (start, next_start)
            if next_start is None and end is not None:
                out[after["id"]] = (end, next_end)
    # leaders served the mission, not its liquidation: the withdrawal bounds them
    m = facts.mission or {}
    first, last = m.get("established"), m.get("withdrawn") or mission_span(facts)[1]
    return {pid: (start or first, end or last) for pid, (start, end) in out.items()}


def _in_office(term: tuple[str | None, str | None], on: str) -> bool:
    return period_overlaps(term[0], term[1], on, on)


ROLE_ORDER = {
    "head-of-mission": 0,
    "acting-head-of-mission": 0,
    "force-commander": 1,
    "acting-force-commander": 1,
    "deputy": 2,
}


def people(
    facts: FactBase,
    *,
    roles: Iterable[str] = (),
    on: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Result:
    """People in these roles, in office on a day, or at some time in [since, until]."""
    check_range(since, until)
    wanted = set(roles)
    rows = Rows(facts)
    term = terms(facts)
    selected = sorted(
        (
            p
            for p in facts.people
            if (not wanted or p["role"] in wanted)
            and (on is None or _in_office(term[p["id"]], on))
            and (not (since or until) or period_overlaps(*term[p["id"]], since, until))
        ),
        key=lambda p: (ROLE_ORDER.get(p["role"], 9), sort_key(term[p["id"]][0]), p["id"]),
    )
    return Result("people", KEYS["people"], [rows.person(p) for p in selected], "People")


def citations(facts: FactBase) -> dict[str, int]:
    """How many records cite each source."""
    counts = dict.fromkeys(facts.sources, 0)
    cited = [facts.mission] if facts.mission else []
    for record in [*cited, *facts.places.values(), *(r for _, r in facts.records())]:
        for sid in record.get("sources") or ():
            counts[sid] = counts.get(sid, 0) + 1
    return counts


def sources(facts: FactBase, *, since: str | None = None, until: str | None = None) -> Result:
    """The bibliography; with a range, the sources published in it ("n.d." ones then left out)."""
    check_range(since, until)
    counts = citations(facts)
    rows = [
        {
            "id": sid,
            **{k: src.get(k) for k in SOURCE_KEYS[1:]},
            "kind": src.get("kind"),
            "cited_by": counts.get(sid, 0),
            # every object cites: a source cites itself
            "sources": [{"id": sid, **{k: src.get(k) for k in SOURCE_KEYS[1:]}}],
        }
        for sid, src in sorted(facts.sources.items(), key=lambda kv: (kv[1].get("publisher", ""), kv[0]))
        if not (since or until)
        or (src.get("published") not in (None, "n.d.") and overlaps(src["published"], since, until))
    ]
    return Result("sources", KEYS["sources"], rows, "Sources")


# --- search and show -----------------------------------------------------------

#: the fields whose words a search looks at; the first ones name the record, and
#: a word found there counts for more
_NAMING = ("id", "title", "name", "aliases", "country", "role")
_TEXT = (
    "summary",
    "note",
    "handed_to",
    "reported_by",
    "approved_by",
    "nationality",
    "victims",
    "category",
    "kind",
    "action",
    "cause",
    "outcome",
    "qualifier",
)
#: the counts a number in a search matches exactly
_COUNTS = (
    "number",
    "meeting",
    "killed",
    "injured",
    "military",
    "police",
    "civilians",
    "total",
    "amount_usd",
)


def _strings(record: dict[str, Any], keys: Iterable[str]) -> Iterator[str]:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))


def _numbers(record: dict[str, Any]) -> set[str]:
    found = {str(record[k]) for k in _COUNTS if isinstance(record.get(k), int)}
    for nested in ("vote", "ceiling"):
        value = record.get(nested)
        if isinstance(value, dict):
            found.update(str(v) for v in value.values() if isinstance(v, int))
    return found


def _searchable(text: str) -> str:
    """Folded, with dashes as spaces: ``acting-force-commander`` reads ``acting force commander``."""
    return " " + fold(text).replace("-", " ").replace("_", " ") + " "


class _Haystack:
    """The words of one record, where a search looks for each of its words."""

    def __init__(self, facts: FactBase, record: dict[str, Any]) -> None:
        refs = list(record.get("places") or ())
        if isinstance(record.get("place"), str):
            refs.append(record["place"])
        names = [n for pid in refs for n in place_names(facts, pid)]
        self.naming = _searchable(" ".join([*_strings(record, _NAMING), *names]))
        self.rest = _searchable(" ".join(_strings(record, _TEXT)))
        self.numbers = _numbers(record)

    def score(self, word: str) -> int:
        """0 if the word is nowhere; more for a whole word, more again in the record's names."""
        if word.isdigit() and word in self.numbers:
            return 4
        # a number matches a whole number in the text, never the digits of another
        whole = re.compile(rf"(?<![0-9]){word}(?![0-9])" if word.isdigit() else rf"\b{re.escape(word)}\b")
        best = 0
        for weight, text in ((2, self.naming), (1, self.rest)):
            if whole.search(text):
                best = max(best, 2 * weight)
            elif word in text and not word.isdigit():
                best = max(best, weight)
        return best


def search(facts: FactBase, text: str, *, since: str | None = None, until: str | None = None) -> Result:
    """Records in which every word of ``text`` is found, best matches first.

    A word is found in any field, in the names and aliases of the record's places,
    in any order, ignoring case, accents and dashes; a number also matches a count
    or a resolution number.  Whole words, and words in a record's names, rank first.
    """
    check_range(since, until)
    words = _searchable(_needs_text(text, "search")).split()
    if not words:  # only dashes: nothing to look for
        raise UsageError("search: give some text to look for")
    rows = Rows(facts)
    scored: list[tuple[int, int, Row]] = []
    for order, (kind, record) in enumerate(facts.records()):
        if (since or until) and not overlaps(_record_date(record), since, until):
            continue
        hay = _Haystack(facts, record)
        total = 0
        for word in words:
            points = hay.score(word)
            if not points:
                break
            total += points
        else:
            scored.append((-total, order, rows.any(kind, record)))
    scored.sort(key=itemgetter(0, 1))
    return Result("search", ANY_KEYS, [row for _, _, row in scored], f"Records matching {text!r}")


def _record_date(record: dict[str, Any]) -> str | None:
    for key in ("date", "adopted", "as_of", "closed", "opened", "start", "period_start"):
        if record.get(key):
            return str(record[key])
    return None


def show(facts: FactBase, text: str) -> Result:
    """One record, found by what a person knows of it: see :func:`lookup`."""
    rows = Rows(facts)
    kind, key = lookup(facts, text)
    if kind == "place":
        place = facts.places[key]
        row = {
            "type": "place",
            "id": key,
            "name": place["name"],
            "aliases": place.get("aliases") or [],
            "region": place.get("region"),
            "lat": place.get("lat"),
            "lon": place.get("lon"),
            "note": place.get("note"),
            "sources": rows.sources(place.get("sources") or ()),
        }
        return Result("show", ANY_KEYS, [row], key)
    if kind == "source":
        src = sources(facts)
        return Result("show", ANY_KEYS, [{"type": "source", **r} for r in src.rows if r["id"] == key], key)
    if kind == "mission":
        return Result("show", ANY_KEYS, [mission_row(facts, rows)], key)
    record = next(r for k, r in facts.records() if k == kind and r["id"] == key)
    return Result("show", ANY_KEYS, [rows.any(kind, record)], key)


def lookup(facts: FactBase, text: str) -> tuple[str, str]:
    """The (kind, id) of the one record ``text`` names, as a person would name it.

    In this order: an id; a resolution number (``2640``); a person's name, alias or
    surname (``Lollesgaard``); a place's name or alias (``Tombouctou``).  Case and
    accents are ignored.  Two or more matches are a usage error listing them;
    none is :class:`NotFoundError`, with the nearest names.
    """
    wanted = fold(text).strip()
    if not wanted:
        raise UsageError("show: give an id, a resolution number or a name")
    ids: dict[str, tuple[str, str]] = {}
    for kind, record in facts.records():
        ids.setdefault(fold(record["id"]), (kind, record["id"]))
    for pid in facts.places:
        ids.setdefault(fold(pid), ("place", pid))
    for sid in facts.sources:
        ids.setdefault(fold(sid), ("source", sid))
    if facts.mission is not None:
        ids.setdefault("mission", ("mission", "mission"))
    if wanted in ids:
        return ids[wanted]
    number = wanted.removeprefix("resolution").removeprefix("res.").strip(" -")
    if number.isdigit():
        found = [r for r in facts.resolutions if str(r["number"]) == number]
        if found:
            return "resolution", found[0]["id"]
    candidates: dict[tuple[str, str], str] = {}
    for person in facts.people:
        names = [person["name"], *(person.get("aliases") or ())]
        if any(wanted == fold(n) or wanted in fold(n).replace("-", " ").split() for n in names):
            candidates["person", person["id"]] = f"{person['name']} ({person['role']})"
    for pid, place in facts.places.items():
        if any(wanted == fold(n) for n in place_names(facts, pid) if n):
            candidates["place", pid] = f"{place.get('name')} (place)"
    if len(candidates) == 1:
        return next(iter(candidates))
    if candidates:
        listed = "\n".join(f"  {rid}  {label}" for (_, rid), label in candidates.items())
        raise UsageError(f"{text!r} names {len(candidates)} records; show one of them by id:\n{listed}")
    # the nearest ids and names, each given as the id that `show` takes
    named: dict[str, str] = {}
    for folded, (_, rid) in ids.items():
        named.setdefault(folded, rid)
    for person in facts.people:
        for n in (person["name"], *(person.get("aliases") or ())):
            named.setdefault(fold(n), person["id"])
    for pid in facts.places:
        for n in place_names(facts, pid):
            named.setdefault(fold(n), pid)
    import difflib

    near = dict.fromkeys(named[n] for n in difflib.get_close_matches(wanted, list(named), n=5, cutoff=0.6))
    hint = f"; did you mean {' or '.join(list(near)[:3])}?" if near else ""
    raise NotFoundError(f"no record with id {text!r}{hint} (try: minusma search {text})")


def mission_row(facts: FactBase, rows: Rows) -> Row:
    m = facts.mission or {}
    keys = (
        "name",
        "full_name",
        "names",
        "predecessor",
        "established",
        "deployed",
        "mandate_ended",
        "withdrawn",
        "liquidation_start",
        "last_site_handed_over",
        "liquidation_planned_end",
        "note",
    )
    return {
        "type": "mission",
        "id": "mission",
        **{k: m.get(k) for k in keys},
        "sources": rows.sources(m.get("sources") or ()),
    }


# --- summary -------------------------------------------------------------------


def summary(facts: FactBase, *, on: str | None = None) -> Result:
    """The mission on one day (or as a whole): one row of the facts that held then."""
    rows = Rows(facts)
    day = span(on)[1] if on else None
    cited: list[str] = []

    def use(record: dict[str, Any] | None) -> dict[str, Any] | None:
        if record is not None:
            cited.extend(s for s in record.get("sources") or () if s not in cited)
        return record

    m = facts.mission or {}
    # after the mandate ended (res. 2690) no mandate or ceiling was in force any more
    ended = m.get("mandate_ended")
    over = on is not None and ended is not None and span(on)[0] > span(ended)[1]
    adopted = sorted(
        (r for r in facts.resolutions if day is None or r["adopted"] <= day),
        key=lambda r: r["adopted"],
    )
    in_force = [] if over else adopted
    mandate = use(
        next((r for r in reversed(in_force) if r["action"] in ("establish", "renew", "terminate")), None)
    )
    with_ceiling = use(ceiling_in_force(facts, on))
    term = terms(facts)
    leaders = sorted(
        (p for p in facts.people if p["role"] in FAMILY and (on is None or _in_office(term[p["id"]], on))),
        key=lambda p: (ROLE_ORDER.get(p["role"], 9), sort_key(term[p["id"]][0])),
    )
    bounds = mission_span(facts)
    sites = sorted(
        (b for b in facts.bases if on is None or _open_between(b, on, on, bounds)),
        key=lambda b: (sort_key(b.get("closed")), b["id"]),
    )
    for record in (*leaders, *sites):
        use(record)
    # mission-wide figures only: one nationality's toll is part of a total, not one
    reported = [
        c
        for c in facts.casualties
        if (day is None or span(c["as_of"])[0] <= day) and _cumulative(c) and not c.get("nationality")
    ]
    latest: list[dict[str, Any]] = []
    for cause in ("all", "hostile-acts"):
        of_cause = [c for c in reported if c["cause"] == cause]
        if of_cause:
            # the latest figure and every other one reported within a month of it,
            # so that figures that disagree stand side by side
            last = max(span(c["as_of"])[0] for c in of_cause)
            window = _month_before(last)
            latest.extend(
                sorted(
                    (c for c in of_cause if span(c["as_of"])[0] >= window),
                    key=lambda c: (sort_key(c["as_of"]), c["id"]),
                    reverse=True,
                )
            )
    for record in latest:
        use(record)
    # deployed strength, the budget and the largest contributors: on a day only
    deployed = [] if on is None else latest_reported(facts.strength, on)
    funded = [] if on is None else budget_in_force(facts, on)
    contingents = [] if on is None else largest(contingents_on(facts.contributors, on), 5)
    for record in (*deployed, *contingents, *funded):
        use(record)
    if on is None:
        use(facts.mission)
    row: Row = {
        "id": f"summary-{on}" if on else "summary",
        "on": on,
        "name": m.get("name"),
        "full_name": m.get("full_name"),
        "established": m.get("established"),
        "deployed": m.get("deployed"),
        "mandate_ended": m.get("mandate_ended"),
        "withdrawn": m.get("withdrawn"),
        "liquidation_start": m.get("liquidation_start"),
        "mandate": None
        if mandate is None
        else {
            "resolution": mandate["number"],
            "adopted": mandate["adopted"],
            "action": mandate["action"],
            "mandate_until": mandate.get("mandate_until"),
        },
        "ceiling": None
        if with_ceiling is None
        else {
            "resolution": with_ceiling["number"],
            **with_ceiling["ceiling"],
        },
        "strength": None if on is None else [rows.plain("strength", s) for s in deployed],
        "contributors": None if on is None else [rows.plain("contributor", c) for c in contingents],
        "budget": None if on is None else [rows.plain("budget", b) for b in funded],
        # the dates the sources give, as `people` shows them (None where unknown)
        "leaders": [
            {
                "id": p["id"],
                "name": p["name"],
                "role": p["role"],
                "start": p.get("start"),
                "end": p.get("end"),
            }
            for p in leaders
        ],
        "sites_open": None
        if on is None
        else sorted(facts.places.get(b["place"], {}).get("name") or b["place"] for b in sites),
        "sites": [
            {
                "id": b["id"],
                "name": facts.places.get(b["place"], {}).get("name") or b["place"],
                "opened": b.get("opened"),
                "closed": b.get("closed"),
            }
            for b in sites
        ],
        "casualties": [rows.casualty(c) for c in latest],
        "resolutions": len(adopted),
        "note": _summary_note(on, facts),
        "sources": rows.sources(cited),
    }
    return Result("summary", tuple(row), [row], f"MINUSMA on {on}" if on else "MINUSMA at a glance")


def ceiling_in_force(facts: FactBase, on: str | None) -> dict[str, Any] | None:
    """The resolution whose ceiling held on ``on``: the latest adopted by then that sets one.

    None before the first, and after the mandate ended (no ceiling was in force
    during the withdrawal).  Without a date, the last resolution that set one.
    """
    if on is not None:
        ended = (facts.mission or {}).get("mandate_ended")
        if ended is not None and span(on)[0] > span(ended)[1]:
            return None
    last_day = None if on is None else span(on)[1]
    with_ceiling = [
        r for r in facts.resolutions if r.get("ceiling") and (last_day is None or r["adopted"] <= last_day)
    ]
    return max(with_ceiling, key=lambda r: (r["adopted"], r["number"]), default=None)


def _summary_note(on: str | None, facts: FactBase) -> str | None:
    if on is None:
        return None
    first, last = span(on)
    if last > today():
        return "this date is in the future"
    established = (facts.mission or {}).get("established")
    if established and last < span(established)[0]:
        return f"before the mission was established ({established})"
    end = mission_span(facts)[1]
    if end and first > span(end)[1]:
        return f"after the mission's last site was handed over ({end})"
    return None


def _month_before(iso_day: str) -> str:
    year, month = int(iso_day[:4]), int(iso_day[5:7])
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return f"{year:04d}-{month:02d}-{iso_day[8:10]}"


def _cumulative(c: dict[str, Any]) -> bool:
    period = c.get("period")
    return period is None or "/" in period
