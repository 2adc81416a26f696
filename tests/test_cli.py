"""The commands and their options, through the CLI, with the output shapes pinned."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from minusma_cli.query import KEYS
from tests.conftest import MINI, Invoke

SOURCE_KEYS = ["id", "title", "publisher", "published", "url"]


def as_json(result: Any) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


# --- timeline ------------------------------------------------------------------


def test_timeline_json_shape_is_pinned(mini: Invoke) -> None:
    rows = as_json(mini("timeline", "--json"))
    assert [r["id"] for r in rows] == [
        "resolution-2100-adopted",
        "year-only-event",
        "attack-aguelhok-2019-01-20",
    ]
    for row in rows:
        assert list(row) == list(KEYS["timeline"])
        assert [list(s) for s in row["sources"]] == [SOURCE_KEYS] * len(row["sources"])
    attack = rows[2]
    assert attack == {
        "id": "attack-aguelhok-2019-01-20",
        "date": "2019-01-20",
        "end": None,
        "category": "attack",
        "title": "Attack on the Aguelhok camp",
        "places": [{"id": "aguelhok", "name": "Aguelhok", "region": "Kidal"}],
        "killed": 10,
        "injured": 25,
        "victims": ["Chad"],
        "note": "Another count gives 11.",
        "sources": [
            {
                "id": "src-a",
                "title": "Source A",
                "publisher": "Publisher A",
                "published": "2013-04-25",
                "url": "https://example.org/a",
            },
            {
                "id": "src-b",
                "title": "Source B",
                "publisher": "Publisher B",
                "published": "n.d.",
                "url": "https://example.org/b",
            },
        ],
    }
    assert rows[0]["places"] == []
    assert rows[0]["victims"] == []
    assert rows[0]["killed"] is None


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--since", "2015-06"], ["year-only-event", "attack-aguelhok-2019-01-20"]),
        (["--until", "2015"], ["resolution-2100-adopted", "year-only-event"]),
        (["--since", "2015-06-01", "--until", "2015-06-30"], ["year-only-event"]),
        (["--since", "2020"], []),
        (["--category", "attack"], ["attack-aguelhok-2019-01-20"]),
        (["-c", "mandate", "-c", "political"], ["resolution-2100-adopted", "year-only-event"]),
        (["--place", "Aguelhoc"], ["attack-aguelhok-2019-01-20"]),
        (["--place", "TOMBOUCTOU"], ["year-only-event"]),
        (["--place", "timbuktu"], ["year-only-event"]),
    ],
)
def test_timeline_filters(mini: Invoke, args: list[str], ids: list[str]) -> None:
    assert [r["id"] for r in as_json(mini("timeline", "--json", *args))] == ids


def test_empty_result_is_an_empty_array_and_exit_0(mini: Invoke) -> None:
    result = mini("timeline", "--json", "--since", "2030")
    assert result.exit_code == 0
    assert result.stdout == "[]\n"


@pytest.mark.parametrize("bad", ["2015-13", "2023-02-30", "yesterday", "15"])
def test_bad_dates_are_usage_errors(mini: Invoke, bad: str) -> None:
    result = mini("timeline", "--since", bad)
    assert result.exit_code == 2
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in result.stderr
    assert result.stdout == ""


def test_unknown_category_lists_the_choices(mini: Invoke) -> None:
    result = mini("timeline", "--category", "war")
    assert result.exit_code == 2
    assert "peace-process" in result.stderr


# --- formats -------------------------------------------------------------------


def test_ndjson_is_one_object_per_line(mini: Invoke) -> None:
    result = mini("timeline", "--format", "ndjson")
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert next(json.loads(line)["id"] for line in lines) == "resolution-2100-adopted"


def test_csv_flattens_nested_and_joins_lists(mini: Invoke) -> None:
    result = mini("resolutions", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "id",
        "number",
        "adopted",
        "meeting",
        "action",
        "vote.in_favour",
        "vote.against",
        "vote.abstaining",
        "vote.abstainers",
        "mandate_until",
        "ceiling.military",
        "ceiling.police",
        "summary",
        "note",
        "sources",
    ]
    assert rows[1]["vote.abstainers"] == "China;Russian Federation"
    assert rows[0]["ceiling.military"] == "11200"
    assert rows[1]["ceiling.police"] == ""
    assert rows[1]["sources"] == "src-b"


def test_csv_of_nothing_is_a_header(mini: Invoke) -> None:
    result = mini("timeline", "--format", "csv", "--since", "2030")
    assert result.stdout.splitlines() == [",".join(KEYS["timeline"])]


def test_markdown_table(mini: Invoke) -> None:
    result = mini("casualties", "--format", "markdown")
    lines = result.stdout.splitlines()
    assert lines[0] == "**Reported casualty figures (mission-wide)**"
    assert lines[2].startswith("| As of | Period | Killed | Injured | Qualifier | Injured qualifier |")
    assert lines[3].startswith("|---|---|---:|---:|")
    assert "| 2023-12-11 | - | 310 | - | exact | - | all | El-Ghassim Wane | 1 |" in lines
    sg = "| 2023-12-30 | 2013-07/2023-12 | 311 | 700 | exact | over | all | UN Secretary-General | 2 |"
    assert sg in lines
    assert "- [1] Publisher B, n.d. - Source B - https://example.org/b" in lines


def test_fields_keeps_keys_in_order(mini: Invoke) -> None:
    rows = as_json(mini("bases", "--json", "--fields", "closed,name,lat"))
    assert rows == [
        {"closed": "2023-10-31", "name": "Kidal", "lat": 18.44},
        {"closed": "2023-12", "name": "Timbuktu", "lat": None},
    ]


def test_unknown_field_is_a_usage_error_listing_valid_ones(mini: Invoke) -> None:
    result = mini("bases", "--json", "--fields", "name,colour")
    assert result.exit_code == 2
    assert "unknown field 'colour'" in result.stderr
    assert "handed_to" in result.stderr
    assert result.stdout == ""


def test_unknown_format_is_a_usage_error(mini: Invoke) -> None:
    result = mini("bases", "--format", "xml")
    assert result.exit_code == 2
    assert "ndjson" in result.stderr


def test_plain_table_when_piped(mini: Invoke) -> None:
    result = mini("people")
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Name", "Role", "Nationality", "Start", "End", "Src"]
    assert lines[2].split()[:2] == ["El-Ghassim", "Wane"]
    assert "Sources:" in lines
    assert "[1] Publisher A, 2013-04-25 - Source A - https://example.org/a" in lines


def test_force_color_draws_a_rich_table(mini: Invoke) -> None:
    result = mini("people", env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout
    assert "El-Ghassim Wane" in result.stdout


def test_no_color_option_and_env_remove_colour(mini: Invoke) -> None:
    for result in (
        mini("people", "--no-color", env={"FORCE_COLOR": "1"}),
        mini("people", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}),
    ):
        assert result.exit_code == 0
        assert "\x1b[" not in result.stdout
        assert "El-Ghassim Wane" in result.stdout


def test_json_is_the_same_on_a_terminal(mini: Invoke) -> None:
    plain = mini("timeline", "--json").stdout
    forced = mini("timeline", "--json", env={"FORCE_COLOR": "1"}).stdout
    assert plain == forced


# --- the other commands ----------------------------------------------------------


def test_resolutions_numbers_and_action(mini: Invoke) -> None:
    assert [r["number"] for r in as_json(mini("resolutions", "--json", "2640"))] == [2640]
    assert [r["number"] for r in as_json(mini("resolutions", "--json", "--action", "establish"))] == [2100]
    assert [r["number"] for r in as_json(mini("resolutions", "--json", "--since", "2020"))] == [2640]
    row = as_json(mini("resolutions", "--json", "2100"))[0]
    assert list(row) == list(KEYS["resolutions"])
    assert row["vote"] == {"in_favour": 15, "against": 0, "abstaining": 0, "abstainers": []}
    assert row["ceiling"] == {"military": 11200, "police": 1440}


def test_bases_region_and_open_on(mini: Invoke) -> None:
    rows = as_json(mini("bases", "--json"))
    assert list(rows[0]) == list(KEYS["bases"])
    assert rows[0]["region"] == "Kidal"
    assert rows[0]["lon"] == 1.41
    assert [r["id"] for r in as_json(mini("bases", "--json", "--region", "timbuktu"))] == ["timbuktu-camp"]
    assert [r["id"] for r in as_json(mini("bases", "--json", "--open-on", "2023-11-15"))] == ["timbuktu-camp"]
    assert [r["id"] for r in as_json(mini("bases", "--json", "--open-on", "2023-10-31"))] == [
        "kidal-camp",
        "timbuktu-camp",
    ]


def test_casualties_side_by_side_and_cause(mini: Invoke) -> None:
    rows = as_json(mini("casualties", "--json"))
    assert [(r["id"], r["killed"]) for r in rows] == [("wane-310", 310), ("sg-311", 311)]
    assert list(rows[0]) == list(KEYS["casualties"])
    # "311 dead, more than 700 injured": each figure keeps its own qualifier
    assert [(r["qualifier"], r["injured_qualifier"]) for r in rows] == [("exact", None), ("exact", "over")]
    assert as_json(mini("casualties", "--json", "--cause", "hostile-acts")) == []


def test_casualties_attacks(mini: Invoke) -> None:
    rows = as_json(mini("casualties", "--attacks", "--json"))
    assert [(r["id"], r["killed"], r["victims"]) for r in rows] == [
        ("attack-aguelhok-2019-01-20", 10, ["Chad"])
    ]
    table = mini("casualties", "--attacks").stdout
    assert "Aguelhok" in table
    assert "Chad" in table


def test_people_role_and_on(mini: Invoke) -> None:
    rows = as_json(mini("people", "--json"))
    assert list(rows[0]) == list(KEYS["people"])
    assert rows[0]["aliases"] == ["El-Ghassum Wane"]
    on = [r["id"] for r in as_json(mini("people", "--json", "--on", "2021-12-01"))]
    assert on == ["el-ghassim-wane", "acting-fc"]
    # the acting commander's term starts when the previous one ends
    assert [r["id"] for r in as_json(mini("people", "--json", "--on", "2019"))] == ["fc-one"]
    roles = as_json(mini("people", "--json", "--role", "head-of-mission"))
    assert [r["id"] for r in roles] == ["el-ghassim-wane"]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("El-Ghassum", ["el-ghassim-wane"]),
        # the person, whose name holds the words, before the figure he reported
        ("el-ghassim", ["el-ghassim-wane", "wane-310"]),
        ("Aguelhoc", ["attack-aguelhok-2019-01-20"]),
        ("tombouctou", ["year-only-event", "timbuktu-camp"]),
        ("CHAD", ["attack-aguelhok-2019-01-20"]),
        ("2640", ["resolution-2640"]),
        ("zzz", []),
    ],
)
def test_search_ignores_case_and_accents_and_matches_aliases(mini: Invoke, text: str, ids: list[str]) -> None:
    rows = as_json(mini("search", text, "--json"))
    assert [r["id"] for r in rows] == ids
    for row in rows:
        assert row["type"] in {"event", "resolution", "base", "casualty", "person"}


def test_search_accents(write: Any, invoke: Invoke) -> None:
    path = write(
        """
[sources.s]
title = "t"
publisher = "p"
published = "n.d."
url = "https://example.org/s"
kind = "news"
[places.menaka]
name = "Ménaka"
region = "Ménaka"
[[bases]]
id = "menaka-camp"
place = "menaka"
kind = "camp"
sources = ["s"]
"""
    )
    rows = as_json(invoke("search", "menaka", "--json", "--no-bundled", "--facts", str(path)))
    assert [r["id"] for r in rows] == ["menaka-camp"]


def test_show_one_record_with_sources_spelled_out(mini: Invoke) -> None:
    rows = as_json(mini("show", "kidal-camp", "--json"))
    assert len(rows) == 1
    assert rows[0]["type"] == "base"
    assert rows[0]["sources"][0]["url"] == "https://example.org/a"
    table = mini("show", "kidal-camp").stdout
    assert "taken-by-armed-group" in table
    assert "https://example.org/a" in table


def test_show_places_sources_and_mission(mini: Invoke) -> None:
    assert as_json(mini("show", "aguelhok", "--json"))[0]["aliases"] == ["Aguelhoc", "Aguel'hoc"]
    assert as_json(mini("show", "src-b", "--json"))[0]["cited_by"] == 7
    assert as_json(mini("show", "mission", "--json"))[0]["deployed"] == "2013-07-01"


def test_show_unknown_id_exits_1(mini: Invoke) -> None:
    result = mini("show", "no-such-thing")
    assert result.exit_code == 1
    assert "no record with id 'no-such-thing'" in result.stderr
    assert result.stdout == ""


def test_sources_counts_citations(mini: Invoke) -> None:
    rows = as_json(mini("sources", "--json"))
    assert [(r["id"], r["cited_by"]) for r in rows] == [("src-a", 7), ("src-b", 7)]
    assert list(rows[0]) == list(KEYS["sources"])


def test_summary_on_a_day(mini: Invoke) -> None:
    row = as_json(mini("summary", "--on", "2022-01-01", "--json"))[0]
    assert row["id"] == "summary-2022-01-01"
    assert row["mandate"] == {
        "resolution": 2100,
        "adopted": "2013-04-25",
        "action": "establish",
        "mandate_until": "2014-06-30",
    }
    assert [p["id"] for p in row["leaders"]] == ["el-ghassim-wane", "acting-fc"]
    assert row["sites_open"] == ["Kidal", "Timbuktu"]
    assert row["casualties"] == []
    assert {s["id"] for s in row["sources"]} == {"src-a", "src-b"}


def test_summary_of_the_whole_mission_keeps_conflicting_figures(mini: Invoke) -> None:
    row = as_json(mini("summary", "--json"))[0]
    assert [c["killed"] for c in row["casualties"]] == [311, 310]
    assert row["mandate"]["resolution"] == 2640
    table = mini("summary").stdout
    assert "311 killed (exact), 700 injured (over), all, as of 2023-12-30" in table


def test_validate_clean_and_counts(invoke: Invoke) -> None:
    result = invoke("validate")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("ok: 1 file(s)")


def test_version_shows_the_day_the_bundled_facts_were_revised(invoke: Invoke) -> None:
    import tomllib

    from minusma_cli import __version__

    revised = tomllib.loads((Path(__file__).parent.parent / "facts.toml").read_text(encoding="utf-8"))[
        "revised"
    ]
    for flag in ("--version", "-V"):
        result = invoke(flag)
        assert result.exit_code == 0
        assert result.stdout == f"minusma {__version__} (facts revised {revised.isoformat()})\n"


def test_a_fact_file_may_carry_its_revision_day_and_nothing_else_there(
    invoke: Invoke, tmp_path: Path
) -> None:
    text = MINI.read_text(encoding="utf-8")
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(text.replace("schema_version = 1", "schema_version = 1\nrevised = 2026-11-28"))
    bad.write_text(text.replace("schema_version = 1", 'schema_version = 1\nrevised = "2026"'))
    assert invoke("resolutions", "--no-bundled", "--facts", str(good), "--json").exit_code == 0
    result = invoke("resolutions", "--no-bundled", "--facts", str(bad), "--json")
    assert result.exit_code == 3
    assert "bad.toml:3: revised: expected a full date" in result.stderr


def test_version_and_help(invoke: Invoke) -> None:
    assert invoke("--version").stdout.startswith("minusma ")
    for command in (
        "timeline",
        "resolutions",
        "bases",
        "casualties",
        "people",
        "search",
        "show",
        "sources",
        "summary",
        "validate",
    ):
        result = invoke(command, "--help")
        assert result.exit_code == 0
        assert "Usage: minusma " + command in result.stdout
    assert "--fields" in invoke("timeline", "--help").stdout


def test_no_arguments_shows_help_and_exits_2(invoke: Invoke) -> None:
    result = invoke()
    assert result.exit_code == 2
    assert "Commands" in result.stderr


def test_unknown_option_is_exit_2(invoke: Invoke) -> None:
    result = invoke("timeline", "--colour")
    assert result.exit_code == 2
    assert "No such option" in result.stderr


def test_svg_of_a_table_and_a_chart(mini: Invoke, tmp_path: Any) -> None:
    for args in (("people",), ("bases", "--chart")):
        target = tmp_path / f"{args[0]}.svg"
        result = mini(*args, "--svg", str(target))
        assert result.exit_code == 0, result.stderr
        picture = target.read_text(encoding="utf-8")
        assert picture.startswith("<svg")
        assert ("El-Ghassim" if args[0] == "people" else "Kidal") in picture


def test_pictures_are_not_machine_formats(mini: Invoke, tmp_path: Any) -> None:
    assert mini("bases", "--chart", "--json").exit_code == 2
    result = mini("people", "--svg", str(tmp_path / "no" / "such" / "dir.svg"))
    assert result.exit_code == 4
    assert "--svg: cannot write" in result.stderr


def test_dates_take_ascii_digits_only(mini: Invoke, write: Any, invoke: Invoke) -> None:
    assert mini("timeline", "--since", "２０１５").exit_code == 2
    source = '[sources.s]\ntitle = "t"\npublisher = "p"\npublished = "２０１５"\n'
    path = write(source + 'url = "https://x.org"\nkind = "news"\n')
    assert invoke("validate", str(path)).exit_code == 3


def test_search_and_show_fields_do_not_depend_on_the_results(mini: Invoke) -> None:
    assert as_json(mini("search", "zzzz", "--json", "--fields", "id,title")) == []
    assert as_json(mini("search", "Wane", "--json", "--fields", "type,id")) == [
        {"type": "casualty", "id": "wane-310"},
        {"type": "person", "id": "el-ghassim-wane"},
    ]


def test_nothing_is_open_or_in_office_outside_the_mission(mini: Invoke) -> None:
    assert as_json(mini("bases", "--json", "--open-on", "2000")) == []
    assert as_json(mini("people", "--json", "--on", "2030")) == []
    early = as_json(mini("summary", "--json", "--on", "2012"))[0]
    assert early["sites_open"] == []
    assert early["leaders"] == []
    assert early["note"] == "before the mission was established (2013-04-25)"
    # every summary object has the same keys, note included
    assert list(as_json(mini("summary", "--json"))[0]) == list(early)


def test_fields_edge_cases(mini: Invoke) -> None:
    assert mini("people", "--json", "--fields", "id,id").exit_code == 2
    assert mini("people", "--json", "--fields", " , ").exit_code == 2
    rows = as_json(mini("people", "--json", "--fields", "sources"))
    assert list(rows[0]) == ["sources"]


def test_csv_keeps_nested_keys_beyond_the_known_ones(mini: Invoke) -> None:
    header = mini("summary", "--format", "csv").stdout.splitlines()[0].split(",")
    assert "ceiling.resolution" in header
    assert "mandate.resolution" in header


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("timeline", "--since", "2016", "--until", "2015"), "--since 2016 is after --until 2015"),
        (("search", "  "), "give some text"),
        (("timeline", "--place", ""), "give some text"),
        (("casualties", "--attacks", "--chart"), "--attacks lists the deadliest attacks"),
        (("casualties", "--attacks", "--cause", "all"), "--attacks lists the deadliest attacks"),
        (("people", "--json", "--format", "csv"), "choose one"),
    ],
)
def test_contradictory_or_empty_requests_are_usage_errors(
    mini: Invoke, args: tuple[str, ...], message: str
) -> None:
    result = mini(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_source_objects_cite_themselves(mini: Invoke) -> None:
    rows = as_json(mini("sources", "--json"))
    assert rows[0]["sources"] == [{k: rows[0][k] for k in ("id", "title", "publisher", "published", "url")}]


@pytest.mark.parametrize("batch", [1, 2, 3, 1000])
def test_output_in_batches_is_the_same(invoke: Invoke, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    from minusma_cli import render

    whole = {fmt: invoke("timeline", "--format", fmt).stdout for fmt in ("json", "ndjson")}
    monkeypatch.setattr(render, "_BATCH", batch)
    for fmt, expected in whole.items():
        got = invoke("timeline", "--format", fmt).stdout
        assert got == expected
        rows = json.loads(got) if fmt == "json" else [json.loads(line) for line in got.splitlines()]
        assert len(rows) > 20
