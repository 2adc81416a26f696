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
from minusma_cli.load import FactFile, bundled_path, load_file
from minusma_cli.schema import LISTS

#: the record kind (``type`` in search output) of each list section
KIND_OF = {
    "events": "event",
    "resolutions": "resolution",
    "bases": "base",
    "casualties": "casualty",
    "people": "person",
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
    ) -> None:
        self.mission = mission
        self.sources = sources if sources is not None else {}
        self.places = places if places is not None else {}
        self.events = events if events is not None else []
        self.resolutions = resolutions if resolutions is not None else []
        self.bases = bases if bases is not None else []
        self.casualties = casualties if casualties is not None else []
        self.people = people if people is not None else []
        self.files = files if files is not None else []

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
    origin: dict[tuple[str, str], tuple[FactFile, tuple[str | int, ...]]] = {}

    def claim(namespace: str, key: str, loaded: FactFile, path: tuple[str | int, ...]) -> bool:
        first = origin.get((namespace, key))
        if first is None:
            origin[(namespace, key)] = (loaded, path)
            return True
        problems.append(loaded.problem(path, f"duplicate id {key!r} (first defined at {_where(*first)})"))
        return False

    for loaded in files:
        doc = loaded.doc
        mission = doc.get("mission")
        if isinstance(mission, dict) and claim("mission", "mission", loaded, ("mission",)):
            base.mission = mission
        for name in ("sources", "places"):
            table = getattr(base, name)
            for key, entry in doc.get(name, {}).items():
                if claim(name, key, loaded, (name, key)):
                    table[key] = entry
        for name in LISTS:
            target = base.section(name)
            for index, record in enumerate(doc.get(name, [])):
                if not isinstance(record, dict):
                    continue
                rid = record.get("id")
                if isinstance(rid, str) and not claim("record", rid, loaded, (name, index, "id")):
                    continue
                target.append(record)

    for loaded in files:
        problems.extend(_dangling(loaded, base))
    order = {f.display: i for i, f in enumerate(files)}
    problems.sort(key=lambda p: (order.get(p.file, 0), p.line or 0))
    return base, problems


def _dangling(loaded: FactFile, base: FactBase) -> Iterator[Problem]:
    """References from this file to sources or places that no loaded file defines."""
    sources, places = base.sources, base.places
    doc = loaded.doc

    def check_sources(record: dict[str, Any], path: tuple[str | int, ...]) -> Iterator[Problem]:
        for sid in record.get("sources") or ():
            if sid not in sources:
                yield loaded.problem((*path, "sources"), f"unknown source id {sid!r}")

    mission = doc.get("mission")
    if isinstance(mission, dict):
        yield from check_sources(mission, ("mission",))
    for key, place in doc.get("places", {}).items():
        yield from check_sources(place, ("places", key))
    for name in LISTS:
        for index, record in enumerate(doc.get(name, [])):
            if not isinstance(record, dict):
                continue
            path: tuple[str | int, ...] = (name, index)
            yield from check_sources(record, path)
            for pid in record.get("places") or ():
                if pid not in places:
                    yield loaded.problem((*path, "places"), f"unknown place id {pid!r}")
            pid = record.get("place")
            if isinstance(pid, str) and pid not in places:
                yield loaded.problem((*path, "place"), f"unknown place id {pid!r}")


def load_files(paths: list[tuple[Path, str]], *, use_cache: bool = True) -> tuple[FactBase, list[Problem]]:
    """Load and layer files, returning the problems instead of raising them."""
    files = [load_file(path, display=display, use_cache=use_cache) for path, display in paths]
    return layer(files)


def load_factbase(extra: Iterable[Path] = (), *, use_cache: bool = True, bundled: bool = True) -> FactBase:
    """The bundled base with the user's files layered over it; raises FactsError."""
    base, problems = load_files(fact_paths(extra, bundled=bundled), use_cache=use_cache)
    if problems:
        raise FactsError(problems)
    return base
