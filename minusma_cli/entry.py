"""Console-script entry point: nothing heavy is imported before Ctrl-C is handled."""

from __future__ import annotations

import gc
import sys


def main() -> None:
    # A run is short and makes hundreds of thousands of dicts that live to the end;
    # the cycle collector would only rescan them again and again (about a third of
    # the time of a large file). Reference counting still frees everything else.
    gc.disable()
    try:
        from minusma_cli.cli import run

        code = run()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        code = 130
    sys.exit(code)
