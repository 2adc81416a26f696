"""How the fast reader of closing event tables fares on files that are not all plain lines.

Run ``python benchmarks/bench.py`` first (it writes ``benchmarks/out/bench-50000.toml``),
then ``python benchmarks/shapes.py``.  Each shape of the 50,000-event file is read
three times by ``minusma_cli.tail`` (and by ``tomllib`` when the reader gives way) and
three times by ``tomllib`` alone; the medians are printed, and the two results are
checked equal.  Run it pinned to one core (``taskset -c 1``) to compare with a bare parse.
"""

from __future__ import annotations

import argparse
import functools
import gc
import statistics
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from minusma_cli import tail

HERE = Path(__file__).resolve().parent


def every_nth_event(text: str, n: int, change: Callable[[str], str]) -> str:
    tables = text.split("\n[[events]]\n")
    for i in range(1, len(tables), n):
        tables[i] = change(tables[i])
    return "\n[[events]]\n".join(tables)


def shapes(text: str) -> dict[str, str]:
    return {
        "plain (as generated)": text,
        "an escaped quote in every title": text.replace('\ntitle = "', '\ntitle = "\\"Quoted\\" '),
        "a multi-line sources array in 1 event in 5": every_nth_event(
            text, 5, lambda t: t.replace('sources = ["', 'sources = [\n  "', 1)
        ),
        "a float in every event": text.replace("\n[[events]]\n", "\n[[events]]\nweight = 1.5\n"),
    }


def timed(read: Callable[[], Any]) -> tuple[float, Any]:
    runs = []
    result = None
    for _ in range(3):
        start = time.perf_counter()
        result = read()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=HERE / "out" / "bench-50000.toml")
    args = parser.parse_args()
    gc.disable()  # as in the tool
    text = args.file.read_text(encoding="utf-8")
    print(f"{args.file.name}: median of 3 reads each")
    for name, shaped in shapes(text).items():
        fast_took, (fast, by_tail) = timed(functools.partial(_read, shaped))
        slow_took, slow = timed(functools.partial(tomllib.loads, shaped))
        if fast != slow:
            raise SystemExit(f"{name}: the readings differ")
        how = "read by the tail reader" if by_tail else "given to tomllib whole"
        print(f"  {name}: {fast_took:.2f} s ({how}); tomllib alone {slow_took:.2f} s")


def _read(text: str) -> tuple[dict[str, Any], bool]:
    doc = tail.parse(text)
    return (doc, True) if doc is not None else (tomllib.loads(text), False)


if __name__ == "__main__":
    main()
