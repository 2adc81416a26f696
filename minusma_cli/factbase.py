"""The fact base: every loaded file layered into one, with the checks across files.

Plain module: no Typer, no Rich.  Files are layered in order (the bundled base
first, then the user's); an id defined twice is an error, never an override.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from minusma_cli.errors import FactsError, Problem
from minusma_cli.load import (
    CachedEvents,
    FactFile,
    bundled_path,
    cache_key,
    cache_read,
    cache_write,
    parse_file,
    prechecked,
    read_file,
)
from minusma_cli.schema import LISTS

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
        cached_events: CachedEvents | None = None,
    ) -> None:
        self.mission = mission
        self.sources = sources if sources is not None else {}
        self.places = places if places is not None else {}
        # from the cache, the events are decoded when (and as far as) they are needed
        self._events = events if events is not None or cached_events is not None else []
        self._cached_events = cached_events
        self.resolutions = resolutions if resolutions is not None else []
        self.bases = bases if bases is not None else []
        self.casualties = casualties if casualties is not None else []
        self.people = people if people is not None else []
        self.strength = strength if strength is not None else []
        self.contributors = contributors if contributors is not None else []
        self.budgets = budgets if budgets is not None else []
        self.files = files if files is not None else []

    @property
    def events(self) -> list[dict[str, Any]]:
        if self._events is None:
            assert self._cached_events is not None
            self._events = self._cached_events.all()
        return self._events

    def events_between(self, lo: str | None, hi: str | None) -> list[dict[str, Any]]:
        """The events that may overlap the days lo..hi: all of them, or fewer when cached.

        A superset, in no set order: the caller filters and sorts.
        """
        if self._events is None and self._cached_events is not None:
            return self._cached_events.between(lo, hi)
        return self.events

    def section(self, name: str) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = getattr(self, name)
        return records

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every record of every list section, as (kind, record)."""
        for name, kind in KIND_OF.items():
            for record in self.section(name):
                yield kind, record


def fact_paths(extra: Iterable[Path] = (), *, bundled: bool = True) -> list[tuple[Path, str]]:
    """The files to layer, in order: bundled, then ``MINUSMA_FACTS``, then ``extra``."""
    paths: list[tuple[Path, str]] = []
    if bundled:
        paths.append((bundled_path(), "facts.toml (bundled)"))
    env = os.environ.get("MINUSMA_FACTS", "")
    paths.extend((Path(p), p) for p in env.split(os.pathsep) if p.strip())
    paths.extend((p, str(p)) for p in extra)
    seen: set[Path] = set()
    unique = []
    for path, display in paths:
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):
            resolved = path
        if resolved not in seen:
            seen.add(resolved)
            unique.append((path, display))
    return unique


def _where(loaded: FactFile, path: tuple[str | int, ...]) -> str:
    line = loaded.line_of(path)
    return loaded.display if line is None else f"{loaded.display}:{line}"


def layer(files: list[FactFile]) -> tuple[FactBase, list[Problem]]:
    """Layer checked files into one fact base; return it with every cross-file problem."""
    base = FactBase(files=files)
    problems: list[Problem] = [p for f in files for p in f.problems]
    # One namespace for every id (records, places and sources), so that `show ID`
    # is never ambiguous. id -> (file, section) of its first definition; the line
    # is looked up only when a duplicate needs reporting, which most runs never do.
    first: dict[str, tuple[FactFile, str]] = {}
    mission_file: FactFile | None = None

    def claim(loaded: FactFile, path: tuple[str | int, ...], key: str, section: str) -> bool:
        if key == "mission":
            problems.append(loaded.problem(path, "the id 'mission' is reserved for the [mission] table"))
            return False
        seen = first.get(key)
        if seen is None:
            first[key] = (loaded, section)
            return True
        where = _where(seen[0], _path_of(seen[0], seen[1], key))
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
                if claim(loaded, (name, key), key, name):
                    table[key] = entry
        for name in LISTS:
            target = base.section(name)
            owner = (loaded, name)
            for index, record in enumerate(doc.get(name, ())):
                if not isinstance(record, dict):
                    continue
                rid = record.get("id")
                if isinstance(rid, str):
                    if rid not in first and rid != "mission":  # the common case, inline
                        first[rid] = owner
                    elif not claim(loaded, (name, index, "id"), rid, name):
                        continue
                target.append(record)

    for loaded in files:
        problems.extend(_dangling(loaded, base))
    order = {f.display: i for i, f in enumerate(files)}
    problems.sort(key=lambda p: (order.get(p.file, 0), p.line or 0))
    return base, problems


def _path_of(loaded: FactFile, section: str, key: str) -> tuple[str | int, ...]:
    """Where id ``key`` stands in a file's ``section``, as a problem path."""
    if section in ("sources", "places"):
        return (section, key)
    for index, record in enumerate(loaded.doc.get(section, ())):
        if isinstance(record, dict) and record.get("id") == key:
            return (section, index, "id")
    return (section,)


def _dangling(loaded: FactFile, base: FactBase) -> list[Problem]:
    """References from this file to sources or places that no loaded file defines."""
    sources, places = base.sources, base.places
    doc = loaded.doc
    found: list[Problem] = []
    owners: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
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


SECTIONS = ("mission", "sources", "places", *LISTS)


def load_files(paths: list[tuple[Path, str]], *, use_cache: bool = True) -> tuple[FactBase, list[Problem]]:
    """Load and layer files, returning the problems instead of raising them.

    The cache holds the layered and cross-checked result for these exact file
    contents, so a warm run reads one JSON file and skips the TOML parser, the
    schema checks and the checks across files.
    """
    read = [read_file(path, display) for path, display in paths]
    files = [loaded for loaded, _ in read]
    contents: list[bytes | None] = [data for _, data in read]
    del read
    key = ""
    if use_cache and all(data is not None for data in contents):
        key = cache_key([data for data in contents if data is not None])
        cached = cache_read(key)
        if cached is not None:
            facts, events = cached
            sections = {name: facts.get(name) for name in SECTIONS if name != "events"}
            return FactBase(files, **sections, cached_events=events), []
    for index, loaded in enumerate(files):
        # each file's bytes are let go once it is parsed: a large one is as big again as its text
        data, contents[index] = contents[index], None
        if data is not None and not prechecked(loaded, data):
            parse_file(loaded, data)
        del data
    base, problems = layer(files)
    if key and not problems:
        cache_write(key, {name: getattr(base, name) for name in SECTIONS})
    return base, problems


def load_factbase(extra: Iterable[Path] = (), *, use_cache: bool = True, bundled: bool = True) -> FactBase:
    """The bundled base with the user's files layered over it; raises FactsError."""
    base, problems = load_files(fact_paths(extra, bundled=bundled), use_cache=use_cache)
    if problems:
        raise FactsError(problems)
    return base
