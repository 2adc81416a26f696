"""Rewrite the examples of README.md and docs/*.md with the tool's real output.

Console examples are run in-process, as a pipe sees them; screens
(``<!-- screen: 80 ARGS -->``) are drawn in a pseudo-terminal that many columns wide.

Run by hand after the facts change (`python -m tests.refresh_examples`);
tests/test_readme.py fails until the examples are true again.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from minusma_cli.cli import app

ROOT = Path(__file__).parent.parent
EXAMPLE = re.compile(r"```console\n\$ (?:cd (\S+) && )?minusma ([^\n]*)\n(.*?)```", re.S)
SCREEN = re.compile(r"<!-- screen: (\d+) ([^>]*?) -->\n```text\n(.*?)\n```", re.S)


def skipped(command: str, shown: str) -> bool:
    """Examples cut short ("..."), pipelines and empty ones are illustrations, not checked."""
    return "..." in shown or "|" in command or "&&" in command or not shown.strip()


def refresh(path: Path) -> bool:
    import os

    text = path.read_text(encoding="utf-8")

    def redo(match: re.Match[str]) -> str:
        folder, command, shown = match.groups()
        if skipped(command, shown):
            return match.group(0)
        os.chdir(ROOT / folder if folder else ROOT)
        try:
            result = CliRunner().invoke(app, shlex.split(command), env={"COLUMNS": "100"})
        finally:
            os.chdir(ROOT)
        prefix = f"cd {folder} && " if folder else ""
        # strip line breaks only: a trailing space can be part of the format (RIS's "ER  - ")
        return (
            f"```console\n$ {prefix}minusma {command}\n{(result.stdout + result.stderr).strip(chr(10))}\n```"
        )

    def redraw(match: re.Match[str]) -> str:
        from tests.screen import see

        columns, args, _ = match.groups()
        lines = "\n".join(see(args.split(), columns=int(columns)))
        return f"<!-- screen: {columns} {args} -->\n```text\n{lines}\n```"

    new = SCREEN.sub(redraw, EXAMPLE.sub(redo, text))
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        if refresh(page):
            print(f"updated {page.relative_to(ROOT)}")
