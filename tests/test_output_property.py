"""Property tests for issue 13: random valid fact files, every chart, every format, every stream state.

A fact file is generated, kept only if ``validate`` accepts it (dates anywhere
from 0001-01-01 to 9999-12-31, text with controls and formula starts), and
then drawn or written.  The outcome is either the exact bytes with exit 0, or a
message and a documented exit code: never a crash, never silent truncation.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from minusma_cli import cli
from minusma_cli.env import Environment
from minusma_cli.schema import CATEGORIES, OUTCOMES
from minusma_cli.store import fact_paths, load_files

FULL = Path("/dev/full")

texts = st.text(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from("=+-@\t\r\n<>&|\\\x1b\u202e")),
    min_size=1,
    max_size=12,
)
dates = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2024, 12, 31)),
)
partial = st.one_of(dates.map(dt.date.isoformat), dates.map(lambda d: d.isoformat()[:7]))
counts = st.integers(min_value=0, max_value=10**9)


def toml(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        # JSON's escapes are TOML's too, but not for surrogate pairs; TOML wants DEL escaped
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml(v)}" for k, v in value.items()) + "}"
    return repr(value)


def table(header: str, record: dict[str, Any]) -> str:
    return "\n".join([header, *(f"{k} = {toml(v)}" for k, v in record.items() if v is not None)]) + "\n"


HEAD = """schema_version = 1
[sources.s1]
title = "T"
publisher = "P"
published = "n.d."
url = "https://example.org/"
kind = "news"
[places.p1]
name = "Place"
region = "Region"
"""


@st.composite
def fact_files(draw: st.DrawFn) -> str:
    """A fact file of events, bases, casualties and a terminating resolution; not always valid."""
    parts = [HEAD]
    for n in range(draw(st.integers(0, 4))):
        event: dict[str, Any] = {"id": f"e{n}", "date": draw(st.one_of(dates, partial)), "title": draw(texts)}
        event |= {"category": draw(st.sampled_from(CATEGORIES)), "places": ["p1"], "sources": ["s1"]}
        parts.append(table("[[events]]", event | {"killed": draw(st.none() | counts)}))
    for n in range(draw(st.integers(0, 4))):
        when = sorted(draw(st.lists(partial, min_size=3, max_size=3)))
        keep = draw(st.lists(st.booleans(), min_size=3, max_size=3))
        dated = {
            k: d if kept else None
            for k, d, kept in zip(("opened", "drawdown_start", "closed"), when, keep, strict=True)
        }
        site = {"id": f"b{n}", "place": "p1", "kind": "camp", **dated, "sources": ["s1"]}
        site |= {"outcome": draw(st.none() | st.sampled_from(OUTCOMES)), "note": draw(st.none() | texts)}
        parts.append(table("[[bases]]", site))
    for n in range(draw(st.integers(0, 3))):
        figure = {"id": f"c{n}", "as_of": draw(dates), "killed": draw(counts), "qualifier": "exact"}
        figure |= {"cause": draw(st.sampled_from(["all", "hostile-acts"])), "reported_by": draw(texts)}
        figure |= {"period": draw(st.none() | st.integers(1, 9999).map(lambda y: f"{y:04d}"))}
        parts.append(table("[[casualties]]", figure | {"sources": ["s1"]}))
    if draw(st.booleans()):
        vote = {"in_favour": 15, "against": 0, "abstaining": 0, "abstainers": []}
        resolution = {"number": 9690, "adopted": draw(dates), "action": "terminate", "vote": vote}
        resolution |= {"mandate_until": draw(st.none() | dates), "summary": "S", "sources": ["s1"]}
        parts.append(table("[[resolutions]]", resolution))
    return "\n".join(parts)


def valid_file(folder: Path, text: str) -> Path:
    """The file, written; the example is dropped unless ``validate`` takes it on its own."""
    path = folder / "facts.toml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_files(fact_paths([path], bundled=False), use_cache=False)
    assume(not problems)
    return path


def run(args: list[str], stdout: Any, stderr: Any, *, width: int | None = None) -> int:
    env = Environment(stdout=stdout, stderr=stderr, width=width, stdout_isatty=False)
    return cli.run([*args, "--no-bundled", "--no-cache"], env=env)


def captured(args: list[str], *, width: int | None = None) -> tuple[int, bytes, str]:
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.TextIOWrapper(io.BytesIO())
    code = run(args, out, err, width=width)
    return code, out.buffer.getvalue(), err.buffer.getvalue().decode()


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# found by Hypothesis: a lone emoji modifier, zero cells wide to Rich but one code point
_ZERO_WIDTH_REPORTER = (
    "schema_version = 1\n"
    "[sources.s1]\n"
    'title = "T"\n'
    'publisher = "P"\n'
    'published = "n.d."\n'
    'url = "https://example.org/"\n'
    'kind = "news"\n'
    "\n"
    "[[casualties]]\n"
    'id = "c0"\n'
    "as_of = 2000-01-01\n"
    "killed = 1\n"
    'qualifier = "exact"\n'
    'cause = "hostile-acts"\n'
    'reported_by = "🏻"\n'
    'period = "0001"\n'
    'sources = ["s1"]\n'
    "\n"
    "[[casualties]]\n"
    'id = "c1"\n'
    "as_of = 2000-01-01\n"
    "killed = 0\n"
    'qualifier = "exact"\n'
    'cause = "hostile-acts"\n'
    'reported_by = "0"\n'
    'period = "0001"\n'
    'sources = ["s1"]\n'
    "\n"
    "[[casualties]]\n"
    'id = "c2"\n'
    "as_of = 2000-01-01\n"
    "killed = 0\n"
    'qualifier = "exact"\n'
    'cause = "all"\n'
    'reported_by = "0"\n'
    'sources = ["s1"]\n'
)


@SETTINGS
@given(fact_files(), st.sampled_from(["bases", "timeline", "casualties"]), st.integers(0, 2000))
@example(_ZERO_WIDTH_REPORTER, "casualties", 500)
def test_every_chart_draws_every_valid_file(tmp_path: Path, text: str, command: str, width: int) -> None:
    path = valid_file(tmp_path, text)
    code, out, err = captured([command, "--chart", "--facts", str(path)], width=width)
    assert code == 0, err
    lines = out.decode().splitlines()
    assert lines
    assert max(cell_len(line) for line in lines) <= 500  # terminal cells, not code points


def _slow_pipe(args: list[str]) -> tuple[int, bytes, str]:
    """stdout is a non-blocking pipe whose reader takes a little at a time."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    got = bytearray()

    def reader() -> None:
        while chunk := os.read(read_end, 97):
            got.extend(chunk)

    thread = threading.Thread(target=reader)
    thread.start()
    err = io.TextIOWrapper(io.BytesIO())
    with os.fdopen(write_end, "w") as out:
        code = run(args, out, err)
    thread.join(timeout=60)
    os.close(read_end)
    return code, bytes(got), err.buffer.getvalue().decode()


def _reader_gone(args: list[str]) -> tuple[int, bytes, str]:
    read_end, write_end = os.pipe()
    os.close(read_end)
    err = io.TextIOWrapper(io.BytesIO())
    with os.fdopen(write_end, "w") as out:
        code = run(args, out, err)
    return code, b"", err.buffer.getvalue().decode()


def _full(args: list[str]) -> tuple[int, bytes, str]:
    err = io.TextIOWrapper(io.BytesIO())
    with FULL.open("w") as out:
        code = run(args, out, err)
    return code, b"", err.buffer.getvalue().decode()


def _closed(args: list[str]) -> tuple[int, bytes, str]:
    err = io.TextIOWrapper(io.BytesIO())
    code = run(args, None, err)
    return code, b"", err.buffer.getvalue().decode()


STATES: dict[str, Callable[[list[str]], tuple[int, bytes, str]]] = {
    "slow non-blocking pipe": _slow_pipe,
    "reader gone": _reader_gone,
    "full disk": _full,
    "closed stdout": _closed,
}


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full here")
@SETTINGS
@given(
    fact_files(),
    st.sampled_from(["timeline", "bases", "casualties"]),
    st.sampled_from(["table", "json", "ndjson", "csv", "markdown"]),
    st.sampled_from(sorted(STATES)),
)
def test_every_format_in_every_stream_state(
    tmp_path: Path, text: str, command: str, fmt: str, state: str
) -> None:
    path = valid_file(tmp_path, text)
    args = [command, "--format", fmt, "--facts", str(path)]
    code, expected, err = captured(args)
    assert code == 0, err
    code, got, err = STATES[state](args)
    if state == "slow non-blocking pipe":
        assert (code, got, err) == (0, expected, "")
    elif state == "reader gone":
        assert (code, err) == (0, "")  # a reader that left wanted no more: not a failure
    elif not expected:  # nothing to write: nothing can fail
        assert (code, err) == (0, "")
    else:
        assert code == 4
        assert err.startswith("minusma: error: cannot write the output (")
        assert err.count("\n") == 1
