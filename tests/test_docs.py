"""The docs cannot go stale: their console examples are run and compared.

Convention (docs/README.md, "Checked examples", says the same):

* A fenced block opened with ```` ```console ```` is **checked**. Each line
  ``$ weimai ARGS`` is a command; the lines after it, up to the next ``$`` line
  or the end of the block, are its output (stdout and stderr as a terminal
  shows them). A trailing ``# …`` comment on the command line is ignored,
  except a comment that is exactly ``# exit N``: the exit code it must end
  with (else 0). A line ``…``
  in the output stands for any number of lines.
* Any other block (```` ```sh ````, ```` ```toml ````, ```` ```cron ````, an
  indented block) is illustration and is not run.

Every document's examples run in order, in-process (CliRunner), against a
fresh copy of a demo home: ``weimai demo`` built once with a fixed code secret
(so tracking codes are the ones printed in the docs), then the clock frozen at
:data:`EXAMPLE_NOW` and the working folder holding the sample files of
:data:`SAMPLE_FILES` and docs/examples/. Before comparing, both sides are normalised: ISO times
become ``<time>``, delivery ids ``d<id>``, ports on 127.0.0.1 ``<port>``,
trailing spaces and blank lines at either end go; the demo home prints as
``~/.local/share/weimai``.

``WEIMAI_UPDATE_DOCS=1 pytest tests/test_docs.py`` rewrites the expected
outputs (and the generated part of docs/commands.md) after a deliberate
change; read the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tomllib
from pathlib import Path
from unittest import mock

import pytest
from typer.testing import CliRunner

from weimai_cli.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DEMO_NOW = "2026-11-01T09:00:00+08:00"
EXAMPLE_NOW = "2026-12-02T09:00:00+08:00"
SHOWN_HOME = "~/.local/share/weimai"
# the code secret of the docs' demo home (codes.get_secret makes it with token_hex(32))
DOCS_SECRET = "5eed" * 16
# name in the examples' working folder -> file in the repository
SAMPLE_FILES = {
    "supplier.csv": "tests/data/goods/catalogue.csv",
    "catalogue_en.tsv": "tests/data/goods/catalogue_en.tsv",
    "taobao_union_2026-11.csv": "tests/data/orders/taobao_union_2026-11.csv",
    "jd_union_2026-11.csv": "tests/data/orders/jd_union_2026-11.csv",
    "shopify_orders_export.csv": "tests/data/orders/shopify_orders_export.csv",
    "weidian_export.csv": "tests/data/orders/weidian_export.csv",
    "generic_orders.csv": "tests/data/orders/generic_orders.csv",
}
UPDATE = bool(os.environ.get("WEIMAI_UPDATE_DOCS"))

_FENCE = re.compile(r"^(`{3,})(\S*)\s*$")
_EXIT = re.compile(r"#\s*exit (\d+)\s*$")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?")
_DELIVERY = re.compile(r"\bd[0-9a-f]{12}\b")
_PORT = re.compile(r"127\.0\.0\.1:\d+")


class Example:
    def __init__(self, doc: Path, line: int, command: str):
        self.doc, self.line, self.command = doc, line, command
        self.expected: list[str] = []
        m = _EXIT.search(command)
        self.exit_code = int(m.group(1)) if m else 0

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command, comments=True)[1:]  # without "weimai"

    def __repr__(self):
        return f"{self.doc.name}:{self.line}: $ {self.command}"


def examples(doc: Path) -> list[Example]:
    """The checked examples of one document, in order."""
    found: list[Example] = []
    fence = None  # the open fence's backticks, and whether the block is checked
    checked = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        m = _FENCE.match(line)
        if fence is None:
            if m:
                fence, checked = m.group(1), m.group(2) == "console"
            continue
        if line.strip() == fence:
            fence = None
            continue
        if not checked:
            continue
        if line.startswith("$ "):
            assert line.startswith("$ weimai "), f"{doc.name}:{number}: a checked example runs weimai only"
            found.append(Example(doc, number, line[2:]))
        else:
            assert found, f"{doc.name}:{number}: output before any `$ weimai` line"
            found[-1].expected.append(line)
    return found


def normalise(text: str) -> list[str]:
    text = _TIME.sub("<time>", text)
    text = _DELIVERY.sub("d<id>", text)
    text = _PORT.sub("127.0.0.1:<port>", text)
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line `…` in expected stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "…":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def _clean_env(monkeypatch, home: Path, now: str) -> None:
    monkeypatch.setenv("WEIMAI_HOME", str(home))
    monkeypatch.setenv("WEIMAI_NOW", now)
    monkeypatch.setenv("LANG", "C.UTF-8")
    for var in ("LC_ALL", "LC_MESSAGES", "WEIMAI_DB", "WEIMAI_FORCE_TERMINAL", "WEIMAI_READER_PROCESS",
                "COLUMNS"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """`weimai demo` once, with the docs' code secret."""
    home = tmp_path_factory.mktemp("docs") / "demo"
    real = __import__("secrets").token_hex

    def token_hex(n=None):
        return DOCS_SECRET if n == 32 else real(n)

    with pytest.MonkeyPatch.context() as mp, mock.patch("secrets.token_hex", token_hex):
        _clean_env(mp, home, DEMO_NOW)
        result = CliRunner().invoke(app, ["demo", "--home", str(home)])
    assert result.exit_code == 0, result.output
    return home


def _documents_with_examples() -> list[Path]:
    return [doc for doc in DOCS if examples(doc)]


@pytest.mark.parametrize("doc", _documents_with_examples(), ids=lambda p: p.name)
def test_console_examples(doc, demo_home, tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)
    work = tmp_path / "work"
    work.mkdir()
    for name, source in SAMPLE_FILES.items():
        shutil.copy(ROOT / source, work / name)
    for sample in (ROOT / "docs" / "examples").iterdir():
        shutil.copy(sample, work / sample.name)
    monkeypatch.chdir(work)
    _clean_env(monkeypatch, home, EXAMPLE_NOW)
    runner = CliRunner()
    failures, updates = [], {}
    for ex in examples(doc):
        result = runner.invoke(app, ex.argv, prog_name="weimai")
        shown = result.output.replace(str(home), SHOWN_HOME).replace(str(work) + os.sep, "")
        if result.exit_code != ex.exit_code:
            failures.append(f"{ex!r}\n  exit {result.exit_code}, the doc says {ex.exit_code}\n{shown}")
        elif not matches(normalise("\n".join(ex.expected)), normalise(shown)):
            if UPDATE:
                updates[ex.line] = shown.rstrip("\n").splitlines()
                continue
            failures.append(f"{ex!r}\n--- the doc says:\n" + "\n".join(ex.expected) + "\n--- weimai printed:\n" + shown)
    if updates:
        _rewrite(doc, updates)
    assert not failures, "\n\n".join(failures)


def _rewrite(doc: Path, updates: dict[int, list[str]]) -> None:
    """Replace the output under each updated command line (1-based line numbers)."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        out.append(lines[i])
        i += 1
        if i in updates:
            out.extend(line.rstrip() for line in updates[i])
            while i < len(lines) and not lines[i].startswith("$ ") and not _FENCE.match(lines[i]):
                i += 1
    doc.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_examples_are_few_and_fast():
    """10–35 checked examples in all, so this file runs in seconds."""
    count = sum(len(examples(doc)) for doc in DOCS)
    assert 10 <= count <= 35, count


def test_normalise_and_match():
    assert normalise("at 2026-11-01T09:00:00+08:00  \n\n") == ["at <time>"]
    assert normalise("sent (delivery d3f0c2a9b7e14) to http://127.0.0.1:4242/x") == [
        "sent (delivery d<id>) to http://127.0.0.1:<port>/x"]
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "…"], ["a"])
    assert not matches(["a", "…", "d"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])


# --- docs/commands.md: the generated reference ---------------------------------------

BEGIN = "<!-- BEGIN GENERATED: tests/test_docs.py command_reference() -->"
END = "<!-- END GENERATED -->"


def command_reference() -> str:
    """Every command with its options and their help, from the CLI itself."""
    import typer

    try:  # typer ≥ 0.26 carries its own click
        from typer._click.core import Context
    except ImportError:  # pragma: no cover
        from click import Context

    root = typer.main.get_command(app)

    def walk(cmd, path, ctx):
        yield path, cmd, ctx
        if hasattr(cmd, "list_commands"):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                yield from walk(sub, [*path, name], Context(sub, info_name=name, parent=ctx))

    out = []
    for path, cmd, ctx in walk(root, [], Context(root, info_name="weimai")):
        args = " ".join(p.name.upper() + ("…" if p.nargs != 1 else "")
                        for p in cmd.params if p.param_type_name == "argument")
        title = " ".join(["weimai", *path, *([args] if args else [])])
        out.append(f"### `{title}`\n")
        if cmd.help:
            out.append(" ".join(cmd.help.strip().split("\n\n")[0].split()) + "\n")
        rows = []
        for p in cmd.params:
            if p.hidden or p.name in ("install_completion", "show_completion"):
                continue
            record = p.get_help_record(ctx)
            if not record:
                continue
            if p.param_type_name == "argument":
                names = f"`{p.name.upper()}`"
            else:
                value = "" if p.is_flag else " VALUE"
                names = ", ".join(f"`{o}{value}`" for o in [*p.opts, *p.secondary_opts])
            meaning = " ".join(record[1].split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            rows.append(f"| {names} | {meaning} |")
        if rows:
            out.append("| argument / option | meaning |\n| --- | --- |\n" + "\n".join(rows) + "\n")
    return "\n".join(out)


def test_command_reference_is_current():
    path = ROOT / "docs" / "commands.md"
    text = path.read_text(encoding="utf-8")
    assert BEGIN in text and END in text
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    fresh = f"{head}{BEGIN}\n\n{command_reference()}\n{END}{tail}"
    if UPDATE and fresh != text:
        path.write_text(fresh, encoding="utf-8")
        return
    assert fresh == text, "docs/commands.md is stale: run WEIMAI_UPDATE_DOCS=1 pytest tests/test_docs.py"


# --- the version -------------------------------------------------------------------------


def test_version_is_the_packages():
    from weimai_cli import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"] == "0.3.0"
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == "weimai 0.3.0\n"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## 0\.3\.0 — \d{4}-\d{2}-\d{2}$", changelog, re.M)


def test_readme_test_command_is_the_ci_one():
    """README's second set-up command is exactly what .ci/run runs."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ci == "pip install -e '.[test]' && pytest"
    assert f"    {ci}\n" in readme.split("\n## ", 1)[0]
    assert "    pip install . && weimai demo\n" in readme.split("\n## ", 1)[0]


# --- links between the documents ---------------------------------------------------------


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_links_between_documents_resolve():
    bad = []
    for doc in [*DOCS, ROOT / "benchmarks" / "README.md", ROOT / "CHANGELOG.md"]:
        text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            if not file.exists():
                bad.append(f"{doc.name}: {target}: no such file")
                continue
            if anchor and file.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.M)
                if anchor not in {_slug(h) for h in headings}:
                    bad.append(f"{doc.name}: {target}: no such heading")
    assert bad == []
