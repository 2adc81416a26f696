"""A large file parsed in two halves at once gives what the whole gives, or is parsed whole."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from minusma_cli import load
from minusma_cli.load import _parse_halves, cut_ok, split_point
from minusma_cli.schema import check_document
from tests.conftest import Invoke

SOURCE = (
    '[sources.s]\ntitle = "T"\npublisher = "P"\npublished = "n.d."\nurl = "https://e.org/"\nkind = "news"\n\n'
)


def event(number: int, extra: str = "") -> str:
    return (
        f'[[events]]\nid = "e{number}"\ndate = 2015-01-{number % 28 + 1:02}\ncategory = "attack"\n'
        f'title = "Event {number}"\nsources = ["s"]\n{extra}\n'
    )


def whole(data: bytes) -> dict[str, Any] | None:
    """What the usual path makes of a file: its checked document, or None when it has problems."""
    try:
        doc = tomllib.loads(data.decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return None if check_document(doc) else doc


def test_a_long_run_of_events_is_cut_before_one_in_the_middle() -> None:
    data = (SOURCE + "".join(event(i) for i in range(40))).encode()
    cut = split_point(data, at_least=0)
    assert cut is not None
    assert data[cut:].startswith(b"[[events]]\n")
    assert len(data) // 2 <= cut < len(data) * 7 // 8
    halves = _parse_halves(data, cut)
    assert halves is not None
    assert halves == whole(data)


def test_small_files_are_not_cut() -> None:
    data = (SOURCE + "".join(event(i) for i in range(40))).encode()
    assert split_point(data) is None  # under SPLIT_AT_LEAST


@pytest.mark.parametrize(
    ("tail", "cut_after"),
    [
        ('[sources.t]\ntitle = "x"\n', b"[sources.t]"),  # another table late in the file
        ("[[resolutions]]\nnumber = 1\n", b"[[resolutions]]"),
        ("[events.sub]\nx = 1\n", b"[events.sub]"),
        ("[[events]] # a comment\n", b"# a comment"),
    ],
)
def test_the_cut_comes_after_the_last_line_that_opens_anything_else(tail: str, cut_after: bytes) -> None:
    data = (
        SOURCE + "".join(event(i) for i in range(30)) + tail + "".join(event(i) for i in range(30, 90))
    ).encode()
    cut = split_point(data, at_least=0)
    assert cut is not None
    assert data.index(cut_after) < cut
    assert cut_after not in data[cut:]


@pytest.mark.parametrize(
    "text",
    [
        # a multi-line string before the first header: its lines might be anything
        'note = """\n[[events]]\n"""\n' + "".join(event(i) for i in range(40)),
        "note = '''\n'''\n" + "".join(event(i) for i in range(40)),
        # an indented table header in the second half
        SOURCE + "".join(event(i) for i in range(40)) + '  [sources.t]\ntitle = "x"\n' + event(99),
        # too few events after the last other table to be worth a second process
        SOURCE + "".join(event(i) for i in range(40)) + '[sources.t]\ntitle = "x"\n' + event(99),
        # no [[events]] before the only possible cut
        SOURCE + event(0),
    ],
    ids=["basic-multiline", "literal-multiline", "indented-header", "short-tail", "one-event"],
)
def test_files_that_are_not_cut(text: str) -> None:
    assert split_point(text.encode(), at_least=0) is None


# Pieces of documents, some valid TOML and some not, chosen to trip a cut: strings
# holding a line that reads [[events]], a static "events" array, inline tables,
# sub-tables of events, other arrays of tables, dotted keys, duplicate keys, CRLF.
adversarial = st.sampled_from(
    [
        event(1),
        event(2),
        event(3),
        event(4, 'note = "x"'),
        event(5, "killed = -1"),  # a schema problem
        event(6, "id = 2"),  # a duplicate key: a TOML error
        "[[events]]\n",
        "[[events]]\r\n",
        '[[events]]\nid = "crlf"\r\ndate = "2015"\r\ncategory = "attack"\r\ntitle = "T"\r\n'
        'sources = ["s"]\r\n',
        'events = [{id = "static"}]\n',
        'events = [{id = "static", date = "2015", category = "attack", title = "T", sources = ["s"]}]\n',
        '[[events]]\nid = "sub"\ndate = "2015"\ncategory = "attack"\ntitle = "T"\nsources = ["s"]\n'
        "[events.sub]\nx = 1\n",
        "[events.sub]\nx = 1\n",
        "[[resolutions]]\n",
        SOURCE,
        '[sources.s]\ntitle = "again"\n',
        'x = """\n[[events]]\n"""\n',
        'note = """\n',
        '"""\n',
        "a = [\n",
        "]\n",
        "[[events]] # c\n",
        '  [sources.t]\ntitle = "T"\n',
        'title.sub = "dotted"\n',
        "\n",
        "garbage = \n",
    ]
)


clean_events = st.builds(event, st.integers(1, 500))
# mostly clean events, so that many cuts are taken, with a trap now and then
pieces = st.one_of(clean_events, clean_events, clean_events, adversarial)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, min_size=2, max_size=14).map(lambda parts: ["\n", *parts]))
@example([SOURCE, event(1), 'events = [{id = "static"}]\n', event(2)])
@example(
    [
        'events = [{id = "static", date = "2015", category = "attack", title = "T", sources = ["s"]}]\n',
        event(1),
    ]
)
@example([event(1), 'x = """\n', event(2), '"""\n', event(3)])
@example(["\n", event(1), event(2), SOURCE])  # a table after the cut
@example(['x = """\n[[events]]\n"""\n', 'events = [{id = "static"}]\n', event(1), event(2)])
def test_halves_agree_with_the_whole_or_give_way(parts: list[str]) -> None:
    """Wherever a file is cut, the halves give the whole's checked document, or None (parse it whole)."""
    data = "".join(parts).encode()
    expected = whole(data)
    chosen = split_point(data, at_least=0)
    assert chosen is None or cut_ok(data, chosen)
    # every cut that cut_ok allows, not only the one split_point picks
    cuts = [i + 1 for i in range(len(data)) if data.startswith(b"\n[[events]]", i) and cut_ok(data, i + 1)]
    for cut in cuts:
        got = _parse_halves(data, cut)
        if got is not None:
            assert json.dumps(got, default=str) == json.dumps(expected, default=str), cut
        if expected is None:
            assert got is None


def test_a_large_file_is_cut_in_a_real_run(
    monkeypatch: pytest.MonkeyPatch, invoke: Invoke, tmp_path: Path
) -> None:
    monkeypatch.setattr(load, "SPLIT_AT_LEAST", 0)
    calls: list[int] = []
    real = load._parse_halves

    def spy(data: bytes, cut: int) -> dict[str, Any] | None:
        calls.append(cut)
        return real(data, cut)

    monkeypatch.setattr(load, "_parse_halves", spy)
    path = tmp_path / "many.toml"
    path.write_text(SOURCE + "".join(event(i) for i in range(60)), encoding="utf-8")
    cut = invoke("timeline", "--json", "--no-cache", "--no-bundled", "--facts", str(path))
    monkeypatch.setattr(load, "SPLIT_AT_LEAST", 1 << 40)
    plain = invoke("timeline", "--json", "--no-cache", "--no-bundled", "--facts", str(path))
    assert len(calls) == 1
    assert cut.exit_code == plain.exit_code == 0
    assert cut.stdout == plain.stdout
    assert len(json.loads(cut.stdout)) == 60


def test_a_problem_in_either_half_is_reported_as_usual(
    monkeypatch: pytest.MonkeyPatch, invoke: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "bad.toml"
    events = [event(i) for i in range(60)]
    events[10] = event(10, "killed = -1")
    events[50] = event(50, "killed = -2")
    path.write_text(SOURCE + "".join(events), encoding="utf-8")
    args = ("timeline", "--no-cache", "--no-bundled", "--facts", str(path))
    plain = invoke(*args)
    monkeypatch.setattr(load, "SPLIT_AT_LEAST", 0)
    cut = invoke(*args)
    assert plain.exit_code == cut.exit_code == 3
    assert cut.stderr == plain.stderr
    assert "killed: must not be negative (got -2)" in cut.stderr


def test_no_second_process_with_another_thread_running() -> None:
    import threading

    from minusma_cli.load import _may_fork

    assert _may_fork() == (len(os.sched_getaffinity(0)) > 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not _may_fork()
    finally:
        stop.set()
        other.join()


def test_a_child_that_fails_means_parsing_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ("\n" + SOURCE + "".join(event(i) for i in range(40))).encode()
    cut = split_point(data, at_least=0)
    assert cut is not None
    parent = os.getpid()

    def fail_in_the_child(value: Any) -> bytes:
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return json.dumps(value).encode()

    monkeypatch.setattr(load, "_json_bytes", fail_in_the_child)
    assert _parse_halves(data, cut) is None


def test_an_answer_from_a_child_that_then_failed_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a child that exits 0 is believed, even if all it sent looks whole."""
    data = ("\n" + SOURCE + "".join(event(i) for i in range(40))).encode()
    cut = split_point(data, at_least=0)
    assert cut is not None
    parent = os.getpid()
    real_open = open

    class FailsOnClose:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Any:
            return self.handle

        def __exit__(self, *exc: object) -> None:
            self.handle.close()
            raise OSError("the disk went away")

    def opener(fd: int, mode: str = "r", **kwargs: Any) -> Any:
        handle = real_open(fd, mode, **kwargs)
        return handle if os.getpid() == parent else FailsOnClose(handle)

    monkeypatch.setattr(load, "open", opener, raising=False)
    assert _parse_halves(data, cut) is None
