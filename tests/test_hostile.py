"""Hostile text in fact files: shown literally, never painted on the terminal."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from minusma_cli import query
from minusma_cli.render import sanitize
from tests.conftest import Invoke

Write = Callable[..., Path]

EVIL_TITLE = (
    "[bold red]Boom[/] [link=https://evil.example]click[/link] \x1b[31mred\x1b[0m \x9b2J \u202eevil\u202c end"
)

FILE = """
[sources.s]
title = "Title \\u001b]8;;https://evil.example\\u0007x"
publisher = "P \\u202e"
published = "n.d."
url = "https://example.org/s"
kind = "news"

[places.p]
name = "[red]Place[/red]"
region = "R\\u0007"

[[events]]
id = "evil"
date = 2020-01-01
category = "attack"
title = TITLE
places = ["p"]
sources = ["s"]
"""


@pytest.fixture
def evil(write: Write) -> Path:
    return write(FILE.replace("TITLE", json.dumps(EVIL_TITLE)))


def assert_clean(text: str) -> None:
    # the one escape sequence allowed: a terminal link to a source's own (safe) URL
    text = re.sub(r"\x1b\]8;(id=\d+)?;(https://example\.org/s)?\x1b\\", "", text)
    for bad in ("\x1b]", "\x1b[31m", "\x9b", "\u202e", "\x07"):
        assert bad not in text, repr(bad)


def test_sanitize_makes_controls_visible() -> None:
    assert sanitize("a\x1b[31mb") == "a\\x1b[31mb"
    assert sanitize("x\u202ey") == "x\\u202ey"
    assert sanitize("x\x9by") == "x\\x9by"
    assert sanitize("line\nbreak\ttab") == "line break tab"
    assert sanitize("plain [bold]text[/]") == "plain [bold]text[/]"


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}])
def test_markup_and_escapes_in_tables(invoke: Invoke, evil: Path, env: dict[str, str]) -> None:
    result = invoke("timeline", "--no-bundled", "--facts", str(evil), env={"COLUMNS": "400", **env})
    assert result.exit_code == 0, result.stderr
    assert_clean(result.stdout)
    assert "[bold red]Boom[/]" in result.stdout
    assert "[link=https://evil.example]click[/link]" in result.stdout
    assert "\\x1b[31mred" in result.stdout
    assert "[red]Place[/red]" in result.stdout


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_markup_and_escapes_in_other_human_formats(invoke: Invoke, evil: Path, fmt: str) -> None:
    result = invoke("timeline", "--no-bundled", "--facts", str(evil), "--format", fmt)
    assert result.exit_code == 0
    assert_clean(result.stdout)


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_stays_valid_and_round_trips(invoke: Invoke, evil: Path, fmt: str) -> None:
    result = invoke("timeline", "--no-bundled", "--facts", str(evil), "--format", fmt)
    assert result.exit_code == 0
    assert_clean(result.stdout)
    text = result.stdout if fmt == "json" else "[" + ",".join(result.stdout.splitlines()) + "]"
    row = json.loads(text)[0]
    assert row["title"] == EVIL_TITLE
    assert row["sources"][0]["publisher"] == "P \u202e"
    assert row["places"][0]["region"] == "R\x07"


def test_hostile_text_in_error_messages(invoke: Invoke, write: Write) -> None:
    path = write('[[events]]\nid = "x"\ndate = 2020-01-01\ncategory = "\\u001b[2J\\u202e[bold]war"\n'
                 'title = "t"\nsources = ["s"]\n')  # fmt: skip
    result = invoke("validate", str(path))
    assert result.exit_code == 3
    assert_clean(result.stderr)
    assert "\\x1b[2J\\u202e[bold]war" in result.stderr


def test_hostile_text_in_usage_errors(invoke: Invoke) -> None:
    result = invoke("timeline", "--since", "\x1b[2J\u202e")
    assert result.exit_code == 2
    assert_clean(result.stderr)
    result = invoke("show", "\x1b]0;title\x07")
    assert result.exit_code == 1
    assert_clean(result.stderr)


def test_hostile_file_name(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b[31mname.toml"
    result = invoke("validate", str(path))
    assert result.exit_code == 3
    assert_clean(result.stderr)


def test_interrupt_exits_130_without_traceback(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> query.Result:
        raise KeyboardInterrupt

    monkeypatch.setattr(query, "timeline", interrupted)
    result = invoke("timeline")
    assert result.exit_code == 130
    assert "Traceback" not in result.stderr


def test_a_bug_is_one_line_and_debug_shows_the_traceback(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> query.Result:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(query, "timeline", broken)
    result = invoke("timeline")
    assert result.exit_code == 70
    assert "Traceback" not in result.stderr
    assert "internal error: ZeroDivisionError: boom" in result.stderr
    debug = invoke("timeline", "--debug")
    assert debug.exit_code == 70
    assert "Traceback" in debug.stderr


@pytest.mark.parametrize("args", [("show", "evil"), ("sources",), ("timeline", "--format", "markdown")])
def test_hostile_sources_in_every_human_view(invoke: Invoke, evil: Path, args: tuple[str, ...]) -> None:
    for env in ({}, {"FORCE_COLOR": "1"}):
        result = invoke(*args, "--no-bundled", "--facts", str(evil), env={"COLUMNS": "300", **env})
        assert result.exit_code == 0, result.stderr
        assert_clean(result.stdout)
        assert "x1b]8;;https://evil.example" in result.stdout.replace("\n", "")


def test_del_is_escaped_in_json(invoke: Invoke, write: Write) -> None:
    path = write(FILE.replace("TITLE", json.dumps("rub\x7fout")))
    result = invoke("timeline", "--json", "--no-bundled", "--facts", str(path))
    assert "\x7f" not in result.stdout
    assert json.loads(result.stdout)[0]["title"] == "rub\x7fout"


def test_urls_must_be_printable(invoke: Invoke, write: Write) -> None:
    path = write(
        FILE.replace("TITLE", '"t"').replace("https://example.org/s", "https://example.org/\\u001b[2J")
    )
    result = invoke("validate", str(path))
    assert result.exit_code == 3
    assert "is not an http(s) URL" in result.stderr
