"""Finding things the way people ask: show by name, search by words, suggestions, summary, help."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import typer

from minusma_cli.cli import app
from tests.conftest import MINI, Invoke, installed_minusma

ROOT = Path(__file__).parent.parent


def as_json(result: Any) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


# --- show takes what a person knows ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "rid"),
    [
        ("2640", "resolution", "resolution-2640"),
        ("resolution-2640", "resolution", "resolution-2640"),
        ("Lollesgaard", "person", "michael-lollesgaard"),
        ("michael lollesgaard", "person", "michael-lollesgaard"),
        ("KANÉ", "person", "amadou-kane"),
        ("El-Ghassum Wane", "person", "el-ghassim-wane"),
        ("Kidal", "place", "kidal"),
        ("tombouctou", "place", "timbuktu"),
        ("KIDAL-CAMP", "base", "kidal-camp"),
        ("mission", "mission", "mission"),
    ],
)
def test_show_finds_a_record_by_what_a_person_knows(invoke: Invoke, text: str, kind: str, rid: str) -> None:
    row = as_json(invoke("show", text, "--json"))[0]
    assert (row["type"], row["id"]) == (kind, rid)


def test_show_an_ambiguous_name_lists_the_candidates(write: Any, invoke: Invoke) -> None:
    extra = write(
        """
[[people]]
id = "another-kane"
name = "Ibrahim Kane"
role = "deputy"
nationality = "Mali"
sources = ["un-news-2013-07-01-afisma-handover"]
"""
    )
    result = invoke("show", "Kane", "--facts", str(extra))
    assert result.exit_code == 2
    assert "amadou-kane" in result.stderr
    assert "another-kane" in result.stderr
    assert result.stdout == ""


def test_show_unknown_suggests(invoke: Invoke) -> None:
    result = invoke("show", "Lollesgard")
    assert result.exit_code == 1
    assert "did you mean" in result.stderr
    assert "did you mean michael-lollesgaard?" in result.stderr


# --- unknown names are usage errors with a suggestion ---------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("timeline", "--place", "Kidall"), "no place 'Kidall'; did you mean kidal?"),
        (("bases", "--region", "Kidl"), "no region 'Kidl'; did you mean Kidal?"),
        (("timeline", "--category", "atack"), "did you mean attack?"),
        (("people", "--role", "force-comander"), "did you mean force-commander"),
        (("resolutions", "--action", "renw"), "did you mean renew?"),
        (("casualties", "--cause", "hostile"), "did you mean hostile-acts?"),
        (("resolutions", "2641"), "no resolution 2641"),
        (("timeline", "--format", "jsn"), "did you mean json"),
    ],
)
def test_unknown_names_are_usage_errors_with_a_suggestion(
    invoke: Invoke, args: tuple[str, ...], message: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


# --- search by words -------------------------------------------------------------------------


def test_search_force_commander_finds_every_one_first(invoke: Invoke) -> None:
    commanders = as_json(
        invoke("people", "--role", "force-commander", "--role", "acting-force-commander", "--json")
    )
    assert len(commanders) == 9
    found = as_json(invoke("search", "force commander", "--json"))
    ids = [r["id"] for r in found]
    assert set(ids[: len(commanders)]) == {c["id"] for c in commanders}
    assert "michael-lollesgaard" in ids
    # unquoted words are the same search
    assert as_json(invoke("search", "force", "commander", "--json")) == found


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["311"], "khare-2023-12-11"),  # a number matches a count
        (["2640"], "resolution-2640"),  # and a resolution number
        (["Mopti", "Sevare"], "sevare-camp"),  # any field, any order, accents ignored
        (["sévaré", "MOPTI"], "sevare-camp"),
        (["acting", "commander", "Gaye"], "mamadou-gaye"),
    ],
)
def test_search_words(invoke: Invoke, words: list[str], expected: str) -> None:
    assert expected in [r["id"] for r in as_json(invoke("search", *words, "--json"))]


def test_search_of_nothing_but_dashes_is_a_usage_error(mini: Invoke) -> None:
    result = mini("search", "-")
    assert result.exit_code == 2
    assert "give some text" in result.stderr


def test_search_every_word_must_match(invoke: Invoke) -> None:
    assert as_json(invoke("search", "Lollesgaard", "zzzz", "--json")) == []
    assert "3111" not in json.dumps(as_json(invoke("search", "311", "--json", "--fields", "killed")))


def test_search_json_has_one_key_set_the_union_of_the_kinds(invoke: Invoke) -> None:
    """The expected keys come from the commands' own JSON, not from search's key list."""
    union: dict[str, None] = {"type": None}
    for command in ("timeline", "resolutions", "bases", "casualties", "people"):
        for key in as_json(invoke(command, "--json"))[0]:
            union.setdefault(key)
    rows = as_json(invoke("search", "Kidal", "--json"))
    assert {r["type"] for r in rows} >= {"event", "base"}
    for row in rows:
        assert set(union) <= set(row)
        assert list(row) == list(as_json(invoke("search", "Kidal", "--json"))[0])
    camp = next(r for r in rows if r["id"] == "kidal-camp")
    assert camp["title"] is None
    assert camp["number"] is None


def test_search_table_columns(mini: Invoke) -> None:
    lines = mini("search", "aguelhok").stdout.splitlines()
    assert lines[0].split() == ["Type", "Id", "Date", "What", "Src"]
    assert lines[2].split()[:3] == ["event", "attack-aguelhok-2019-01-20", "2019-01-20"]


def test_search_since_until(invoke: Invoke) -> None:
    rows = as_json(invoke("search", "attack", "Kidal", "--since", "2016", "--until", "2016", "--json"))
    assert rows
    for row in rows:
        date = row["date"] or row["as_of"] or row["adopted"]
        assert date.startswith("2016")


# --- summary ---------------------------------------------------------------------------------


def test_summary_leaders_agree_with_people(invoke: Invoke) -> None:
    people = {p["id"]: p for p in as_json(invoke("people", "--json"))}
    for args in ((), ("--on", "2017-01-01"), ("--on", "2023-01-08")):
        leaders = as_json(invoke("summary", *args, "--json"))[0]["leaders"]
        assert leaders
        for leader in leaders:
            person = people[leader["id"]]
            assert (leader["start"], leader["end"]) == (person["start"], person["end"]), leader["id"]
    text = invoke("summary").stdout
    for person in people.values():
        if person["role"] in ("head-of-mission", "force-commander", "acting-force-commander"):
            term = f"{person['start'] or '?'} to {person['end'] or '?'}: {person['name']}"
            assert term in text


def test_summary_whole_mission_and_after_its_end(invoke: Invoke) -> None:
    whole = as_json(invoke("summary", "--json"))[0]
    assert whole["sites_open"] is None  # not "every site open"
    gossi = next(s for s in whole["sites"] if s["id"] == "gossi-camp")
    assert gossi["closed"] == "2018-08-24"
    after = as_json(invoke("summary", "--on", "2030", "--json"))[0]
    assert after["mandate"] is None
    assert after["ceiling"] is None
    assert after["sites_open"] == []
    on_day = as_json(invoke("summary", "--on", "2019-06-01", "--json"))[0]
    assert on_day["mandate"]["resolution"] == 2423
    assert "Gossi" not in on_day["sites_open"]


# --- one name for one idea ------------------------------------------------------------------


def test_bases_on_and_its_old_name(mini: Invoke) -> None:
    assert as_json(mini("bases", "--on", "2023-11-15", "--json")) == as_json(
        mini("bases", "--open-on", "2023-11-15", "--json")
    )


def test_closed_sets_in_any_case(mini: Invoke) -> None:
    assert mini("timeline", "--format", "JSON", "-c", "Attack").stdout.startswith("[")


def test_short_version(invoke: Invoke) -> None:
    assert invoke("-V").stdout.startswith("minusma ")


def test_since_until_on_bases_and_people(invoke: Invoke) -> None:
    open_in_2024 = as_json(invoke("bases", "--since", "2024", "--json"))
    assert [b["closed"] for b in open_in_2024] == ["2024-07-22", "2024-11-15"]
    in_2022 = {p["id"] for p in as_json(invoke("people", "--since", "2022", "--until", "2022", "--json"))}
    assert "cornelis-johannes-matthijssen" in in_2022
    assert "michael-lollesgaard" not in in_2022
    published_2024 = as_json(invoke("sources", "--since", "2024", "--json"))
    assert published_2024
    assert all(s["published"] >= "2024" for s in published_2024)


# --- help that teaches --------------------------------------------------------------------------


def commands() -> dict[str, Any]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def examples(name: str, invoke: Invoke) -> list[str]:
    text = invoke(name, "--help").stdout
    block = text.split("Examples:\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("minusma ")]


def test_every_command_help_ends_with_examples_that_run(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    monkeypatch.chdir(ROOT)
    ran = 0
    for name in commands():
        shown = examples(name, invoke)
        assert len(shown) >= 2, name
        for example in shown:
            result = invoke(*shlex.split(example)[1:])
            assert result.exit_code == 0, (example, result.stderr)
            assert result.stdout or result.stderr, example
            ran += 1
    assert ran >= 20


def test_no_description_is_cut_off(invoke: Invoke) -> None:
    text = invoke("--help", env={"COLUMNS": "80"}).stdout
    assert "..." not in text.split("Commands:")[1]
    for name in commands():
        assert re.search(rf"^  {name}\s+\S", text, re.M), name


# --- shell completion --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("minusma res", "resolutions"),
        ("minusma timeline --cat", "--category"),
        ("minusma timeline --category wi", "withdrawal"),
        ("minusma people --role acting-f", "acting-force-commander"),
        ("minusma show kidal-c", "kidal-camp"),
        ("minusma show 264", "2640"),
        ("minusma timeline --place Tomb", "Tombouctou"),
        ("minusma bases --region Ki", "Kidal"),
    ],
)
def test_completion(line: str, expected: str, tmp_path: Path) -> None:
    words = line.split()
    env = {
        **os.environ,
        "_MINUSMA_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
        "MINUSMA_CACHE_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [installed_minusma()], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert expected in done.stdout.split(), done.stdout + done.stderr


def test_show_completion_script(invoke: Invoke) -> None:
    result = invoke("--show-completion", "bash")
    assert result.exit_code == 0
    assert "_MINUSMA_COMPLETE" in result.stdout


# --- formats a person reads ---------------------------------------------------------------------


def test_deadliest_attacks_come_first(invoke: Invoke) -> None:
    rows = as_json(invoke("casualties", "--attacks", "--json"))
    killed = [r["killed"] or 0 for r in rows]
    assert killed == sorted(killed, reverse=True)
    assert killed[0] > killed[-1]


def test_the_vote_cell(mini: Invoke) -> None:
    table = mini("resolutions", "--fields", "number,vote").stdout
    assert "2640  13-0-2 (abstaining: China, Russian Federation)" in table
    assert "2100  15-0-0" in table


def test_no_records_is_said(mini: Invoke) -> None:
    assert mini("timeline", "--since", "2030").stdout == "(no records)\n"
    assert mini("search", "zzzz").stdout == "(no records)\n"


def test_numbers_are_right_aligned(mini: Invoke) -> None:
    lines = mini("casualties", "--fields", "as_of,killed,injured").stdout.splitlines()
    assert lines[0].startswith("As of       Killed  Injured")
    end = lines[0].index("Killed") + len("Killed")
    rows = [line for line in lines[2:] if re.match(r"\d{4}", line)]
    assert rows
    for line in rows:
        # the last digit under the last letter of the header, spaces before a short number
        assert line[end - 1].isdigit(), line
        assert line[end - len("Killed")] == " ", line


def test_markdown_escapes_pipes(write: Any, invoke: Invoke) -> None:
    path = write(
        MINI.read_text(encoding="utf-8").replace(
            'title = "Attack on the Aguelhok camp"', 'title = "Attack | on the Aguelhok camp"'
        )
    )
    text = invoke("timeline", "--format", "markdown", "--no-bundled", "--facts", str(path)).stdout
    assert "Attack \\| on the Aguelhok camp" in text


def test_same_date_events_are_ordered_by_id(write: Any, invoke: Invoke) -> None:
    events = """
[[events]]
id = "b-second"
date = 2019-01-20
category = "attack"
title = "B"
sources = ["src-a"]

[[events]]
id = "a-first"
date = 2019-01-20
category = "attack"
title = "A"
sources = ["src-a"]
"""
    path = write(MINI.read_text(encoding="utf-8") + events)
    rows = as_json(
        invoke("timeline", "--since", "2019-01-20", "--no-bundled", "--facts", str(path), "--json")
    )
    assert [r["id"] for r in rows] == ["a-first", "attack-aguelhok-2019-01-20", "b-second"]


def test_help_breaks_no_word_at_a_hyphen_and_lists_the_choices(invoke: Invoke) -> None:
    from minusma_cli import schema

    for name in commands():
        text = invoke(name, "--help", env={"COLUMNS": "80"}).stdout
        assert not re.search(r"\w-\n\s+\w", text), name  # "YYYY-MM-" / "DD", "acting-" / "head-of-mission"
        assert max(len(line) for line in text.splitlines()) <= 80, name
    for name, choices in (
        ("timeline", schema.CATEGORIES),
        ("resolutions", schema.ACTIONS),
        ("casualties", schema.CAUSES),
        ("people", schema.ROLES),
    ):
        listed = invoke(name, "--help", env={"COLUMNS": "80"}).stdout.split("Examples:")[0]
        assert all(re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", listed) for c in choices), name
