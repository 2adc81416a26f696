"""The fact base: every loaded file layered into one, with the checks across files.

Plain module: no Typer, no Rich.  Files are layered in order (the bundled base
first, then the user's); an id defined twice is an error, never an override.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from minusma_cli.errors import Problem
from minusma_cli.schema import LISTS

ProblemPath = tuple[str | int, ...]

#: the record kind (``type`` in search output) of each list section
KIND_OF = {
    "events": "event",
    "resolutions": "resolution",
    "bases": "base",
    "casualties": "casualty",
    "people": "person",
    "strength": "strength",
    "contributors": "contributor",
    "budgets": "budget",
}


class FactFile:
    """One fact file as read: its checked document, its problems, and where things stand in it.

    ``lines`` finds the line of a problem path in the file's text (None once the
    text is let go, or when the file never parsed).
    """

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.display = display
        self.doc: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self.lines: Callable[[ProblemPath], int | None] | None = None

    def line_of(self, path: ProblemPath) -> int | None:
        return None if self.lines is None else self.lines(path)

    def problem(self, path: ProblemPath, what: str) -> Problem:
        return Problem(self.display, self.line_of(path), describe(path, self.doc), what)


def describe(path: ProblemPath, doc: dict[str, Any]) -> str:
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


class FactBase:
    """All loaded facts.  Records are plain dicts with ISO-string dates."""

    def __init__(
        self,
        files: list[FactFile] | None = None,
        *,
        mission: dict[str, Any] | None = None,
        sources: dict[str, dict[str, Any]] | None = None,
        places: dict[str, dict[str, Any]] | None = None,
        events: list[dict[str, Any]] | None = None,
        resolutions: list[dict[str, Any]] | None = None,
        bases: list[dict[str, Any]] | None = None,
        casualties: list[dict[str, Any]] | None = None,
        people: list[dict[str, Any]] | None = None,
        strength: list[dict[str, Any]] | None = None,
        contributors: list[dict[str, Any]] | None = None,
        budgets: list[dict[str, Any]] | None = None,
    ) -> None:
        self.mission = mission
        self.sources = sources if sources is not None else {}
        self.places = places if places is not None else {}
        self.events = events if events is not None else []
        self.resolutions = resolutions if resolutions is not None else []
        self.bases = bases if bases is not None else []
        self.casualties = casualties if casualties is not None else []
        self.people = people if people is not None else []
        self.strength = strength if strength is not None else []
        self.contributors = contributors if contributors is not None else []
        self.budgets = budgets if budgets is not None else []
        self.files = files if files is not None else []

    def section(self, name: str) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = getattr(self, name)
        return records

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every record of every list section, as (kind, record)."""
        for name, kind in KIND_OF.items():
            for record in self.section(name):
                yield kind, record


#: every section of a fact base, as stored in the cache
SECTIONS = ("mission", "sources", "places", *LISTS)


def _where(loaded: FactFile, path: ProblemPath) -> str:
    line = loaded.line_of(path)
    return loaded.display if line is None else f"{loaded.display}:{line}"


def layer(files: list[FactFile]) -> tuple[FactBase, list[Problem]]:
    """Layer checked files into one fact base; return it with every cross-file problem."""
    base = FactBase(files=files)
    problems: list[Problem] = [p for f in files for p in f.problems]
    # One namespace for every id (records, places and sources), so that `show ID`
    # is never ambiguous: id -> the file and path of its first definition.
    first: dict[str, tuple[FactFile, ProblemPath]] = {}
    mission_file: FactFile | None = None

    def claim(loaded: FactFile, path: ProblemPath, key: str) -> bool:
        if key == "mission":
            problems.append(loaded.problem(path, "the id 'mission' is reserved for the [mission] table"))
            return False
        seen = first.get(key)
        if seen is None:
            first[key] = (loaded, path)
            return True
        where = _where(*seen)
        problems.append(loaded.problem(path, f"duplicate id {key!r} (first defined at {where})"))
        return False

    for loaded in files:
        doc = loaded.doc
        mission = doc.get("mission")
        if isinstance(mission, dict):
            if mission_file is None:
                base.mission, mission_file = mission, loaded
            else:
                where = _where(mission_file, ("mission",))
                problems.append(loaded.problem(("mission",), f"a second [mission] table (first at {where})"))
        for name in ("sources", "places"):
            table = getattr(base, name)
            for key, entry in doc.get(name, {}).items():
                if claim(loaded, (name, key), key):
                    table[key] = entry
        for name in LISTS:
            target = base.section(name)
            for index, record in enumerate(doc.get(name, ())):
                if not isinstance(record, dict):
                    continue
                rid = record.get("id")
                if isinstance(rid, str) and not claim(loaded, (name, index, "id"), rid):
                    continue
                target.append(record)

    for loaded in files:
        problems.extend(_dangling(loaded, base))
    order = {f.display: i for i, f in enumerate(files)}
    problems.sort(key=lambda p: (order.get(p.file, 0), p.line or 0))
    return base, problems


def _dangling(loaded: FactFile, base: FactBase) -> list[Problem]:
    """References from this file to sources or places that no loaded file defines."""
    sources, places = base.sources, base.places
    doc = loaded.doc
    found: list[Problem] = []
    owners: list[tuple[ProblemPath, dict[str, Any]]] = []
    mission = doc.get("mission")
    if isinstance(mission, dict):
        owners.append((("mission",), mission))
    owners.extend((("places", key), place) for key, place in doc.get("places", {}).items())
    for path, record in owners:
        for sid in record.get("sources") or ():
            if sid not in sources:
                found.append(loaded.problem((*path, "sources"), f"unknown source id {sid!r}"))
    for name in LISTS:
        for index, record in enumerate(doc.get(name, ())):
            if not isinstance(record, dict):
                continue
            for sid in record.get("sources") or ():
                if sid not in sources:
                    found.append(loaded.problem((name, index, "sources"), f"unknown source id {sid!r}"))
            for pid in record.get("places") or ():
                if pid not in places:
                    found.append(loaded.problem((name, index, "places"), f"unknown place id {pid!r}"))
            pid = record.get("place")
            if isinstance(pid, str) and pid not in places:
                found.append(loaded.problem((name, index, "place"), f"unknown place id {pid!r}"))
    return found
