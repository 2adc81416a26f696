"""Charts: text renderings pinned at fixed widths, from a small fact file built here."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.text import Text

from minusma_cli import query
from minusma_cli.charts import chart
from minusma_cli.errors import UsageError
from minusma_cli.factbase import FactBase
from minusma_cli.store import load_files

FACTS = """\
schema_version = 1

[mission]
name = "TESTMISSION"
full_name = "A test mission"
deployed = 2013-07-01
withdrawn = 2023-12-31
sources = ["s1"]

[sources.s1]
title = "First report"
publisher = "Agency One"
published = 2023-12-30
url = "https://example.org/one"
kind = "report"

[sources.s2]
title = "Second report"
publisher = "Paper Two"
published = "2021-05"
url = "https://example.org/two"
kind = "news"

[places.oldcamp]
name = "Oldcamp"
region = "North"

[places.northtown]
name = "Northtown"
region = "North"

[places.eastford]
name = "Eastford"
region = "East"

[places.westport]
name = "Westport"
region = "West"

[places.southville]
name = "Southville"
region = "South"

[places.capital]
name = "Capital District Headquarters"
region = "Capital"

[[resolutions]]
number = 2100
adopted = 2013-04-25
action = "establish"
vote = { in_favour = 15, against = 0, abstaining = 0 }
mandate_until = 2014-06-30
summary = "Establishes the mission"
sources = ["s1"]

[[resolutions]]
number = 2690
adopted = 2023-06-30
action = "terminate"
vote = { in_favour = 15, against = 0, abstaining = 0 }
mandate_until = 2023-06-30
summary = "Ends the mandate"
sources = ["s1"]

[[bases]]
id = "base-oldcamp"
place = "oldcamp"
kind = "camp"
closed = 2018-08-24
outcome = "handed-army"
sources = ["s1"]

[[bases]]
id = "base-northtown"
place = "northtown"
kind = "camp"
opened = "2020-03"
closed = 2023-08-03
outcome = "handed-civil"
sources = ["s1"]

[[bases]]
id = "base-eastford"
place = "eastford"
kind = "camp"
drawdown_start = 2023-10-16
closed = 2023-10-23
outcome = "vacated"
sources = ["s1"]

[[bases]]
id = "base-westport"
place = "westport"
kind = "sector-headquarters"
closed = 2023-10-31
outcome = "taken-by-armed-group"
sources = ["s1"]

[[bases]]
id = "base-southville"
place = "southville"
kind = "sector-headquarters"
closed = "2023-12"
outcome = "handed-civil"
sources = ["s1"]

[[bases]]
id = "base-capital"
place = "capital"
kind = "headquarters"
closed = 2024-11-15
outcome = "handed-civil"
sources = ["s1"]

[[casualties]]
id = "c-all-2014"
as_of = 2014-10-03
period = "2013-07/2014-10"
killed = 30
qualifier = "exact"
cause = "all"
reported_by = "UN official, as cited by AP"
sources = ["s1"]

[[casualties]]
id = "c-partial-2014"
as_of = 2015-01-13
period = "2014-06/2014-10"
killed = 28
qualifier = "exact"
cause = "hostile-acts"
reported_by = "UN Staff Union"
sources = ["s2"]

[[casualties]]
id = "c-hostile-2015"
as_of = 2015-07-02
period = "2013-07/2015-07"
killed = 35
qualifier = "exact"
cause = "hostile-acts"
reported_by = "AFP"
sources = ["s2"]

[[casualties]]
id = "c-all-2015-year"
as_of = "2016-03"
period = "2015"
killed = 29
qualifier = "over"
cause = "all"
reported_by = "AFP"
sources = ["s2"]

[[casualties]]
id = "c-year-2017"
as_of = 2018-01-26
period = "2017"
killed = 28
qualifier = "exact"
cause = "hostile-acts"
reported_by = "UN Staff Union, Standing Committee for the Security of the Civil Service"
sources = ["s2"]

[[casualties]]
id = "c-year-2022-fc"
as_of = 2023-01-06
period = "2022"
killed = 21
qualifier = "exact"
cause = "hostile-acts"
reported_by = "Lt. Gen. Someone Longname, outgoing Force Commander"
sources = ["s1"]

[[casualties]]
id = "c-year-2022-union"
as_of = 2023-01-20
period = "2022"
killed = 14
qualifier = "at-least"
cause = "hostile-acts"
reported_by = "UN Staff Union"
sources = ["s2"]

[[casualties]]
id = "c-hostile-2023"
as_of = 2023-12-11
killed = 174
qualifier = "about"
cause = "hostile-acts"
reported_by = "UN"
sources = ["s1"]

[[casualties]]
id = "c-all-2023"
as_of = 2023-12-30
period = "2013-07/2023-12"
killed = 311
qualifier = "over"
cause = "all"
reported_by = "UN Secretary-General"
sources = ["s1", "s2"]

[[casualties]]
id = "c-other-2018"
as_of = 2018-04-07
period = "2013-07/2018-04"
killed = 68
qualifier = "exact"
cause = "other"
reported_by = "MINUSMA"
sources = ["s1"]

[[events]]
id = "e-rebellion"
date = 2012-01-17
category = "conflict"
title = "Rebellion starts"
sources = ["s1"]

[[events]]
id = "e-coup"
date = 2012-03-21
category = "coup"
title = "Coup in the capital"
sources = ["s1"]

[[events]]
id = "e-res-2085"
date = 2012-12-20
category = "mandate"
title = "Council authorises a force (resolution 2085)"
sources = ["s1"]

[[events]]
id = "e-res-2100"
date = 2013-04-25
category = "mandate"
title = "Council creates the mission"
sources = ["s1"]

[[events]]
id = "e-attack-2013"
date = 2013-10-23
category = "attack"
title = "First attack on the mission"
places = ["northtown"]
sources = ["s1"]

[[events]]
id = "e-attack-2015"
date = "2015"
category = "attack"
title = "An attack known to the year"
sources = ["s1"]

[[events]]
id = "e-res-2690"
date = 2023-06-30
category = "mandate"
title = "Council ends the mandate"
sources = ["s1"]

[[events]]
id = "e-close-north"
date = 2023-08-03
category = "withdrawal"
title = "Northtown camp handed over"
places = ["northtown"]
sources = ["s1"]

[[events]]
id = "e-residual"
date = 2023-09-30
category = "mandate"
title = "Residual authority expires"
sources = ["s1"]

[[events]]
id = "e-close-capital"
date = 2024-11-15
category = "withdrawal"
title = "Last camp handed over"
places = ["capital"]
sources = ["s1"]

[[events]]
id = "e-liquidation"
date = 2024-12-31
category = "liquidation"
title = "Planned end of liquidation"
sources = ["s1"]
"""


def edited(*changes: tuple[str, str]) -> str:
    """FACTS with each ``old`` text (which must occur exactly once) replaced by ``new``."""
    text = FACTS
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def load(tmp_path: Path, text: str = FACTS) -> FactBase:
    path = tmp_path / "facts.toml"
    path.write_text(text, encoding="utf-8")
    facts, problems = load_files([(path, "facts.toml")], use_cache=False)
    assert problems == []
    return facts


@pytest.fixture
def facts(tmp_path: Path) -> FactBase:
    return load(tmp_path)


def result_of(facts: FactBase, command: str) -> query.Result:
    if command == "bases":
        return query.bases(facts)
    if command == "casualties":
        return query.casualties(facts)
    return query.timeline(facts)


def render(renderable: RenderableType, width: int, *, color: bool) -> str:
    """What a terminal of ``width`` columns shows (with escape codes when colour is on)."""
    console = Console(
        width=width,
        file=io.StringIO(),
        color_system="truecolor" if color else None,
        no_color=False,
        record=True,
        legacy_windows=False,
    )
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def text_of(renderable: RenderableType, width: int) -> str:
    """The rendering as plain text, trailing spaces dropped."""
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True, legacy_windows=False)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text(styles=False).splitlines()) + "\n"


def draw(facts: FactBase, command: str, width: int, *, color: bool = False) -> str:
    return text_of(chart(result_of(facts, command), facts, width=width, color=color), width)


# --- golden renderings -----------------------------------------------------------------

GOLDEN: dict[tuple[str, int, bool], str] = {}

GOLDEN["bases", 80, False] = """\
Sites from drawdown to closing
                                 v res. 2690 deadline 2023-12-31
Oldcamp       <A                 |                                    2018-08-24
Northtown     ===C               |                                    2023-08-03
Eastford      ...........=V      |                                    2023-10-23
Westport      ============X      |                                    2023-10-31
Southville    ================C  |                                   ~2023-12
Capital Dist. ===================================================C    2024-11-15
              +--------+---------+--------+--------+---------+------
              2023-07  2023-10   2024-01  2024-04  2024-07   2024-10
= open in the withdrawal, from drawdown start if known
. open, drawdown not yet started  C handed to civil authorities
A handed to the army  V vacated  X taken by an armed group
< closed before the window shown  ~ month or year only, drawn at its start
"""

GOLDEN["bases", 60, False] = """\
Sites from drawdown to closing
                        v res. 2690 deadline 2023-12-31
Oldcamp    <A           |                         2018-08-24
Northtown  ==C          |                         2023-08-03
Eastford   .......=V    |                         2023-10-23
Westport   ========X    |                         2023-10-31
Southville ===========C |                        ~2023-12
Capital D. ===================================C   2024-11-15
           ----+--------+-------+--------+------
               2023-09  2024-01 2024-05  2024-09
= open in the withdrawal, from drawdown start if known
. open, drawdown not yet started
C handed to civil authorities  A handed to the army
V vacated  X taken by an armed group
< closed before the window shown
~ month or year only, drawn at its start
"""

GOLDEN["bases", 80, True] = """\
Sites from drawdown to closing
                                 ▼ res. 2690 deadline 2023-12-31
Oldcamp       ◂■                 │                                    2018-08-24
Northtown     ━━━●               │                                    2023-08-03
Eastford      ···········━○      │                                    2023-10-23
Westport      ━━━━━━━━━━━━✕      │                                    2023-10-31
Southville    ━━━━━━━━━━━━━━━━●  │                                   ~2023-12
Capital Dist… ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━●    2024-11-15
              ┬────────┬─────────┬────────┬────────┬─────────┬──────
              2023-07  2023-10   2024-01  2024-04  2024-07   2024-10
━ open in the withdrawal, from drawdown start if known
· open, drawdown not yet started  ● handed to civil authorities
■ handed to the army  ○ vacated  ✕ taken by an armed group
◂ closed before the window shown  ~ month or year only, drawn at its start
"""

GOLDEN["casualties", 80, False] = """\
Reported deaths of mission personnel
Cumulative since deployment, by as-of date
2014-10-03 ###### 30 [1]
2015-07-02 ======= 35 [2]
2023-12-11 ================================ ~174 [1]
2023-12-30 ########################################################## >311 [1,2]

Deaths in hostile acts, by year and reporter
2017 UN Staff Union       =============================================== 28 [2]
2022 Lt. Gen. Someone Lo. =================================== 21 [1]
     UN Staff Union       ======================== >=14 [2]
Not drawn: 1 count for part of the mission only (2014-06/2014-10).
# all causes  = hostile acts  > over  >= at least  ~ about
[n] source, listed below
Sources:
[1] Agency One, 2023-12-30 - First report - https://example.org/one
[2] Paper Two, 2021-05 - Second report - https://example.org/two
"""

GOLDEN["casualties", 60, False] = """\
Reported deaths of mission personnel
Cumulative since deployment, by as-of date
2014-10-03 #### 30 [1]
2015-07-02 ==== 35 [2]
2023-12-11 ===================== ~174 [1]
2023-12-30 ###################################### >311 [1,2]

Deaths in hostile acts, by year and reporter
2017 UN Staff Union  ================================ 28 [2]
2022 Lt. Gen. Someo. ======================== 21 [1]
     UN Staff Union  ================ >=14 [2]
Not drawn: 1 count for part of the mission only
(2014-06/2014-10).
# all causes  = hostile acts  > over  >= at least  ~ about
[n] source, listed below
Sources:
[1] Agency One, 2023-12-30 - First report -
https://example.org/one
[2] Paper Two, 2021-05 - Second report -
https://example.org/two
"""

GOLDEN["casualties", 80, True] = """\
Reported deaths of mission personnel
Cumulative since deployment, by as-of date
2014-10-03 ██████ 30 [1]
2015-07-02 ▒▒▒▒▒▒▒ 35 [2]
2023-12-11 ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒ ~174 [1]
2023-12-30 ██████████████████████████████████████████████████████████ >311 [1,2]

Deaths in hostile acts, by year and reporter
2017 UN Staff Union       ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒ 28 [2]
2022 Lt. Gen. Someone Lo… ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒ 21 [1]
     UN Staff Union       ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒ ≥14 [2]
Not drawn: 1 count for part of the mission only (2014-06/2014-10).
█ all causes  ▒ hostile acts  > over  ≥ at least  ~ about
[n] source, listed below
Sources:
[1] Agency One, 2023-12-30 - First report - https://example.org/one
[2] Paper Two, 2021-05 - Second report - https://example.org/two
"""

GOLDEN["timeline", 80, False] = """\
Events per year by category, 2012 to 2024 (11 events)
2012 ######################!!!!!!!!!!!!!!!!!!!!!!!********************** 3 ^2085
2013 **********************XXXXXXXXXXXXXXXXXXXXXXX 2 ^2100
2014
2015 XXXXXXXXXXXXXXXXXXXXXX 1
2016
2017
2018
2019
2020
2021
2022
2023 *********************************************<<<<<<<<<<<<<<<<<<<<<< 3 ^2690
2024 <<<<<<<<<<<<<<<<<<<<<<----------------------- 2
# conflict  ! coup  * mandate  X attack  < withdrawal  - liquidation
^n mandate resolution n adopted that year
"""

GOLDEN["timeline", 60, False] = """\
Events per year by category, 2012 to 2024 (11 events)
2012 ################!!!!!!!!!!!!!!!**************** 3 ^2085
2013 ****************XXXXXXXXXXXXXXX 2 ^2100
2014
2015 XXXXXXXXXXXXXXXX 1
2016
2017
2018
2019
2020
2021
2022
2023 *******************************<<<<<<<<<<<<<<<< 3 ^2690
2024 <<<<<<<<<<<<<<<<--------------- 2
# conflict  ! coup  * mandate  X attack  < withdrawal
- liquidation  ^n mandate resolution n adopted that year
"""

GOLDEN["timeline", 80, True] = """\
Events per year by category, 2012 to 2024 (11 events)
2012 ######################!!!!!!!!!!!!!!!!!!!!!!!********************** 3 ▲2085
2013 **********************XXXXXXXXXXXXXXXXXXXXXXX 2 ▲2100
2014
2015 XXXXXXXXXXXXXXXXXXXXXX 1
2016
2017
2018
2019
2020
2021
2022
2023 *********************************************<<<<<<<<<<<<<<<<<<<<<< 3 ▲2690
2024 <<<<<<<<<<<<<<<<<<<<<<----------------------- 2
# conflict  ! coup  * mandate  X attack  < withdrawal  - liquidation
▲n mandate resolution n adopted that year
"""


@pytest.mark.parametrize(("command", "width", "color"), sorted(GOLDEN))
def test_golden_rendering(facts: FactBase, command: str, width: int, color: bool) -> None:
    assert draw(facts, command, width, color=color) == GOLDEN[command, width, color]


def test_every_chart_is_pinned_at_80_and_60_without_colour() -> None:
    for command in ("bases", "casualties", "timeline"):
        assert (command, 80, False) in GOLDEN
        assert (command, 60, False) in GOLDEN


# --- what every chart must do ------------------------------------------------------------

COMMANDS = ("bases", "casualties", "timeline")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("width", [60, 61, 67, 80, 99, 100, 133])
@pytest.mark.parametrize("color", [False, True])
def test_no_line_is_wider_than_the_width(facts: FactBase, command: str, width: int, color: bool) -> None:
    lines = draw(facts, command, width, color=color).splitlines()
    assert max(cell_len(line) for line in lines) <= width


@pytest.mark.parametrize("command", COMMANDS)
def test_bars_use_the_width_they_are_given(facts: FactBase, command: str) -> None:
    narrow = max(map(cell_len, draw(facts, command, 60).splitlines()))
    wide = max(map(cell_len, draw(facts, command, 120).splitlines()))
    assert narrow <= 60 < wide


@pytest.mark.parametrize("command", ["bases", "timeline"])
def test_below_60_columns_lines_are_cropped_not_wrapped(facts: FactBase, command: str) -> None:
    at_60 = draw(facts, command, 60).splitlines()
    renderable = chart(result_of(facts, command), facts, width=40, color=False)
    at_40 = text_of(renderable, 40).splitlines()
    assert len(at_40) == len(at_60)
    assert at_40 == [line[:40].rstrip() for line in at_60]


@pytest.mark.parametrize("command", COMMANDS)
def test_no_escape_codes_or_fancy_characters_without_colour(facts: FactBase, command: str) -> None:
    renderable = chart(result_of(facts, command), facts, width=80, color=False)
    out = render(renderable, 80, color=True)
    assert "\x1b" not in out
    drawing = out.replace("Capital District Headquarters", "")
    assert drawing.isascii()


@pytest.mark.parametrize("command", COMMANDS)
def test_colour_is_used_when_asked_for(facts: FactBase, command: str) -> None:
    out = render(chart(result_of(facts, command), facts, width=80, color=True), 80, color=True)
    assert "\x1b[" in out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda f: query.bases(f, on="2000"), "nothing to draw: no sites"),
        (lambda f: query.casualties(f, causes=["other"]), "nothing to draw: no cumulative or yearly"),
        (lambda f: query.casualties(f, since="2030"), "nothing to draw: no casualty figures"),
        (lambda f: query.timeline(f, since="2030"), "nothing to draw: no events"),
    ],
)
def test_nothing_to_draw_is_said(
    facts: FactBase, make: Callable[[FactBase], query.Result], message: str
) -> None:
    renderable = chart(make(facts), facts, width=80, color=True)
    assert isinstance(renderable, Text)
    assert renderable.plain.startswith(message)


def test_sites_without_any_date_are_not_drawn(tmp_path: Path) -> None:
    text = edited(("closed = 2018-08-24\n", ""), ('opened = "2020-03"\nclosed = 2023-08-03\n', ""))
    facts = load(tmp_path, text)
    out = draw(facts, "bases", 80)
    assert "Oldcamp" not in out
    assert "Northtown" not in out
    assert "Westport" in out
    assert "(2 sites without any date not drawn)" in out
    nothing = chart(query.bases(facts, region="North"), facts, width=80, color=False)
    assert isinstance(nothing, Text)
    assert nothing.plain == "nothing to draw: no site has an opening, drawdown or closing date"


def test_a_site_not_closed_runs_to_the_edge(tmp_path: Path) -> None:
    facts = load(tmp_path, edited(("closed = 2023-08-03\n", "")))
    rows = {line.split(" ")[0]: line for line in draw(facts, "bases", 80).splitlines()}
    assert rows["Northtown"].endswith("=>  open")
    assert "> not closed" in draw(facts, "bases", 80)


@pytest.mark.parametrize("command", ["resolutions", "people", "attacks", "sources", "summary"])
def test_other_commands_have_no_chart(facts: FactBase, command: str) -> None:
    result = getattr(query, command)(facts)
    with pytest.raises(UsageError) as caught:
        chart(result, facts, width=80, color=False)
    assert caught.value.message == "--chart is available for bases, casualties and timeline"


# --- what each chart shows ---------------------------------------------------------------


def test_sites_closed_after_the_deadline_are_drawn_past_the_line(facts: FactBase) -> None:
    rows = {line.split(" ")[0]: line for line in draw(facts, "bases", 80).splitlines()}
    line_at = rows["Northtown"].index("|")
    assert rows["Westport"].index("|") == line_at
    assert rows["Capital"].index("C", len("Capital District")) > line_at
    assert "v res. 2690 deadline 2023-12-31" in draw(facts, "bases", 80)


def test_bars_start_at_the_withdrawal_or_the_drawdown(facts: FactBase) -> None:
    rows = {line.split(" ")[0]: line for line in draw(facts, "bases", 80).splitlines()}
    start = len("Capital Dist. ")
    assert rows["Northtown"][start] == "="
    assert rows["Eastford"][start] == "."
    assert rows["Oldcamp"][start : start + 2] == "<A"


def test_without_a_terminating_resolution_the_window_starts_at_the_first_date(tmp_path: Path) -> None:
    text = edited(('action = "terminate"', 'action = "renew"'))
    out = draw(load(tmp_path, text), "bases", 80)
    assert "<A" not in out
    assert "2018-" in out
    assert "v res." not in out
    assert "v deadline 2023-12-31" in out


def test_filters_of_the_command_apply(facts: FactBase) -> None:
    out = text_of(chart(query.bases(facts, region="North"), facts, width=80, color=False), 80)
    assert "Northtown" in out
    assert "Westport" not in out
    attacks = query.timeline(facts, categories=["attack"])
    out = text_of(chart(attacks, facts, width=80, color=False), 80)
    assert "^" not in out
    assert "X attack" in out
    assert "*" not in out


def test_each_casualty_figure_is_traced_to_its_sources(facts: FactBase) -> None:
    out = draw(facts, "casualties", 100)
    assert "311 [1,2]" in out
    assert "[1] Agency One, 2023-12-30 - First report - https://example.org/one" in out
    assert "[2] Paper Two, 2021-05 - Second report - https://example.org/two" in out
    assert "68" not in out


def test_markup_in_fact_text_is_shown_literally(tmp_path: Path) -> None:
    facts = load(tmp_path, edited(('name = "Eastford"', 'name = "[b]Ea[/b]"')))
    for color in (False, True):
        renderable = chart(query.bases(facts), facts, width=80, color=color)
        assert "[b]Ea[/b] " in text_of(renderable, 80)
        assert "[b]Ea[/b] " in render(renderable, 80, color=True)


def test_control_characters_in_fact_text_are_made_visible(tmp_path: Path) -> None:
    union = 'qualifier = "at-least"\ncause = "hostile-acts"\nreported_by = "UN Staff Union"'
    text = edited(
        (union, union.replace("UN Staff Union", "Evil\\u001b[2J")),
        ('name = "Westport"', 'name = "West\\u202eport"'),
    )
    facts = load(tmp_path, text)
    for command, shown in (("casualties", "Evil\\x1b[2J"), ("bases", "West\\u202e")):
        for color in (False, True):
            out = render(chart(result_of(facts, command), facts, width=80, color=color), 80, color=True)
            assert shown in out
            assert "\u202e" not in out
            assert "\x1b[2J" not in out


# --- any text, any width ----------------------------------------------------------------


def _facts_with(name: str, reporter: str) -> FactBase:
    source = {
        "title": "t",
        "publisher": "p",
        "published": "2020",
        "url": "https://example.org",
        "kind": "news",
    }
    return FactBase(
        mission={"name": "M", "full_name": "M", "withdrawn": "2023-12-31", "sources": ["s"]},
        sources={"s": source},
        places={"p": {"name": name, "region": "R"}, "q": {"name": "Q", "region": "R"}},
        bases=[
            {
                "id": "b1",
                "place": "p",
                "kind": "camp",
                "closed": "2023-08",
                "outcome": "vacated",
                "sources": ["s"],
            },
            {"id": "b2", "place": "q", "kind": "camp", "drawdown_start": "2023-09-01", "sources": ["s"]},
        ],
        casualties=[
            {
                "id": "c1",
                "as_of": "2020",
                "period": "2019",
                "killed": 12,
                "qualifier": "about",
                "cause": "hostile-acts",
                "reported_by": reporter,
                "sources": ["s"],
            }
        ],
    )


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(min_size=1, max_size=40),
    reporter=st.text(min_size=1, max_size=60),
    width=st.integers(min_value=60, max_value=160),
    color=st.booleans(),
)
def test_any_text_fits_any_width(name: str, reporter: str, width: int, color: bool) -> None:
    facts = _facts_with(name, reporter)
    for result in (query.bases(facts), query.casualties(facts)):
        out = render(chart(result, facts, width=width, color=color), width, color=False)
        assert max(cell_len(line) for line in out.splitlines()) <= width
        assert not any(ord(c) < 32 and c != "\n" for c in out)
    lines = render(
        chart(query.bases(facts), facts, width=width, color=False), width, color=False
    ).splitlines()
    label = lines[1]
    row = next(line for line in lines if line.endswith("~2023-08"))
    assert cell_len(row[: row.rindex("|")]) == label.index("v")
