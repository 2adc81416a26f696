"""Loading facts and the cache, as a user and as someone else sharing the machine would try them.

Only the command line is used here (in-process, or the installed command), so that
each test also runs against an older version of the package.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import minusma_cli
from minusma_cli.cli import app
from tests.conftest import MINI, Invoke, installed_minusma

Write = Callable[..., Path]
PACKAGE = Path(minusma_cli.__file__).resolve().parent

SOURCE = (
    '[sources.s]\ntitle = "T"\npublisher = "P"\npublished = "n.d."\nurl = "https://e.org/"\nkind = "news"\n\n'
)
EVENT = '[[events]]\nid = "{id}"\ndate = 2020-01-01\ncategory = "{category}"\ntitle = "t"\nsources = ["s"]\n'
BAD_FIELD = SOURCE + EVENT.format(id="e", category="war")
#: a problem found only once every file is read (an unknown source), so line numbers are looked up later
BAD_REFERENCE = SOURCE + EVENT.format(id="e", category="attack").replace('["s"]', '["nope"]')


def cache_folder() -> Path:
    return Path(os.environ["MINUSMA_CACHE_DIR"])


def cache_files() -> list[str]:
    folder = cache_folder()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def command(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, with a time limit and at most 1 GB of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [installed_minusma(), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=limit,
        input=input,
    )


# --- each fact file is read once -------------------------------------------------------


def test_a_named_pipe_is_read_once_with_line_numbers(tmp_path: Path) -> None:
    """The file with a problem is not opened again to find its line numbers (a pipe would hang)."""
    fifo = tmp_path / "facts.toml"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("w", encoding="utf-8") as writer:
            writer.write(BAD_REFERENCE)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = command("validate", str(fifo))
    writer.join(timeout=10)
    assert result.returncode == 3, result.stderr
    assert f"{fifo}:13: events.e.sources: unknown source id 'nope'" in result.stderr


def test_dev_stdin_gets_line_numbers() -> None:
    result = command("validate", "/dev/stdin", input=BAD_REFERENCE)
    assert result.returncode == 3, result.stderr
    assert "/dev/stdin:13: events.e.sources: unknown source id 'nope'" in result.stderr


def test_dash_reads_standard_input() -> None:
    runner = CliRunner()
    args = ["resolutions", "--json", "--no-bundled", "--facts", "-"]
    result = runner.invoke(app, args, input=MINI.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in json.loads(result.stdout)] == ["resolution-2100", "resolution-2640"]
    bad = runner.invoke(app, ["validate", "-"], input=BAD_FIELD)
    assert bad.exit_code == 3
    assert "(standard input):11: events.e.category" in bad.stderr


# --- problems cost in proportion to the file --------------------------------------------


def lines_run(run: Callable[[], object]) -> int:
    """How many lines of the package's code ``run`` executes: a measure of work that is not a time."""
    package = str(PACKAGE)
    count = 0

    def local(_frame: object, event: str, _arg: object) -> object:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def on_call(frame: object, _event: str, _arg: object) -> object:
        filename: str = frame.f_code.co_filename  # type: ignore[attr-defined]
        return local if filename.startswith(package) else None

    sys.settrace(on_call)  # type: ignore[arg-type]
    try:
        run()
    finally:
        sys.settrace(None)
    return count


def _events(count: int, category: str) -> str:
    return "".join(EVENT.format(id=f"e{i}", category=category) for i in range(count))


def _facts(write: Write, *texts: str) -> Callable[[], object]:
    paths = [str(write(text, f"f{i}-{len(text)}.toml")) for i, text in enumerate(texts)]
    args = ["timeline", "--no-bundled", "--no-cache"] + [a for p in paths for a in ("--facts", p)]

    def run() -> object:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 3, result.stderr
        return result

    return run


def test_many_bad_records_cost_in_proportion(write: Write) -> None:
    """Twice the bad events is about twice the work, not four times (one problem each)."""
    one = lines_run(_facts(write, SOURCE + _events(500, "war")))
    two = lines_run(_facts(write, SOURCE + _events(1000, "war")))
    assert two / one < 2.3, (one, two)


def test_many_duplicates_across_files_cost_in_proportion(write: Write) -> None:
    one = lines_run(_facts(write, SOURCE + _events(500, "attack"), _events(500, "attack")))
    two = lines_run(_facts(write, SOURCE + _events(1000, "attack"), _events(1000, "attack")))
    assert two / one < 2.3, (one, two)


def test_a_long_array_costs_memory_in_proportion(write: Write) -> None:
    """One array of 200,000 strings: at most 2.5x the peak of the standard library's bare parse."""
    import tomllib

    path = write(
        SOURCE + '[[events]]\nid = "e"\ndate = 2020-01-01\ncategory = "attack"\ntitle = "t"\n'
        "victims = [" + ", ".join(['"Chad"'] * 200_000) + ']\nsources = ["s"]\n'
    )

    def peak(run: Callable[[], object]) -> int:
        tracemalloc.start()
        try:
            run()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def tool() -> None:
        result = CliRunner().invoke(app, ["resolutions", "--json", "--no-bundled", "--facts", str(path)])
        assert result.exit_code == 0, result.stderr

    def bare() -> None:
        with path.open("rb") as handle:
            tomllib.load(handle)

    assert peak(tool) <= 2.5 * peak(bare)


# --- the cache touches only its own files and trusts no one else's ----------------------


def test_pruning_spares_files_the_cache_did_not_write(invoke: Invoke, write: Write) -> None:
    folder = cache_folder()
    folder.mkdir(mode=0o700)
    mine = ["notes.json", "0123456789abcdef0123456789abcdef01234567.json", "facts-old.json", ".hidden.tmp"]
    for name in mine:
        (folder / name).write_text("{}")
        os.utime(folder / name, (0, 0))  # older than any entry
    text = MINI.read_text(encoding="utf-8")
    for i in range(34):
        path = write(text + f"\n# edit {i}\n", f"f{i}.toml")
        assert invoke("resolutions", "--json", "--no-bundled", "--facts", str(path)).exit_code == 0
    left = cache_files()
    assert all(name in left for name in mine)
    assert len(left) == len(mine) + 32


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_folder_others_can_write_to_is_not_used(mini: Invoke, mode: int) -> None:
    folder = cache_folder()
    folder.mkdir()
    folder.chmod(mode)
    expected = mini("timeline", "--json", "--no-cache").stdout
    assert mini("timeline", "--json").stdout == expected
    assert mini("timeline", "--json").stdout == expected
    assert cache_files() == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a folder away"
)
def test_a_folder_of_another_user_is_not_used(mini: Invoke) -> None:
    folder = cache_folder()
    folder.mkdir(mode=0o700)
    os.chown(folder, 4242, 4242)
    assert mini("timeline", "--json").exit_code == 0
    assert cache_files() == []


def _symlink_to_zero(entry: Path) -> None:
    entry.unlink()
    entry.symlink_to("/dev/zero")


def _fifo(entry: Path) -> None:
    entry.unlink()
    os.mkfifo(entry)


def _huge(entry: Path) -> None:
    with entry.open("ab") as handle:
        handle.truncate(8 * 1024**3)  # sparse: claims 8 GB, costs no disk


@pytest.mark.parametrize(
    "spoil", [_symlink_to_zero, _fifo, _huge], ids=["symlink-to-dev-zero", "fifo", "huge"]
)
def test_an_entry_is_read_only_as_a_plain_file_of_its_claimed_size(spoil: Callable[[Path], None]) -> None:
    args = ("timeline", "--json", "--no-bundled", "--facts", str(MINI))
    first = command(*args)
    assert first.returncode == 0, first.stderr
    entries = [cache_folder() / name for name in cache_files()]
    assert entries
    for entry in entries:
        spoil(entry)
    again = command(*args)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_edited_code_never_answers_from_an_old_entry(tmp_path: Path) -> None:
    """As with an editable install: the same files, the same version, one schema constant changed."""
    copy = tmp_path / "checkout"
    shutil.copytree(PACKAGE, copy / "minusma_cli", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    args = [sys.executable, "-m", "minusma_cli", "timeline", "--json", "--no-bundled", "--facts", str(MINI)]
    before = subprocess.run(
        args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False
    )
    assert before.returncode == 0, before.stderr
    schema = copy / "minusma_cli" / "schema.py"
    text = schema.read_text(encoding="utf-8")
    assert '    "attack",\n' in text
    schema.write_text(text.replace('    "attack",\n', "", 1), encoding="utf-8")
    after = subprocess.run(
        args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False
    )
    assert after.returncode == 3, after.stdout
    assert "'attack' is not one of" in after.stderr


def test_an_interrupted_write_leaves_nothing_behind() -> None:
    """A run killed between writing its entry and putting it in place; the next run tidies up."""
    killed = (
        "import os, sys\n"
        "os.replace = lambda *args, **kwargs: os._exit(9)\n"
        "from minusma_cli.cli import run\n"
        "run(sys.argv[1:])\n"
    )
    args = ["timeline", "--json", "--no-bundled", "--facts", str(MINI)]
    first = subprocess.run(
        [sys.executable, "-c", killed, *args], capture_output=True, timeout=60, check=False
    )
    assert first.returncode == 9
    assert cache_files() != []  # the torn write
    assert command(*args).returncode == 0
    [entry] = cache_files()
    assert entry.endswith(".json")
    assert not entry.startswith(".")
