"""Strength, contributors, budgets and casualties by nationality, through the CLI.

Over tests/assets/kinds.toml only (--no-bundled), so that these tests do not move
when the bundled facts change.  Key sets are written out here from the JSON
contract (docs/json.md), not taken from the code's own lists.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from tests.conftest import ASSETS, Invoke

KINDS = ASSETS / "kinds.toml"

STRENGTH_KEYS = ["id", "as_of", "military", "police", "civilians", "total", "reported_by", "note", "sources"]
CONTRIBUTOR_KEYS = [
    "id",
    "country",
    "as_of",
    "military",
    "police",
    "total",
    "part",
    "rank",
    "reported_by",
    "note",
    "sources",
]
BUDGET_KEYS = ["id", "period_start", "period_end", "amount_usd", "kind", "approved_by", "note", "sources"]
CASUALTY_KEYS = [
    "id",
    "as_of",
    "period",
    "killed",
    "injured",
    "qualifier",
    "injured_qualifier",
    "cause",
    "nationality",
    "reported_by",
    "note",
    "sources",
]
SOURCE_KEYS = ["id", "title", "publisher", "published", "url"]
#: how the test file's newspaper source appears in every record's JSON
NEWS_SOURCE = {
    "id": "s-news",
    "title": "Peacekeepers in figures",
    "publisher": "A newspaper",
    "published": "2023-07",
    "url": "https://example.org/news",
}


@pytest.fixture
def kinds(invoke: Invoke) -> Invoke:
    """Run the CLI over the test file of strength, contributors and budgets only."""

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return invoke(*args, "--no-bundled", "--facts", str(KINDS), env=env)

    return run


def as_json(result: Any) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


def ids(result: Any) -> list[str]:
    return [row["id"] for row in as_json(result)]


def usage_error(result: Any, *fragments: str) -> None:
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr


# --- strength ------------------------------------------------------------------------


def test_strength_json_shape_is_pinned(kinds: Invoke) -> None:
    rows = as_json(kinds("strength", "--json"))
    for row in rows:
        assert list(row) == STRENGTH_KEYS
        assert [list(s) for s in row["sources"]] == [SOURCE_KEYS] * len(row["sources"])
    assert rows[0] == {
        "id": "strength-2013-09",
        "as_of": "2013-09",
        "military": 5201,
        "police": 809,
        "civilians": None,
        "total": 6010,
        "reported_by": "A newspaper",
        "note": None,
        "sources": [NEWS_SOURCE],
    }


def test_strength_is_in_date_order_and_filtered_by_date(kinds: Invoke) -> None:
    assert ids(kinds("strength", "--json", "--since", "2023")) == [
        "strength-2023-02-a",
        "strength-2023-02-b",
        "strength-2023-07",
    ]
    assert ids(kinds("strength", "--json", "--until", "2014-01")) == ["strength-2013-09", "strength-2014-01"]
    assert ids(kinds("strength", "--json", "--since", "2019-02", "--until", "2019-02")) == [
        "strength-2019-02-28"
    ]
    assert kinds("strength", "--json", "--since", "2030").stdout == "[]\n"


# --- contributors ----------------------------------------------------------------------


def test_contributors_json_shape_is_pinned(kinds: Invoke) -> None:
    rows = as_json(kinds("contributors", "--json", "--country", "Egypt"))
    assert rows == [
        {
            "id": "contributor-egypt-2022-07-15",
            "country": "Egypt",
            "as_of": "2022-07-15",
            "military": 1035,
            "police": None,
            "total": None,
            "part": None,
            "rank": None,
            "reported_by": None,
            "note": "Suspended its contingent's activities: see egypt-suspends-2022-07-15 in the timeline.",
            "sources": [NEWS_SOURCE],
        }
    ]
    for row in as_json(kinds("contributors", "--json")):
        assert list(row) == CONTRIBUTOR_KEYS


@pytest.mark.parametrize("name", ["Chad", "CHAD", "chad", " chad "])
def test_one_country_ignoring_case(kinds: Invoke, name: str) -> None:
    assert ids(kinds("contributors", "--json", "--country", name)) == [
        "contributor-chad-2013-09",
        "contributor-chad-2017-07",
        "contributor-chad-2022-03-battalion",
    ]


@pytest.mark.parametrize("name", ["Côte d'Ivoire", "cote d'ivoire", "COTE D'IVOIRE"])
def test_one_country_ignoring_accents(kinds: Invoke, name: str) -> None:
    assert ids(kinds("contributors", "--json", "--country", name)) == ["contributor-cote-divoire-2019-12-31"]


def test_on_a_date_a_battalion_does_not_hide_the_whole_contingent(kinds: Invoke) -> None:
    rows = {r["country"]: r for r in as_json(kinds("contributors", "--json", "--on", "2022-06"))}
    # Chad's battalion (2022-03, 650) is later than its whole contingent (2017-07, 1,412)
    assert rows["Chad"]["id"] == "contributor-chad-2017-07"
    # a country known only by part of its contingent is still listed, saying so
    assert rows["Guinea"]["id"] == "contributor-guinea-2022-02-fpu"
    assert rows["Guinea"]["part"] == "formed police unit"
    # and on screen the table names what such a figure counts
    table = kinds("contributors", "--country", "Guinea", env={"COLUMNS": "80"})
    assert "formed police unit" in table.stdout


def test_summary_says_when_a_large_figure_counts_part_of_a_contingent(kinds: Invoke, tmp_path: Path) -> None:
    extra = tmp_path / "ghana.toml"
    extra.write_text(
        '[[contributors]]\nid = "ghana-two-battalions"\ncountry = "Ghana"\nas_of = "2019-06"\n'
        'military = 2000\npart = "two battalions"\nsources = ["s-news"]\n',
        encoding="utf-8",
    )
    result = kinds("summary", "--on", "2020", "--facts", str(extra), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "Ghana 2,000 military, two battalions (2019-06)" in result.stdout
    # the five largest are whole contingents where a country has one: Chad's 2017 figure, not its battalion
    row = as_json(kinds("summary", "--json", "--on", "2022-06"))[0]
    assert "contributor-chad-2017-07" in [c["id"] for c in row["contributors"]]
    assert "contributor-chad-2022-03-battalion" not in [c["id"] for c in row["contributors"]]


def test_unknown_country_is_a_usage_error_with_a_suggestion(kinds: Invoke) -> None:
    usage_error(kinds("contributors", "--country", "Chda"), "no country 'Chda'", "did you mean Chad?")
    # no near name: the known ones are listed
    usage_error(kinds("contributors", "--country", "Atlantis"), "it knows Bangladesh, Burkina Faso")
    usage_error(kinds("contributors", "--country", " "), "give some text")


def test_a_known_country_without_contingent_figures_is_an_empty_answer(kinds: Invoke) -> None:
    # the Netherlands appear only as a nationality of casualties
    assert kinds("contributors", "--json", "--country", "Netherlands").stdout == "[]\n"


def test_on_a_date_each_country_latest_figure_largest_first(kinds: Invoke) -> None:
    rows = as_json(kinds("contributors", "--json", "--on", "2020-01-01"))
    assert [(r["country"], r["as_of"]) for r in rows] == [
        ("Burkina Faso", "2018-05"),
        ("Chad", "2017-07"),  # 1,412 military: the 2013 figure is older
        ("Bangladesh", "2019-12-31"),  # 1,400 and 1,380: two sources disagree, both kept
        ("Bangladesh", "2019-12-31"),
        ("Senegal", "2019-12-31"),
        ("Togo", "2013-09"),
        ("Côte d'Ivoire", "2019-12-31"),
        ("Niger", "2013-09"),
    ]
    # a report dated by its month only counts as at or before any day of that month
    assert [r["country"] for r in as_json(kinds("contributors", "--json", "--on", "2013-09-01"))] == [
        "Chad",
        "Togo",
        "Niger",
    ]
    assert kinds("contributors", "--json", "--on", "2013-08").stdout == "[]\n"


def test_on_with_a_country_and_a_range(kinds: Invoke) -> None:
    assert ids(kinds("contributors", "--json", "--on", "2016", "--country", "chad")) == [
        "contributor-chad-2013-09"
    ]
    assert ids(kinds("contributors", "--json", "--since", "2019", "--until", "2021")) == [
        "contributor-bangladesh-2019-12-31",
        "contributor-bangladesh-2019-12-31-other",
        "contributor-senegal-2019-12-31",
        "contributor-cote-divoire-2019-12-31",
    ]


# --- budget ----------------------------------------------------------------------------


def test_budget_json_shape_is_pinned(kinds: Invoke) -> None:
    rows = as_json(kinds("budget", "--json"))
    for row in rows:
        assert list(row) == BUDGET_KEYS
    assert rows[2] == {
        "id": "budget-2018-19",
        "period_start": "2018-07-01",
        "period_end": "2019-06-30",
        "amount_usd": 1074718900,
        "kind": "appropriation",
        "approved_by": "UN General Assembly (resolution 72/297)",
        "note": None,
        "sources": [
            {
                "id": "s-ga",
                "title": "Fifth Committee approves peacekeeping budgets",
                "publisher": "UN General Assembly",
                "published": "2018-07-05",
                "url": "https://example.org/ga",
            }
        ],
    }


def test_budget_since_and_until_meet_the_period(kinds: Invoke) -> None:
    assert ids(kinds("budget", "--json", "--since", "2014-01", "--until", "2014-06")) == ["budget-2013-14"]
    assert ids(kinds("budget", "--json", "--since", "2019", "--until", "2019")) == ["budget-2018-19"]
    assert ids(kinds("budget", "--json", "--since", "2024")) == ["budget-2023-24"]
    assert ids(kinds("budget", "--json", "--until", "2013-07-01")) == [
        "budget-2013-commitment",
        "budget-2013-14",
    ]


# --- casualties: nationalities and causes ------------------------------------------------


def test_casualties_are_mission_wide_by_default(kinds: Invoke) -> None:
    rows = as_json(kinds("casualties", "--json"))
    assert [r["id"] for r in rows] == ["mission-illness-2016", "mission-all-2023"]
    for row in rows:
        assert list(row) == CASUALTY_KEYS
        assert row["nationality"] is None


def test_casualties_of_one_nationality(kinds: Invoke) -> None:
    rows = as_json(kinds("casualties", "--json", "--nationality", "chad"))
    assert [(r["id"], r["nationality"], r["killed"]) for r in rows] == [
        ("chad-all-2017", "Chad", 47),
        ("chad-all-2023", "Chad", 82),
    ]
    assert ids(kinds("casualties", "--json", "-n", "cote d'ivoire")) == ["cote-divoire-illness-2018"]
    assert ids(kinds("casualties", "--json", "-n", "Chad", "--since", "2020")) == ["chad-all-2023"]


def test_every_nationality_apart_from_the_totals(kinds: Invoke) -> None:
    rows = as_json(kinds("casualties", "--json", "--all-nationalities"))
    assert [(r["nationality"], r["id"]) for r in rows] == [
        ("Chad", "chad-all-2017"),
        ("Chad", "chad-all-2023"),
        ("Côte d'Ivoire", "cote-divoire-illness-2018"),
        ("Netherlands", "netherlands-accident-2016"),
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--cause", "illness"], ["mission-illness-2016"]),
        (["--cause", "accident"], []),
        (["--cause", "accident", "--all-nationalities"], ["netherlands-accident-2016"]),
        (
            ["--cause", "accident", "--cause", "illness", "--all-nationalities"],
            ["cote-divoire-illness-2018", "netherlands-accident-2016"],
        ),
    ],
)
def test_new_causes(kinds: Invoke, args: list[str], expected: list[str]) -> None:
    assert ids(kinds("casualties", "--json", *args)) == expected


def test_casualty_nationality_errors(kinds: Invoke) -> None:
    usage_error(kinds("casualties", "--nationality", "Chadd"), "no country 'Chadd'", "did you mean Chad?")
    usage_error(kinds("casualties", "--nationality", "Chad", "--all-nationalities"), "choose one")
    usage_error(kinds("casualties", "--attacks", "--nationality", "Chad"), "--attacks lists the deadliest")
    usage_error(kinds("casualties", "--cause", "disease"), "illness")


def test_the_nationality_column_shows_only_with_nationalities(kinds: Invoke) -> None:
    assert "Nationality" not in kinds("casualties").stdout
    table = kinds("casualties", "--all-nationalities").stdout
    assert "Nationality" in table
    assert "Côte d'Ivoire" in table


# --- summary ---------------------------------------------------------------------------


def test_summary_on_a_date_adds_strength_contributors_and_budget(kinds: Invoke) -> None:
    row = as_json(kinds("summary", "--json", "--on", "2019-03-01"))[0]
    assert [s["id"] for s in row["strength"]] == ["strength-2019-02-28"]
    assert [list(s) for s in row["strength"]] == [STRENGTH_KEYS]
    assert [(c["country"], c["as_of"]) for c in row["contributors"]] == [
        ("Burkina Faso", "2018-05"),
        ("Chad", "2017-07"),
        ("Togo", "2013-09"),
        ("Niger", "2013-09"),
    ]
    assert [b["id"] for b in row["budget"]] == ["budget-2018-19"]
    assert [list(b) for b in row["budget"]] == [BUDGET_KEYS]
    # the sources of these figures are cited by the summary too
    assert {"s-sg", "s-news", "s-ga"} <= {s["id"] for s in row["sources"]}


def test_summary_five_largest_contributors_keep_disagreeing_figures(kinds: Invoke) -> None:
    row = as_json(kinds("summary", "--json", "--on", "2020"))[0]
    assert [c["id"] for c in row["contributors"]] == [
        "contributor-burkina-faso-2018-05",
        "contributor-chad-2017-07",
        "contributor-bangladesh-2019-12-31",
        "contributor-bangladesh-2019-12-31-other",
        "contributor-senegal-2019-12-31",
        "contributor-togo-2013-09",
    ]
    # disagreeing strength reports of the same date stand side by side
    later = as_json(kinds("summary", "--json", "--on", "2023-03"))[0]
    assert [s["id"] for s in later["strength"]] == ["strength-2023-02-a", "strength-2023-02-b"]


def test_summary_keys_are_the_same_with_and_without_a_date(kinds: Invoke) -> None:
    whole = as_json(kinds("summary", "--json"))[0]
    on = as_json(kinds("summary", "--json", "--on", "2013-01"))[0]
    assert list(whole) == list(on)
    assert whole["strength"] is None
    assert whole["contributors"] is None
    assert whole["budget"] is None
    # before any report: empty lists, not figures from later
    assert on["strength"] == []
    assert on["contributors"] == []
    assert on["budget"] == []


def test_summary_casualty_figures_stay_mission_wide(kinds: Invoke) -> None:
    for args in ((), ("--on", "2023-12-31")):
        row = as_json(kinds("summary", "--json", *args))[0]
        assert [c["id"] for c in row["casualties"]] == ["mission-all-2023"]
        assert row["casualties"][0]["nationality"] is None
    # Chad's 82 of 2023-11-17 is the latest figure a month before; it is still not a total
    assert "82" not in kinds("summary", "--on", "2023-11-30").stdout


def test_summary_on_a_date_fits_one_80_by_50_screen(kinds: Invoke, invoke: Invoke) -> None:
    env = {"FORCE_COLOR": "1", "COLUMNS": "80", "LINES": "50"}
    for result in (
        kinds("summary", "--on", "2019-03-01", "--no-color", env=env),
        invoke("summary", "--on", "2019-03-01", "--no-color", env=env),
    ):
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) <= 50
        assert max(cell_len(line) for line in lines) <= 80
    text = kinds("summary", "--on", "2019-03-01", "--no-color", env=env).stdout
    assert "13,010 military, 1,759 police as of 2019-02-28" in text
    assert "US$1,074,718,900 appropriation" in text
    assert "Burkina Faso 1,723 (2018-05)" in text


# --- every format, --fields, tables, show and search ----------------------------------------


@pytest.mark.parametrize(
    ("command", "keys"),
    [("strength", STRENGTH_KEYS), ("contributors", CONTRIBUTOR_KEYS), ("budget", BUDGET_KEYS)],
)
def test_machine_formats_have_the_contract_keys(kinds: Invoke, command: str, keys: list[str]) -> None:
    whole = as_json(kinds(command, "--json"))
    lines = kinds(command, "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == whole
    table = list(csv.DictReader(io.StringIO(kinds(command, "--format", "csv").stdout)))
    assert list(table[0]) == keys
    assert [r["id"] for r in table] == [r["id"] for r in whole]
    assert table[0]["sources"] == ";".join(s["id"] for s in whole[0]["sources"])
    markdown = kinds(command, "--format", "markdown").stdout
    assert markdown.startswith("**")
    assert "\nSources:\n" in markdown
    picked = as_json(kinds(command, "--json", "--fields", f"{keys[1]},id"))
    assert [list(r) for r in picked] == [[keys[1], "id"]] * len(whole)
    usage_error(kinds(command, "--fields", "colour"), "valid fields: " + ", ".join(keys))


@pytest.mark.parametrize(
    "args",
    [
        ("strength",),
        ("contributors",),
        ("contributors", "--on", "2020"),
        ("budget",),
        ("casualties", "--all-nationalities"),
    ],
)
@pytest.mark.parametrize("width", ["80", "120"])
def test_tables_fit_the_terminal(kinds: Invoke, args: tuple[str, ...], width: str) -> None:
    result = kinds(*args, "--no-color", env={"FORCE_COLOR": "1", "COLUMNS": width})
    assert result.exit_code == 0, result.stderr
    assert max(cell_len(line) for line in result.stdout.splitlines()) <= int(width)
    # dates and amounts are never broken
    assert re.search(r"\b2019-12-31\b|\b2018-07-01\b|\b2013-09\b|\b2017-12-31\b", result.stdout)


def test_piped_tables_cite_their_sources(kinds: Invoke) -> None:
    out = kinds("budget").stdout
    assert "1,074,718,900" in out
    assert "[1] UN General Assembly, 2018-07-05 - Fifth Committee" in out


def test_show_and_search_find_the_new_records(kinds: Invoke) -> None:
    shown = as_json(kinds("show", "contributor-egypt-2022-07-15", "--json"))[0]
    assert shown["type"] == "contributor"
    assert shown["country"] == "Egypt"
    assert as_json(kinds("show", "budget-2018-19", "--json"))[0]["amount_usd"] == 1074718900
    found = as_json(kinds("search", "bangladesh", "--json", "--fields", "type,id"))
    assert found == [
        {"type": "contributor", "id": "contributor-bangladesh-2019-12-31"},
        {"type": "contributor", "id": "contributor-bangladesh-2019-12-31-other"},
    ]
    assert as_json(kinds("search", "1074718900", "--json", "--fields", "id")) == [{"id": "budget-2018-19"}]
    assert {r["id"] for r in as_json(kinds("search", "netherlands", "--json"))} == {
        "netherlands-accident-2016"
    }
    # the table names a contributor by its country and dates a budget by its period
    table = kinds("search", "egypt").stdout
    assert re.search(r"contributor\s+contributor-egypt-2022-07-15\s+2022-07-15\s+Egypt", table)
    assert re.search(r"budget\s+budget-2018-19\s+2018-07-01", kinds("search", "72/297").stdout)


def test_sources_count_the_new_records(kinds: Invoke) -> None:
    cited = {r["id"]: r["cited_by"] for r in as_json(kinds("sources", "--json"))}
    assert cited["s-ga"] == 4  # the four budgets


def test_completion_offers_countries_and_nationalities(invoke: Invoke, tmp_path: Path) -> None:
    # countries no bundled record names, in a file layered over the bundled facts
    extra = tmp_path / "extra.toml"
    extra.write_text(
        """schema_version = 1
[sources.test-completion]
title = "t"
publisher = "p"
published = "2020"
url = "https://example.org/t"
kind = "news"
[[contributors]]
id = "test-completion-zembla"
country = "Zembla"
as_of = "2020"
total = 5
sources = ["test-completion"]
[[casualties]]
id = "test-completion-zubrowka"
as_of = "2020"
killed = 1
qualifier = "exact"
cause = "illness"
nationality = "Zubrowka"
reported_by = "r"
sources = ["test-completion"]
""",
        encoding="utf-8",
    )

    def complete(words: str) -> list[str]:
        env = {
            "_MINUSMA_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(shlex.split(words)) - 1),
            "MINUSMA_FACTS": str(extra),
        }
        result = invoke(env=env)
        assert result.exit_code == 0, result.stderr
        return [word for word in result.stdout.splitlines() if word]

    assert complete("minusma contributors --country Zem") == ["Zembla"]
    assert complete("minusma casualties --nationality Zub") == ["Zubrowka"]
    assert complete("minusma casualties --nationality Zem") == []


# --- help --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["strength", "contributors", "budget", "casualties", "summary"])
def test_every_help_example_runs(kinds: Invoke, invoke: Invoke, command: str) -> None:
    help_text = invoke(command, "--help").stdout
    examples = re.findall(r"^\s+minusma (.+)$", help_text.split("Examples:")[1], re.M)
    assert examples
    for example in examples:
        args = shlex.split(example)
        assert args[0] == command
        result = kinds(*args)
        assert result.exit_code == 0, f"{example}: {result.stderr}"
        assert result.stdout.strip(), example


# --- strength --chart ------------------------------------------------------------------

#: the pinned renderings, one file each (the 120-column one is wider than a line of code)
CHART = {
    (80, False): "strength-80.txt",
    (120, False): "strength-120.txt",
    (80, True): "strength-80-colour.txt",
}

_ESCAPES = re.compile(r"\x1b\[[0-9;]*m")


def chart_text(kinds: Invoke, width: int, *args: str, color: bool = False) -> str:
    env = {"COLUMNS": str(width), **({"FORCE_COLOR": "1"} if color else {})}
    result = kinds("strength", "--chart", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return "".join(_ESCAPES.sub("", line).rstrip() + "\n" for line in result.stdout.splitlines())


@pytest.mark.parametrize(("width", "color"), sorted(CHART))
def test_strength_chart_is_pinned(kinds: Invoke, width: int, color: bool) -> None:
    pinned = (ASSETS / "charts" / CHART[width, color]).read_text(encoding="utf-8")
    assert chart_text(kinds, width, color=color) == pinned


@pytest.mark.parametrize("width", [60, 61, 79, 80, 100, 120, 133])
@pytest.mark.parametrize("color", [False, True])
def test_strength_chart_fits_any_width(kinds: Invoke, width: int, color: bool) -> None:
    text = chart_text(kinds, width, color=color)
    assert max(cell_len(line) for line in text.splitlines()) <= width
    if not color:
        assert text.isascii()


def test_strength_chart_bars_grow_with_the_width(kinds: Invoke) -> None:
    def bar(width: int) -> int:
        line = next(x for x in chart_text(kinds, width).splitlines() if x.startswith("2019-02-28"))
        return line.count("#")

    assert bar(60) < bar(80) < bar(120)


def test_strength_chart_follows_the_filters(kinds: Invoke) -> None:
    text = chart_text(kinds, 80, "--since", "2023")
    assert text.startswith("Deployed uniformed strength vs. ceiling, 2023-02 to 2023-07\n")
    assert "2013-09" not in text
    assert "Not drawn" not in text
    assert "12,640" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "2030"), "nothing to draw: no strength figures"),
        (
            ("--since", "2020-06", "--until", "2020-06"),
            "nothing to draw: no military, police or total figure",
        ),
    ],
)
def test_strength_chart_with_nothing_to_draw_says_so(
    kinds: Invoke, args: tuple[str, ...], message: str
) -> None:
    assert chart_text(kinds, 80, *args).startswith(message)


def test_casualty_chart_of_one_nationality_says_whose(kinds: Invoke, invoke: Invoke, tmp_path: Path) -> None:
    result = kinds("casualties", "--chart", "--nationality", "chad", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Reported deaths of mission personnel from Chad\n")
    assert "82 [1]" in result.stdout
    # every nationality: each bar says whose it is
    extra = tmp_path / "kinds.toml"
    netherlands = """
[[casualties]]
id = "netherlands-all-2017"
as_of = 2017-12-31
period = "2013-07/2017-12"
killed = 3
qualifier = "exact"
cause = "all"
nationality = "Netherlands"
reported_by = "Ministry of Defence"
sources = ["s-news"]
"""
    extra.write_text(KINDS.read_text(encoding="utf-8") + netherlands, encoding="utf-8")
    result = invoke(
        "casualties",
        "--chart",
        "--all-nationalities",
        "--no-bundled",
        "--facts",
        str(extra),
        env={"COLUMNS": "80"},
    )
    assert result.stdout.startswith("Reported deaths of mission personnel\n")
    assert re.search(r"^Chad +2023-11-17 #+ 82 ", result.stdout, re.M)
    assert re.search(r"^Netherlands 2017-12-31 #* ?3 ", result.stdout, re.M)


# --- citing ------------------------------------------------------------------------------


def test_cite_says_each_new_fact_in_words(kinds: Invoke) -> None:
    result = kinds("cite", "budget-2018-19", "strength-2023-02-a", "contributor-senegal-2019-12-31")
    assert result.exit_code == 0, result.stderr
    facts = [line for line in result.stdout.splitlines() if "[minusma:" in line]
    assert facts == [
        "2018-07-01 to 2019-06-30: MINUSMA appropriation of US$1,074,718,900, approved by UN General Assembly"
        " (resolution 72/297). [minusma: budget-2018-19]",
        "2023-02: MINUSMA personnel deployed: 12,243 military, 1,601 police, 3,586 civilians; 17,430 in all,"
        " reported by A fact-checking site. [minusma: strength-2023-02-a]",
        "2019-12-31: Senegal's contingent in MINUSMA: 950 military, 280 police; 1,230 in all."
        " [minusma: contributor-senegal-2019-12-31]",
    ]


def test_sources_cited_by_a_new_record(kinds: Invoke) -> None:
    assert ids(kinds("sources", "--cited-by", "budget-2018-19", "--json")) == ["s-ga"]
    assert ids(kinds("sources", "--cited-by", "strength-2019-02-28", "--json")) == ["s-sg", "s-news"]
