"""Charts: the bases, casualties and timeline answers drawn as text with Rich.

Imported only when a chart is asked for.  Each chart is drawn from a command's
:class:`~minusma_cli.query.Result` (so the command's filters apply) and fits a
given width, 60 columns or more: bars are scaled to the room left by their
labels, and bar lines are never wrapped.  Without colour only plain ASCII is
drawn.  Text from fact files goes through :func:`~minusma_cli.env.sanitize`
and into :class:`rich.text.Text` objects, so it is never read as markup.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.text import Text

from minusma_cli import query
from minusma_cli.dates import parse_iso, span
from minusma_cli.env import sanitize
from minusma_cli.errors import UsageError
from minusma_cli.factbase import FactBase
from minusma_cli.render import Notes

#: the narrowest layout; a smaller width is drawn at this width (lines are cropped, never wrapped)
MIN_WIDTH = 60


def chart(result: query.Result, facts: FactBase, *, width: int, color: bool) -> RenderableType:
    """Draw a bases, casualties or timeline result as a chart ``width`` columns wide."""
    draw = _CHARTS.get(result.command)
    if draw is None:
        raise UsageError("--chart is available for bases, casualties and timeline")
    return draw(result, facts, _Pen(width=width, color=color))


# --- drawing helpers -------------------------------------------------------------


class Glyph(NamedTuple):
    """One chart symbol: its character with colour, without, its style and its meaning."""

    fancy: str
    plain: str
    style: str = ""
    meaning: str = ""


Cell = tuple[str, str]


class _Pen:
    """Knows the width and whether colour is on; turns strings and cells into Text lines."""

    def __init__(self, *, width: int, color: bool) -> None:
        self.width = max(width, MIN_WIDTH)
        self.color = color

    def char(self, glyph: Glyph) -> str:
        return glyph.fancy if self.color else glyph.plain

    def cell(self, glyph: Glyph) -> Cell:
        return self.char(glyph), glyph.style

    def fit(self, text: str, width: int) -> str:
        """Untrusted text made safe, cut to ``width`` cells and padded to exactly that."""
        if width <= 0:
            return ""
        text = sanitize(text)
        if cell_len(text) > width:
            mark = "…" if self.color else "."
            kept, used = [], 0
            for char in text:  # one pass: the cost is linear in the width
                size = cell_len(char)
                if used + size + 1 > width:
                    break
                kept.append(char)
                used += size
            text = "".join(kept) + mark
        return text + " " * (width - cell_len(text))

    def line(self, *parts: Cell) -> Text:
        """One line that is cropped rather than wrapped; styles dropped without colour."""
        text = Text(no_wrap=True, overflow="crop", end="\n")
        for chunk, style in parts:
            text.append(chunk, style if self.color and style else "")
        text.rstrip()
        return text

    def cells(self, cells: Sequence[Cell]) -> list[Cell]:
        """Runs of cells with the same style, merged."""
        runs: list[Cell] = []
        for char, style in cells:
            if runs and runs[-1][1] == style:
                runs[-1] = (runs[-1][0] + char, style)
            else:
                runs.append((char, style))
        return runs

    def title(self, text: str) -> Text:
        return self.line((self.fit(text, self.width).rstrip(), "bold"))

    def legend(self, items: Iterable[tuple[str, str, str]]) -> list[Text]:
        """``(symbol, style, meaning)`` items flowed into lines no wider than the chart."""
        lines: list[Text] = []
        parts: list[Cell] = []
        used = 0
        for symbol, style, meaning in items:
            words = self.fit(meaning, self.width - cell_len(symbol) - 1).rstrip()
            size = cell_len(symbol) + 1 + cell_len(words)
            if parts and used + 2 + size > self.width:
                lines.append(self.line(*parts))
                parts, used = [], 0
            if parts:
                parts.append(("  ", ""))
                used += 2
            parts.extend([(symbol, style), (" " + words, "")])
            used += size
        if parts:
            lines.append(self.line(*parts))
        return lines

    def nothing(self, why: str) -> Text:
        return Text(f"nothing to draw: {why}")

    def sources(self, notes: Notes) -> list[Text]:
        if not notes.entries:
            return []
        out = [Text("Sources:", style="bold" if self.color else "")]
        out.extend(Text(sanitize(n), style="dim" if self.color else "") for n in notes.lines())
        return out


def _scale(avail: int, rows: Iterable[tuple[float, int]]) -> float:
    """Columns per unit so that every bar plus the text after it fits ``avail`` columns."""
    scale = float("inf")
    for value, extra in rows:
        if value > 0:
            scale = min(scale, max(avail - extra, 0) / value)
    return 1.0 if scale == float("inf") else scale


def _day(iso: str) -> _dt.date:
    """The first day of a (partial) ISO date: partial dates are drawn at their start."""
    return _dt.date.fromisoformat(span(iso)[0])


def _shift(d: _dt.date, days: int) -> _dt.date:
    """``d`` moved by ``days``, held at the first or last day a date can have (0001-01-01, 9999-12-31)."""
    try:
        return d + _dt.timedelta(days=days)
    except OverflowError:
        return _dt.date.max if days > 0 else _dt.date.min


#: the widest time window a chart draws; dates beyond it are clipped to its edge and marked
WINDOW_YEARS = 30


def _approximate(iso: str | None) -> bool:
    return iso is not None and len(iso) != 10


# --- bases: the withdrawal as a Gantt strip ---------------------------------------

OUTCOME_GLYPHS = {
    "handed-civil": Glyph("●", "C", "bold green", "handed to civil authorities"),
    "handed-army": Glyph("■", "A", "bold yellow", "handed to the army"),
    "vacated": Glyph("○", "V", "bold blue", "vacated"),
    "taken-by-armed-group": Glyph("✕", "X", "bold red", "taken by an armed group"),
}
NO_OUTCOME = Glyph("?", "?", "bold", "closed, outcome not recorded")
BAR = Glyph("━", "=", "cyan", "open in the withdrawal, from drawdown start if known")
LEAD = Glyph("·", ".", "bright_black", "open, drawdown not yet started")
DEADLINE = Glyph("│", "|", "magenta")
DEADLINE_MARK = Glyph("▼", "v", "bold magenta")
BEFORE = Glyph("◂", "<", "bold", "closed before the window shown")
STILL_OPEN = Glyph("▸", ">", "bold", "not closed")
AFTER = Glyph("»", "}", "bold", f"date after the window shown (more than {WINDOW_YEARS} years on)")
APPROX = Glyph("~", "~", "bold", "month or year only, drawn at its start")
AXIS = Glyph("─", "-", "bright_black")
TICK = Glyph("┬", "+", "bright_black")


def _withdrawal_start(facts: FactBase) -> tuple[_dt.date | None, Any]:
    """The day the withdrawal began (after the terminating resolution) and that resolution's number."""
    ending = [r for r in facts.resolutions if r.get("action") == "terminate"]
    if not ending:
        return None, None
    res = min(ending, key=lambda r: str(r.get("adopted")))
    until = res.get("mandate_until")
    start = _shift(_dt.date.fromisoformat(span(until)[1]), 1) if until else _day(res["adopted"])
    return start, res.get("number")


class _Site(NamedTuple):
    name: str
    opened: str | None
    start: str | None
    closed: str | None
    outcome: str | None


def _bases(result: query.Result, facts: FactBase, pen: _Pen) -> RenderableType:
    sites = [
        _Site(
            str(r.get("name") or r.get("place") or r.get("id")),
            r.get("opened"),
            r.get("drawdown_start"),
            r.get("closed"),
            r.get("outcome"),
        )
        for r in result.rows
    ]
    dated = [s for s in sites if s.closed or s.start or s.opened]
    if not dated:
        why = "no sites" if not sites else "no site has an opening, drawdown or closing date"
        return pen.nothing(why)

    anchor, number = _withdrawal_start(facts)
    withdrawn = (facts.mission or {}).get("withdrawn")
    deadline = _day(withdrawn) if withdrawn else None
    starts = [_day(s.start) for s in dated if s.start]
    ends = [_day(s.closed) for s in dated if s.closed]
    opens = [_day(s.opened) for s in dated if s.opened]
    if anchor is not None and max(starts + ends + opens) >= anchor:
        lo = min([anchor, *starts])
        margin_lo = False
    else:
        lo = min(starts + ends) if starts or ends else min(opens)
        margin_lo = True
    latest = max([*starts, *ends, *(d for d in opens if d >= lo)])
    if deadline is not None and deadline >= lo:
        latest = max(latest, deadline)
    # a date far from the rest (validate takes 0001 to 9999) is clipped, not given the whole width
    every = sorted(starts + ends + opens)
    floor = _shift(every[len(every) // 2], -365 * WINDOW_YEARS // 2)
    if lo < floor:
        lo, margin_lo = floor, False
    if margin_lo:
        lo = _month_start(_shift(lo, -7))
    latest = min(latest, _shift(lo, 365 * WINDOW_YEARS))
    hi = _month_start(_shift(_month_start(latest), 32))

    # columns: name, a space, the bar area, a space, the approximate flag, the closing date
    dates = [s.closed or "open" for s in dated]
    date_width = max(cell_len(d) for d in dates)
    name_width = min(max(cell_len(sanitize(s.name)) for s in dated), max(8, pen.width // 6))
    area = pen.width - name_width - 1 - 1 - 1 - date_width
    days = max((hi - lo).days, 1)

    def col(d: _dt.date) -> int:
        return min(max(round((d - lo).days / days * (area - 1)), 0), area - 1)

    line_col = col(deadline) if deadline is not None and lo <= deadline <= hi else None
    used: set[Glyph] = set()
    lines: list[Text] = []
    for site, when in zip(dated, dates, strict=True):
        cells: list[Cell] = [(" ", "")] * area
        if line_col is not None:
            cells[line_col] = pen.cell(DEADLINE)
        end = _day(site.closed) if site.closed else None
        ending = OUTCOME_GLYPHS.get(site.outcome or "", NO_OUTCOME) if end is not None else STILL_OPEN
        used.add(ending)
        if end is not None and end < lo:
            cells[0], cells[1] = pen.cell(BEFORE), pen.cell(ending)
            used.add(BEFORE)
        elif _day(site.start or site.opened or site.closed or "") > hi:  # dated, all of it after the window
            cells[area - 1] = pen.cell(AFTER)
            used.add(AFTER)
        else:
            opened = _day(site.opened) if site.opened else None
            open_in_window = opened is not None and opened >= lo
            if site.start:
                first = col(_day(site.start))
                from_col = col(opened) if opened is not None and open_in_window else 0
                for c in range(from_col, first):
                    cells[c] = pen.cell(LEAD)
                    used.add(LEAD)
                start_iso: str | None = site.start
            elif opened is not None and open_in_window:
                first, start_iso = col(opened), site.opened
            else:
                first, start_iso = 0, None
            last = col(end) if end is not None else area - 1
            first = min(first, last)
            for c in range(first, last):
                cells[c] = pen.cell(BAR)
                used.add(BAR)
            if _approximate(start_iso) and first < last:
                cells[first] = pen.cell(APPROX)
                used.add(APPROX)
            beyond = end is not None and end > hi
            cells[last] = pen.cell(AFTER if beyond else ending)
            if beyond:
                used.add(AFTER)
        flag = " "
        if _approximate(site.closed):
            flag = pen.char(APPROX)
            used.add(APPROX)
        lines.append(
            pen.line(
                (pen.fit(site.name, name_width) + " ", ""),
                *pen.cells(cells),
                (" ", ""),
                (flag, APPROX.style if flag != " " else ""),
                (when, ""),
            )
        )

    prefix = name_width + 1
    out: list[RenderableType] = [pen.title("Sites from drawdown to closing")]
    if line_col is not None and deadline is not None:
        out.append(_deadline_label(pen, prefix + line_col, number, str(withdrawn)))
    out.extend(lines)
    out.extend(_time_axis(pen, prefix, area, lo, hi, col))
    if line_col is None and deadline is not None:
        out.append(pen.line((sanitize(f"(deadline {withdrawn} is outside the drawn window)"), "")))
    skipped = len(sites) - len(dated)
    if skipped:
        out.append(
            pen.line((f"({skipped} site{'s' if skipped != 1 else ''} without any date not drawn)", ""))
        )
    order = [BAR, LEAD, *OUTCOME_GLYPHS.values(), NO_OUTCOME, STILL_OPEN, BEFORE, AFTER, APPROX]
    out.extend(pen.legend((pen.char(g), g.style, g.meaning) for g in order if g in used))
    return Group(*out)


def _deadline_label(pen: _Pen, x: int, number: Any, withdrawn: str) -> Text:
    """``▼ res. 2690 deadline 2023-12-31`` with the arrow over the deadline column."""
    mark = pen.char(DEADLINE_MARK)
    what = f"res. {number} deadline" if number is not None else "deadline"
    for text in (f"{what} {withdrawn}", f"deadline {withdrawn}", "deadline"):
        text = sanitize(text)
        if x + 2 + cell_len(text) <= pen.width:
            return pen.line((" " * x, ""), (mark, DEADLINE_MARK.style), (" " + text, DEADLINE.style))
        if x - 1 - cell_len(text) >= 0:
            start = x - 1 - cell_len(text)
            return pen.line((" " * start, ""), (text + " ", DEADLINE.style), (mark, DEADLINE_MARK.style))
    return pen.line((" " * x, ""), (mark, DEADLINE_MARK.style))


def _month_start(d: _dt.date) -> _dt.date:
    return d.replace(day=1)


def _months(lo: _dt.date, hi: _dt.date) -> list[_dt.date]:
    """First days of the months from ``lo`` (inclusive) to ``hi``."""
    out = []
    year, month = lo.year, lo.month
    if lo.day != 1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while year <= _dt.MAXYEAR and (d := _dt.date(year, month, 1)) <= hi:
        out.append(d)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _time_axis(
    pen: _Pen, prefix: int, area: int, lo: _dt.date, hi: _dt.date, col: Callable[[_dt.date], int]
) -> list[Text]:
    """An axis line with ticks and the dates under them, as sparse as the labels need."""
    months = _months(lo, hi)
    ticks: list[tuple[int, str]] = []
    for step in (1, 2, 3, 4, 6, 12, 24, 60, 120):
        chosen = [
            d
            for d in months
            if (d.month - 1) % step == 0
            if step < 12 or (d.month == 1 and d.year % (step // 12) == 0)
        ]
        label = 7 if step < 12 else 4
        ticks = [(col(d), d.isoformat()[:label]) for d in chosen]
        if all(b[0] - a[0] >= label + 1 for a, b in itertools.pairwise(ticks)):
            break
    axis = [pen.cell(AXIS)] * area
    for c, _ in ticks:
        axis[c] = pen.cell(TICK)
    labels = [" "] * (pen.width - prefix)
    for c, text in ticks:
        if c + len(text) <= len(labels):
            labels[c : c + len(text)] = list(text)
    return [
        pen.line((" " * prefix, ""), *pen.cells(axis)),
        pen.line((" " * prefix + "".join(labels), "")),
    ]


# --- casualties: the reported toll --------------------------------------------------

SERIES = {
    "all": Glyph("█", "#", "bright_blue", "all causes"),
    "hostile-acts": Glyph("▒", "=", "red", "hostile acts"),
}
QUALIFIERS = {
    "exact": Glyph("", ""),
    "over": Glyph(">", ">", "", "over"),
    "at-least": Glyph("≥", ">=", "", "at least"),
    "about": Glyph("~", "~", "", "about"),
}
_YEAR = re.compile(r"\d{4}")


def _from_start(period: str | None, mission_start: str | None) -> bool:
    """Whether a count is cumulative: no period, or a period ``A/B`` that starts with the mission."""
    if period is None:
        return True
    if "/" not in period:
        return False
    first = parse_iso(period.split("/", 1)[0])
    return first is None or mission_start is None or span(first)[0] <= span(mission_start)[1]


def _value(pen: _Pen, row: query.Row, notes: Notes) -> str:
    qualifier = pen.char(QUALIFIERS.get(row.get("qualifier") or "exact", QUALIFIERS["exact"]))
    marks = notes.mark(row.get("sources"))
    return f"{qualifier}{row['killed']:,}" + (f" [{marks}]" if marks else "")


def _bar_lines(
    pen: _Pen, labels: Sequence[str], values: Sequence[int], glyphs: Sequence[Glyph], texts: Sequence[str]
) -> list[Text]:
    """Horizontal bars after a label column, each followed by its text, scaled to fit."""
    label_width = max(cell_len(label) for label in labels)
    avail = pen.width - label_width - 1
    scale = _scale(avail, ((v, 1 + cell_len(t)) for v, t in zip(values, texts, strict=True)))
    lines = []
    for label, value, glyph, text in zip(labels, values, glyphs, texts, strict=True):
        size = round(value * scale)
        lines.append(
            pen.line(
                (label + " " * (label_width - cell_len(label)) + " ", ""),
                (pen.char(glyph) * size, glyph.style),
                ((" " if size else "") + text, ""),
            )
        )
    return lines


def _casualties(result: query.Result, facts: FactBase, pen: _Pen) -> RenderableType:
    mission = facts.mission or {}
    mission_start = mission.get("deployed") or mission.get("established")
    counted = [r for r in result.rows if r.get("killed") is not None and r.get("cause") in SERIES]
    cumulative = [r for r in counted if _from_start(r.get("period"), mission_start)]
    partial = [r for r in counted if r.get("period") and "/" in r["period"] and r not in cumulative]
    yearly = [
        r for r in counted if r.get("cause") == "hostile-acts" and _YEAR.fullmatch(str(r.get("period") or ""))
    ]
    if not result.rows:
        return pen.nothing("no casualty figures")
    if not cumulative and not yearly:
        return pen.nothing(
            "no cumulative or yearly death counts (all causes or hostile acts) among these figures"
        )

    notes = Notes()
    out: list[RenderableType] = [pen.title("Reported deaths of mission personnel")]
    used: set[Glyph] = set()
    qualifiers: set[str] = set()
    if cumulative:
        out.append(pen.line(("Cumulative since deployment, by as-of date", "bold")))
        glyphs = [SERIES[r["cause"]] for r in cumulative]
        used.update(glyphs)
        qualifiers.update(r.get("qualifier") or "exact" for r in cumulative)
        out.extend(
            _bar_lines(
                pen,
                [sanitize(r["as_of"]) for r in cumulative],
                [r["killed"] for r in cumulative],
                glyphs,
                [_value(pen, r, notes) for r in cumulative],
            )
        )
    if yearly:
        if cumulative:
            out.append(Text(""))
        out.append(pen.line(("Deaths in hostile acts, by year and reporter", "bold")))
        yearly.sort(key=lambda r: str(r["period"]))
        who_width = min(
            max(cell_len(_reporter(r)) for r in yearly),
            max(12, min(20, pen.width // 4)),
        )
        labels, previous = [], None
        for r in yearly:
            year = str(r["period"]) if r["period"] != previous else "    "
            previous = r["period"]
            labels.append(f"{year} {pen.fit(_reporter(r), who_width)}")
        used.add(SERIES["hostile-acts"])
        qualifiers.update(r.get("qualifier") or "exact" for r in yearly)
        out.extend(
            _bar_lines(
                pen,
                labels,
                [r["killed"] for r in yearly],
                [SERIES["hostile-acts"]] * len(yearly),
                [_value(pen, r, notes) for r in yearly],
            )
        )
    if partial:
        periods = ", ".join(sanitize(str(r["period"])) for r in partial)
        counts = "1 count" if len(partial) == 1 else f"{len(partial)} counts"
        out.append(Text(f"Not drawn: {counts} for part of the mission only ({periods})."))
    legend = [(pen.char(g), g.style, g.meaning) for g in SERIES.values() if g in used]
    legend += [(pen.char(g), "", g.meaning) for q, g in QUALIFIERS.items() if q in qualifiers and g.meaning]
    legend.append(("[n]", "", "source, listed below"))
    out.extend(pen.legend(legend))
    out.extend(pen.sources(notes))
    return Group(*out)


def _reporter(row: query.Row) -> str:
    """The reporter's name up to its first comma: ``UN Staff Union, Standing ...`` -> ``UN Staff Union``."""
    return sanitize(str(row.get("reported_by") or "?")).split(",", 1)[0].strip()


# --- timeline: events per year by category -------------------------------------------


def _segment(plain: str, colour: str, meaning: str) -> Glyph:
    """A category's segment: its symbol in black on the category's colour, so both tell it apart."""
    return Glyph(plain, plain, f"black on {colour}", meaning)


CATEGORY_GLYPHS = {
    "conflict": _segment("#", "red", "conflict"),
    "coup": _segment("!", "magenta", "coup"),
    "political": _segment("=", "blue", "political"),
    "mandate": _segment("*", "bright_yellow", "mandate"),
    "peace-process": _segment("+", "green", "peace process"),
    "election": _segment("%", "cyan", "election"),
    "attack": _segment("X", "bright_red", "attack"),
    "deployment": _segment(">", "bright_blue", "deployment"),
    "withdrawal": _segment("<", "yellow", "withdrawal"),
    "liquidation": _segment("-", "white", "liquidation"),
}
OTHER_CATEGORY = _segment("?", "bright_white", "other")
RESOLUTION_MARK = Glyph("▲", "^", "bold bright_yellow", "mandate resolution n adopted that year")
FIRST_YEAR = 2012
_RESOLUTION = re.compile(r"\bresolution\s+(\d+)", re.IGNORECASE)


class _Year:
    """What one year of the timeline holds: events per category and resolution numbers."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.resolutions: list[str] = []


def _timeline(result: query.Result, facts: FactBase, pen: _Pen) -> RenderableType:
    rows = [r for r in result.rows if _YEAR.fullmatch(str(r.get("date") or "")[:4])]
    if not rows:
        return pen.nothing("no events")
    adopted = {str(r.get("adopted")): str(r.get("number")) for r in facts.resolutions}
    # one line a year: a year far from the rest (validate takes 0001 to 9999) is clipped and counted
    every = sorted(int(r["date"][:4]) for r in rows)
    middle = every[len(every) // 2]
    low, high = middle - WINDOW_YEARS, middle + WINDOW_YEARS
    outside = [y for y in every if not low <= y <= high]
    rows = [r for r in rows if low <= int(r["date"][:4]) <= high]
    first = max(min(FIRST_YEAR, *(int(r["date"][:4]) for r in rows)), low)
    last = max(int(r["date"][:4]) for r in rows)
    years = {y: _Year() for y in range(first, last + 1)}
    for r in rows:
        year = years[int(r["date"][:4])]
        category = str(r.get("category"))
        year.counts[category] = year.counts.get(category, 0) + 1
        if category == "mandate":
            match = _RESOLUTION.search(str(r.get("title") or ""))
            number = adopted.get(str(r["date"])) or (match.group(1) if match else None)
            if number is not None and number not in year.resolutions:
                year.resolutions.append(sanitize(number))

    order = [*CATEGORY_GLYPHS, *sorted({c for y in years.values() for c in y.counts} - set(CATEGORY_GLYPHS))]
    mark = pen.char(RESOLUTION_MARK)
    totals = {y: sum(d.counts.values()) for y, d in years.items()}
    marks = {y: " ".join(mark + n for n in d.resolutions) for y, d in years.items()}

    def after(y: int) -> str:
        return " ".join(t for t in (str(totals[y]) if totals[y] else "", marks[y]) if t)

    scale = _scale(pen.width - 5, ((totals[y], 1 + cell_len(after(y))) for y in years))
    lines: list[Text] = []
    for y, data in years.items():
        parts: list[Cell] = [(f"{y} ", "")]
        done = 0
        for category in order:
            count = data.counts.get(category, 0)
            if count:
                glyph = CATEGORY_GLYPHS.get(category, OTHER_CATEGORY)
                parts.append(
                    (pen.char(glyph) * (round((done + count) * scale) - round(done * scale)), glyph.style)
                )
                done += count
        if totals[y]:
            parts.append((f" {totals[y]}", ""))
        if marks[y]:
            parts.append((" " + marks[y], RESOLUTION_MARK.style))
        lines.append(pen.line(*parts))

    present = [c for c in order if any(c in d.counts for d in years.values())]
    glyphs = dict.fromkeys(CATEGORY_GLYPHS.get(c, OTHER_CATEGORY) for c in present)
    legend = [(pen.char(g), g.style, g.meaning) for g in glyphs]
    if any(d.resolutions for d in years.values()):
        legend.append((mark + "n", RESOLUTION_MARK.style, RESOLUTION_MARK.meaning))
    title = (
        f"Events per year by category, {first} to {last} ({len(rows)} event{'s' if len(rows) != 1 else ''})"
    )
    clipped = []
    if outside:
        many = "s" if len(outside) != 1 else ""
        clipped.append(pen.line((f"(not drawn: {len(outside)} event{many} outside {low} to {high})", "")))
    return Group(pen.title(title), *lines, *clipped, *pen.legend(legend))


_CHARTS: dict[str, Callable[[query.Result, FactBase, _Pen], RenderableType]] = {
    "bases": _bases,
    "casualties": _casualties,
    "timeline": _timeline,
}
