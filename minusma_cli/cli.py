"""The ``minusma`` command line: a thin Typer layer over load, query and render.

Every error is caught once, in :class:`MinusmaGroup.main`, shown as a message on
stderr and turned into one of the exit codes in :class:`ExitCode`.
"""

import copy
import errno
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click import Context, Parameter
from typer._types import TyperChoice
from typer.core import TyperGroup

from minusma_cli import __version__, query
from minusma_cli.dates import parse_iso
from minusma_cli.env import Environment
from minusma_cli.errors import ExitCode, FactsError, MinusmaError, OutputError, PipeClosed, UsageError
from minusma_cli.render import FORMATS
from minusma_cli.schema import ACTIONS, CATEGORIES, CAUSES, ROLES

if TYPE_CHECKING:
    from minusma_cli.factbase import FactBase


#: where this run's output goes; set by :func:`run` (tests pass their own)
_ENV: Environment | None = None


def _env() -> Environment:
    return _ENV or Environment.from_process()


def _say(message: str) -> None:
    """A message to the user on stderr, with control characters made visible; never fails."""
    _env().say(message)


def _silence_stdout() -> None:
    """After a closed pipe or a full disk, stop Python from flushing stdout again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class MinusmaGroup(TyperGroup):
    """Runs the command and maps every outcome to a documented exit code."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        argv = list(sys.argv[1:] if args is None else args)
        end = argv.index("--") if "--" in argv else len(argv)
        debug = "--debug" in argv[:end] or bool(os.environ.get("MINUSMA_DEBUG"))
        argv = [a for i, a in enumerate(argv) if not (a == "--debug" and i < end)]
        global _ENV
        given = _ENV
        _ENV = given or Environment.from_process()  # this process's streams, read now (tests swap them)
        try:
            code = self._run(argv, prog_name or "minusma", complete_var, debug, **extra)
        finally:
            _ENV = given
        if standalone_mode:
            sys.exit(code)
        return code

    def _click_main(self, argv: list[str], prog_name: str, complete_var: str | None, **extra: Any) -> Any:
        """Click's run; what Click itself prints (``--help``) goes out through the one writer too."""
        import io

        printed, real = io.StringIO(), sys.stdout
        sys.stdout = printed
        try:
            return super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        finally:
            sys.stdout = real
            if printed.getvalue():
                _env().write_text(printed.getvalue())

    def _run(
        self, argv: list[str], prog_name: str, complete_var: str | None, debug: bool, **extra: Any
    ) -> int:
        from typer._click import exceptions as click_exc

        try:
            rv = self._click_main(argv, prog_name, complete_var, **extra)
            return rv if isinstance(rv, int) else ExitCode.OK
        except FactsError as exc:
            for problem in exc.problems:  # one line each, whatever a file name holds
                _say(str(problem))
            count = len(exc.problems)
            _say(f"minusma: {count} problem{'s' if count != 1 else ''} in the fact files.")
            return exc.exit_code
        except PipeClosed as exc:
            _silence_stdout()
            return exc.exit_code
        except MinusmaError as exc:
            if isinstance(exc, OutputError):
                _silence_stdout()
            _say(f"minusma: error: {exc.message}")
            return exc.exit_code
        except click_exc.NoArgsIsHelpError as exc:
            _say(exc.format_message())
            return ExitCode.USAGE
        except click_exc.UsageError as exc:
            if exc.ctx is not None:
                _say(exc.ctx.get_usage())
                _say(f"Try '{exc.ctx.command_path} --help' for help.")
            _say(f"Error: {exc.format_message()}")
            return ExitCode.USAGE
        except click_exc.ClickException as exc:
            _say(f"Error: {exc.format_message()}")
            return exc.exit_code
        except (KeyboardInterrupt, typer.Abort):
            _say("")
            return ExitCode.INTERRUPTED
        except BrokenPipeError:
            _silence_stdout()
            return ExitCode.OK
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _silence_stdout()
                return ExitCode.OK
            if debug and sys.stderr is not None:
                traceback.print_exc()
            _silence_stdout()
            _say(f"minusma: error: cannot write the output ({exc.strerror or exc})")
            return ExitCode.OUTPUT
        except Exception as exc:  # the one place a bug is caught, so no traceback leaks
            if debug and sys.stderr is not None:
                traceback.print_exc()
            else:
                _say(f"minusma: internal error: {type(exc).__name__}: {exc}")
                _say("Run again with --debug to see the traceback, and please report it.")
            return ExitCode.INTERNAL


app = typer.Typer(
    cls=MinusmaGroup,
    name="minusma",
    help="An offline, sourced fact reference for the UN mission in Mali (MINUSMA, 2013-2023).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from minusma_cli.store.files import bundled_revision

        revised = bundled_revision() or "unknown"
        _env().write_text(f"minusma {__version__} (facts revised {revised})\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
    # declared for --help only: MinusmaGroup.main takes --debug from anywhere on the line first
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error.")] = False,
) -> None:
    """An offline, sourced fact reference for the UN mission in Mali (MINUSMA, 2013-2023).

    Every fact cites its sources. Data goes to stdout, messages to stderr.

    \b
    Start with:
      minusma summary              the mission on one screen
      minusma timeline --since 2023
      minusma show Lollesgaard     one record in full, with its sources
      minusma search force commander
    """


# --- values a user types, checked with a suggestion ----------------------------------


class OneOf(TyperChoice[str]):
    """A closed set of words, in any case; a typo is a usage error that names the nearest ones."""

    def convert(self, value: Any, param: Parameter | None, ctx: Context | None) -> str:
        for choice in self.choices:
            if str(value).casefold() == choice.casefold():
                return choice
        hint = query.did_you_mean(str(value), self.choices)
        message = f"{value!r} is not one of {', '.join(self.choices)}{hint}"
        raise typer.BadParameter(message, ctx=ctx, param=param)


def _date(value: str | None) -> str | None:
    if value is None:
        return None
    iso = parse_iso(value)
    if iso is None:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    return iso


def _svg_path(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise typer.BadParameter("needs a file name; got an empty one")
    return value


# --- shell completion: names from the fact base -------------------------------------


def _facts_quietly() -> "FactBase | None":
    """The fact base for completing a word; nothing at all if it cannot be loaded."""
    from minusma_cli.store import load_factbase

    try:
        return load_factbase()
    except MinusmaError:
        return None


def _starting(incomplete: str, words: list[str]) -> list[str]:
    """The words that start with what was typed (case and accents ignored)."""
    wanted = query.fold(incomplete)
    return sorted({w for w in words if query.fold(w).startswith(wanted)})


def complete_record(incomplete: str) -> list[str]:
    facts = _facts_quietly()
    if facts is None:
        return []
    words = [r["id"] for _, r in facts.records()] + [*facts.places, *facts.sources]
    words += [str(r["number"]) for r in facts.resolutions]
    return _starting(incomplete, words)


def complete_place(incomplete: str) -> list[str]:
    facts = _facts_quietly()
    if facts is None:
        return []
    return _starting(incomplete, [n for pid in facts.places for n in query.place_names(facts, pid) if n])


def complete_region(incomplete: str) -> list[str]:
    facts = _facts_quietly()
    if facts is None:
        return []
    return _starting(incomplete, [p["region"] for p in facts.places.values() if p.get("region")])


def complete_country(incomplete: str) -> list[str]:
    facts = _facts_quietly()
    return [] if facts is None else _starting(incomplete, [c["country"] for c in facts.contributors])


def complete_nationality(incomplete: str) -> list[str]:
    facts = _facts_quietly()
    if facts is None:
        return []
    return _starting(incomplete, [c["nationality"] for c in facts.casualties if c.get("nationality")])


def complete_number(incomplete: str) -> list[str]:
    facts = _facts_quietly()
    return [] if facts is None else _starting(incomplete, [str(r["number"]) for r in facts.resolutions])


# --- the options every data command takes -------------------------------------------
# Each command lists them openly; these aliases only keep their spelling in one place.

FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        click_type=OneOf(FORMATS),
        metavar="FORMAT",
        help=f"Output format: {', '.join(FORMATS)}.",
        show_default=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Short for --format json.")]
FieldsOpt = Annotated[
    str | None, typer.Option("--fields", metavar="A,B,C", help="Keep only these keys, in this order.")
]
SourcesOpt = Annotated[
    bool, typer.Option("--sources", help="On a terminal, list every source below the table too.")
]
NoPagerOpt = Annotated[
    bool, typer.Option("--no-pager", help="Never page (MINUSMA_PAGER, PAGER, default 'less -FRX').")
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour in tables.")]
FactsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--facts",
        metavar="PATH",
        # the loader reports an unreadable file as a bad fact file (exit 3), not Click (exit 2)
        readable=False,
        help="A fact file to layer over the bundled one "
        "(repeatable; - reads standard input; also MINUSMA_FACTS, a path list).",
    ),
]
NoBundledOpt = Annotated[
    bool, typer.Option("--no-bundled", help="Use only the --facts files, not the bundled base.")
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Parse the fact files again; write no cache.")]
SvgOpt = Annotated[
    str | None,
    typer.Option(
        "--svg",
        metavar="FILE",
        callback=_svg_path,
        help="Also save the table (or --chart) as an SVG picture.",
    ),
]
Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        callback=_date,
        metavar="DATE",
        help="From this date on: a year, a month (2015-06) or a day.",
    ),
]
Until = Annotated[
    str | None, typer.Option("--until", callback=_date, metavar="DATE", help="Up to this date, inclusive.")
]
Chart = Annotated[bool, typer.Option("--chart", help="Draw a chart instead of the table.")]


#: set by the console-script entry point, which exits without tearing down: the
#: loaded facts are kept here so they are not freed one object at a time first
KEEP_UNTIL_EXIT = False
_KEPT: list[object] = []


class Output:
    """The shared options of a data command, and what they do."""

    def __init__(
        self,
        *,
        format_: str,
        json_: bool,
        fields: str | None,
        sources: bool,
        no_pager: bool,
        no_color: bool,
        facts: list[Path] | None,
        no_bundled: bool,
        no_cache: bool,
        svg: str | None = None,
    ) -> None:
        if json_ and format_ not in ("table", "json"):
            raise UsageError(f"--json and --format {format_} ask for two formats: choose one")
        self.format = "json" if json_ else format_
        self.fields = fields
        self.all_sources = sources
        self.pager = not no_pager
        self.no_color = no_color
        self.facts_paths = facts or []
        self.bundled = not no_bundled
        self.svg = svg
        self.facts: FactBase | None = None
        self.no_cache = no_cache or bool(os.environ.get("MINUSMA_NO_CACHE"))

    def load(self) -> "FactBase":
        from minusma_cli.store import load_factbase

        self.facts = load_factbase(self.facts_paths, use_cache=not self.no_cache, bundled=self.bundled)
        if KEEP_UNTIL_EXIT:
            _KEPT.append(self.facts)
        return self.facts

    def emit(self, result: query.Result, *, chart: bool = False) -> None:
        from minusma_cli.render import write

        env = _env()
        write(
            result,
            env,
            fmt=self.format,
            fields=self.fields,
            no_color=self.no_color,
            chart=chart,
            svg=self.svg,
            facts=self.facts,
            all_sources=self.all_sources,
            pager=self.pager,  # render pages only on a terminal: piped output never pages
        )


# --- the data commands ------------------------------------------------------------


@app.command(short_help="Dated events, 2012 to the end of liquidation.")
def timeline(
    since: Since = None,
    until: Until = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            "-c",
            click_type=OneOf(CATEGORIES),
            metavar="CATEGORY",
            help="Only this category (repeatable; the categories are listed above).",
        ),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            "--place",
            "-p",
            metavar="PLACE",
            autocompletion=complete_place,
            help="Only events at this place (id, name or alias).",
        ),
    ] = None,
    chart: Chart = False,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Dated events, from the 2012 rebellion to the end of liquidation.

    \b
    Categories: conflict, coup, political, mandate, peace-process, election,
                attack, deployment, withdrawal, liquidation

    \b
    Examples:
      minusma timeline --since 2023-07 --category withdrawal
      minusma timeline --place Kidal --category attack
      minusma timeline --until 2013 --json
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(
        query.timeline(loaded, since=since, until=until, categories=category or (), place=place), chart=chart
    )


@app.command(short_help="Security Council resolutions: votes, mandates, ceilings.")
def resolutions(
    numbers: Annotated[
        list[int] | None,
        typer.Argument(metavar="[NUMBER]...", autocompletion=complete_number, help="Only these resolutions."),
    ] = None,
    action: Annotated[
        list[str] | None,
        typer.Option(
            "--action",
            "-a",
            click_type=OneOf(ACTIONS),
            metavar="ACTION",
            help="Only this action (repeatable; the actions are listed above).",
        ),
    ] = None,
    since: Since = None,
    until: Until = None,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Security Council resolutions: vote, action, mandate end, ceilings.

    \b
    Actions: authorize, establish, renew, modify, terminate

    \b
    Examples:
      minusma resolutions 2100 2690
      minusma resolutions --action renew --since 2020
      minusma resolutions 2640 --json --fields number,adopted,vote
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.resolutions(loaded, numbers=numbers or (), actions=action or (), since=since, until=until))


@app.command(short_help="Camps and headquarters, and when each closed.")
def bases(
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            "-r",
            metavar="REGION",
            autocompletion=complete_region,
            help="Only sites in this region.",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", "--open-on", callback=_date, metavar="DATE", help="Only sites open on this date."
        ),
    ] = None,
    since: Since = None,
    until: Until = None,
    chart: Chart = False,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Camps and headquarters: place, region, kind, closing date, handed to.

    --since and --until keep the sites open at some time in that range.

    \b
    Examples:
      minusma bases --on 2023-10-01
      minusma bases --region Kidal
      minusma bases --since 2024 --fields name,closed,handed_to
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.bases(loaded, region=region, on=on, since=since, until=until), chart=chart)


@app.command(short_help="Every reported casualty figure, side by side.")
def casualties(
    cause: Annotated[
        list[str] | None,
        typer.Option(
            "--cause",
            click_type=OneOf(CAUSES),
            metavar="CAUSE",
            help="Only figures for this cause (repeatable; the causes are listed above).",
        ),
    ] = None,
    nationality: Annotated[
        str | None,
        typer.Option(
            "--nationality",
            "-n",
            metavar="COUNTRY",
            autocompletion=complete_nationality,
            help="Figures for this country's personnel only, instead of mission-wide ones.",
        ),
    ] = None,
    all_nationalities: Annotated[
        bool,
        typer.Option(
            "--all-nationalities",
            help="Every country's own figures, by country, instead of mission-wide ones.",
        ),
    ] = False,
    attacks: Annotated[
        bool, typer.Option("--attacks", help="The deadliest attacks instead (from the timeline).")
    ] = False,
    since: Since = None,
    until: Until = None,
    chart: Chart = False,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Every reported casualty figure, with its date, qualifier and source, side by side.

    Where sources disagree, every figure is shown with who reported it and when.
    The figures are mission-wide (all nationalities together) unless
    --nationality asks for one country's personnel, or --all-nationalities for
    every country's own figures: a country's toll is part of a mission total,
    so the two are never listed as if they added up. Causes: all, hostile-acts,
    accident, illness, other.

    \b
    Causes: all, hostile-acts, accident, illness, other

    \b
    Examples:
      minusma casualties --since 2023-12
      minusma casualties --cause hostile-acts --until 2016
      minusma casualties --nationality Chad
      minusma casualties --all-nationalities --cause accident --cause illness
      minusma casualties --attacks --since 2019
    """
    if attacks and (cause or chart or nationality or all_nationalities):
        raise UsageError(
            "--attacks lists the deadliest attacks: it takes neither --cause, --nationality nor --chart"
        )
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    if attacks:
        out.emit(query.attacks(loaded, since=since, until=until))
    else:
        out.emit(
            query.casualties(
                loaded,
                causes=cause or (),
                nationality=nationality,
                all_nationalities=all_nationalities,
                since=since,
                until=until,
            ),
            chart=chart,
        )


@app.command(short_help="Personnel actually deployed, on dated reports.")
def strength(
    since: Since = None,
    until: Until = None,
    chart: Chart = False,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Personnel actually deployed on dated reports: military, police, civilians, total.

    These are counts on the ground, not the ceilings the resolutions authorise
    (see resolutions). A total is uniformed personnel unless its note says
    otherwise. --chart draws uniformed strength (military + police) against the
    ceiling in force on each date.

    \b
    Examples:
      minusma strength --since 2019
      minusma strength --chart
      minusma strength --until 2015 --json
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.strength(loaded, since=since, until=until), chart=chart)


@app.command(short_help="Countries' contingents, on dated reports.")
def contributors(
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            metavar="NAME",
            autocompletion=complete_country,
            help="Only this country (case and accents ignored).",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            callback=_date,
            metavar="DATE",
            help="Each country's latest figure at or before this date, largest first.",
        ),
    ] = None,
    since: Since = None,
    until: Until = None,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Countries' contingents on dated reports: military, police, total.

    Without --on, every figure by date, largest first within a date. With --on,
    each country's latest figure at or before that date, however old (its As of
    says), largest first. A figure that counts part of a contingent (Counts: one
    battalion, a formed police unit) stands in only where no whole one exists.
    A withdrawal is an event in the timeline; the contributor's note points to it.

    \b
    Examples:
      minusma contributors --on 2019-12-31
      minusma contributors --country Chad
      minusma contributors --country senegal --json
      minusma contributors --since 2022 --fields country,as_of,total
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.contributors(loaded, country=country, on=on, since=since, until=until))


@app.command(short_help="Money for each financial period, and who approved it.")
def budget(
    since: Since = None,
    until: Until = None,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Money for each financial period (July to June): amount in US dollars, kind, approved by.

    Kind is appropriation, commitment-authority or expenditure. --since and
    --until keep the periods that meet that range.

    \b
    Examples:
      minusma budget
      minusma budget --since 2019 --until 2019
      minusma budget --format csv --fields period_start,period_end,amount_usd
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.budget(loaded, since=since, until=until))


@app.command(short_help="Heads of mission and force commanders, with terms.")
def people(
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            click_type=OneOf(ROLES),
            metavar="ROLE",
            help="Only this role (repeatable; the roles are listed above).",
        ),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", callback=_date, metavar="DATE", help="Only those in office on this date."),
    ] = None,
    since: Since = None,
    until: Until = None,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """Heads of mission and force commanders, acting ones included, with their terms.

    --since and --until keep those in office at some time in that range.

    \b
    Roles: head-of-mission, acting-head-of-mission, force-commander,
           acting-force-commander, deputy

    \b
    Examples:
      minusma people --on 2019-06-01
      minusma people --role force-commander --role acting-force-commander
      minusma people --since 2022 --json
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.people(loaded, roles=role or (), on=on, since=since, until=until))


@app.command(short_help="Find records by words, best matches first.")
def search(
    words: Annotated[
        list[str],
        typer.Argument(metavar="WORDS...", help="Words to find, all of them, in any field and any order."),
    ],
    since: Since = None,
    until: Until = None,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Find records in which every word appears: titles, names, roles, places, notes.

    Case, accents and dashes are ignored, and aliases match (Tombouctou finds
    Timbuktu). A number matches counts and resolution numbers. Records whose
    names hold the words come first.

    \b
    Examples:
      minusma search force commander
      minusma search 311
      minusma search Mopti Sevare
      minusma search attack Kidal --since 2016 --until 2016
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
    )
    loaded = out.load()
    out.emit(query.search(loaded, " ".join(words), since=since, until=until))


@app.command(short_help="One record in full, every source spelled out.")
def show(
    record: Annotated[
        str,
        typer.Argument(
            metavar="RECORD",
            autocompletion=complete_record,
            help="An id, a resolution number, a person's name or surname, or a place's name or alias.",
        ),
    ],
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """One record in full, with every source spelled out.

    A name that fits several records is a usage error (exit 2) that lists them;
    one that fits none exits 1 with the nearest names.

    \b
    Examples:
      minusma show 2640
      minusma show Lollesgaard
      minusma show tombouctou
      minusma show kidal-camp --json
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=True,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.show(loaded, record))


@app.command("sources", short_help="The bibliography, with how often each is cited.")
def sources_(
    since: Since = None,
    until: Until = None,
    cited_by: Annotated[
        str | None,
        typer.Option(
            "--cited-by",
            metavar="ID",
            help="Only the sources this record cites (any ID show takes).",
            autocompletion=complete_record,
        ),
    ] = None,
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            click_type=OneOf((*FORMATS, "bibtex", "ris", "csl-json")),
            help="Output format; bibtex, ris and csl-json are for reference managers.",
            show_default=True,
        ),
    ] = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """The bibliography, with how many records cite each source.

    \b
    Examples:
      minusma sources
      minusma sources --fields id,url --format csv
      minusma sources --since 2024
      minusma sources --cited-by khare-2023-12-11
      minusma sources --format bibtex
      minusma sources --format ris --cited-by resolution-2640
      minusma sources --format csl-json
    """
    from minusma_cli import cite

    entries = format_ in cite.ENTRY_FORMATS
    if entries and (json_ or fields or svg):
        raise UsageError(f"--format {format_} writes whole entries: it takes no --json, --fields or --svg")
    out = Output(
        format_="table" if entries else format_,
        json_=json_,
        fields=fields,
        sources=False,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    if entries:
        emit_text(cite.bibliography(loaded, format_, cited_by=cited_by), machine=True)
        return
    result = query.sources(loaded, since=since, until=until)
    if cited_by is not None:
        wanted = [s["id"] for row in query.show(loaded, cited_by).rows for s in row["sources"]]
        by_id = {row["id"]: row for row in result.rows}
        result.rows = [by_id[sid] for sid in dict.fromkeys(wanted) if sid in by_id]
    out.emit(result)


def emit_text(text: str, *, machine: bool) -> None:
    """Citations to stdout through the one writer that every command uses.

    Entries for reference managers are data, always UTF-8 (as JSON is); text
    to paste is for the terminal, in its encoding.
    """
    if machine:
        _env().write(text.encode())
    else:
        _env().write_text(text)


@app.command("cite", short_help="Cite records: APA or Chicago text, BibTeX, RIS, CSL-JSON.")
def cite_(
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID]...", help="Records to cite: anything show accepts.", autocompletion=complete_record
        ),
    ] = None,
    style: Annotated[
        str,
        typer.Option(
            "--style",
            click_type=OneOf(("apa", "chicago")),
            help="Style of --format text: apa (APA 7) or chicago (notes).",
            show_default=True,
        ),
    ] = "apa",
    format_: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            click_type=OneOf(("text", "bibtex", "ris", "csl-json")),
            help="text to paste, or entries for reference managers.",
            show_default=True,
        ),
    ] = "text",
    self_: Annotated[
        bool, typer.Option("--self", help="How to cite minusma itself (as CITATION.cff says).")
    ] = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Cite records: the fact in one line, then each of its sources as a reference.

    The text to paste is APA 7 (or Chicago notes with --style chicago);
    bibtex suits LaTeX and Zotero, ris EndNote and Mendeley, csl-json Pandoc.
    An ID is anything show takes: an id, a resolution number, a surname.

    \b
    Examples:
      minusma cite khare-2023-12-11
      minusma cite 2640 --style chicago
      minusma cite khare-2023-12-11 --format bibtex
      minusma cite khare-2023-12-11 --format ris
      minusma cite khare-2023-12-11 --format csl-json
      minusma cite --self --format bibtex
    """
    from minusma_cli import cite

    if self_:
        if ids:
            raise UsageError("--self cites minusma itself: give it no ID")
        emit_text(cite.self_citation(format_, style), machine=format_ != "text")
        return
    if not ids:
        raise UsageError("give at least one record ID to cite (or --self)")
    out = Output(
        format_="table",
        json_=False,
        fields=None,
        sources=False,
        no_pager=True,
        no_color=True,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
    )
    emit_text(cite.cite_ids(out.load(), ids, fmt=format_, style=style), machine=format_ != "text")


@app.command(short_help="The mission on one screen, as a whole or on a day.")
def summary(
    on: Annotated[
        str | None, typer.Option("--on", callback=_date, metavar="DATE", help="The mission on this date.")
    ] = None,
    format_: FormatOpt = "table",
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
    no_color: NoColorOpt = False,
    facts: FactsOpt = None,
    no_bundled: NoBundledOpt = False,
    no_cache: NoCacheOpt = False,
    svg: SvgOpt = None,
) -> None:
    """The mission on one screen: as a whole, or what was in force on one day.

    Without --on: its span, the sites with their closing dates, the leaders in
    order and the final casualty figures with who reported them. With --on: the
    mandate and ceiling in force, the strength last reported, the five largest
    contributors (each one's latest figure), the budget period in force, the
    leaders in office and the sites open. Casualty figures are mission-wide.

    \b
    Examples:
      minusma summary
      minusma summary --on 2019-06-01
      minusma summary --on 2023-12 --json
    """
    out = Output(
        format_=format_,
        json_=json_,
        fields=fields,
        sources=sources,
        no_pager=no_pager,
        no_color=no_color,
        facts=facts,
        no_bundled=no_bundled,
        no_cache=no_cache,
        svg=svg,
    )
    loaded = out.load()
    out.emit(query.summary(loaded, on=on))


@app.command("validate", short_help="Check fact files; exit 3 if any problem.")
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[PATH]...", readable=False, help="Fact files to check."),
    ] = None,
) -> None:
    """Check fact files (the bundled one when none is given); exit 3 if any problem.

    Every problem is listed, each as file:line: field: what is wrong.

    \b
    Examples:
      minusma validate
      minusma validate docs/examples/my-facts.toml
    """
    from minusma_cli.store import fact_paths, load_files

    base, problems = load_files(fact_paths(paths or ()), use_cache=False)
    if problems:
        raise FactsError(problems)
    counts = ", ".join(
        f"{len(base.section(n))} {n}"
        for n in (
            "events",
            "resolutions",
            "bases",
            "casualties",
            "people",
            "strength",
            "contributors",
            "budgets",
        )
    )
    _say(f"ok: {len(base.files)} file(s), {len(base.sources)} sources, {len(base.places)} places, {counts}")


def _lean(argv: list[str]) -> typer.Typer:
    """The app with only the command about to run, when that is clear from argv.

    Typer builds every parameter of every command before running one; building
    just the one asked for saves a few milliseconds of each run.  Anything
    unclear (completion included) gets the whole app.
    """
    name = next((a for a in argv if not a.startswith("-")), None)
    if name is None or any(k.endswith("_COMPLETE") for k in os.environ):
        return app
    chosen = [c for c in app.registered_commands if (c.name or getattr(c.callback, "__name__", None)) == name]
    if not chosen:
        return app
    lean = copy.copy(app)
    lean.registered_commands = chosen
    return lean


def run(argv: list[str] | None = None, env: Environment | None = None) -> int:
    """Run the CLI and return its exit code; ``env`` is where the output goes (this process's streams)."""
    global _ENV
    args = list(sys.argv[1:] if argv is None else argv)
    _ENV = env
    try:
        command = typer.main.get_command(_lean(args))
        code: int = command.main(args, prog_name="minusma", standalone_mode=False)
    finally:
        _ENV = None
    return code


main = run
