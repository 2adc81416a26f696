"""The pager, as git does it: ``MINUSMA_PAGER``, then ``PAGER``, then ``less -FRX``.

Plain module: no Typer, no Rich.  Only text meant for a terminal comes here, and
only when it is taller than the screen; piped output never pages.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from minusma_cli.env import Environment

DEFAULT = "less -FRX"


def pager_command(environ: Mapping[str, str]) -> str | None:
    """The pager to run, or None for none (an empty value or ``cat`` means none)."""
    for name in ("MINUSMA_PAGER", "PAGER"):
        value = environ.get(name)
        if value is not None:
            return value.strip() if value.strip() not in ("", "cat") else None
    return DEFAULT


def screen_height(env: Environment) -> int:
    """The terminal's height in lines (``LINES``, else the terminal's own, else 24)."""
    lines = env.environ.get("LINES", "").strip()
    if lines.isdigit() and int(lines) > 0:
        return int(lines)
    try:
        fd = env.stdout.fileno() if env.stdout is not None else None
        return os.get_terminal_size(fd).lines if fd is not None else 24
    except (OSError, ValueError):
        return 24


def page(text: str, env: Environment) -> None:
    """Show ``text`` through the pager when it is taller than the screen, else write it."""
    command = pager_command(env.environ)
    if command is None or text.count("\n") < screen_height(env):
        env.write_text(text)
        return
    if env.stdout is not None:
        env.stdout.flush()
    # like git: less keeps colours, and quits at once if the text fits after all
    environ = {**env.environ, "LESS": env.environ.get("LESS", "FRX")}
    try:
        proc = subprocess.Popen(
            command, shell=True, stdin=subprocess.PIPE, env=environ
        )  # the user's pager line
    except OSError:
        env.write_text(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text.encode(env.encoding, errors="backslashreplace"))
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit before the end (q in less): not an error
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:
            continue  # Ctrl-C belongs to the pager while it runs
    if code == 127:  # the shell found no such command: show the text anyway
        env.write_text(text)
