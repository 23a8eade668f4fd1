"""The layer rule (docs/architecture.md): the domain never reaches the CLI.

- Importing any module outside ``weimai_cli.cli`` loads neither typer, rich
  nor ``weimai_cli.cli`` (checked in a fresh interpreter);
- no module outside ``weimai_cli.cli`` names them anywhere, not even inside a
  function;
- imports only go down the layers (``LAYERS``), never up; within a layer
  only inside one package;
- no module uses another package's private (``_name``) names.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "weimai_cli"

# bottom to top; the top-level modules (errors, clock, money, config, files,
# net) and the packages in BASE_PACKAGES are the base every package may use
# showcase sits above reports: it reads shares (sharing) and goods' coupons and links
# (catalog) and nothing imports it but the CLI
LAYERS = ["base", "db", "catalog", "sharing", "ledger", "orders", "notify", "reports", "showcase", "cli"]
# base packages: a base module grown into a package (tables.py became tables/,
# issue #12) stays in the base group, under the same rules as a base module
BASE_PACKAGES = {"tables"}
# (importer, imported, why): the only upward imports there are
ALLOWED_UP = {
    ("weimai_cli.db.steps_changes", "weimai_cli.ledger.booking"):
        "a data migration rebooks changed lines through the ledger once, on open",
}
UI = ("typer", "rich", "click", "weimai_cli.cli")


def _modules() -> list[str]:
    out = []
    for p in sorted(ROOT.rglob("*.py")):
        parts = p.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append(".".join(parts))
    return out


def _package(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "base"
    if parts[1] in BASE_PACKAGES:
        return "base"
    if len(parts) == 2:  # weimai_cli.X: a package's __init__ or a base module
        return parts[1] if (ROOT / parts[1]).is_dir() else "base"
    return parts[1]


def _path(module: str) -> Path:
    rel = Path(*module.split(".")[1:])
    return ROOT / rel / "__init__.py" if (ROOT / rel).is_dir() else (ROOT / rel).with_suffix(".py")


def _imports(module: str):
    """(imported module, names, line) for every import in a module, functions included."""
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = tuple(a.name for a in node.names)
            base = node.module
            for n in names:  # `from weimai_cli.x import module` names a module
                if f"{base}.{n}" in MODULES:
                    yield f"{base}.{n}", (), node.lineno
                    names = tuple(m for m in names if m != n)
            if names or base not in MODULES:
                yield base, names, node.lineno


MODULES = _modules()
DOMAIN = [m for m in MODULES if _package(m) != "cli" and m != "weimai_cli.__main__"]


def test_domain_modules_import_no_ui():
    code = (
        "import importlib, sys\n"
        f"for m in {DOMAIN!r}:\n"
        "    importlib.import_module(m)\n"
        f"bad = sorted(k for k in sys.modules if k.split('.')[0] in ('typer', 'rich', 'click') "
        "or k.startswith('weimai_cli.cli'))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


@pytest.mark.parametrize("module", DOMAIN)
def test_domain_module_names_no_ui(module):
    bad = [f"{module}:{line} imports {name}" for name, _, line in _imports(module)
           if any(name == u or name.startswith(u + ".") for u in UI)]
    assert bad == []


def test_imports_go_down_the_layers():
    bad = []
    for module in MODULES:
        mine = _package(module)
        for name, _, line in _imports(module):
            if not name.startswith("weimai_cli.") or name not in MODULES:
                continue
            theirs = _package(name)
            if theirs == mine or (module, name) in ALLOWED_UP or module == "weimai_cli.__main__":
                continue
            if LAYERS.index(theirs if theirs in LAYERS else "base") >= LAYERS.index(mine):
                bad.append(f"{module}:{line} ({mine}) imports {name} ({theirs})")
    assert bad == []


def test_no_private_names_across_packages():
    bad = []
    for module in MODULES:
        for name, names, line in _imports(module):
            if name.startswith("weimai_cli") and _package(name) != _package(module):
                bad += [f"{module}:{line} uses {name}.{n}" for n in names if n.startswith("_") and not n.startswith("__")
                        and (name, n) != ("weimai_cli.i18n", "_")]  # gettext's _() is public
    assert bad == []


def test_no_import_cycles():
    """No module reaches, through imports (functions included), back to itself:
    e.g. db.store opens through db.migrations, which writes through db.tx, not store."""
    graph = {m: {name for name, _, _ in _imports(m) if name in MODULES and name != m} for m in MODULES}
    cycles = []
    for start in MODULES:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph[node]):
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert cycles == []
