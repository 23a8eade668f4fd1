"""Babel extraction for weimai, and the one command that refreshes the catalogs.

``python -m weimai_cli.i18n_extract`` (needs Babel: ``pip install -e '.[test]'``)
extracts every message to ``weimai_cli/locale/weimai.pot``, updates
``zh_CN/LC_MESSAGES/weimai.po`` from it (new texts come in untranslated,
gone ones are dropped) and compiles ``weimai.mo``. Translate the new entries
in the .po (no ``#, fuzzy`` left), run it again, commit the three files;
``tests/test_i18n.py`` fails while any text is untranslated or the .mo is stale.

The extractor (``babel.cfg`` maps ``weimai_cli/**.py`` to :func:`extract`) finds:

* calls ``_("…")``, ``N_("…")``, ``tr("…", …)``, ``pgettext(ctx, "…")``,
  ``ptr(ctx, "…", …)``, ``ngettext("…", "…", n)`` with literal texts;
* every ``help="…"`` keyword (typer options, arguments, commands), and the
  docstrings of functions decorated with ``….command(…)`` or ``….callback(…)``
  (typer's command help), cleaned as ``inspect.getdoc`` cleans them;
* the statements' labels: a dict literal with an ``"en"`` key of ``{key: text}``
  gives ``pgettext(key, text)`` for each.
"""

from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = Path(__file__).resolve().parent / "locale"

_SIMPLE = {"_": "_", "N_": "_", "tr": "_"}
_CONTEXT = {"pgettext": "pgettext", "ptr": "pgettext"}


def _text(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _name(func) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def messages(source: str):
    """(lineno, funcname, message or (context, message) / (singular, plural)) in a source."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            args = node.args
            if name in _SIMPLE and args and _text(args[0]) is not None:
                yield node.lineno, "_", _text(args[0])
            elif name in _CONTEXT and len(args) >= 2 and _text(args[0]) is not None and _text(args[1]) is not None:
                yield node.lineno, "pgettext", (_text(args[0]), _text(args[1]))
            elif name == "ngettext" and len(args) >= 2 and _text(args[0]) and _text(args[1]):
                yield node.lineno, "ngettext", (_text(args[0]), _text(args[1]))
            for kw in node.keywords:
                if kw.arg == "help" and _text(kw.value):
                    yield kw.value.lineno, "_", _text(kw.value)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            decorated = any(
                isinstance(d, ast.Call) and _name(d.func) in ("command", "callback") for d in node.decorator_list
            )
            doc = ast.get_docstring(node, clean=False)
            if decorated and doc:
                yield node.body[0].lineno, "_", inspect.cleandoc(doc)
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if k is not None and _text(k) == "en" and isinstance(v, ast.Dict):
                    for lk, lv in zip(v.keys, v.values, strict=True):
                        if lk is not None and _text(lk) is not None and _text(lv):
                            yield lv.lineno, "pgettext", (_text(lk), _text(lv))


def extract(fileobj, keywords, comment_tags, options):
    """A Babel extraction method (see babel.cfg)."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    for lineno, funcname, message in messages(source):
        yield lineno, funcname, message, []


def refresh() -> int:
    """Extract, update and compile (Babel's own commands, in order)."""
    from babel.messages.frontend import CommandLineInterface

    pot = LOCALE / "weimai.pot"
    po = LOCALE / "zh_CN" / "LC_MESSAGES" / "weimai.po"
    update = (
        ["update", "-i", str(pot), "-d", str(LOCALE), "-D", "weimai", "-l", "zh_CN", "--no-fuzzy-matching",
         "--ignore-obsolete"] if po.exists() else
        ["init", "-i", str(pot), "-d", str(LOCALE), "-D", "weimai", "-l", "zh_CN"]
    )
    steps = [
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "--no-location", "--sort-output",
         "--omit-header", "-o", str(pot), str(ROOT / "weimai_cli")],
        ["pybabel", "-q", *update],
        ["pybabel", "-q", "compile", "-d", str(LOCALE), "-D", "weimai", "-l", "zh_CN"],
    ]
    for argv in steps:
        CommandLineInterface().run(argv)
    return 0


if __name__ == "__main__":
    sys.exit(refresh())
