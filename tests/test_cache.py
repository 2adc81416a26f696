"""The parse cache: never stale, never trusted blindly, never required."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from minusma_cli import load
from minusma_cli.factbase import SECTIONS, load_files
from minusma_cli.load import cache_dir
from tests.conftest import MINI, Invoke, installed_minusma

Write = Callable[..., Path]


def cache_files() -> list[Path]:
    directory = cache_dir()
    return sorted(directory.glob("*.json")) if directory.exists() else []


def test_clean_files_are_cached_and_served_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    first, problems = load_files([(MINI, "mini.toml")])
    assert problems == []
    assert len(cache_files()) == 1

    def no_parser(_text: str, _loaded: object) -> None:
        raise AssertionError("the TOML parser ran although the cache was warm")

    monkeypatch.setattr(load, "_parse", no_parser)
    second, _ = load_files([(MINI, "mini.toml")])
    for name in SECTIONS:
        assert getattr(second, name) == getattr(first, name), name


def test_output_is_identical_with_and_without_the_cache(mini: Invoke) -> None:
    for command in ("timeline", "resolutions", "bases", "casualties", "people", "summary"):
        cold = mini(command, "--json").stdout
        warm = mini(command, "--json").stdout
        off = mini(command, "--json", "--no-cache").stdout
        assert cold == warm == off, command


def test_a_changed_file_is_read_again(invoke: Invoke, write: Write) -> None:
    text = MINI.read_text(encoding="utf-8")
    path = write(text)
    args = ("timeline", "--json", "--no-bundled", "--facts", str(path))
    assert "Attack on the Aguelhok camp" in invoke(*args).stdout
    stat = path.stat()
    # same size and same modification time: only the content tells them apart
    path.write_text(
        text.replace("Attack on the Aguelhok camp", "Attack on the Aguelhoc camp"), encoding="utf-8"
    )
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert "Attack on the Aguelhoc camp" in invoke(*args).stdout


def _header(path: Path) -> dict[str, object]:
    head: dict[str, object] = json.loads(path.read_bytes().partition(b"\n")[0])
    return head


def _with_header(path: Path, **changes: object) -> None:
    head, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(json.dumps({**json.loads(head), **changes}).encode() + b"\n" + body)


def _another_date(path: Path) -> None:
    """Valid JSON in every part, a valid header, but one fact changed: only the checksum tells."""
    head, _, body = path.read_bytes().partition(b"\n")
    assert b'"date":"2013' in body
    path.write_bytes(head + b"\n" + body.replace(b'"date":"2013', b'"date":"2014', 1))


def _another_layout(path: Path) -> None:
    """The parts' dates in the header changed, so a run would skip the wrong ones: the checksum tells."""
    head = json.loads(path.read_bytes().partition(b"\n")[0])
    _with_header(path, events=[[length, "0001", "9999~"] for length, _, _ in head["events"]])


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
        lambda p: p.write_bytes(b"\x00\xffgarbage"),
        lambda p: p.write_text("[]"),
        lambda p: _with_header(p, format=999),
        lambda p: _with_header(p, tool="0.0.0"),
        lambda p: _with_header(p, crc32=0),
        lambda p: _with_header(p, base=1),
        lambda p: _with_header(p, events=None),
        _another_date,
        _another_layout,
    ],
    ids=[
        "truncated",
        "garbage",
        "not-an-object",
        "wrong-format",
        "wrong-version",
        "wrong-crc",
        "wrong-lengths",
        "no-layout",
        "altered-fact",
        "altered-layout",
    ],
)
def test_a_spoiled_cache_is_ignored_and_rebuilt(mini: Invoke, spoil: Callable[[Path], None]) -> None:
    expected = mini("timeline", "--json").stdout
    [entry] = cache_files()
    spoil(entry)
    result = mini("timeline", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert _header(entry)["format"] == load.CACHE_FORMAT


def test_no_cache_writes_nothing(mini: Invoke) -> None:
    assert mini("timeline", "--no-cache").exit_code == 0
    assert mini("timeline", env={"MINUSMA_NO_CACHE": "1"}).exit_code == 0
    assert cache_files() == []


def test_an_unusable_cache_folder_is_not_an_error(mini: Invoke, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = mini("timeline", "--json", env={"MINUSMA_CACHE_DIR": str(blocker / "cache")})
    assert result.exit_code == 0
    assert result.stderr == ""


def test_the_default_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MINUSMA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "minusma"


def test_files_with_problems_are_not_cached(invoke: Invoke, write: Write) -> None:
    path = write('[[events]]\nid = "x"\n')
    assert invoke("timeline", "--facts", str(path)).exit_code == 3
    assert all("events" not in f.read_text() or '"x"' not in f.read_text() for f in cache_files())


def test_two_processes_filling_the_cache_at_once(tmp_path: Path) -> None:
    """Racing writers leave one whole cache file (written to a temporary name, then renamed)."""
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "race")}
    code = (
        "from pathlib import Path; from minusma_cli.factbase import load_files; "
        f"load_files([(Path({str(MINI)!r}), 'mini')])"
    )
    for _ in range(3):
        procs = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(4)]
        assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    entries = list((tmp_path / "race").iterdir())
    assert len(entries) == 1
    assert _header(entries[0])["format"] == load.CACHE_FORMAT


def test_old_entries_are_pruned(write: Write) -> None:
    text = MINI.read_text(encoding="utf-8")
    for i in range(40):
        load_files([(write(text + f"\n# edit {i}\n", f"f{i}.toml"), "f")])
    assert len(cache_files()) == 32


def test_the_build_time_copy_of_the_bundled_facts(tmp_path: Path) -> None:
    """The wheel ships the bundled facts checked at build time, tied to their bytes."""
    from minusma_cli.load import PRECHECKED, FactFile, entry_bytes, parse_file, prechecked, source_digest

    data = MINI.read_bytes()
    source = tmp_path / "facts.toml"
    source.write_bytes(data)
    checked = FactFile(source, "facts.toml")
    parse_file(checked, data)
    (tmp_path / PRECHECKED).write_bytes(entry_bytes({"source": source_digest(data)}, checked.doc))

    used = FactFile(source, "facts.toml")
    assert prechecked(used, data, folder=tmp_path)
    assert used.doc == checked.doc
    # edited facts, or a copy that was tampered with, are parsed again
    assert not prechecked(FactFile(source, "facts.toml"), data + b"\n# edit\n", folder=tmp_path)
    (tmp_path / PRECHECKED).write_bytes((tmp_path / PRECHECKED).read_bytes().replace(b"Kidal", b"Kidel"))
    assert not prechecked(FactFile(source, "facts.toml"), data, folder=tmp_path)
    # only the file beside the copy qualifies
    assert not prechecked(FactFile(MINI, "mini.toml"), data, folder=tmp_path)


def test_the_installed_command_leaves_its_cache_entry_behind(tmp_path: Path) -> None:
    """A real run (which leaves with os._exit) has written its whole entry when it ends."""
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache")}
    args = [installed_minusma(), "timeline", "--json", "--no-bundled", "--facts", str(MINI)]
    first = subprocess.run(args, capture_output=True, env=env, timeout=60, check=True)
    entries = list((tmp_path / "cache").iterdir())
    assert [e.suffix for e in entries] == [".json"]
    assert _header(entries[0])["format"] == load.CACHE_FORMAT
    second = subprocess.run(args, capture_output=True, env=env, timeout=60, check=True)
    assert second.stdout == first.stdout
    assert first.stderr == second.stderr == b""


def _event(number: int, date: str, end: str | None) -> str:
    end_line = f'end = "{end}"\n' if end else ""
    return (
        f'[[events]]\nid = "e{number}"\ndate = "{date}"\n{end_line}category = "attack"\n'
        f'title = "Event {number}"\nsources = ["s"]\n\n'
    )


SOURCE = (
    '[sources.s]\ntitle = "T"\npublisher = "P"\npublished = "n.d."\nurl = "https://e.org/"\nkind = "news"\n\n'
)
partial_dates = st.one_of(
    st.integers(2010, 2016).map(str),
    st.builds(lambda y, m: f"{y}-{m:02}", st.integers(2010, 2016), st.integers(1, 12)),
    st.dates(dt.date(2010, 1, 1), dt.date(2016, 12, 31)).map(dt.date.isoformat),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(partial_dates, st.one_of(st.none(), partial_dates)), min_size=1, max_size=30),
    st.one_of(st.none(), partial_dates),
    st.one_of(st.none(), partial_dates),
)
@example([("2015", None), ("2015-05", None)], "2015-06", None)  # a year outlasts its months
@example([("2015-02-28", None)], None, "2015-02")  # on the last day asked for
def test_the_cached_events_answer_as_the_file_does(
    write: Write, events: list[tuple[str, str | None]], since: str | None, until: str | None
) -> None:
    """Decoding only some years of the cached events loses none of the events asked for."""
    from minusma_cli.errors import UsageError
    from minusma_cli.query import search, timeline

    # an end before its date is a fact-file error, tested elsewhere: put each pair in order
    pairs = [(d, e) if e is None or e >= d else (e, d) for d, e in events]
    path = write(SOURCE + "".join(_event(i, d, e) for i, (d, e) in enumerate(pairs)), "years.toml")
    for entry in cache_files():
        entry.unlink()
    fresh, problems = load_files([(path, "years.toml")], use_cache=False)
    assert problems == []
    load_files([(path, "years.toml")])  # fills the cache
    cached, _ = load_files([(path, "years.toml")])
    assert cached._cached_events is not None, "not served from the cache"
    try:
        want = timeline(fresh, since=since, until=until).rows
    except UsageError:
        return
    assert timeline(cached, since=since, until=until).rows == want
    assert search(cached, "Event").rows == search(fresh, "Event").rows  # file order, every event
    assert cached.events == fresh.events


def test_a_run_decodes_only_the_years_it_needs(write: Write) -> None:
    years = range(2013, 2024)
    path = write(SOURCE + "".join(_event(y, str(y), None) for y in years), "years.toml")
    load_files([(path, "y")])
    facts, _ = load_files([(path, "y")])
    cached = facts._cached_events
    assert cached is not None
    assert [e["id"] for e in facts.events_between("2020-01-01", "2020-12-31")] == ["e2020"]
    assert len(cached._decoded) == 1
    facts.section("resolutions")
    assert len(cached._decoded) == 1
    assert [e["id"] for e in facts.events] == [f"e{y}" for y in years]
    assert len(cached._decoded) == len(years)


def test_a_forged_entry_is_removed_with_a_message(mini: Invoke) -> None:
    """An entry whose checksum was made to match a broken part: exit 70, then a clean rebuild."""
    import zlib

    expected = mini("timeline", "--json").stdout
    [entry] = cache_files()
    head, _, body = entry.read_bytes().partition(b"\n")
    header = json.loads(head)
    base = header["base"]
    length = header["events"][0][0]
    forged = b"[" + b" " * (length - 2) + b"]"  # valid JSON, the wrong shape
    body = body[:base] + forged + body[base + length :]
    layout = {"base": base, "events": header["events"], "count": header["count"]}
    crc = zlib.crc32(body, zlib.crc32(json.dumps(layout, separators=(",", ":")).encode()))
    entry.write_bytes(json.dumps({**header, "crc32": crc}).encode() + b"\n" + body)

    result = mini("timeline", "--json")
    assert result.exit_code == 70
    assert "could not be read and was removed" in result.stderr
    assert "Traceback" not in result.stderr
    assert not entry.exists()
    again = mini("timeline", "--json")
    assert again.exit_code == 0
    assert again.stdout == expected
