"""The bundled fact base: clean, fully sourced, and holding the origin story's facts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from minusma_cli.factbase import FactBase
from minusma_cli.query import citations, search, show, timeline
from minusma_cli.store import load_factbase


@pytest.fixture(scope="module")
def facts() -> FactBase:
    return load_factbase(use_cache=False)


def all_records(facts: FactBase) -> list[tuple[str, dict[str, Any]]]:
    records = [(kind, r) for kind, r in facts.records()]
    assert facts.mission is not None
    return [("mission", facts.mission), *records]


def test_every_record_cites_an_existing_source(facts: FactBase) -> None:
    for kind, record in all_records(facts):
        assert record.get("sources"), f"{kind} {record.get('id')} has no source"
        for sid in record["sources"]:
            assert sid in facts.sources, f"{kind} {record.get('id')} cites unknown {sid}"


def test_every_source_has_url_publisher_and_date(facts: FactBase) -> None:
    for sid, src in facts.sources.items():
        assert re.match(r"https?://\S+$", src["url"]), sid
        assert src["publisher"].strip(), sid
        assert src["published"] == "n.d." or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", src["published"]), sid


def test_every_source_is_cited(facts: FactBase) -> None:
    unused = [sid for sid, n in citations(facts).items() if n == 0]
    assert unused == []


def test_every_referenced_place_exists(facts: FactBase) -> None:
    for event in facts.events:
        for pid in event.get("places", []):
            assert pid in facts.places, (event["id"], pid)
    for base in facts.bases:
        assert base["place"] in facts.places, base["id"]


def test_counts_meet_the_brief(facts: FactBase) -> None:
    assert sorted(r["number"] for r in facts.resolutions) == [
        2085, 2100, 2164, 2227, 2295, 2364, 2391, 2423, 2480, 2531, 2584, 2640, 2690,
    ]  # fmt: skip
    assert len([e for e in facts.events if e["category"] != "attack"]) >= 60
    assert len([b for b in facts.bases if b.get("closed", "") >= "2023-07"]) == 13
    assert {p["role"] for p in facts.people} >= {"head-of-mission", "force-commander"}


def test_the_origin_story_facts_are_there_corrected(facts: FactBase) -> None:
    mission = facts.mission
    assert mission is not None
    assert mission["established"] == "2013-04-25"
    assert mission["mandate_ended"] == "2023-06-30"
    assert mission["withdrawn"] == "2023-12-31"
    assert mission["liquidation_start"] == "2024-01-01"
    r2100 = next(r for r in facts.resolutions if r["number"] == 2100)
    assert r2100["action"] == "establish"
    r2690 = next(r for r in facts.resolutions if r["number"] == 2690)
    assert (r2690["adopted"], r2690["action"], r2690["vote"]["in_favour"]) == ("2023-06-30", "terminate", 15)
    # the story's misspelling finds the right person
    found = search(facts, "El-Ghassum").rows
    assert [r["id"] for r in found if r["type"] == "person"] == ["el-ghassim-wane"]
    assert found[-1]["name"] == "El-Ghassim Wane"
    # 311 dead and more than 700 injured, as of the SG's statement of 30 Dec 2023
    assert any(
        c["killed"] == 311 and c.get("injured") == 700 and c["as_of"] == "2023-12-30"
        for c in facts.casualties
    )
    # the 16 June 2023 request and the coup placed in Bamako
    june = timeline(facts, since="2023-06-16", until="2023-06-16").rows
    assert june, "the 16 June 2023 request to withdraw is missing"
    coups = timeline(facts, since="2012-03", until="2012-03", categories=["coup"]).rows
    assert any(p["id"] == "bamako" for c in coups for p in c["places"])


def test_disagreement_is_kept(facts: FactBase) -> None:
    killed = {
        c["killed"] for c in facts.casualties if c["as_of"].startswith("2023-12") and c["cause"] == "all"
    }
    assert {310, 311} <= killed


def test_show_spells_out_sources(facts: FactBase) -> None:
    row = show(facts, "el-ghassim-wane").rows[0]
    assert all(s["url"].startswith("http") for s in row["sources"])
