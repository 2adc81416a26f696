"""Citations: a record and its sources as text to paste, BibTeX, RIS or CSL-JSON.

Plain module: no Typer, no Rich.  Sources are dicts with the fact-base keys
(``id``, ``title``, ``publisher``, ``published``, ``url``, ``kind``, and an
optional ``language``).  Text from fact files is untrusted: every format puts
it on one line without control characters, then escapes it in its own way
(LaTeX escapes in BibTeX, JSON string escapes in CSL-JSON; RIS needs none on
one line), and a URL gets %-escapes for what a URL may not hold.
A date the source does not give (``"n.d."``) is left out, never made up; a
month or a year stays a month or a year.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from minusma_cli import __version__, query

if TYPE_CHECKING:
    from minusma_cli.factbase import FactBase

Source = dict[str, Any]
Row = dict[str, Any]

#: the formats for reference managers (``text`` is the other one)
ENTRY_FORMATS = ("bibtex", "ris", "csl-json")

#: the kind of reference a source is, as a reference manager sees it
Type = Literal["press-release", "report", "news", "webpage", "un-document"]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# C0 and C1 controls, DEL, and the Unicode bidi controls that can reorder a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# --- plain values -----------------------------------------------------------------


def one_line(text: Any) -> str:
    """Untrusted text on one line: whitespace runs become one space, controls go."""
    if text is None:
        return ""
    spaced = re.sub(r"[\t\n\r\v\f\u2028\u2029\x85]+", " ", str(text))
    return " ".join(_CONTROL.sub("", spaced).split())


# everything RFC 3986 allows in a URL, plus "%" for the escapes already there
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9!#$%&'()*+,\-./:;=?@\[\]_~\u0080-\U0010ffff]")


def clean_url(url: Any) -> str:
    """A URL that survives copying: spaces, braces, backslashes, quotes are %-escaped.

    A URL that is already clean comes back unchanged; letters of other scripts
    stay as they are (an IRI), as browsers and reference managers show them.
    """
    return _URL_UNSAFE.sub(lambda m: urllib.parse.quote(m.group()), one_line(url))


def date_parts(published: Any) -> list[int]:
    """``"2013-07"`` -> ``[2013, 7]``; ``"n.d."`` or nothing -> ``[]``."""
    text = str(published or "")
    if not re.fullmatch(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", text):
        return []
    return [int(p) for p in text.split("-")]


# --- what kind of reference -------------------------------------------------------

# UN official document symbols: S/RES/2100 (2013), S/2023/21, S/PV.6898, A/RES/77/1, A/77/600
_SYMBOL = re.compile(
    r"(?<![A-Za-z0-9])("
    r"[SA]/RES/[0-9]+(?:/[0-9]+)?(?:\s*\(\s*[0-9]{4}\s*\))?"
    r"|S/[0-9]{4}/[0-9]+"
    r"|[SA]/PV\.[0-9]+"
    r"|A/[0-9]{2,3}/[0-9]+"
    r")",
)
_RESOLUTION_TITLE = re.compile(r"\b[Rr][ée]solution\s+([0-9]{3,4})\s*\(([0-9]{4})\)")
_RESOLUTION_URL = re.compile(r"/resolutions?/([0-9]{3,4})\b")


def un_symbol(src: Source) -> str | None:
    """The UN document symbol the title or the URL gives, in its usual spelling."""
    title, url = one_line(src.get("title")), urllib.parse.unquote(one_line(src.get("url")))
    for text in (title, url):
        found = _SYMBOL.search(text)
        if found:
            return re.sub(r"\s*\(\s*([0-9]{4})\s*\)", r" (\1)", found.group(1))
    if src.get("kind") == "resolution":
        named = _RESOLUTION_TITLE.search(title)
        if named:
            return f"S/RES/{named.group(1)} ({named.group(2)})"
        in_url = _RESOLUTION_URL.search(url)
        if in_url:
            return f"S/RES/{in_url.group(1)}"
    return None


def ref_type(src: Source) -> Type:
    """Press release, report, news article, UN document (with a symbol) or web page."""
    kind = src.get("kind")
    if un_symbol(src) and kind in ("resolution", "report", "other", "reference"):
        return "un-document"
    if kind == "press-release":
        return "press-release"
    if kind == "report":
        return "report"
    if kind == "news":
        return "news"
    return "webpage"


#: the type of work a reference manager shows (RIS M3, CSL genre)
_LABEL = {"press-release": "Press release", "report": "Report", "un-document": "UN document"}


def _group_author(kind: Type) -> bool:
    """News articles and web pages have no known author; the others are the publisher's own."""
    return kind in ("press-release", "report", "un-document")


def key(src: Source) -> str:
    """A stable citation key: the source id, which is already a slug."""
    return re.sub(r"[^A-Za-z0-9_:-]", "-", str(src.get("id") or "source")) or "source"


# --- the fact in a few words ---------------------------------------------------------


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


_QUALIFIER = {"exact": "", "at-least": "at least ", "over": "over ", "about": "about "}


def fact_line(row: Row) -> str:
    """One line for a record: its date, what it is, and its figure."""
    g = row.get
    kind = g("type")
    if kind == "casualty":
        figures = []
        if g("killed") is not None:
            figures.append(f"{_QUALIFIER.get(str(g('qualifier')), '')}{_count(g('killed'))} killed")
        if g("injured") is not None:
            qualifier = g("injured_qualifier") or g("qualifier")
            figures.append(f"{_QUALIFIER.get(str(qualifier), '')}{_count(g('injured'))} injured")
        scope = f"cause: {g('cause')}" + (f", period {g('period')}" if g("period") else "")
        what = " and ".join(figures) or "casualty figure"
        whose = f"MINUSMA personnel from {g('nationality')}" if g("nationality") else "MINUSMA personnel"
        return f"{g('as_of')}: {whose} {what} ({scope}), reported by {g('reported_by')}"
    if kind == "event":
        harm = [f"{_count(g(k))} {k}" for k in ("killed", "injured") if g(k)]
        end = f" to {g('end')}" if g("end") else ""
        return f"{g('date')}{end}: {g('title')}" + (f" ({', '.join(harm)})" if harm else "")
    if kind == "resolution":
        vote = g("vote") or {}
        tally = "-".join(str(vote.get(k)) for k in ("in_favour", "against", "abstaining"))
        until = f", mandate until {g('mandate_until')}" if g("mandate_until") else ""
        return (
            f"{g('adopted')}: Security Council resolution {g('number')} ({g('action')}), vote {tally}{until}"
        )
    if kind == "base":
        dates = [f"{k} {g(k)}" for k in ("opened", "closed") if g(k)]
        handed = [f"handed to {g('handed_to')}"] if g("handed_to") else []
        what = ", ".join(str(v) for v in (g("kind"), g("region")) if v)
        return f"{g('name')} ({what})" + "".join(f"; {d}" for d in [*dates, *handed])
    if kind == "person":
        term = f"{g('start') or '?'} to {g('end') or '?'}"
        return f"{g('name')} ({g('nationality')}), {g('role')}, {term}"
    if kind == "mission":
        return (
            f"{g('name')}: established {g('established')}, deployed {g('deployed')}, "
            f"mandate ended {g('mandate_ended')}, withdrawn {g('withdrawn')}"
        )
    if kind == "place":
        return f"{g('name')} ({g('region')})"
    if kind == "source":
        return f"Source: {g('title')}"
    if kind in ("strength", "contributor"):
        counts = ", ".join(
            f"{_count(g(k))} {k}" for k in ("military", "police", "civilians") if g(k) is not None
        )
        if g("total") is not None:
            counts += ("; " if counts else "") + f"{_count(g('total'))} in all"
        whose = (
            f"{g('country')}'s contingent in MINUSMA"
            if kind == "contributor"
            else "MINUSMA personnel deployed"
        )
        by = f", reported by {g('reported_by')}" if g("reported_by") else ""
        return f"{g('as_of')}: {whose}: {counts or 'no figure'}{by}"
    if kind == "budget":
        return (
            f"{g('period_start')} to {g('period_end')}: MINUSMA {g('kind')} of US${_count(g('amount_usd'))}, "
            f"approved by {g('approved_by')}"
        )
    # a kind this code does not know yet: its date, kind and id
    return f"{g('as_of') or g('date') or ''}: {kind} {g('id')}".lstrip(": ")


# --- text styles -------------------------------------------------------------------


def _apa_date(parts: list[int]) -> str:
    if not parts:
        return "n.d."
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[parts[1] - 1]
    return f"{parts[0]}, {month}" + (f" {parts[2]}" if len(parts) == 3 else "")


def _chicago_date(parts: list[int]) -> str:
    if not parts:
        return "n.d."
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[parts[1] - 1]
    return f"{month} {parts[2]}, {parts[0]}" if len(parts) == 3 else f"{month} {parts[0]}"


def _end(text: str) -> str:
    """A closing full stop, unless the text already ends a sentence."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _symbol_to_add(src: Source, kind: Type) -> str | None:
    """A UN document's symbol, unless its title already shows it."""
    symbol = un_symbol(src)
    if kind != "un-document" or symbol is None or symbol in one_line(src.get("title")):
        return None
    return symbol


def apa(src: Source) -> str:
    """One APA 7 reference: the group author or the title first, then date, title, site, URL."""
    kind = ref_type(src)
    title, publisher = one_line(src.get("title")), one_line(src.get("publisher"))
    date = f"({_apa_date(date_parts(src.get('published')))})."
    url = clean_url(src.get("url"))
    if _group_author(kind):
        symbol = _symbol_to_add(src, kind)
        # APA: a description in square brackets, a document number in parentheses
        described = title + (" [Press release]" if kind == "press-release" else "")
        described += f" ({symbol})" if symbol else ""
        return f"{_end(publisher)} {date} {_end(described)} {url}"
    # no author: the title moves to the author's place, the site follows it
    return f"{_end(title)} {date} {_end(publisher)} {url}"


def chicago(src: Source, number: int) -> str:
    """One Chicago (notes and bibliography) note."""
    kind = ref_type(src)
    title, publisher = one_line(src.get("title")), one_line(src.get("publisher"))
    date = _chicago_date(date_parts(src.get("published")))
    url = clean_url(src.get("url"))
    if _group_author(kind):
        symbol = _symbol_to_add(src, kind)
        rest = ["press release"] if kind == "press-release" else []
        rest += [symbol] if symbol else []
        return f"{number}. {publisher}, \u201c{title},\u201d " + ", ".join([*rest, date, url]) + "."
    return f"{number}. \u201c{title},\u201d {publisher}, {date}, {url}."


def text(row: Row, sources: Sequence[Source], *, style: str = "apa") -> str:
    """A record ready to paste: the fact on one line, then each source as a reference."""
    lines = [f"{_end(one_line(fact_line(row)))} [minusma: {one_line(row.get('id'))}]"]
    if style == "chicago":
        lines += [chicago(src, n) for n, src in enumerate(sources, 1)]
    else:
        lines += [apa(src) for src in sources]
    return "\n".join(lines) + "\n"


# --- BibTeX ------------------------------------------------------------------------

_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}
_LATEX_RE = re.compile("[" + re.escape("".join(_LATEX)) + "]")


def latex(value: Any) -> str:
    """Text for a braced BibTeX field: LaTeX specials escaped.

    Braces are spelled as commands, not as ``\\{``: BibTeX counts every brace,
    escaped or not, so a lone one would end the field early.
    """
    return _LATEX_RE.sub(lambda m: _LATEX[m.group()], one_line(value))


_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_BIBTEX_TYPE = {
    "press-release": "techreport",
    "report": "techreport",
    "un-document": "techreport",
    "news": "article",
    "webpage": "misc",
}


def bibtex_entry(src: Source) -> str:
    kind = ref_type(src)
    parts = date_parts(src.get("published"))
    symbol = un_symbol(src)
    publisher = latex(src.get("publisher"))
    fields: list[tuple[str, str]] = []
    if _group_author(kind):
        # double braces: a group author, not a person whose surname is the last word
        fields.append(("author", "{" + publisher + "}"))
    # double braces keep the title's capitals as they are
    fields.append(("title", "{" + latex(src.get("title")) + "}"))
    if kind == "news":
        fields.append(("journal", publisher))
    elif _group_author(kind):
        fields.append(("institution", publisher))
        fields.append(
            ("type", {"press-release": "Press release", "report": "Report"}.get(kind, "UN document"))
        )
        if symbol:
            fields.append(("number", latex(symbol)))
    else:
        fields.append(("organization", publisher))
        fields.append(("howpublished", "Web page"))
    if parts:
        fields.append(("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
        fields.append(("year", str(parts[0])))
    url = clean_url(src.get("url"))
    if url:
        fields.append(("url", url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")))
    if src.get("language"):
        fields.append(("language", latex(src.get("language"))))
    body = [f"  {name} = {{{value}}}" for name, value in fields]
    if len(parts) >= 2:
        # a month macro, unquoted: what BibTeX styles expect
        year_at = next(i for i, (name, _) in enumerate(fields) if name == "year")
        body.insert(year_at + 1, f"  month = {_BIBTEX_MONTHS[parts[1] - 1]}")
    return f"@{_BIBTEX_TYPE[kind]}{{{key(src)},\n" + ",\n".join(body) + "\n}\n"


def bibtex(sources: Iterable[Source]) -> str:
    return "\n".join(bibtex_entry(src) for src in sources)


# --- RIS -----------------------------------------------------------------------------

_RIS_TYPE = {
    "press-release": "PRESS",
    "report": "RPRT",
    "un-document": "GOVDOC",
    "news": "NEWS",
    "webpage": "ELEC",
}


def ris_entry(src: Source) -> str:
    kind = ref_type(src)
    parts = date_parts(src.get("published"))
    symbol = un_symbol(src)
    lines = [("TY", _RIS_TYPE[kind]), ("ID", key(src))]
    if _group_author(kind):
        lines.append(("AU", one_line(src.get("publisher"))))
    lines.append(("TI", one_line(src.get("title"))))
    if kind == "news":
        lines.append(("T2", one_line(src.get("publisher"))))
    lines.append(("PB", one_line(src.get("publisher"))))
    if kind in _LABEL:
        lines.append(("M3", _LABEL[kind]))
    if symbol:
        lines.append(("SN", symbol))
    if parts:
        lines.append(("PY", str(parts[0])))
        if len(parts) > 1:
            lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))))
    if src.get("url"):
        lines.append(("UR", clean_url(src.get("url"))))
    if src.get("language"):
        lines.append(("LA", one_line(src.get("language"))))
    lines.append(("ER", ""))
    # "ER  - " keeps its space: the RIS tag is always six characters
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


def ris(sources: Iterable[Source]) -> str:
    return "\n".join(ris_entry(src) for src in sources)


# --- CSL-JSON ----------------------------------------------------------------------

_CSL_TYPE = {
    "press-release": "report",
    "report": "report",
    "un-document": "report",
    "news": "article-newspaper",
    "webpage": "webpage",
}


def csl_item(src: Source) -> dict[str, Any]:
    kind = ref_type(src)
    parts = date_parts(src.get("published"))
    symbol = un_symbol(src)
    publisher = one_line(src.get("publisher"))
    item: dict[str, Any] = {"id": key(src), "type": _CSL_TYPE[kind]}
    if _group_author(kind):
        item["author"] = [{"literal": publisher}]
    item["title"] = one_line(src.get("title"))
    if kind in ("news", "webpage"):
        item["container-title"] = publisher
    item["publisher"] = publisher
    if kind in _LABEL:
        item["genre"] = _LABEL[kind]
    if symbol:
        item["number"] = symbol
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if src.get("url"):
        item["URL"] = clean_url(src.get("url"))
    if src.get("language"):
        item["language"] = one_line(src.get("language"))
    return item


def csl_json(sources: Iterable[Source]) -> str:
    text = json.dumps([csl_item(src) for src in sources], ensure_ascii=False, indent=2)
    # a date on one line, as people write it: "date-parts": [[2013, 7]]. The key's
    # quotes cannot occur unescaped inside a string, so no title is touched.
    text = re.sub(
        r'"date-parts": \[\s*\[\s*([0-9]+(?:,\s*[0-9]+)*)\s*\]\s*\]',
        lambda m: '"date-parts": [[' + ", ".join(m.group(1).replace(",", " ").split()) + "]]",
        text,
    )
    # valid JSON either way, but some readers choke on these raw: spell them as escapes
    return re.sub("[\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


# --- one entry point -------------------------------------------------------------------


def entries(sources: Sequence[Source], fmt: str) -> str:
    """The sources in a reference-manager format: bibtex, ris or csl-json."""
    if fmt == "bibtex":
        return bibtex(sources)
    if fmt == "ris":
        return ris(sources)
    return csl_json(sources)


def unique(sources: Iterable[Source]) -> list[Source]:
    """Each source once, in first-cited order."""
    seen: dict[str, Source] = {}
    for src in sources:
        seen.setdefault(str(src.get("id")), src)
    return list(seen.values())


# --- the tool itself ---------------------------------------------------------------

#: how to cite minusma; CITATION.cff says the same (a test holds them together)
SELF: Source = {
    "id": f"minusma-{__version__}",
    "title": "minusma: an offline, sourced fact reference for the UN mission in Mali (MINUSMA, 2013-2023)",
    "publisher": "the minusma contributors",
    "published": "2026-11-28",
    "version": __version__,
    "license": "MIT",
    "kind": "other",
    "url": "",
}


def self_citation(fmt: str, style: str = "apa") -> str:
    """How to cite this tool, from the same facts as CITATION.cff."""
    s = SELF
    if fmt == "bibtex":
        return (
            f"@software{{{key(s)},\n"
            f"  author = {{{{{latex(s['publisher'])}}}}},\n"
            f"  title = {{{{{latex(s['title'])}}}}},\n"
            f"  version = {{{s['version']}}},\n"
            f"  date = {{{s['published']}}},\n"
            f"  year = {{{s['published'][:4]}}},\n"
            f"  license = {{{s['license']}}}\n"
            "}\n"
        )
    if fmt == "ris":
        return (
            f"TY  - COMP\nID  - {key(s)}\nAU  - {s['publisher']}\nTI  - {s['title']}\n"
            f"ET  - {s['version']}\nPY  - {s['published'][:4]}\nDA  - {s['published'].replace('-', '/')}\n"
            "ER  - \n"
        )
    if fmt == "csl-json":
        item = {
            "id": key(s),
            "type": "software",
            "author": [{"literal": s["publisher"]}],
            "title": s["title"],
            "version": s["version"],
            "issued": {"date-parts": [date_parts(s["published"])]},
        }
        return json.dumps([item], ensure_ascii=False, indent=2) + "\n"
    date = date_parts(s["published"])
    if style == "chicago":
        return f"1. {s['publisher']}, {s['title']}, version {s['version']}, {_chicago_date(date)}.\n"
    author = _end(s["publisher"].capitalize())
    return f"{author} ({_apa_date(date)}). {s['title']} (Version {s['version']}) [Computer software].\n"


# --- what the commands ask for -------------------------------------------------------


def _full_sources(facts: FactBase, cited: Iterable[Row]) -> list[Source]:
    """The fact-base sources behind a row's source objects (with kind and language)."""
    return [{**s, **facts.sources.get(s["id"], {})} for s in cited]


def cite_ids(facts: FactBase, ids: Sequence[str], *, fmt: str = "text", style: str = "apa") -> str:
    """Cite records by anything ``show`` accepts; raises NotFoundError for an unknown one."""
    # every row show answers with: an ID that names several records cites them all
    rows = [row for rid in ids for row in query.show(facts, rid).rows]
    if fmt == "text":
        return "\n".join(text(row, _full_sources(facts, row["sources"]), style=style) for row in rows)
    return entries(unique(s for row in rows for s in _full_sources(facts, row["sources"])), fmt)


def bibliography(facts: FactBase, fmt: str, *, cited_by: str | None = None) -> str:
    """Every source, by id, or only those one record cites (in its order)."""
    if cited_by is None:
        chosen = [{"id": sid, **facts.sources[sid]} for sid in sorted(facts.sources)]
    else:
        rows = query.show(facts, cited_by).rows
        chosen = unique(_full_sources(facts, [s for row in rows for s in row["sources"]]))
    return entries(chosen, fmt)
