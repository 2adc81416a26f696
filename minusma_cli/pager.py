"""The pager, as git does it: ``MINUSMA_PAGER``, then ``PAGER``, then ``less -FRX``.

Plain module: no Typer, no Rich.  Only text meant for a terminal comes here, and
only when it is taller than the screen; piped output never pages.
"""

from __future__ import annotations

import os
import subprocess
from typing import IO

DEFAULT = "less -FRX"


def pager_command() -> str | None:
    """The pager to run, or None for none (an empty value or ``cat`` means none)."""
    for name in ("MINUSMA_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            return value.strip() if value.strip() not in ("", "cat") else None
    return DEFAULT


def page(text: str, out: IO[str], height: int) -> None:
    """Show ``text`` through the pager when it does not fit ``height`` lines, else write it."""
    command = pager_command()
    if command is None or text.count("\n") < height:
        out.write(text)
        return
    out.flush()
    # like git: less keeps colours and quits at once if the text fits after all
    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        proc = subprocess.Popen(  # the user's own pager command line, as git runs it
            command, shell=True, stdin=subprocess.PIPE, env=env, encoding=encoding, errors="backslashreplace"
        )
    except OSError:
        out.write(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text)
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
        out.write(text)
