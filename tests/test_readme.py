"""The README documents every option the CLI offers, and its two first commands stay first."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from minusma_cli.cli import app
from tests.conftest import Invoke

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# the user docs: the README and the pages under docs/ (citing.md documents `cite`)
DOCS = "\n".join([README, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))])


def test_every_option_of_every_command_is_documented() -> None:
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"`{name}" in DOCS, f"command {name} is not in the README or docs/"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt not in ("--help",) and f"`{opt}" not in DOCS:
                    missing.append(f"{name} {opt}")
    assert missing == []


def test_readme_starts_with_the_two_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert lines == [
        "python3 -m pip install . && minusma timeline",
        "python3 -m pip install '.[test]' && python3 -m pytest",
    ]
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert lines[1] in ci


def test_readme_examples_are_real_output(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each console example whose command the README shows in full is the tool's actual output."""
    examples = re.findall(r"```console\n\$ (?:cd (\S+) && )?minusma ([^\n]*)\n(.*?)```", README, re.S)
    checked = 0
    for folder, command, shown in examples:
        if "..." in shown or "|" in command or "&&" in command or not shown.strip():
            continue
        if folder:
            monkeypatch.chdir(ROOT / folder)
        result = invoke(*shlex.split(command), env={"COLUMNS": "100"})
        assert (result.stdout + result.stderr).strip() == shown.strip(), command
        monkeypatch.chdir(ROOT)
        checked += 1
    assert checked >= 3
