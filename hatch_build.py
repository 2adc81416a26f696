"""Build hook: check the bundled facts once, at build time, and ship the checked copy.

The wheel then carries ``minusma_cli/facts.checked.json`` beside ``facts.toml``,
tied to its exact bytes by a hash, so that a first run (or a run with an empty
cache) need not parse and check the bundled file. A build with invalid bundled
facts fails here, with the problems listed.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CheckedFactsHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install reads facts.toml from the checkout
        sys.path.insert(0, self.root)
        try:
            from minusma_cli.load import PRECHECKED, FactFile, entry_bytes, parse_file, source_digest
        finally:
            sys.path.remove(self.root)
        source = Path(self.root) / "facts.toml"
        data = source.read_bytes()
        loaded = FactFile(source, "facts.toml")
        parse_file(loaded, data)
        if loaded.problems:
            raise SystemExit("the bundled facts.toml is invalid:\n" + "\n".join(map(str, loaded.problems)))
        out = Path(tempfile.mkdtemp(prefix="minusma-build-")) / PRECHECKED
        out.write_bytes(entry_bytes({"source": source_digest(data)}, loaded.doc))
        build_data["force_include"][str(out)] = f"minusma_cli/{PRECHECKED}"
