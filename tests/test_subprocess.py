"""A few real runs of the installed command: pipes, signals, a full disk, any folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINI, installed_minusma


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run(
        args, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False
    )


def test_installed_command_works_from_any_folder(tmp_path: Path) -> None:
    result = run([installed_minusma(), "resolutions", "2100", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0]["adopted"] == "2013-04-25"


def test_python_dash_m(tmp_path: Path) -> None:
    result = run([sys.executable, "-m", "minusma_cli", "--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("minusma ")


@pytest.mark.parametrize(
    "pipeline",
    [
        "{m} timeline | head -1",
        "{m} timeline --json | head -c 10",
        "{m} sources --format bibtex | head -1",
        "{m} cite resolution-2640 mission | head -c 10",
    ],
)
def test_a_closed_pipe_ends_quietly(tmp_path: Path, pipeline: str) -> None:
    command = "set -o pipefail; " + pipeline.format(m=installed_minusma())
    result = run(["bash", "-c", command], tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""


@pytest.mark.parametrize("args", [["timeline", "--json"], ["sources", "--format", "csl-json"]])
def test_a_full_disk_is_a_message(tmp_path: Path, args: list[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache")}
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [installed_minusma(), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    assert result.returncode == 4
    assert "cannot write the output" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr


def test_ctrl_c_exits_130_without_traceback(tmp_path: Path) -> None:
    # The facts come through a named pipe, so the run is certainly at work (reading
    # its file) when Ctrl-C arrives, however fast the machine: opening the pipe to
    # write waits for the tool to open it to read. The pipe is closed right after
    # Ctrl-C, so that the test cannot hang even if a signal landing between two
    # reads were held until the next read returned (the reader uses read1 so that
    # it is not, but that window is too narrow for a test to aim at).
    fifo = tmp_path / "facts.toml"
    os.mkfifo(fifo)
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [installed_minusma(), "timeline", "--no-bundled", "--facts", str(fifo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    with fifo.open("wb") as writer:
        writer.write(MINI.read_bytes()[:200])
        writer.flush()
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert out == ""


def test_a_terminal_that_cannot_show_accents(tmp_path: Path) -> None:
    env = {**os.environ, "MINUSMA_CACHE_DIR": str(tmp_path / "cache"), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(
        [installed_minusma(), "bases"], capture_output=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert b"S\\xe9var\\xe9" in result.stdout
