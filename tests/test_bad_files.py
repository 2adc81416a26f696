"""Fact files that cannot be used: each ends with exit 3 and one line per problem."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from minusma_cli.store import load_files
from minusma_cli.store.files import MAX_BYTES
from minusma_cli.store.toml import LineIndex
from tests.conftest import MINI, Invoke

Write = Callable[..., Path]

SOURCE = """
[sources.s]
title = "T"
publisher = "P"
published = 2023-01-01
url = "https://example.org/s"
kind = "news"
"""

EVENT = """
[[events]]
id = "e"
date = 2023-01-01
category = "attack"
title = "t"
sources = ["s"]
"""

LINE = re.compile(r"^(?P<file>.+?):(?:(?P<line>\d+):)? (?P<rest>.*)$")


def problems_of(result: object) -> list[str]:
    """The problem lines of a failed run (without the closing count)."""
    stderr: str = result.stderr  # type: ignore[attr-defined]
    return [line for line in stderr.splitlines() if not line.startswith("minusma:")]


def check_one(invoke: Invoke, path: Path, line: int | None, where: str, what: str) -> None:
    """Both a data command and validate fail with exit 3 and this one problem."""
    for args in (("timeline", "--facts", str(path)), ("validate", str(path))):
        result = invoke(*args)
        assert result.exit_code == 3, result.stderr
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        found = problems_of(result)
        assert len(found) == 1, found
        prefix = f"{path}:{line}: " if line is not None else f"{path}: "
        assert found[0].startswith(prefix), found[0]
        assert where in found[0], found[0]
        assert what in found[0], found[0]


@pytest.mark.parametrize(
    ("body", "line", "where", "what"),
    [
        (SOURCE + EVENT.replace("2023-01-01", "20230101"), 11, "events.e.date", "got a number"),
        (SOURCE + EVENT.replace("2023-01-01", '"2023-02-30"'), 11, "events.e.date", "is not a date"),
        (SOURCE + EVENT.replace("2023-01-01", "2023-01-01T10:00:00"), 11, "events.e.date", "date-time"),
        (SOURCE + EVENT.replace('"attack"', '"war"'), 12, "events.e.category", "'war' is not one of"),
        (SOURCE + EVENT + "killed = -3\n", 15, "events.e.killed", "must not be negative"),
        (SOURCE + EVENT + 'killed = "ten"\n', 15, "events.e.killed", "expected a whole number"),
        (SOURCE + EVENT + "killed = 0x" + "f" * 4000 + "\n", 15, "events.e.killed", "too large"),
        (SOURCE + EVENT + "killed = 1_000_000_001\n", 15, "events.e.killed", "the limit is 1,000,000,000"),
        (SOURCE + EVENT.replace('["s"]', '["nope"]'), 14, "events.e.sources", "unknown source id 'nope'"),
        (SOURCE + EVENT.replace('["s"]', "[]"), 14, "events.e.sources", "must not be empty"),
        (SOURCE + EVENT.replace('sources = ["s"]\n', ""), 9, "events.e.sources", "missing (required)"),
        (SOURCE + EVENT + 'places = ["atlantis"]\n', 15, "events.e.places", "unknown place id 'atlantis'"),
        (SOURCE + EVENT + "end = 2022-12-31\n", 15, "events.e.end", "is before date"),
        (SOURCE + EVENT + 'colour = "red"\n', 15, "events.e.colour", "unknown field"),
        (SOURCE + EVENT.replace('"e"', '"E e"'), 10, "events[1].id", "is not an id"),
        (SOURCE + EVENT + EVENT, 17, "events.e.id", "duplicate id 'e' (first defined at"),
        (SOURCE.replace("https://example.org/s", "ftp://x"), 6, "sources.s.url", "http(s) URL"),
        (SOURCE.replace('"news"', '"blog"'), 7, "sources.s.kind", "'blog' is not one of"),
        (SOURCE.replace("2023-01-01", '"someday"') + EVENT, 5, "sources.s.published", '"n.d."'),
        (SOURCE + EVENT.replace('title = "t"', 'title = "' + "x" * 5000 + '"'), 13, "title", "too long"),
        (SOURCE + '[[bases]]\nid = "b"\nplace = "gao"\nkind = "camp"\nopened = 2020-01-01\n'
         'closed = 2019-01-01\nsources = ["s"]\n', 13, "bases.b.closed", "is before opened"),
        (SOURCE + '[[bases]]\nid = "b"\nplace = "gao"\nkind = "fort"\nsources = ["s"]\n', 11,
         "bases.b.kind", "'fort' is not one of"),
        (SOURCE + '[[people]]\nid = "p"\nname = "X"\nrole = "force-commander"\nnationality = "Y"\n'
         'start = 2020-01-01\nend = 2019-01-01\nsources = ["s"]\n', 14, "people.p.end", "is before start"),
        (SOURCE + '[[resolutions]]\nnumber = 9999\nadopted = 2013-01-01\naction = "renew"\n'
         'vote = { in_favour = 15, against = 0, abstaining = 1 }\nsummary = "s"\nsources = ["s"]\n'
         'ceiling = { military = "many" }\n',
         15, "resolutions.resolution-9999.ceiling", "military: expected a whole number"),
        ("schema_version = 2\n" + SOURCE + EVENT, 1, "schema_version", "unsupported version 2"),
        ("schema_version = 0x" + "f" * 4000 + "\n" + SOURCE + EVENT, 1, "schema_version",
         "unsupported version a number of about 4,800 digits"),
        (SOURCE + EVENT + "[wonders]\nx = 1\n", 15, "wonders", "unknown section"),
        ("[a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p]\nx = 1\n", 1, "a", "unknown section"),
    ],
)  # fmt: skip
def test_schema_problems(invoke: Invoke, write: Write, body: str, line: int, where: str, what: str) -> None:
    check_one(invoke, write(body), line, where, what)


@pytest.mark.parametrize(
    ("content", "line", "what"),
    [
        (b"", None, "no facts in this file (it is empty)"),
        (b"schema_version = 1\n", None, "no facts in this file (only a schema_version)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "binary data"),
        ("title = 'é'\n".encode("latin-1"), None, "not UTF-8 text (byte 0xe9 on line 1)"),
        (b"[events\n", 1, "TOML syntax error"),
        (b'a = "unterminated\n', 1, "TOML syntax error"),
        (b"a = 1\na = 2\n", 2, "TOML syntax error"),
        (b"x = [1,\n 2,\n oops]\n", 3, "TOML syntax error"),
        (b"d = 2023-13-01\n", 1, "TOML syntax error"),
        (b"[[events]]\nid = 'a'\n[events]\n", 3, "TOML syntax error"),
        (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", None, "nested too deeply"),
        (b"a = 1\nb = " + b"7" * 5000 + b"\n", 2, "a number too long to read (more than 4,300 digits)"),
        (b"[[events]]\nid = 'x'\nkilled = " + b"7" * 5000 + b"\n", 3, "a number too long to read"),
        (b"[[events]]\nid = 'x'\nkilled = " + b"7" * 5000 + b"\nw = 1.5\n", 3, "a number too long to read"),
        (b"n = " + b"7" * 5000 + b"\n[[events]]\nid = 'x'\n", 1, "a number too long to read"),
    ],
)
def test_unreadable_files(
    invoke: Invoke, tmp_path: Path, content: bytes, line: int | None, what: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    check_one(invoke, path, line, "", what)


def test_missing_file_and_directory(invoke: Invoke, tmp_path: Path) -> None:
    check_one(invoke, tmp_path / "absent.toml", None, "", "no such file")
    check_one(invoke, tmp_path, None, "", "is a directory")


def test_unreadable_permission(invoke: Invoke, write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads anything, so the refusal is simulated at the point of reading.
    path = write(SOURCE)

    real = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    check_one(invoke, path, None, "", "permission denied")


def test_endless_device_is_refused_after_the_limit(invoke: Invoke) -> None:
    check_one(invoke, Path("/dev/zero"), None, "", "too large (more than")


def test_huge_file_is_refused_without_reading_it(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB that cost no disk
    assert path.stat().st_size > MAX_BYTES
    check_one(invoke, path, None, "", "too large")


def test_validate_reports_every_problem_in_one_run(invoke: Invoke, write: Write) -> None:
    first = write(SOURCE + EVENT.replace("2023-01-01", "20230101") + "killed = -1\n", "one.toml")
    second = write(EVENT.replace('"attack"', '"war"'), "two.toml")
    result = invoke("validate", str(first), str(second), str(first.parent / "absent.toml"))
    assert result.exit_code == 3
    lines = problems_of(result)
    assert [line.split(": ")[0] for line in lines] == [
        f"{first}:11",
        f"{first}:15",
        f"{second}:3",
        f"{second}:5",
        f"{first.parent / 'absent.toml'}",
    ]
    assert "duplicate id 'e' (first defined at " + f"{first}:10)" in lines[2]
    assert result.stderr.splitlines()[-1] == "minusma: 5 problems in the fact files."


def test_duplicate_of_a_bundled_id_is_an_error(invoke: Invoke, write: Write) -> None:
    path = write(SOURCE + EVENT.replace('id = "e"', 'id = "resolution-2100-adopted"'))
    result = invoke("timeline", "--facts", str(path))
    assert result.exit_code == 3
    assert "duplicate id 'resolution-2100-adopted' (first defined at facts.toml (bundled):" in result.stderr


def test_layering_adds_records_and_env_path_list(invoke: Invoke, write: Write) -> None:
    one = write(SOURCE.replace("sources.s", "sources.s1") + EVENT.replace('"s"', '"s1"'), "one.toml")
    two = write(EVENT.replace('id = "e"', 'id = "e2"').replace('"s"', '"s1"'), "two.toml")
    result = invoke("timeline", "--json", "--since", "2023-01", "--until", "2023-01", "--facts", str(two),
                    env={"MINUSMA_FACTS": str(one)})  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert '"id": "e"' in result.stdout
    assert '"id": "e2"' in result.stdout


def test_problem_lines_name_file_line_and_field() -> None:
    files, problems = load_files([(MINI, "mini.toml")], use_cache=False)
    assert problems == []
    lines = LineIndex(MINI.read_text(encoding="utf-8"))
    assert lines.line_of(("events", 2, "killed")) == 64
    assert lines.line_of(("sources", "src-b", "url")) == 24
    assert lines.line_of(("mission", "withdrawn")) == 10
    assert files.events[2]["id"] == "attack-aguelhok-2019-01-20"


def test_ids_share_one_namespace_and_mission_is_reserved(invoke: Invoke, write: Write) -> None:
    path = write(
        SOURCE
        + '[places.e]\nname = "E"\nregion = "R"\n'
        + EVENT
        + EVENT.replace('id = "e"', 'id = "mission"')
        + '[mission]\nname = "M"\nfull_name = "M"\nsources = ["s"]\n'
    )
    result = invoke("validate", str(path))
    assert result.exit_code == 3
    lines = problems_of(result)
    assert any("duplicate id 'e' (first defined at" in line and ":8)" in line for line in lines), lines
    assert any("the id 'mission' is reserved" in line for line in lines), lines
    assert any("a second [mission] table" in line for line in lines), lines
