"""How the fast reader of closing event tables fares on files that are not all plain lines.

Run ``python benchmarks/bench.py`` first (it writes ``benchmarks/out/bench-50000.toml``),
then ``python benchmarks/shapes.py``.  Each shape of the 50,000-event file is read
three times by ``minusma_cli.tail`` (and by ``tomllib`` when the reader gives way) and
three times by ``tomllib`` alone; the medians are printed, and the two results are
checked equal.  With ``--tool``, each shape is also written out and a first run of
``minusma timeline --facts FILE --since 2020 --json --no-cache`` is timed against a
bare ``tomllib.load`` of it, alternately, three pairs.  Pin it to one core
(``taskset -c 1``) to compare with a bare parse.
"""

from __future__ import annotations

import argparse
import functools
import gc
import shutil
import statistics
import subprocess
import sys
import tempfile
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
        "a multi-line sources array in every event": every_nth_event(
            text, 1, lambda t: t.replace('sources = ["', 'sources = [\n  "', 1)
        ),
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
    parser.add_argument("--tool", action="store_true", help="also time first runs of the tool")
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
        if args.tool:
            print(f"    first run of the tool: {_tool_ratio(shaped)}")


def _tool_ratio(text: str) -> str:
    minusma = shutil.which("minusma", path=str(Path(sys.executable).parent)) or "minusma"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shape.toml"
        path.write_text(text, encoding="utf-8")
        tool = [minusma, "timeline", "--facts", str(path), "--since", "2020", "--json", "--no-cache"]
        bare = [sys.executable, "-c", "import sys, tomllib; tomllib.load(open(sys.argv[1], 'rb'))", str(path)]
        pairs = [(_wall(tool), _wall(bare)) for _ in range(3)]
    ratio = statistics.median(t / r for t, r in pairs)
    tool_s = statistics.median(t for t, _ in pairs)
    bare_s = statistics.median(r for _, r in pairs)
    return f"median {ratio:.2f}x a bare tomllib.load ({tool_s:.2f} vs {bare_s:.2f} s, 3 pairs)"


def _wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _read(text: str) -> tuple[dict[str, Any], bool]:
    doc = tail.parse(text)
    return (doc, True) if doc is not None else (tomllib.loads(text), False)


if __name__ == "__main__":
    main()
