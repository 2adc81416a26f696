"""Generated documents and random bytes: a clean result or a clean exit 3, never a crash."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from minusma_cli.cli import app
from minusma_cli.schema import CATEGORIES, KEYED, LISTS, MISSION, RawProblem, check_record
from minusma_cli.store import load_files

PROBLEM = re.compile(r"^.+?(:\d+)?: .+$")

scalars = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["2015", "2015-06", "2015-13", "n.d.", "https://example.org/x", *CATEGORIES]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "id", "military"]), inner, max_size=3),
    ),
    max_leaves=6,
)
field_names = st.sampled_from(
    ["id", "date", "category", "title", "sources", "places", "killed", "number", "adopted", "vote", "place",
     "kind", "as_of", "qualifier", "cause", "role", "name", "end", "start", "closed", "opened", "url", "x"]
)  # fmt: skip
records = st.dictionaries(field_names, values, max_size=8)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


@st.composite
def documents(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f"schema_version = {toml_value(draw(scalars))}")
    for key in draw(st.lists(st.sampled_from(["s1", "s2", "Bad Id"]), max_size=2, unique=True)):
        fields = draw(st.dictionaries(st.sampled_from(["title", "publisher", "published", "url", "kind"]),
                                      values, max_size=5))  # fmt: skip
        parts.append(
            f"[sources.{json.dumps(key)}]\n" + "\n".join(f"{k} = {toml_value(v)}" for k, v in fields.items())
        )
    for section in draw(st.lists(st.sampled_from([*LISTS, "mission", "other"]), max_size=4)):
        record = draw(records)
        body = "\n".join(f"{k} = {toml_value(v)}" for k, v in record.items())
        header = f"[{section}]" if section in ("mission", "other") else f"[[{section}]]"
        parts.append(f"{header}\n{body}")
    return "\n\n".join(parts) + "\n"


def check_cli(path: Path) -> None:
    result = CliRunner().invoke(app, ["timeline", "--json", "--facts", str(path)])
    assert result.exit_code in (0, 3), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        assert isinstance(json.loads(result.stdout), list)
    else:
        assert result.stdout == ""
        for line in result.stderr.splitlines():
            assert PROBLEM.match(line), line


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example("[[events]]\n\n[[resolutions]]\nplaces = 1\n")  # found by hypothesis: an unknown field was kept
def test_generated_documents(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gen.toml"
        path.write_text(text, encoding="utf-8")
        _, problems = load_files([(path, "gen.toml")], use_cache=False)
        assert all(p.file == "gen.toml" for p in problems)
        check_cli(path)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.toml"
        path.write_bytes(data)
        check_cli(path)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]{}=\"'.,#\n abc123-_:TZ\\u")), max_size=120))
def test_toml_like_noise(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "noise.toml"
        path.write_text(text, encoding="utf-8")
        check_cli(path)


# A clean record of each kind.
CLEAN: dict[str, dict[str, Any]] = {
    "mission": {"name": "M", "full_name": "Mission", "established": dt.date(2013, 4, 25), "sources": ["s1"]},
    "sources": {"title": "T", "publisher": "P", "published": "n.d.", "url": "https://e.org/", "kind": "news"},
    "places": {"name": "Gao", "region": "Gao", "lat": 16, "lon": 0.5, "aliases": ["G"], "sources": ["s1"]},
    "events": {"id": "e-1", "date": "2015-06", "end": dt.date(2016, 1, 2), "category": "attack", "title": "T",
               "places": ["gao"], "killed": 3, "victims": ["Chad"], "sources": ["s1", "s2"]},
    "resolutions": {"number": 2100, "adopted": dt.date(2013, 4, 25), "action": "establish", "summary": "S",
                    "vote": {"in_favour": 15, "against": 0, "abstaining": 0}, "sources": ["s1"]},
    "bases": {"id": "b-1", "place": "gao", "kind": "camp", "opened": "2013", "closed": "2023-12",
              "outcome": "vacated", "sources": ["s1"]},
    "casualties": {"id": "c-1", "as_of": "2023", "killed": 311, "qualifier": "exact", "cause": "all",
                   "reported_by": "UN", "nationality": "Chad", "sources": ["s1"]},
    "strength": {"id": "s-1", "as_of": dt.date(2019, 12, 20), "military": 12000, "total": 13000,
                 "reported_by": "UN", "sources": ["s1"]},
    "contributors": {"id": "k-1", "country": "Chad", "as_of": "2019-12", "military": 1400, "sources": ["s1"]},
    "budgets": {"id": "u-1", "period_start": dt.date(2019, 7, 1), "period_end": dt.date(2020, 6, 30),
                "amount_usd": 1_183_000_000, "kind": "appropriation", "approved_by": "GA", "sources": ["s1"]},
    "people": {"id": "p-1", "name": "N", "role": "deputy", "nationality": "X", "start": "2014",
               "sources": ["s1"]},
}  # fmt: skip
SPECS = {"mission": MISSION, **KEYED, **LISTS}


def test_the_clean_records_are_clean() -> None:
    for section, record in CLEAN.items():
        problems: list[RawProblem] = []
        check_record(copy.deepcopy(record), SPECS[section], (section, 0), problems)
        assert problems == [], section
