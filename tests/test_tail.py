"""The fast reader of closing event tables gives what tomllib gives, or gives way to it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from minusma_cli import tail
from tests.conftest import Invoke

REAL_LOADS = tomllib.loads
SOURCE = (
    '[sources.s]\ntitle = "T"\npublisher = "P"\npublished = "n.d."\nurl = "https://e.org/"\nkind = "news"\n\n'
)


def event(number: int, extra: str = "") -> str:
    return (
        f'[[events]]\nid = "e{number}"\ndate = 2015-01-{number % 28 + 1:02}\ncategory = "attack"\n'
        f'title = "Event {number}"\nsources = ["s"]\n{extra}\n'
    )


def typed(value: Any) -> str:
    """A form of a parsed document in which 1 and True, or a date and its text, differ."""
    return repr(value)


def agrees(text: str) -> tuple[Any, Any]:
    """The fast reading and tomllib's (None when tomllib refuses); the fast one may be None."""
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        expected = None
    got = tail.parse(text)
    if got is not None:
        assert typed(got) == typed(expected)
    return got, expected


def test_a_plain_run_of_events_is_read_without_tomllib(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = "killed = 3\nvictims = []\nurgent = true\nlate = false\nnote = 'a'\n"
    body = "".join(event(i, extra) for i in range(20))
    expected = tomllib.loads(body)

    def refuse(text: str) -> dict[str, Any]:
        raise AssertionError("tomllib was asked to read " + text[:30])

    monkeypatch.setattr(tomllib, "loads", refuse)
    got = tail.read_events(body)
    assert got is not None
    assert typed(got) == typed(expected["events"])


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text given to tomllib.loads during the test, which still parses it."""
    texts: list[str] = []

    def spy(text: str) -> dict[str, Any]:
        texts.append(text)
        return REAL_LOADS(text)

    monkeypatch.setattr(tomllib, "loads", spy)
    return texts


def test_an_event_the_fast_reader_cannot_take_goes_to_tomllib_alone(asked: list[str]) -> None:
    tables = [event(i) for i in range(6)]
    tables[3] = event(3, 'note = "a \\"quoted\\" word"\nweight = 1.5\n')
    body = "".join(tables)
    got = tail.read_events(body)
    assert asked == [tables[3]]
    assert typed(got) == typed(REAL_LOADS(body)["events"])


def test_a_tail_of_mostly_other_lines_goes_to_tomllib_whole(asked: list[str]) -> None:
    body = "".join(event(i, "weight = 1.5\n" if i % 3 else "") for i in range(1200))
    assert tail.read_events(body) is None
    assert len(asked) == tail._HANDED_AT_MOST  # the next one makes it give up
    asked.clear()
    mixed = "".join(event(i, "weight = 1.5\n" if i % 3 == 0 else "") for i in range(1200))
    got = tail.read_events(mixed)
    assert got is not None
    assert len(asked) == 400
    assert typed(got) == typed(REAL_LOADS(mixed)["events"])


@pytest.mark.parametrize(
    ("text", "starts_before"),
    [
        (SOURCE + event(1) + event(2), event(1)),
        (event(1) + event(2), event(1)),
        (event(1) + SOURCE + event(2) + event(3), event(2)),
        (event(1) + '[events.sub]\nx = 1\n' + event(2), event(2)),
        (event(1) + "[[events]] # a comment\n" + event(2), event(1)),  # a header too
        ('x = [\n["a"]]\n' + event(1), event(1)),
    ],
)  # fmt: skip
def test_the_tail_starts_after_the_last_other_table(text: str, starts_before: str) -> None:
    assert tail.tail_start(text) == text.index(starts_before)


@pytest.mark.parametrize("text", ["", SOURCE, "[[events]]x\n", event(1) + "[sources.t]\n", "a = 1"])
def test_no_tail(text: str) -> None:
    assert tail.tail_start(text) is None or tail.parse(text) is None


@pytest.mark.parametrize(
    ("head", "is_open"),
    [
        (event(1), True),
        (SOURCE + event(1), True),
        ("[[events]] # c\nid = 'x'\n", True),
        ('x = """\n"""\n' + event(1), False),  # cannot tell: the header might be inside a string
        ("x = '''\n'''\n" + event(1), False),
        ('events = [{id = "static"}]\n', False),
        (SOURCE, False),
    ],
)
def test_events_are_open_only_where_a_header_shows_it(head: str, is_open: bool) -> None:
    assert tail.events_are_open(head) is is_open


# Lines a fact file may hold, each valid or not on its own, chosen around the edges of
# what the fast reader takes: escapes, literal and multi-line strings, dates with a
# time or out of range, numbers in every TOML spelling, arrays over several lines or
# of other types, comments, CRLF and bare CR, control characters, dotted and quoted
# and duplicate keys, sub-tables and other tables, headers spelt differently.
LINES = [
    'id = "x"', "id = 'x'", 'note = "a \\"b\\""', 'note = "tab\there"',
    'note = "ctl\x01"', "note = 'ctl\x7f'",
    'note = "\\u00e9"', 'note = "\\U0001F600"', 'note = "\\ud800"', 'note = "\\U00110000"', 'note = "\\x41"',
    'note = "\\e"', 'note = "a\\\\b"', 'note = "\\b\\t\\n\\f\\r"', 'note = "\\u00"', 'note = "end\\"',
    'note = "\\u0000"', 'note = "\\\\"', 'note = "\\ "', 'note = "x\\"y"',
    'places = ["a\\u0041"]',
    'note = "é ✓ 𝄞"', 'note = ""', "note = ''", 'note = """', '"""', "note = '''", "'''", 'note = """x"""',
    "date = 2015-01-02", "date = 2015-02-30", "date = 2015-13-01", "date = 2015-01-02T10:00:00",
    "date = 2015-01-02 10:00:00", "date = 2015-01-02 # c", "date = 2015-1-2", 'date = "2015"',
    "killed = 0", "killed = -0", "killed = +3", "killed = 007", "killed = 1_000", "killed = 0x1f",
    "killed = 12345678901234567890", "killed = 1.5", "killed = 1e3", "killed = inf", "killed = -1",
    "urgent = true", "urgent = false", "urgent = True", "urgent = truex",
    'places = ["a"]', 'places = ["a", "b"]', 'places = [ "a" , "b" , ]', "places = []", "places = [ ]",
    "places = [,]", 'places = ["a",,]', 'places = ["a" "b"]', "places = [1, 2]", "places = ['a']",
    'places = ["a", 1]', "places = [", '"a"]', "]", 'places = [["a"]]', 'places = ["a\\"b"]',
    'vote = { in_favour = 1 }', "vote = {", 'title.sub = "dotted"', '"quoted key" = 1', "'lit key' = 1",
    'id = "dup"', "  indented = 1", "\tindented = 2", "key=1", "key =1", "key= 1", "key = 1 # c",
    "key = 1#c", "key = 1 # c\x01", "# a comment", "   # an indented comment", "#", "", "   ", "\t",
    "[[events]]", "[[events]] # c", "[[events]]   ", "[[events]]x", "[[ events ]]", "  [[events]]",
    "[events]", "[events.sub]", "[[events.sub]]", "[sources.t]", "  [sources.t]", "\t[x]", "[[resolutions]]",
    "events = []",
    'events = [{id = "static"}]', "garbage", "key = ", "= 1", "key = 1 2",
]  # fmt: skip

#: lines the fast reader takes, so that many documents are read by it from end to end
PLAIN = [
    'note = "x"', 'note = "say \\"hi\\" \\u00e9"', "note = 'y'", "flag = true", "flag = false",
    "killed = 4", "killed = -0",
    "date = 2016-02-29", 'places = ["a", "b"]', "places = []", "# c", "", 'title = "é"',
]  # fmt: skip
line = st.one_of(st.sampled_from(PLAIN), st.sampled_from(LINES))
ending = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
event_block = st.builds(event, st.integers(0, 40))


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            parts.append(draw(event_block))
        else:
            parts.append(draw(line) + draw(ending))
    text = "".join(parts)
    if draw(st.booleans()):
        text = text.rstrip("\n")  # no line break at the end
    return text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example(event(1) + 'note = """\n[[events]]\n"""\n' + event(2))
@example('events = [{id = "static"}]\n' + event(1))
@example(event(1) + 'events = [{id = "static"}]\n' + event(2))
@example(event(1) + "[x]\n" + event(2) + "id = 'dup'\n")
@example(event(1) + "  [x]\ny = 1\n" + event(2))
@example("[[events]]\nid = 1\r")
@example("[[events]]\nplaces = []\nplaces = []\n")
def test_the_fast_reading_is_tomllibs(text: str) -> None:
    got, expected = agrees(text)
    if expected is None:
        assert got is None


def test_every_edge_line_inside_an_event() -> None:
    """Each line of the list, inside an event, alone or twice, with each line ending."""
    read = 0
    for text in LINES:
        for end in ("\n", "\r\n", "\r"):
            for body in (text + end, text + end + text + end):
                got, expected = agrees(SOURCE + event(1) + body + event(2))
                if expected is None:
                    assert got is None, body
                read += got is not None
    assert read > 50  # most valid ones are read fast (or by tomllib, one table alone)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("[]\"'#=,.-_ \t\r\nabe0123456789svnT:\\{}\x01\x7fé")), max_size=80
    ).map(lambda noise: "[[events]]\n" + noise)
)
def test_noise_after_a_header(text: str) -> None:
    got, expected = agrees(text)
    if expected is None:
        assert got is None


def test_plain_files_take_the_fast_path() -> None:
    text = SOURCE + "".join(event(i, "killed = 2\n") for i in range(50))
    got, _ = agrees(text)
    assert got is not None
    assert len(got["events"]) == 50


def test_problems_in_the_tail_are_reported_as_from_the_whole(invoke: Invoke, write: Any) -> None:
    tables = [event(i) for i in range(60)]
    tables[10] = event(10, "killed = -1")
    tables[50] = event(50, "killed = -2")
    path: Path = write(SOURCE + "".join(tables))
    result = invoke("timeline", "--no-cache", "--no-bundled", "--facts", str(path))
    assert result.exit_code == 3
    lines = [line for line in result.stderr.splitlines() if not line.startswith("minusma:")]
    where_10 = SOURCE.count("\n") + 1 + "".join(tables[:10]).count("\n") + 6
    where_50 = SOURCE.count("\n") + 1 + "".join(tables[:50]).count("\n") + 6
    assert lines == [
        f"{path}:{where_10}: events.e10.killed: must not be negative (got -1)",
        f"{path}:{where_50}: events.e50.killed: must not be negative (got -2)",
    ]


def test_a_syntax_error_in_the_tail_is_tomllibs(invoke: Invoke, write: Any) -> None:
    tables = [event(i) for i in range(30)]
    tables[20] = event(20, "killed = 0x\n")
    path: Path = write(SOURCE + "".join(tables))
    result = invoke("timeline", "--no-cache", "--no-bundled", "--facts", str(path))
    assert result.exit_code == 3
    line = SOURCE.count("\n") + "".join(tables[:20]).count("\n") + 7
    assert f"{path}:{line}: TOML syntax error" in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "[[events]]\nx = " + "1" * 5000 + "\n",
        "a = " + "1" * 5000 + "\n[[events]]\nid = 1\n",
        "[[events]]\nx = " + "1" * 5000 + "\ny = 1.5\n",
        "[[events]]\nx = 1_" + "1" * 5000 + "\n",
    ],
    ids=["fast-line", "head", "table-alone", "underscores"],
)
def test_an_int_too_long_for_python_is_left_to_the_whole_parse(text: str) -> None:
    with pytest.raises(ValueError, match="digits"):
        tomllib.loads(text)
    assert tail.parse(text) is None


@pytest.mark.parametrize(
    "line",
    [
        "k = [" + " " * 20_000 + "]" + " " * 20_000 + "x",
        'k = ["a"' + " " * 20_000 + "]" + " " * 20_000 + "x",
        "k = [" + " " * 40_000 + "x",
        "k = 1" + " " * 40_000 + "x",
        'k = "a"' + " " * 40_000 + "\x01",
    ],
    ids=["empty-array", "array", "open-array", "int", "string"],
)
def test_a_long_line_that_does_not_match_is_refused(line: str) -> None:
    assert tail._LINE.match(line + "\n") is None
    assert tail.parse("[[events]]\n" + line + "\n") is None


def test_no_run_of_spaces_in_the_line_pattern_can_give_back() -> None:
    """Possessive runs: a refused line is tried once, not in every split of its spaces.

    (Not timed: with greedy runs the lines above take seconds to minutes each.)
    """
    pattern = tail._LINE.pattern
    assert pattern.count("[ \\t]*+") >= 8
    assert "[ \\t]*" not in pattern.replace("[ \\t]*+", "")
    assert "]*)" not in pattern
    assert ']*"' not in pattern
