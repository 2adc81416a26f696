"""Run the installed command in a real pseudo-terminal and read the screen it leaves.

The terminal is emulated by pyte, so that a test asserts on what a person sees:
lines as the terminal wraps them, not the bytes a program meant to write.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import termios
import time
from pathlib import Path

import pyte

from tests.conftest import installed_minusma


def run_in_terminal(
    args: list[str],
    *,
    columns: int,
    rows: int = 50,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> str:
    """The raw output of ``minusma ARGS`` run on a terminal ``columns`` x ``rows``."""
    environ = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLUMNS": str(columns),
        "LINES": str(rows),
        **(env or {}),
    }
    for name in ("NO_COLOR", "FORCE_COLOR", "PAGER", "MINUSMA_PAGER"):
        if name not in (env or {}):
            environ.pop(name, None)
    if not {"PAGER", "MINUSMA_PAGER"} & set(env or {}):
        environ["MINUSMA_PAGER"] = ""  # no pager unless the test asks for one
    command = installed_minusma()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, then become the command
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        if cwd is not None:
            os.chdir(cwd)
        os.execve(command, ["minusma", *args], environ)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode("utf-8", "replace")


def screen_lines(output: str, columns: int) -> list[str]:
    """The lines a terminal ``columns`` wide shows for ``output`` (long lines wrap), trailing blanks cut."""
    screen = pyte.Screen(columns, max(output.count("\n") * 4 + 10, 50))
    stream = pyte.Stream(screen)
    stream.feed(output)
    lines = [line.rstrip() for line in screen.display]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def see(args: list[str], *, columns: int, env: dict[str, str] | None = None) -> list[str]:
    """The screen lines of one run (no pager, a tall screen for the counting)."""
    return screen_lines(run_in_terminal(args, columns=columns, rows=1000, env=env), columns)
