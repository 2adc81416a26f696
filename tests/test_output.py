"""Output that holds (issue 13): odd streams, locales and terminals, and text meant to trick a reader.

Most of these run the installed command in a real process, because what they
pin (a closed descriptor, a full disk, a non-blocking pipe, a locale) only
exists there.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from minusma_cli.env import Environment
from minusma_cli.errors import OutputError, PipeClosed
from tests.conftest import MINI, Invoke, installed_minusma

FULL = Path("/dev/full")
needs_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full here")

FACTS_HEAD = """schema_version = 1

[sources.src-a]
title = "Source A"
publisher = "Publisher A"
published = 2013-04-25
url = "https://example.org/a"
kind = "press-release"

[places.far-camp]
name = "Kidal"
region = "Kidal"
lat = 18.44
lon = -1.41
"""


def facts_with(body: str) -> str:
    return FACTS_HEAD + "\n" + body


def sh(command: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[bytes]:
    """A shell line with ``{m}`` for the installed command; bytes kept exactly as they came."""
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "100", **extra}
    for name in ("FORCE_COLOR", "NO_COLOR", "MINUSMA_FACTS"):
        if name not in extra:
            env.pop(name, None)
    line = command.format(m=installed_minusma())
    return subprocess.run(["bash", "-c", line], capture_output=True, env=env, cwd=tmp_path, timeout=120)


# --- exit codes whatever happens to stdout and stderr --------------------------------


def test_a_closed_stderr_leaves_success_at_0(tmp_path: Path) -> None:
    result = sh("{m} resolutions --json 2>&-", tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)[0]["id"].startswith("resolution-")


@pytest.mark.parametrize("stderr", ["2>&-", pytest.param("2>/dev/full", marks=needs_full)])
def test_a_usage_error_stays_2_without_stderr(tmp_path: Path, stderr: str) -> None:
    assert sh(f"{{m}} timeline --bogus {stderr}", tmp_path).returncode == 2


@pytest.mark.parametrize("stderr", ["2>&-", pytest.param("2>/dev/full", marks=needs_full)])
def test_bad_facts_stay_3_without_stderr(tmp_path: Path, stderr: str) -> None:
    (tmp_path / "bad.toml").write_text("schema_version = 1\n[[events]]\nid = 'x'\n")
    assert sh(f"{{m}} timeline --facts bad.toml {stderr}", tmp_path).returncode == 3


def test_a_closed_stdout_is_exit_4_with_one_line(tmp_path: Path) -> None:
    result = sh("{m} resolutions --json >&-", tmp_path)
    assert result.returncode == 4
    assert result.stderr.decode() == "minusma: error: cannot write the output (standard output is closed)\n"


@needs_full
@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv", "markdown"])
def test_a_full_disk_is_exit_4_in_every_format(tmp_path: Path, fmt: str) -> None:
    result = sh(f"{{m}} timeline --format {fmt} >/dev/full", tmp_path)
    assert result.returncode == 4
    assert b"cannot write the output" in result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize("stdout", [">&-", pytest.param(">/dev/full", marks=needs_full)])
def test_help_that_cannot_be_written_is_exit_4(tmp_path: Path, stdout: str) -> None:
    result = sh(f"{{m}} --help {stdout}", tmp_path)
    assert result.returncode == 4
    assert result.stderr.startswith(b"minusma: error: cannot write the output (")


def read_slowly(fd: int, proc: subprocess.Popen[bytes]) -> bytes:
    """Read a pipe a little at a time, so the writer meets a full pipe many times over."""
    got = bytearray()
    while chunk := os.read(fd, 512):
        got += chunk
    proc.wait(timeout=120)
    return bytes(got)


def test_a_non_blocking_pipe_with_a_slow_reader_gets_every_byte(tmp_path: Path) -> None:
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache")}
    expected = subprocess.run(
        [installed_minusma(), "timeline", "--json"], capture_output=True, env=env, check=True, timeout=120
    ).stdout
    assert len(expected) > 65536, "the output must be larger than a pipe holds"
    read_end, write_end = os.pipe()
    # O_NONBLOCK belongs to the open pipe, so the command inherits it on its stdout
    fcntl.fcntl(write_end, fcntl.F_SETFL, fcntl.fcntl(write_end, fcntl.F_GETFL) | os.O_NONBLOCK)
    proc = subprocess.Popen(
        [installed_minusma(), "timeline", "--json"], stdout=write_end, stderr=subprocess.PIPE, env=env
    )
    os.close(write_end)
    try:
        got = read_slowly(read_end, proc)
    finally:
        os.close(read_end)
    assert proc.stderr is not None
    assert proc.stderr.read() == b""
    assert proc.returncode == 0
    assert got == expected


# --- the writer itself, given its streams -----------------------------------------------


def test_the_writer_waits_out_a_full_non_blocking_pipe() -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    data = bytes(range(256)) * 2000  # 512 kB, far more than a pipe holds
    got = bytearray()
    import threading

    def reader() -> None:
        while chunk := os.read(read_end, 4096):
            got.extend(chunk)

    thread = threading.Thread(target=reader)
    thread.start()
    with os.fdopen(write_end, "w") as stdout:
        Environment(stdout=stdout, stderr=None).write(data)
    thread.join(timeout=60)
    os.close(read_end)
    assert bytes(got) == data


def test_the_writer_reports_a_reader_gone_as_a_closed_pipe() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w") as stdout, pytest.raises(PipeClosed):
        Environment(stdout=stdout, stderr=None).write(b"x")


@needs_full
def test_the_writer_reports_a_full_disk() -> None:
    with FULL.open("w") as stdout, pytest.raises(OutputError, match="No space left"):
        Environment(stdout=stdout, stderr=None).write(b"x")


def test_the_writer_reports_a_closed_stdout() -> None:
    with pytest.raises(OutputError, match="standard output is closed"):
        Environment(stdout=None, stderr=None).write(b"x")


@needs_full
def test_a_lost_or_full_stderr_is_never_an_error() -> None:
    Environment(stdout=None, stderr=None).say("nowhere")
    with FULL.open("w") as stderr:
        Environment(stdout=None, stderr=stderr).say("no room")


@pytest.mark.parametrize(
    ("columns", "width"),
    [("0", 80), ("1", 80), ("39", 80), ("40", 40), ("500", 500), ("501", 500), ("1000000", 500), ("x", 80)],
)
def test_the_width_is_held_between_40_and_500(columns: str, width: int) -> None:
    env = Environment(stdout=io.StringIO(), stderr=None, stdout_isatty=True, environ={"COLUMNS": columns})
    assert env.width == width


# --- UTF-8 whatever the locale ----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "utf-16"])
@pytest.mark.parametrize("fmt", ["json", "ndjson", "csv", "markdown"])
def test_machine_formats_are_utf8_whatever_the_locale(tmp_path: Path, encoding: str, fmt: str) -> None:
    utf8 = sh(f"{{m}} bases --format {fmt}", tmp_path, PYTHONIOENCODING="utf-8")
    odd = sh(f"{{m}} bases --format {fmt}", tmp_path, PYTHONIOENCODING=encoding, LC_ALL="C")
    assert odd.returncode == 0, odd.stderr
    assert odd.stdout == utf8.stdout
    assert "Ménaka".encode() in odd.stdout


def test_a_table_follows_the_terminal_encoding_with_escapes(tmp_path: Path) -> None:
    result = sh("{m} bases", tmp_path, PYTHONIOENCODING="ascii")
    assert result.returncode == 0
    assert b"M\\xe9naka" in result.stdout
    result.stdout.decode("ascii")  # nothing else slipped through


# --- text meant to trick a reader ---------------------------------------------------------

HOSTILE_EVENTS = """
[[events]]
id = "formula"
date = 2014-05-17
category = "attack"
title = "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"
places = ["far-camp"]
killed = 3
sources = ["src-a"]

[[events]]
id = "pipe-command"
date = 2014-05-18
category = "attack"
title = "+cmd|' /C calc'!A0"
sources = ["src-a"]

[[events]]
id = "others"
date = 2014-05-19
category = "attack"
title = "@SUM(1+1)"
sources = ["src-a"]

[[events]]
id = "tab-start"
date = 2014-05-20
category = "attack"
title = "\\t-2+3"
sources = ["src-a"]

[[events]]
id = "html"
date = 2014-05-21
category = "attack"
title = "<script>alert(1)</script> <img src=x onerror=alert(2)> & co"
sources = ["src-a"]
"""


@pytest.fixture
def hostile(invoke: Invoke, tmp_path: Path) -> Invoke:
    path = tmp_path / "hostile.toml"
    path.write_text(facts_with(HOSTILE_EVENTS), encoding="utf-8")

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return invoke(*args, "--no-bundled", "--facts", str(path), env=env)

    return run


def test_csv_cells_a_spreadsheet_would_run_get_a_quote(hostile: Invoke) -> None:
    result = hostile("timeline", "--format", "csv", "--fields", "id,title,killed")
    assert result.exit_code == 0, result.stderr
    titles = {row["id"]: row["title"] for row in csv.DictReader(io.StringIO(result.stdout))}
    assert titles == {
        "formula": '\'=HYPERLINK("http://evil.example","click")',
        "pipe-command": "'+cmd|' /C calc'!A0",
        "others": "'@SUM(1+1)",
        "tab-start": "'\t-2+3",
        "html": "<script>alert(1)</script> <img src=x onerror=alert(2)> & co",
    }


def test_csv_numbers_stay_numbers(invoke: Invoke, tmp_path: Path) -> None:
    body = '[[bases]]\nid = "kidal-camp"\nplace = "far-camp"\nkind = "camp"\nsources = ["src-a"]\n'
    path = tmp_path / "f.toml"
    path.write_text(facts_with(body), encoding="utf-8")
    result = invoke("bases", "--format", "csv", "--fields", "id,lon", "--no-bundled", "--facts", str(path))
    assert result.stdout == "id,lon\nkidal-camp,-1.41\n"


def test_json_keeps_the_text_exactly(hostile: Invoke) -> None:
    rows = json.loads(hostile("timeline", "--json").stdout)
    assert rows[0]["title"] == '=HYPERLINK("http://evil.example","click")'


def test_markdown_escapes_html(hostile: Invoke) -> None:
    out = hostile("timeline", "--format", "markdown").stdout
    assert "<script>" not in out
    assert "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; &amp; co" in out
    assert "+cmd\\|' /C calc'!A0" in out


def test_a_newline_in_a_file_name_stays_on_its_line(invoke: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "a\nb.toml"
    path.write_text("schema_version = 1\n[[events]]\nid = 'x'\n", encoding="utf-8")
    result = invoke("timeline", "--no-bundled", "--facts", str(path))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert all(line.startswith(str(tmp_path)) for line in lines[:-1]), lines
    assert "a\\nb.toml" in lines[0]


# --- terminal widths --------------------------------------------------------------------


@pytest.mark.parametrize("columns", ["0", "1", "39"])
def test_a_narrow_or_zero_width_terminal_still_gets_the_answer(tmp_path: Path, columns: str) -> None:
    result = sh("{m} bases", tmp_path, COLUMNS=columns, FORCE_COLOR="1")
    assert result.returncode == 0
    assert "Kidal" in result.stdout.decode()
    assert max(len(line) for line in result.stdout.decode().splitlines()) > 39


@pytest.mark.parametrize("args", ["bases --chart", "timeline --chart", "casualties --chart", "bases"])
def test_a_huge_width_is_drawn_at_500(tmp_path: Path, args: str) -> None:
    result = sh(f"{{m}} {args}", tmp_path, COLUMNS="1000000", FORCE_COLOR="1")
    assert result.returncode == 0, result.stderr
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", result.stdout).decode()
    assert 80 < max(len(line) for line in plain.splitlines()) <= 500


# --- charts take every date validate accepts ------------------------------------------


def base(ident: str, **dates: str) -> str:
    lines = [f"{k} = {v}" for k, v in dates.items()]
    return "\n".join(["[[bases]]", f'id = "{ident}"', 'place = "far-camp"', 'kind = "camp"', *lines,
                      'sources = ["src-a"]', ""])  # fmt: skip


def event(ident: str, date: str) -> str:
    return (
        f'[[events]]\nid = "{ident}"\ndate = {date}\ncategory = "attack"\ntitle = "t"\nsources = ["src-a"]\n'
    )


TERMINATE_IN_9999 = """[[resolutions]]
number = 9690
adopted = 2023-06-30
action = "terminate"
mandate_until = 9999-12-31
vote = { in_favour = 15, against = 0, abstaining = 0, abstainers = [] }
summary = "x"
sources = ["src-a"]
"""
FAR_BASES = {
    "closed in 9999": base("a", closed="9999-12-31"),
    "drawdown in 9999": base("a", drawdown_start="9999-12-31"),
    "closed in year 1": base("a", closed="0001-01-03"),
    "mandate until 9999": TERMINATE_IN_9999 + base("a", closed="2023-10-31"),
}


@pytest.mark.parametrize("case", FAR_BASES)
def test_a_far_date_is_clipped_not_a_crash(invoke: Invoke, tmp_path: Path, case: str) -> None:
    path = tmp_path / "far.toml"
    path.write_text(facts_with(FAR_BASES[case]), encoding="utf-8")
    assert invoke("validate", str(path)).exit_code == 0
    result = invoke("bases", "--chart", "--no-bundled", "--facts", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Sites from drawdown to closing" in result.stdout


def test_a_far_date_is_marked(invoke: Invoke, tmp_path: Path) -> None:
    body = FAR_BASES["closed in 9999"] + FAR_BASES["closed in year 1"].replace('"a"', '"b"')
    body += (
        '[[bases]]\nid = "c"\nplace = "far-camp"\nkind = "camp"\nclosed = 2020-01-03\nsources = ["src-a"]\n'
    )
    path = tmp_path / "far.toml"
    path.write_text(facts_with(body), encoding="utf-8")
    out = invoke("bases", "--chart", "--no-bundled", "--facts", str(path)).stdout
    assert "date after the window shown" in out
    assert "closed before the window shown" in out


def test_a_far_event_is_counted_not_drawn_year_by_year(invoke: Invoke, tmp_path: Path) -> None:
    body = (
        '[[events]]\nid = "far"\ndate = 9999-01-01\ncategory = "attack"\ntitle = "x"\nsources = ["src-a"]\n'
    )
    body += (
        '[[events]]\nid = "near"\ndate = 2014-01-01\ncategory = "attack"\ntitle = "y"\nsources = ["src-a"]\n'
    )
    body += (
        '[[events]]\nid = "near2"\ndate = 2015-01-01\ncategory = "attack"\ntitle = "z"\nsources = ["src-a"]\n'
    )
    path = tmp_path / "far.toml"
    path.write_text(facts_with(body), encoding="utf-8")
    result = invoke("timeline", "--chart", "--no-bundled", "--facts", str(path))
    assert result.exit_code == 0
    assert "not drawn: 1 event outside" in result.stdout
    assert len(result.stdout.splitlines()) < 80


# --- --svg ------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", [[], ["--chart"]])
def test_svg_never_changes_stdout(tmp_path: Path, chart: list[str]) -> None:
    extra = " ".join(chart)
    without = sh(f"{{m}} bases {extra} | cat", tmp_path)
    with_svg = sh(f"{{m}} bases {extra} --svg out.svg | cat", tmp_path)
    assert with_svg.returncode == 0, with_svg.stderr
    assert with_svg.stdout == without.stdout
    assert (tmp_path / "out.svg").read_text().startswith("<svg")


def test_an_empty_svg_path_is_a_usage_error(mini: Invoke) -> None:
    result = mini("bases", "--svg", "")
    assert result.exit_code == 2
    assert "--svg" in result.stderr
    assert result.stdout == ""


def test_an_unwritable_svg_path_is_exit_4(mini: Invoke, tmp_path: Path) -> None:
    result = mini("bases", "--svg", str(tmp_path / "no-such-folder" / "f.svg"))
    assert result.exit_code == 4
    assert "--svg: cannot write" in result.stderr


# --- unreadable fact files, tried as an ordinary user ------------------------------------


def as_ordinary_user(args: list[str], folder: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command as ``nobody`` when the tests run as root (root reads anything)."""
    command = [installed_minusma(), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root and setpriv is missing: cannot drop to an ordinary user")
        command = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
        probe = subprocess.run([*command[:4], installed_minusma(), "--version"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"nobody cannot run the installed minusma here: {probe.stderr.decode()[-200:]}")
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(folder / "cache"), "HOME": str(folder), **extra}
    if "MINUSMA_FACTS" not in extra:
        env.pop("MINUSMA_FACTS", None)
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder, timeout=120)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder an ordinary user can enter (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="minusma-unreadable-"))
    folder.chmod(0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def unreadable(shared: Path) -> Path:
    path = shared / "facts.toml"
    shutil.copy(MINI, path)
    path.chmod(0o000)
    return path


@pytest.mark.parametrize("route", ["--facts", "validate", "MINUSMA_FACTS"])
def test_an_unreadable_fact_file_is_exit_3(shared: Path, unreadable: Path, route: str) -> None:
    if route == "--facts":
        result = as_ordinary_user(["timeline", "--no-bundled", "--facts", str(unreadable)], shared)
    elif route == "validate":
        result = as_ordinary_user(["validate", str(unreadable)], shared)
    else:
        result = as_ordinary_user(["timeline"], shared, MINUSMA_FACTS=str(unreadable))
    assert result.returncode == 3, result.stderr
    assert str(unreadable) in result.stderr
    assert "is not readable" not in result.stderr
    assert "Traceback" not in result.stderr


# --- --fields is linear in its length ---------------------------------------------------


def test_many_repeated_fields_are_refused_at_once(invoke: Invoke) -> None:
    import time

    started = time.monotonic()
    result = invoke("resolutions", "--json", "--fields", ",".join(["id"] * 40_000))
    # 22 s before the fix; the bound is far above any machine's noise
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert "'id' given twice" in result.stderr
