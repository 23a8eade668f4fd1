"""Golden files, the one helper: compare, or rewrite them with WEIMAI_UPDATE_GOLDEN=1.

``name`` is a path under ``tests/golden`` or an absolute path (order imports
keep their expected JSON beside the fixture files). With ``parse`` both sides
are parsed before comparing (JSON: key order and spacing do not matter)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str | Path, actual: str, parse: Callable[[str], object] | None = None) -> None:
    path = GOLDEN / name
    if os.environ.get("WEIMAI_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    same = parse(actual) == parse(expected) if parse else actual == expected
    assert same, f"{path} differs from the output (WEIMAI_UPDATE_GOLDEN=1 rewrites)"
