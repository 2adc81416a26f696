"""Everything that brings facts into memory: read, parse, check, layer, cache.

Plain package: no Typer, no Rich. It returns a plain, fully decoded FactBase, or
the problems that stop one from being made. Each fact file is read once; a set of
files that checks clean is kept in the cache (see ``cache``), so that the next run
with the same files and the same code reads one JSON entry instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from minusma_cli.errors import FactsError, Problem
from minusma_cli.factbase import SECTIONS, FactBase, FactFile, layer
from minusma_cli.schema import KEYED, LISTS, check_document
from minusma_cli.store import cache
from minusma_cli.store.files import STDIN, Unreadable, bundled_path, decode, read_bytes

__all__ = ["bundled_path", "fact_paths", "load_factbase", "load_files"]


def fact_paths(extra: Iterable[Path] = (), *, bundled: bool = True) -> list[tuple[Path, str]]:
    """The files to layer, in order: bundled, then ``MINUSMA_FACTS``, then ``extra``."""
    paths: list[tuple[Path, str]] = []
    if bundled:
        paths.append((bundled_path(), "facts.toml (bundled)"))
    env = os.environ.get("MINUSMA_FACTS", "")
    paths.extend((Path(p), p) for p in env.split(os.pathsep) if p.strip())
    paths.extend((p, "(standard input)" if str(p) == STDIN else str(p)) for p in extra)
    seen: set[str] = set()
    unique = []
    for path, display in paths:
        name = _name(path)
        if name not in seen:
            seen.add(name)
            unique.append((path, display))
    return unique


def _name(path: Path) -> str:
    """The name a file goes by in the cache, and when telling duplicates apart."""
    if str(path) == STDIN:
        return STDIN
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def load_files(paths: list[tuple[Path, str]], *, use_cache: bool = True) -> tuple[FactBase, list[Problem]]:
    """Read, check and layer fact files, returning the problems instead of raising them."""
    files: list[FactFile] = []
    contents: list[bytes | None] = []
    for path, display in paths:
        loaded = FactFile(path, display)
        files.append(loaded)
        try:
            contents.append(read_bytes(path))
        except Unreadable as exc:
            loaded.problems.append(Problem(display, None, "", str(exc)))
            contents.append(None)
    key, expected = "", dict[str, Any]()
    if use_cache and all(data is not None for data in contents):
        names = [[_name(f.path), cache.digest(data or b"")] for f, data in zip(files, contents, strict=True)]
        key, expected = cache.make_key(names)
        facts = cache.read(key, expected)
        if facts is not None and _shaped(facts):
            return FactBase(files, **facts), []
    for loaded in files:
        _check(loaded, contents.pop(0))  # popped: the bytes go as soon as _check lets them
    base, problems = layer(files)
    for loaded in files:
        loaded.lines = None  # every problem has its line by now; let the texts go
    if key and not problems:
        cache.write(key, expected, {name: getattr(base, name) for name in SECTIONS})
    return base, problems


def _check(loaded: FactFile, data: bytes | None) -> None:
    """Decode, parse and check one file's bytes into ``loaded``; problems are collected."""
    if data is None:
        return
    try:
        text = decode(data)
    except Unreadable as exc:
        loaded.problems.append(Problem(loaded.display, None, "", str(exc)))
        return
    del data  # a large file's bytes are as big again as its text
    # here, not at the top: a warm run never parses, and the parser and the line index cost
    # about 5 ms of its start-up to import (see docs/performance.md)
    from minusma_cli.store.toml import LineIndex, NotToml, parse

    try:
        doc = parse(text)
    except NotToml as exc:
        loaded.problems.append(Problem(loaded.display, exc.line, "", exc.what))
        return
    if not any(key != "schema_version" for key in doc):
        why = "only a schema_version" if doc else "it is empty"
        loaded.problems.append(Problem(loaded.display, None, "", f"no facts in this file ({why})"))
        return
    loaded.doc = doc
    loaded.lines = LineIndex(text).line_of
    loaded.problems.extend(loaded.problem(p.path, p.what) for p in check_document(doc))


def _shaped(facts: dict[str, object]) -> bool:
    """Whether a cache entry holds every section, each of its kind."""
    return (
        set(facts) == set(SECTIONS)
        and (facts["mission"] is None or isinstance(facts["mission"], dict))
        and all(isinstance(facts[name], dict) for name in KEYED)
        and all(isinstance(facts[name], list) for name in LISTS)
    )


def load_factbase(extra: Iterable[Path] = (), *, use_cache: bool = True, bundled: bool = True) -> FactBase:
    """The bundled base with the user's files layered over it; raises FactsError."""
    base, problems = load_files(fact_paths(extra, bundled=bundled), use_cache=use_cache)
    if problems:
        raise FactsError(problems)
    return base
