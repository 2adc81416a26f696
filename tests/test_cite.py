"""Citations go through real parsers: BibTeX, RIS and CSL-JSON keep every source's title, date and URL.

The parsers are other people's code (bibtexparser, rispy, citeproc-py, cffconvert), so a
test here fails when an entry would not load into a reference manager, not merely when
our text changes.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from minusma_cli import __version__
from tests.conftest import ASSETS, Invoke, installed_minusma

ROOT = Path(__file__).parent.parent
CITE = ASSETS / "cite.toml"
BUNDLED = tomllib.loads((ROOT / "facts.toml").read_text(encoding="utf-8"))["sources"]
HOSTILE = tomllib.loads(CITE.read_text(encoding="utf-8"))["sources"]
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """What any format keeps of untrusted text: one line, no control characters."""
    return " ".join(CONTROL.sub("", re.sub(r"[\t\n\r]+", " ", text)).split())


def iso(value: Any) -> str | None:
    text = str(value)
    return None if text == "n.d." else text


# The inverse of the LaTeX escapes a BibTeX field may hold: written here, from the
# LaTeX meaning of each command, not taken from the code under test.
UNLATEX = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciicircum{}": "^",
    r"\textasciitilde{}": "~",
    r"\textless{}": "<",
    r"\textgreater{}": ">",
    r"\%": "%",
    r"\&": "&",
    r"\#": "#",
    r"\$": "$",
    r"\_": "_",
    r"\{": "{",
    r"\}": "}",
}
_UNLATEX = re.compile("|".join(re.escape(k) for k in sorted(UNLATEX, key=len, reverse=True)) + "|[{}]")


def unlatex(value: str) -> str:
    """A field as LaTeX would print it: escapes decoded, grouping braces dropped."""
    return _UNLATEX.sub(lambda m: UNLATEX.get(m.group(), ""), value)


def parse_bibtex(text: str) -> dict[str, dict[str, str]]:
    library = parse_string(text)
    assert library.failed_blocks == []
    return {
        e.key: {"ENTRYTYPE": e.entry_type, **{f.key: str(f.value) for f in e.fields}} for e in library.entries
    }


def render_csl(items: list[dict[str, Any]]) -> list[str]:
    """Render a bibliography with citeproc-py (it ships Harvard, an author-date style like APA)."""
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


@pytest.fixture(scope="module")
def bundled_exports() -> dict[str, str]:
    """The whole bundled bibliography in the three formats, through the CLI."""
    from typer.testing import CliRunner

    from minusma_cli.cli import app

    out = {}
    for fmt in ("bibtex", "ris", "csl-json"):
        result = CliRunner().invoke(app, ["sources", "--format", fmt, "--no-cache"])
        assert result.exit_code == 0, result.stderr
        out[fmt] = result.stdout
    return out


# --- round trips of the bundled base ----------------------------------------------------


def test_every_bundled_source_survives_bibtex(bundled_exports: dict[str, str]) -> None:
    entries = parse_bibtex(bundled_exports["bibtex"])
    assert sorted(entries) == sorted(BUNDLED)
    for sid, src in BUNDLED.items():
        entry = entries[sid]
        assert unlatex(entry["title"]) == one_line(src["title"]), sid
        assert entry["url"] == src["url"], sid
        published = iso(src["published"])
        assert entry.get("date") == published, sid
        assert entry.get("year") == (published[:4] if published else None), sid


def test_every_bundled_source_survives_ris(bundled_exports: dict[str, str]) -> None:
    entries = {e["id"]: e for e in rispy.loads(bundled_exports["ris"])}
    assert sorted(entries) == sorted(BUNDLED)
    for sid, src in BUNDLED.items():
        entry = entries[sid]
        assert entry["title"] == src["title"], sid
        assert entry["urls"] == [src["url"]], sid
        published = iso(src["published"])
        shown = entry.get("date", entry.get("year"))
        assert (None if shown is None else shown.replace("/", "-")) == published, sid


def test_every_bundled_source_survives_csl_json(bundled_exports: dict[str, str]) -> None:
    items = json.loads(bundled_exports["csl-json"])
    assert sorted(i["id"] for i in items) == sorted(BUNDLED)
    rendered = render_csl(items)
    assert len(rendered) == len(BUNDLED)
    text = "\n".join(rendered)
    for item in items:
        src = BUNDLED[item["id"]]
        assert item["title"] == src["title"]
        assert item["URL"] == src["url"]
        parts = item.get("issued", {}).get("date-parts", [[]])[0]
        issued = "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
        assert (issued or None) == iso(src["published"]), item["id"]
        # the rendered bibliography shows each title and URL
        assert src["url"] in text, item["id"]
    titles_seen = sum(one_line(src["title"]) in text for src in BUNDLED.values())
    assert titles_seen == len(BUNDLED)


# --- entry types, keys, dates, language -----------------------------------------------


@pytest.fixture
def cite_file(invoke: Invoke) -> Invoke:
    def run(*args: str) -> Any:
        return invoke(*args, "--no-bundled", "--facts", str(CITE))

    return run


def test_entry_types_symbols_and_partial_dates_in_bibtex(cite_file: Invoke) -> None:
    result = cite_file("cite", "hostile-figure", "--format", "bibtex")
    assert result.exit_code == 0, result.stderr
    entries = parse_bibtex(result.stdout)
    assert list(entries) == ["hostile", "pr-day", "report-year", "res-title", "page-nd"]
    assert entries["hostile"]["ENTRYTYPE"] == "article"
    assert entries["hostile"]["date"] == "2013-07"  # a month stays a month
    assert entries["hostile"]["language"] == "fr"
    assert entries["pr-day"]["type"] == "Press release"
    assert entries["pr-day"]["date"] == "2013-04-25"
    assert entries["report-year"]["number"] == "S/2023/21"  # symbol from the URL
    assert entries["report-year"]["date"] == "2023"
    assert unlatex(entries["res-title"]["number"]) == "S/RES/2100 (2013)"  # symbol from the title
    for undated in ("res-title", "page-nd"):  # n.d. is left out, not invented
        assert not {"date", "year", "month"} & set(entries[undated])
    assert entries["page-nd"]["ENTRYTYPE"] == "misc"


def test_entry_types_symbols_and_partial_dates_in_ris(cite_file: Invoke) -> None:
    result = cite_file("cite", "hostile-figure", "--format", "ris")
    entries = {e["id"]: e for e in rispy.loads(result.stdout)}
    assert {k: e["type_of_reference"] for k, e in entries.items()} == {
        "hostile": "NEWS",
        "pr-day": "PRESS",
        "report-year": "GOVDOC",
        "res-title": "GOVDOC",
        "page-nd": "ELEC",
    }
    assert entries["hostile"]["date"] == "2013/07"
    assert entries["hostile"]["language"] == "fr"
    assert entries["pr-day"]["date"] == "2013/04/25"
    assert entries["report-year"]["year"] == "2023"
    assert "date" not in entries["report-year"]
    assert entries["res-title"]["issn"] == "S/RES/2100 (2013)"
    assert not {"date", "year"} & set(entries["page-nd"])


def test_entry_types_symbols_and_partial_dates_in_csl_json(cite_file: Invoke) -> None:
    result = cite_file("cite", "hostile-figure", "--format", "csl-json")
    items = {i["id"]: i for i in json.loads(result.stdout)}
    assert items["hostile"]["type"] == "article-newspaper"
    assert items["hostile"]["issued"] == {"date-parts": [[2013, 7]]}
    assert items["hostile"]["language"] == "fr"
    assert items["pr-day"]["genre"] == "Press release"
    assert items["report-year"]["number"] == "S/2023/21"
    assert items["res-title"]["number"] == "S/RES/2100 (2013)"
    assert "issued" not in items["page-nd"]
    assert len(render_csl(list(items.values()))) == 5


# --- hostile text ----------------------------------------------------------------------


def test_hostile_text_stays_inside_its_bibtex_field(cite_file: Invoke) -> None:
    entries = parse_bibtex(cite_file("cite", "hostile-figure", "-f", "bibtex").stdout)
    assert len(entries) == 5  # nothing in the title opened or closed an entry
    hostile = HOSTILE["hostile"]
    assert unlatex(entries["hostile"]["title"]) == one_line(hostile["title"])
    assert unlatex(entries["hostile"]["journal"]) == one_line(hostile["publisher"])
    # braces and backslashes in the URL are %-escaped, everything else kept
    assert entries["hostile"]["url"] == "https://example.org/a/%7Bx%7D%5Cy?q=1&r=%25#top"


def test_hostile_text_stays_on_its_ris_line(cite_file: Invoke) -> None:
    out = cite_file("cite", "hostile-figure", "-f", "ris").stdout
    assert not CONTROL.search(out.replace("\n", ""))
    entries = rispy.loads(out)
    assert len(entries) == 5
    assert entries[0]["title"] == one_line(HOSTILE["hostile"]["title"])
    assert entries[0]["publisher"] == one_line(HOSTILE["hostile"]["publisher"])


def test_hostile_text_stays_in_its_csl_json_string(cite_file: Invoke) -> None:
    out = cite_file("cite", "hostile-figure", "-f", "csl-json").stdout
    items = json.loads(out)
    assert items[0]["title"] == one_line(HOSTILE["hostile"]["title"])
    assert "\u202e" not in out
    assert "\x1b" not in out


def test_hostile_text_in_the_text_style_is_one_line_per_source(cite_file: Invoke) -> None:
    for style in ("apa", "chicago"):
        out = cite_file("cite", "hostile-figure", "--style", style).stdout
        lines = out.splitlines()
        assert len(lines) == 1 + 5
        assert not CONTROL.search(out.replace("\n", ""))
        assert lines[1].split()[-1].rstrip(".") == "https://example.org/a/%7Bx%7D%5Cy?q=1&r=%25#top"


def test_hostile_values_the_schema_would_refuse_are_escaped_too() -> None:
    """cite.py takes any source dict: newlines in a URL, a NUL in a title."""
    from minusma_cli import cite

    src = {
        "id": "x",
        "title": 'a\x00b\nER  - \r\n@misc{y, "date-parts": [[ 1, 2 ]]',
        "publisher": "p\n}",
        "published": "n.d.",
        "url": "https://e.org/a b\n{c}",
        "kind": "news",
    }
    entries = parse_bibtex(cite.entries([src], "bibtex"))
    assert list(entries) == ["x"]
    title = 'ab ER - @misc{y, "date-parts": [[ 1, 2 ]]'
    assert unlatex(entries["x"]["title"]) == title
    assert entries["x"]["url"] == "https://e.org/a%20b%20%7Bc%7D"
    assert [e["title"] for e in rispy.loads(cite.entries([src], "ris"))] == [title]
    (item,) = json.loads(cite.entries([src], "csl-json"))
    assert item["title"] == title
    assert item["URL"] == "https://e.org/a%20b%20%7Bc%7D"


# --- the commands ----------------------------------------------------------------------


@pytest.mark.parametrize("rid", ["resolution-2640", "khare-2023-12-11"])
def test_cite_text_gives_the_fact_then_each_source(invoke: Invoke, rid: str) -> None:
    shown = invoke("show", rid, "--json")
    row = json.loads(shown.stdout)[0]
    result = invoke("cite", rid)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith(f"[minusma: {rid}]")
    assert len(lines) == 1 + len(row["sources"])
    for line, src in zip(lines[1:], row["sources"], strict=True):
        assert line.split()[-1] == src["url"]  # the URL ends the line: nothing sticks to it
        assert one_line(src["title"]) in line


def test_cite_the_311_figure_says_date_and_figure(invoke: Invoke) -> None:
    first = invoke("cite", "khare-2023-12-11").stdout.splitlines()[0]
    assert first.startswith("2023-12-11: ")
    assert "311 killed" in first


def test_chicago_numbers_its_notes(invoke: Invoke) -> None:
    lines = invoke("cite", "resolution-2640", "--style", "chicago").stdout.splitlines()
    assert [line.split(".")[0] for line in lines[1:]] == [str(n) for n in range(1, len(lines))]


def test_cite_accepts_whatever_show_accepts(invoke: Invoke) -> None:
    """`cite 2640` works exactly when `show 2640` does (the show lookup decides)."""
    for text in ("2640", "resolution-2640", "khare-2023-12-11", "mission", "timbuktu"):
        shown = invoke("show", text, "--json")
        cited = invoke("cite", text, "--format", "csl-json")
        assert cited.exit_code == shown.exit_code, text
        if shown.exit_code == 0:
            ids = [s["id"] for s in json.loads(shown.stdout)[0]["sources"]]
            assert [i["id"] for i in json.loads(cited.stdout)] == list(dict.fromkeys(ids)), text


def test_several_ids_share_one_bibliography(invoke: Invoke) -> None:
    result = invoke("cite", "khare-2023-12-11", "khare-hostile-2023-12-11", "-f", "ris")
    # both cite the same page: one entry
    assert [e["id"] for e in rispy.loads(result.stdout)] == ["lbnn-2023-12-nd-mission-closes-shop"]


def test_cite_errors_have_their_exit_codes(invoke: Invoke) -> None:
    assert invoke("cite", "no-such-record").exit_code == 1
    assert invoke("cite").exit_code == 2
    assert invoke("cite", "mission", "--self").exit_code == 2
    assert invoke("cite", "mission", "--format", "docx").exit_code == 2
    assert invoke("sources", "--format", "bibtex", "--json").exit_code == 2
    assert invoke("sources", "--cited-by", "no-such-record").exit_code == 1


def test_sources_cited_by_one_record(invoke: Invoke) -> None:
    row = json.loads(invoke("show", "resolution-2640", "--json").stdout)[0]
    wanted = [s["id"] for s in row["sources"]]
    as_json = invoke("sources", "--cited-by", "resolution-2640", "--json")
    assert [r["id"] for r in json.loads(as_json.stdout)] == wanted
    as_ris = invoke("sources", "--cited-by", "resolution-2640", "--format", "ris")
    assert [e["id"] for e in rispy.loads(as_ris.stdout)] == wanted


# --- the tool itself -------------------------------------------------------------------


def cff() -> dict[str, Any]:
    from cffconvert import Citation as Cff

    data: dict[str, Any] = Cff((ROOT / "CITATION.cff").read_text(encoding="utf-8")).cffobj
    return data


def test_citation_cff_version_is_the_tool_version() -> None:
    data = cff()
    assert data["version"] == __version__
    assert data["cff-version"] == "1.2.0"
    assert data["authors"] == [{"name": "the minusma contributors"}]
    assert data["license"] == "MIT"


def test_citation_cff_is_valid() -> None:
    cffconvert = Path(sys.executable).parent / "cffconvert"
    if not cffconvert.exists():
        pytest.skip("cffconvert is not installed")
    done = subprocess.run(
        [str(cffconvert), "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cite_self_says_what_citation_cff_says(invoke: Invoke) -> None:
    data = cff()
    released = str(data["date-released"])
    bib = parse_bibtex(invoke("cite", "--self", "--format", "bibtex").stdout)
    (entry,) = bib.values()
    assert unlatex(entry["title"]) == data["title"]
    assert entry["version"] == data["version"]
    assert entry["date"] == released
    assert unlatex(entry["author"]) == data["authors"][0]["name"]
    (ris,) = rispy.loads(invoke("cite", "--self", "--format", "ris").stdout)
    assert ris["title"] == data["title"]
    assert ris["edition"] == data["version"]
    items = json.loads(invoke("cite", "--self", "--format", "csl-json").stdout)
    assert items[0]["version"] == data["version"]
    assert data["title"] in render_csl(items)[0]
    for style in ("apa", "chicago"):
        text = invoke("cite", "--self", "--style", style).stdout
        assert data["title"] in text
        assert data["version"] in text


# --- documentation ---------------------------------------------------------------------


def test_citing_doc_examples_are_real_output(invoke: Invoke) -> None:
    doc = (ROOT / "docs" / "citing.md").read_text(encoding="utf-8")
    examples = re.findall(r"```console\n\$ minusma ([^\n]*)\n(.*?)```", doc, re.S)
    formats = set()
    for command, shown in examples:
        args = shlex.split(command)
        result = invoke(*args)
        assert result.exit_code == 0, command
        assert result.stdout == shown, command
        if "--format" in args:
            formats.add(args[args.index("--format") + 1])
        if "--style" in args:
            formats.add(args[args.index("--style") + 1])
    assert {"bibtex", "ris", "csl-json", "chicago"} <= formats
    assert any(command.startswith("cite ") and "--" not in command for command, _ in examples)  # APA text


def test_cite_help_shows_one_working_example_per_format(invoke: Invoke) -> None:
    help_text = invoke("cite", "--help").stdout
    examples = re.findall(r"^[ \t]+minusma (cite [^\n]*?)(?:[ \t]{2,}\S.*)?$", help_text, re.M)
    seen = set()
    for example in examples:
        args = shlex.split(example)
        assert invoke(*args).exit_code == 0, example
        seen.add(args[args.index("--format") + 1] if "--format" in args else "text")
        if "--style" in args:
            seen.add(args[args.index("--style") + 1])
    assert {"text", "chicago", "bibtex", "ris", "csl-json"} <= seen


# --- streams ---------------------------------------------------------------------------


def test_text_styles_name_press_releases_and_un_symbols(cite_file: Invoke) -> None:
    apa = cite_file("cite", "hostile-figure").stdout.splitlines()
    assert apa[2] == (
        "United Nations. (2013, April 25). A press release [Press release]. "
        "https://press.un.org/en/2013/sc10987.doc.htm"
    )
    assert "Report of the Secretary-General (S/2023/21). https://undocs.org/S/2023/21" in apa[3]
    assert apa[5] == "Mission mandate. (n.d.). MINUSMA. https://minusma.unmissions.org/en/mandate"
    chicago = cite_file("cite", "hostile-figure", "--style", "chicago").stdout.splitlines()
    assert chicago[2] == (
        "2. United Nations, \u201cA press release,\u201d press release, April 25, 2013, "
        "https://press.un.org/en/2013/sc10987.doc.htm."
    )


@pytest.mark.parametrize(
    ("rid", "first_line"),
    [
        ("kidal-camp", "Kidal (camp, Kidal); opened 2013; closed 2023-10-31."),
        ("el-ghassim-wane", "El-Ghassim Wane (Mauritania), head-of-mission, 2021-05-05 to 2023-12-31."),
        ("attack-aguelhok-2019-01-20", "2019-01-20: Attack on the Aguelhok camp (10 killed, 25 injured)."),
        (
            "resolution-2100",
            "2013-04-25: Security Council resolution 2100 (establish), vote 15-0-0, "
            "mandate until 2014-06-30.",
        ),
        (
            "sg-311",
            "2023-12-30: MINUSMA personnel 311 killed and over 700 injured "
            "(cause: all, period 2013-07/2023-12), reported by UN Secretary-General.",
        ),
        ("year-only-event", "2015: Something in 2015."),
    ],
)
def test_the_fact_line_gives_date_what_and_figure(mini: Invoke, rid: str, first_line: str) -> None:
    result = mini("cite", rid)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"{first_line} [minusma: {rid}]"


def test_sources_help_examples_run(invoke: Invoke) -> None:
    help_text = invoke("sources", "--help").stdout
    examples = re.findall(r"^\s+minusma (sources [^>\n]*?)\s*(?:>.*)?$", help_text, re.M)
    assert len(examples) >= 3
    for example in examples:
        assert invoke(*shlex.split(example)).exit_code == 0, example


def test_several_ids_as_text_are_blocks_apart(mini: Invoke) -> None:
    out = mini("cite", "sg-311", "kidal-camp").stdout
    first, second = out.split("\n\n")
    assert first.splitlines()[0].endswith("[minusma: sg-311]")
    assert second.splitlines()[0].endswith("[minusma: kidal-camp]")


def test_entries_are_utf8_whatever_the_terminal_encoding(tmp_path: Path) -> None:
    """BibTeX, RIS and CSL-JSON are data (UTF-8, like JSON); only the text to paste follows the terminal."""
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "ascii"}
    for fmt in ("bibtex", "ris", "csl-json"):
        done = subprocess.run(
            [installed_minusma(), "cite", "resolution-2640", "--format", fmt], capture_output=True, env=env
        )
        assert done.returncode == 0
        assert "sécurité".encode() in done.stdout, fmt
    text = subprocess.run([installed_minusma(), "cite", "resolution-2640"], capture_output=True, env=env)
    assert b"s\\xe9curit\\xe9" in text.stdout
