"""Shared fixtures: an isolated cache, a clean environment and a CLI runner."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

from minusma_cli.cli import app

# Property tests draw the same examples on every run, so that a green suite stays
# green by design, not by luck. To search further for new failures, run them a few
# times with HYPOTHESIS_PROFILE=explore (new random examples each run) and pin what
# it finds as an @example.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ASSETS = Path(__file__).parent / "assets"
MINI = ASSETS / "mini.toml"

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test gets its own cache folder and none of the user's settings."""
    monkeypatch.setenv("MINUSMA_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("MINUSMA_FACTS", "MINUSMA_NO_CACHE", "MINUSMA_DEBUG", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def invoke() -> Invoke:
    """Run the CLI in-process; stdout and stderr are kept apart."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=env)

    return run


@pytest.fixture
def mini(invoke: Invoke) -> Invoke:
    """Run the CLI over the small test fact file only."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return invoke(*args, "--no-bundled", "--facts", str(MINI), env=env)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a fact file into the test's folder and return its path."""

    def make(text: str, name: str = "facts.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


def installed_minusma() -> str:
    """The installed console script (next to this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "minusma"
    found = str(beside) if beside.exists() else shutil.which("minusma")
    if found is None:
        pytest.skip("the minusma command is not installed")
    return found
