"""Console-script entry point: nothing heavy is imported before Ctrl-C is handled."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from minusma_cli.cli import run

        code = run()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        code = 130
    sys.exit(code)
