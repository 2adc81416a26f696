"""What a person sees on a real terminal, 80 and 120 columns wide (a pty, read through pyte)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import MINI, installed_minusma
from tests.refresh_examples import SCREEN
from tests.screen import run_in_terminal, screen_lines, see

URL = re.compile(r"https?://\S+")
DATE = re.compile(r"\d{4}(?:-\d{2}){0,2}")


def as_json(*args: str) -> list[dict[str, object]]:
    done = subprocess.run(
        [installed_minusma(), *args, "--json"], capture_output=True, text=True, check=True, timeout=60
    )
    rows: list[dict[str, object]] = json.loads(done.stdout)
    return rows


def words_on(lines: list[str]) -> set[str]:
    return {w for line in lines for w in line.split()}


@pytest.mark.parametrize("columns", [80, 120])
def test_resolutions_fit_and_keep_numbers_and_dates_whole(columns: int) -> None:
    lines = see(["resolutions"], columns=columns)
    assert len(lines) <= 90
    assert max(len(line) for line in lines) <= columns
    on_screen = words_on(lines)
    for row in as_json("resolutions"):
        assert str(row["number"]) in on_screen
        assert row["adopted"] in on_screen  # a date never broken across lines
    # the vote cell: the count whole, the abstainers named
    row_2640 = next(line for line in lines if line.startswith("2640"))
    assert "13-0-2" in row_2640.split()
    if columns >= 120:
        assert "(abstaining: China," in row_2640
    assert "Src" in lines[1]
    assert any("--sources" in line for line in lines[-3:])


@pytest.mark.parametrize("columns", [80, 120])
def test_timeline_is_readable_not_a_flood_of_sources(columns: int) -> None:
    lines = see(["timeline"], columns=columns)
    text = "\n".join(lines)
    assert len(URL.findall(text)) <= 10
    on_screen = words_on(lines)
    rows = as_json("timeline")
    for row in rows:
        assert row["date"] in on_screen
    # one line at the end tells how to see the sources
    assert "--sources lists them" in text
    assert "show ID" in text


def test_sources_on_request_whole_urls() -> None:
    output = run_in_terminal(["resolutions", "2100", "--sources"], columns=80)
    sources = as_json("resolutions", "2100")[0]["sources"]
    assert isinstance(sources, list)
    for source in sources:
        # whole in the stream, so that a copied link works (the terminal may fold it)
        assert source["url"] in output


@pytest.mark.parametrize("columns", [80, 120])
def test_search_ids_are_never_broken(columns: int) -> None:
    lines = see(["search", "kidal"], columns=columns)
    on_screen = words_on(lines)
    for row in as_json("search", "kidal"):
        assert row["id"] in on_screen
    header = lines[1].split()
    # each id on its own line under its record's label, so that a long one still fits
    assert header == (["Type", "Date", "What", "Src"] if columns >= 120 else ["Date", "What", "Src"])


def test_summary_fits_one_screen() -> None:
    lines = see(["summary"], columns=80)
    assert len(lines) <= 50
    text = "\n".join(lines)
    assert "Gossi (closed 2018-08-24)" in text
    assert "https://" not in text
    on_day = see(["summary", "--on", "2019-06-01"], columns=80)
    assert len(on_day) <= 50
    assert any(line.startswith("mandate") and "2423" in line for line in on_day)


def test_show_spells_out_every_source() -> None:
    output = run_in_terminal(["show", "Lollesgaard"], columns=80)
    row = as_json("show", "michael-lollesgaard")[0]
    sources = row["sources"]
    assert isinstance(sources, list)
    assert sources
    for source in sources:
        assert source["url"] in output
    # as links on terminals that take them (OSC 8)
    assert "\x1b]8;" in output


def test_empty_result_says_so_on_a_terminal() -> None:
    assert see(["timeline", "--since", "2030"], columns=80) == ["(no records)"]


def test_the_pager_starts_for_a_long_answer_only() -> None:
    pager = {"MINUSMA_PAGER": "sed 's/^/PAGED: /'"}
    long = screen_lines(run_in_terminal(["timeline"], columns=80, rows=24, env=pager), 80)
    assert long[0].startswith("PAGED: ")
    assert sum(line.startswith("PAGED: ") for line in long) > 24
    short = screen_lines(run_in_terminal(["people", "--on", "2019"], columns=80, rows=24, env=pager), 80)
    assert not any(line.startswith("PAGED: ") for line in short)
    unpaged = screen_lines(run_in_terminal(["timeline", "--no-pager"], columns=80, rows=24, env=pager), 80)
    assert not any(line.startswith("PAGED: ") for line in unpaged)
    # PAGER is used when MINUSMA_PAGER is not set; piped output never pages
    via_pager = run_in_terminal(["timeline"], columns=80, rows=24, env={"PAGER": "sed 's/^/VIA-PAGER: /'"})
    assert "VIA-PAGER: " in via_pager
    piped = subprocess.run(
        [installed_minusma(), "timeline"],
        capture_output=True,
        text=True,
        env={**os.environ, **pager},
        check=True,
        timeout=60,
    )
    assert "PAGED: " not in piped.stdout


def test_mini_table_at_80_columns_right_aligns_numbers() -> None:
    lines = see(["casualties", "--no-bundled", "--facts", str(MINI)], columns=80)
    header = lines[1]
    killed_end = header.index("Killed") + len("Killed")
    rows = [line for line in lines[3:] if DATE.match(line)]
    assert rows
    for line in rows:
        assert line[killed_end - 1] != " ", line  # numbers end under the end of their header


ESCAPES = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize(
    "args",
    [
        ["timeline"],
        ["resolutions"],
        ["bases"],
        ["casualties"],
        ["casualties", "--attacks"],
        ["people"],
        ["sources"],
        ["search", "kidal"],
        ["summary"],
        ["show", "kidal-camp"],
    ],
)
def test_every_table_fits_the_terminal(args: list[str], columns: int) -> None:
    """No line wider than the screen, but a source's URL, which stays whole on its own line."""
    output = run_in_terminal(args, columns=columns, rows=1000)
    for line in ESCAPES.sub("", output).splitlines():
        if not URL.fullmatch(line.strip()):
            assert len(line) <= columns, line


def test_the_readme_screen_is_what_a_terminal_shows() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    shots = SCREEN.findall(readme)
    assert shots
    for columns, args, shown in shots:
        assert see(args.split(), columns=int(columns)) == shown.splitlines(), (
            f"{args} (python -m tests.refresh_examples redraws it)"
        )
