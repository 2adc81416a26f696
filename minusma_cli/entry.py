"""Console-script entry point: nothing heavy is imported before Ctrl-C is handled."""

from __future__ import annotations

import contextlib
import gc
import os
import sys


def main() -> None:
    # A run is short and makes hundreds of thousands of dicts that live to the end;
    # the cycle collector would only rescan them again and again (about a third of
    # the time of a large file). Reference counting still frees everything else.
    gc.disable()
    from minusma_cli.env import Environment, close_gaps

    close_gaps()
    for stream in (sys.stdout, sys.stderr):
        # a terminal or pipe that cannot show a character gets an escape, not a crash
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        from minusma_cli import cli

        cli.KEEP_UNTIL_EXIT = True
        code = cli.run()
    except KeyboardInterrupt:
        Environment.from_process().say("")
        code = 130
    # Leave without tearing down: freeing a large fact base object by object costs
    # more than everything else a warm run does after the output is written.
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe or full disk was already reported; nothing more can be said
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)
