"""The parse cache: never stale, never trusted blindly, never required."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from minusma_cli.factbase import SECTIONS
from minusma_cli.store import cache, load_files, toml
from minusma_cli.store.cache import cache_dir
from tests.conftest import MINI, Invoke, installed_minusma

Write = Callable[..., Path]


def cache_files() -> list[Path]:
    directory = cache_dir()
    return sorted(directory.glob("*.json")) if directory.exists() else []


def test_clean_files_are_cached_and_served_from_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    first, problems = load_files([(MINI, "mini.toml")])
    assert problems == []
    assert len(cache_files()) == 1

    def no_parser(_text: str) -> None:
        raise AssertionError("the TOML parser ran although the cache was warm")

    monkeypatch.setattr(toml, "parse", no_parser)
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


def _another_fact(path: Path) -> None:
    """Valid JSON, a valid header, but one fact changed: only the checksum tells."""
    head, _, body = path.read_bytes().partition(b"\n")
    assert b'"date":"2013' in body
    path.write_bytes(head + b"\n" + body.replace(b'"date":"2013', b'"date":"2014', 1))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
        lambda p: p.write_bytes(b"\x00\xffgarbage"),
        lambda p: p.write_text("[]"),
        lambda p: _with_header(p, format=999),
        lambda p: _with_header(p, code="0" * 40),
        lambda p: _with_header(p, files=[["/elsewhere.toml", "0" * 40]]),
        lambda p: _with_header(p, crc32=0),
        lambda p: _with_header(p, size=1),
        lambda p: p.write_bytes(p.read_bytes() + b" "),
        _another_fact,
    ],
    ids=[
        "truncated",
        "garbage",
        "not-an-object",
        "wrong-format",
        "other-code",
        "other-files",
        "wrong-crc",
        "wrong-size",
        "longer-than-claimed",
        "altered-fact",
    ],
)
def test_a_spoiled_cache_is_ignored_and_rebuilt(mini: Invoke, spoil: Callable[[Path], None]) -> None:
    expected = mini("timeline", "--json").stdout
    [entry] = cache_files()
    spoil(entry)
    result = mini("timeline", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert _header(entry)["format"] == cache.FORMAT


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
        "from pathlib import Path; from minusma_cli.store import load_files; "
        f"load_files([(Path({str(MINI)!r}), 'mini')])"
    )
    for _ in range(3):
        procs = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(4)]
        assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    entries = list((tmp_path / "race").iterdir())
    assert len(entries) == 1
    assert _header(entries[0])["format"] == cache.FORMAT


def test_old_entries_are_pruned(write: Write) -> None:
    text = MINI.read_text(encoding="utf-8")
    for i in range(40):
        load_files([(write(text + f"\n# edit {i}\n", f"f{i}.toml"), "f")])
    assert len(cache_files()) == 32


def test_the_installed_command_leaves_its_cache_entry_behind(tmp_path: Path) -> None:
    """A real run (which leaves with os._exit) has written its whole entry when it ends."""
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache")}
    args = [installed_minusma(), "timeline", "--json", "--no-bundled", "--facts", str(MINI)]
    first = subprocess.run(args, capture_output=True, env=env, timeout=60, check=True)
    entries = list((tmp_path / "cache").iterdir())
    assert [e.suffix for e in entries] == [".json"]
    assert _header(entries[0])["format"] == cache.FORMAT
    second = subprocess.run(args, capture_output=True, env=env, timeout=60, check=True)
    assert second.stdout == first.stdout
    assert first.stderr == second.stderr == b""


def test_an_entry_made_for_other_files_is_not_used(write: Write) -> None:
    """An entry put under the name of another set of files is a miss: its header names its own files."""
    good = write(MINI.read_text(encoding="utf-8"), "good.toml")
    bad = write(MINI.read_text(encoding="utf-8").replace('"attack"', '"war"'), "bad.toml")
    assert load_files([(good, "good")])[1] == []
    [entry] = cache_files()
    key, _ = cache.make_key([[str(bad.resolve()), cache.digest(bad.read_bytes())]])
    entry.rename(entry.with_name(f"facts-{key}.json"))
    _, problems = load_files([(bad, "bad")])
    assert any("'war' is not one of" in p.what for p in problems)
