"""The README and docs/ document every option, section and key, and their examples are real output."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import typer

from minusma_cli.cli import app
from tests.conftest import Invoke
from tests.refresh_examples import EXAMPLE, skipped

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# the user docs: the README and the pages under docs/ (citing.md documents `cite`)
ALL_DOCS = "\n".join([README, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))])


def test_every_option_of_every_command_is_documented() -> None:
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"`{name}" in ALL_DOCS, f"command {name} is not in the README or docs/"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt not in ("--help",) and f"`{opt}" not in ALL_DOCS:
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


DOCS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}


@pytest.mark.parametrize("name", ["README.md", *DOCS])
def test_examples_are_real_output(name: str, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each console example whose command is shown in full is the tool's actual output (run from the root)."""
    text = README if name == "README.md" else DOCS[name]
    examples = EXAMPLE.findall(text)
    monkeypatch.chdir(ROOT)
    checked = 0
    for folder, command, shown in examples:
        if skipped(command, shown):
            continue
        if folder:
            monkeypatch.chdir(ROOT / folder)
        result = invoke(*shlex.split(command), env={"COLUMNS": "100"})
        assert (result.stdout + result.stderr).strip() == shown.strip(), (
            f"{name}: {command} (python -m tests.refresh_examples rewrites the examples)"
        )
        monkeypatch.chdir(ROOT)
        checked += 1
    if name == "README.md":
        assert checked >= 3


def test_the_docs_exist_and_the_readme_links_them() -> None:
    assert {"fact-format.md", "json.md"} <= set(DOCS)
    assert "(docs/fact-format.md)" in README
    assert "(docs/json.md)" in README


def test_fact_format_documents_every_section_and_field() -> None:
    from minusma_cli import schema

    doc = DOCS["fact-format.md"]
    sections = {"mission": schema.MISSION, **schema.KEYED, **schema.LISTS}
    missing = []
    for section, spec in sections.items():
        heading = {"mission": "## `[mission]`", "sources": "## `[sources.ID]`", "places": "## `[places.ID]`"}
        title = heading.get(section, f"## `[[{section}]]`")
        assert title in doc, title
        part = doc.split(title, 1)[1].split("\n## ", 1)[0]
        missing += [f"{section}.{field}" for field in spec if f"| `{field}` |" not in part]
    assert missing == []
    for closed_set in (schema.CATEGORIES, schema.CAUSES, schema.ROLES, schema.ACTIONS, schema.BUDGET_KINDS):
        for word in closed_set:
            assert f"`{word}`" in doc, word


def test_json_doc_gives_each_commands_keys_in_order(invoke: Invoke) -> None:
    table = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| ([a-z_, ]+) \|$", DOCS["json.md"], re.M))
    assert set(table) >= {"timeline", "resolutions", "bases", "casualties", "people", "sources", "summary"}
    for command, keys in table.items():
        result = invoke(command, "--json")
        assert result.exit_code == 0, result.stderr
        assert list(json.loads(result.stdout)[0]) == keys.split(", "), command
