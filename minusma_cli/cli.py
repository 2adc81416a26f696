"""The ``minusma`` command line: a thin Typer layer over load, query and render.

Every error is caught once, in :class:`MinusmaGroup.main`, shown as a message on
stderr and turned into one of the exit codes in :class:`ExitCode`.
"""

import copy
import enum
import errno
import functools
import inspect
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
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
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        _env().write_text(f"minusma {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    # declared for --help only: MinusmaGroup.main takes --debug from anywhere on the line first
    debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an internal error.")] = False,
) -> None:
    """An offline, sourced fact reference for the UN mission in Mali (MINUSMA, 2013-2023).

    Every fact cites its sources. Data goes to stdout, messages to stderr.
    """


# --- options shared by every data command -------------------------------------------


Format = enum.StrEnum("Format", {f: f for f in FORMATS})  # type: ignore[misc]


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


COMMON: dict[str, tuple[Any, Any]] = {
    "format_": (
        Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)],
        Format("table"),
    ),
    "json_": (Annotated[bool, typer.Option("--json", help="Short for --format json.")], False),
    "fields": (
        Annotated[
            str | None,
            typer.Option("--fields", metavar="A,B,C", help="Keep only these keys, in this order."),
        ],
        None,
    ),
    "no_color": (Annotated[bool, typer.Option("--no-color", help="No colour in tables.")], False),
    "facts": (
        Annotated[
            list[Path] | None,
            typer.Option(
                "--facts",
                metavar="PATH",
                # the loader reports an unreadable file as a bad fact file (exit 3), not Click (exit 2)
                readable=False,
                help="A fact file to layer over the bundled one "
                "(repeatable; - reads standard input; also MINUSMA_FACTS, a path list).",
            ),
        ],
        None,
    ),
    "no_bundled": (
        Annotated[
            bool, typer.Option("--no-bundled", help="Use only the --facts files, not the bundled base.")
        ],
        False,
    ),
    "svg": (
        Annotated[
            str | None,
            typer.Option(
                "--svg",
                metavar="FILE",
                callback=_svg_path,
                help="Also save the table (or --chart) as an SVG picture.",
            ),
        ],
        None,
    ),
    "no_cache": (
        Annotated[bool, typer.Option("--no-cache", help="Parse the fact files again; write no cache.")],
        False,
    ),
}


#: set by the console-script entry point, which exits without tearing down: the
#: loaded facts are kept here so they are not freed one object at a time first
KEEP_UNTIL_EXIT = False
_KEPT: list[object] = []


class Output:
    """The shared options of a data command, and what they do."""

    def __init__(self, options: dict[str, Any]) -> None:
        chosen = options["format_"].value
        if options["json_"] and chosen not in ("table", "json"):
            raise UsageError(f"--json and --format {chosen} ask for two formats: choose one")
        self.format: str = "json" if options["json_"] else chosen
        self.fields: str | None = options["fields"]
        self.no_color: bool = options["no_color"]
        self.facts_paths: list[Path] = options["facts"] or []
        self.bundled: bool = not options["no_bundled"]
        self.svg: str | None = options["svg"]
        self.facts: FactBase | None = None
        self.no_cache: bool = options["no_cache"] or bool(os.environ.get("MINUSMA_NO_CACHE"))

    def load(self) -> "FactBase":
        from minusma_cli.store import load_factbase

        self.facts = load_factbase(self.facts_paths, use_cache=not self.no_cache, bundled=self.bundled)
        if KEEP_UNTIL_EXIT:
            _KEPT.append(self.facts)
        return self.facts

    def emit(self, result: query.Result, *, chart: bool = False) -> None:
        from minusma_cli.render import write

        write(
            result,
            _env(),
            fmt=self.format,
            fields=self.fields,
            no_color=self.no_color,
            chart=chart,
            svg=self.svg,
            facts=self.facts,
        )


def emit_text(text: str, *, machine: bool) -> None:
    """Citations to stdout through the one writer that every command uses.

    Entries for reference managers are data, always UTF-8 (as JSON is); text
    to paste is for the terminal, in its encoding.
    """
    if machine:
        _env().write(text.encode())
    else:
        _env().write_text(text)


def data_command(name: str | None = None) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a command that takes ``out: Output`` plus the shared output options."""

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(func)
        own = [p for p in signature.parameters.values() if p.name != "out"]
        shared = [
            inspect.Parameter(key, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
            for key, (annotation, default) in COMMON.items()
        ]

        @functools.wraps(func)
        def wrapper(**kwargs: Any) -> None:
            options = {key: kwargs.pop(key) for key in COMMON}
            func(out=Output(options), **kwargs)

        wrapper.__signature__ = signature.replace(parameters=[*own, *shared])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *shared]}
        app.command(name or func.__name__)(wrapper)
        return wrapper

    return decorate


Since = Annotated[
    str | None,
    typer.Option(
        "--since", callback=_date, metavar="DATE", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."
    ),
]
Until = Annotated[
    str | None,
    typer.Option("--until", callback=_date, metavar="DATE", help="Up to this date, inclusive."),
]
Chart = Annotated[bool, typer.Option("--chart", help="Draw a chart instead of the table.")]
Category = enum.StrEnum("Category", {c.replace("-", "_"): c for c in CATEGORIES})  # type: ignore[misc]
Action = enum.StrEnum("Action", {c: c for c in ACTIONS})  # type: ignore[misc]
Cause = enum.StrEnum("Cause", {c.replace("-", "_"): c for c in CAUSES})  # type: ignore[misc]
Role = enum.StrEnum("Role", {c.replace("-", "_"): c for c in ROLES})  # type: ignore[misc]


def _values(items: list[Any] | None) -> list[str]:
    return [str(i.value) for i in items or ()]


@data_command()
def timeline(
    out: Output,
    since: Since = None,
    until: Until = None,
    category: Annotated[
        list[Category] | None,
        typer.Option("--category", "-c", help="Only this category (repeatable)."),
    ] = None,
    place: Annotated[
        str | None, typer.Option("--place", "-p", help="Only events at this place (id, name or alias).")
    ] = None,
    chart: Chart = False,
) -> None:
    """Dated events, from the 2012 rebellion to the end of liquidation."""
    facts = out.load()
    out.emit(
        query.timeline(facts, since=since, until=until, categories=_values(category), place=place),
        chart=chart,
    )


@data_command()
def resolutions(
    out: Output,
    numbers: Annotated[
        list[int] | None, typer.Argument(metavar="[NUMBER]...", help="Only these resolutions.")
    ] = None,
    action: Annotated[
        list[Action] | None,
        typer.Option("--action", "-a", help="Only this action (repeatable)."),
    ] = None,
    since: Since = None,
    until: Until = None,
) -> None:
    """Security Council resolutions: vote, action, mandate end, ceilings."""
    facts = out.load()
    out.emit(
        query.resolutions(facts, numbers=numbers or (), actions=_values(action), since=since, until=until)
    )


@data_command()
def bases(
    out: Output,
    region: Annotated[str | None, typer.Option("--region", "-r", help="Only sites in this region.")] = None,
    open_on: Annotated[
        str | None,
        typer.Option("--open-on", callback=_date, metavar="DATE", help="Only sites open on this date."),
    ] = None,
    chart: Chart = False,
) -> None:
    """Camps and headquarters: place, region, kind, closing date, handed to."""
    facts = out.load()
    out.emit(query.bases(facts, region=region, open_on=open_on), chart=chart)


@data_command()
def casualties(
    out: Output,
    cause: Annotated[
        list[Cause] | None,
        typer.Option("--cause", help="Only figures for this cause (repeatable)."),
    ] = None,
    attacks: Annotated[
        bool, typer.Option("--attacks", help="The deadliest attacks instead (from the timeline).")
    ] = False,
    since: Since = None,
    until: Until = None,
    chart: Chart = False,
) -> None:
    """Every reported casualty figure, with its date, qualifier and source, side by side."""
    if attacks and (cause or chart):
        raise UsageError("--attacks lists the deadliest attacks: it takes neither --cause nor --chart")
    facts = out.load()
    if attacks:
        out.emit(query.attacks(facts, since=since, until=until))
    else:
        out.emit(query.casualties(facts, causes=_values(cause), since=since, until=until), chart=chart)


@data_command()
def people(
    out: Output,
    role: Annotated[
        list[Role] | None,
        typer.Option("--role", help="Only this role (repeatable)."),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", callback=_date, metavar="DATE", help="Only those in office on this date."),
    ] = None,
) -> None:
    """Heads of mission and force commanders, with their terms."""
    facts = out.load()
    out.emit(query.people(facts, roles=_values(role), on=on))


@data_command()
def search(
    out: Output,
    text: Annotated[str, typer.Argument(help="Text to find (case and accents ignored; aliases match).")],
) -> None:
    """Search every record: titles, names, aliases, places, notes."""
    facts = out.load()
    out.emit(query.search(facts, text))


@data_command()
def show(out: Output, record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id.")]) -> None:
    """One record in full, with its sources spelled out (exit 1 if unknown)."""
    facts = out.load()
    out.emit(query.show(facts, record_id))


class SourcesFormat(enum.StrEnum):
    table = "table"
    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    markdown = "markdown"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


@app.command("sources")
def sources(
    cited_by: Annotated[
        str | None,
        typer.Option(
            "--cited-by", metavar="ID", help="Only the sources this record cites (any ID show takes)."
        ),
    ] = None,
    format_: Annotated[
        SourcesFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output format; bibtex, ris and csl-json are for reference managers.",
            case_sensitive=False,
        ),
    ] = SourcesFormat.table,
    json_: Annotated[bool, typer.Option("--json", help="Short for --format json.")] = False,
    fields: Annotated[
        str | None, typer.Option("--fields", metavar="A,B,C", help="Keep only these keys, in this order.")
    ] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour in tables.")] = False,
    facts: Annotated[
        list[Path] | None,
        typer.Option(
            "--facts",
            metavar="PATH",
            help="A fact file to layer over the bundled one (repeatable; also MINUSMA_FACTS, a path list).",
        ),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled", help="Use only the --facts files, not the bundled base.")
    ] = False,
    svg: Annotated[
        str | None, typer.Option("--svg", metavar="FILE", help="Also save the table as an SVG picture.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse the fact files again; write no cache.")
    ] = False,
) -> None:
    """The bibliography, with how many records cite each source.

    \b
    Examples:
      minusma sources --cited-by khare-2023-12-11
      minusma sources --format bibtex > minusma.bib
      minusma sources --format ris --cited-by resolution-2640 > 2640.ris
      minusma sources --format csl-json > minusma.json
    """
    from minusma_cli import cite

    if format_.value in cite.ENTRY_FORMATS:
        if json_ or fields or svg:
            raise UsageError(
                f"--format {format_.value} writes whole entries: it takes no --json, --fields or --svg"
            )
        base = _load(facts, no_bundled=no_bundled, no_cache=no_cache)
        emit_text(cite.bibliography(base, format_.value, cited_by=cited_by), machine=True)
        return
    out = Output(
        {
            "format_": Format(format_.value),
            "json_": json_,
            "fields": fields,
            "no_color": no_color,
            "facts": facts,
            "no_bundled": no_bundled,
            "svg": svg,
            "no_cache": no_cache,
        }
    )
    base = out.load()
    result = query.sources(base)
    if cited_by is not None:
        wanted = [s["id"] for row in query.show(base, cited_by).rows for s in row["sources"]]
        by_id = {row["id"]: row for row in result.rows}
        result.rows = [by_id[sid] for sid in dict.fromkeys(wanted) if sid in by_id]
    out.emit(result)


def _load(paths: list[Path] | None, *, no_bundled: bool, no_cache: bool) -> "FactBase":
    """The fact base for a command that writes citations: loaded as every command loads it."""
    options = {"format_": Format("table"), "json_": False, "fields": None, "no_color": True, "svg": None}
    return Output({**options, "facts": paths, "no_bundled": no_bundled, "no_cache": no_cache}).load()


class CiteStyle(enum.StrEnum):
    apa = "apa"
    chicago = "chicago"


class CiteFormat(enum.StrEnum):
    text = "text"
    bibtex = "bibtex"
    ris = "ris"
    csl_json = "csl-json"


@app.command("cite")
def cite_records(
    ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="[ID]...", help="Records to cite: anything show accepts."),
    ] = None,
    style: Annotated[
        CiteStyle,
        typer.Option(
            "--style", help="Style of --format text: apa (APA 7) or chicago (notes).", case_sensitive=False
        ),
    ] = CiteStyle.apa,
    format_: Annotated[
        CiteFormat,
        typer.Option(
            "--format",
            "-f",
            help="text to paste, or entries for reference managers (bibtex, ris, csl-json).",
            case_sensitive=False,
        ),
    ] = CiteFormat.text,
    self_: Annotated[
        bool, typer.Option("--self", help="How to cite minusma itself (as CITATION.cff says).")
    ] = False,
    facts: Annotated[
        list[Path] | None,
        typer.Option(
            "--facts",
            metavar="PATH",
            help="A fact file to layer over the bundled one (repeatable; also MINUSMA_FACTS, a path list).",
        ),
    ] = None,
    no_bundled: Annotated[
        bool, typer.Option("--no-bundled", help="Use only the --facts files, not the bundled base.")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse the fact files again; write no cache.")
    ] = False,
) -> None:
    """Cite records: the fact in one line, then each of its sources as a reference.

    \b
    Examples, one per format:
      minusma cite khare-2023-12-11                     APA 7 text to paste
      minusma cite resolution-2640 --style chicago      Chicago notes
      minusma cite khare-2023-12-11 --format bibtex     BibTeX (LaTeX, JabRef, Zotero)
      minusma cite khare-2023-12-11 --format ris        RIS (EndNote, Zotero, Mendeley)
      minusma cite khare-2023-12-11 --format csl-json   CSL-JSON (Pandoc, Zotero)
      minusma cite --self --format bibtex               how to cite minusma itself
    """
    from minusma_cli import cite

    if self_:
        if ids:
            raise UsageError("--self cites minusma itself: give it no ID")
        emit_text(cite.self_citation(format_.value, style.value), machine=format_.value != "text")
        return
    if not ids:
        raise UsageError("give at least one record ID to cite (or --self)")
    base = _load(facts, no_bundled=no_bundled, no_cache=no_cache)
    emit_text(cite.cite_ids(base, ids, fmt=format_.value, style=style.value), machine=format_.value != "text")


@data_command()
def summary(
    out: Output,
    on: Annotated[
        str | None, typer.Option("--on", callback=_date, metavar="DATE", help="The mission on this date.")
    ] = None,
) -> None:
    """The mission on one day (or as a whole) on one screen."""
    facts = out.load()
    out.emit(query.summary(facts, on=on))


@app.command("validate")
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[PATH]...", readable=False, help="Fact files to check."),
    ] = None,
) -> None:
    """Check fact files (the bundled one when none is given); exit 3 if any problem."""
    from minusma_cli.store import fact_paths, load_files

    base, problems = load_files(fact_paths(paths or ()), use_cache=False)
    if problems:
        raise FactsError(problems)
    counts = ", ".join(
        f"{len(base.section(n))} {n}" for n in ("events", "resolutions", "bases", "casualties", "people")
    )
    _say(f"ok: {len(base.files)} file(s), {len(base.sources)} sources, {len(base.places)} places, {counts}")


def _lean(argv: list[str]) -> typer.Typer:
    """The app with only the command about to run, when that is clear from argv.

    Typer builds every parameter of every command before running one; building
    just the one asked for saves a few milliseconds of each run (and of each
    TAB of shell completion).  Anything unclear gets the whole app.
    """
    name = next((a for a in argv if not a.startswith("-")), None)
    chosen = [c for c in app.registered_commands if c.name == name]
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
