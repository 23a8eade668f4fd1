"""Every command's ``--help`` under zh: no English sentence left, and the
Chinese wraps in 80 columns without a "…" cutting a text (issue 14).

Parametrized by command path: each area sees its own commands fail."""

from __future__ import annotations

import io
import re

import pytest
from i18n_util import english_sentences, help_pages

PAGES = help_pages()


def _id(path) -> str:
    return " ".join(path) or "weimai"


@pytest.fixture
def zh_help(monkeypatch):
    from typer.testing import CliRunner

    from weimai_cli.cli.app import app

    monkeypatch.setenv("COLUMNS", "80")

    def show(path):
        r = CliRunner().invoke(app, ["--lang", "zh", *path, "--help"], prog_name="weimai")
        assert r.exit_code == 0, r.output
        return r.stdout

    return show


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_help_has_no_english_sentence(zh_help, path):
    found = english_sentences(zh_help(path))
    assert found == [], "English left:\n" + "\n".join(found)


def _command(path):
    import importlib

    import typer

    from weimai_cli.cli.app import COMMANDS, app

    if not path:
        return typer.main.get_command(app)
    module, attr, _help = COMMANDS[path[0]]
    cmd = typer.main.get_command(getattr(importlib.import_module(module), attr))
    for name in path[1:]:
        cmd = cmd.commands[name]
    return cmd


def _first_paragraph(text: str) -> str:
    import inspect

    return inspect.cleandoc(text).partition("\f")[0].split("\n\n")[0]


def _shown_texts(path) -> list[str]:
    """The help texts a help page shows whole, in Chinese, as plain text."""
    from rich.text import Text

    from weimai_cli.cli.app import COMMANDS
    from weimai_cli.i18n import tr

    cmd = _command(path)
    # a command's help is translated whole, then typer shows its first paragraph
    texts = [_first_paragraph(tr(cmd.help or "", "zh"))]
    texts += [tr(p.help, "zh") for p in cmd.params if getattr(p, "help", None) and not getattr(p, "hidden", False)]
    if path:
        subs = getattr(cmd, "commands", None) or {}
        texts += [_first_paragraph(tr(s.short_help or s.help or "", "zh")) for s in subs.values() if not s.hidden]
    else:
        texts += [tr(spec[2], "zh") for spec in COMMANDS.values()]
    return [Text.from_markup(t).plain for t in texts if t]


_SQUEEZE = re.compile(r"[\s│╭╮╰╯─]+")


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_help_wraps_in_80_columns_without_cutting_a_text(zh_help, path):
    out = zh_help(path)
    assert max(len(line) for line in out.splitlines()) <= 80
    lines = [_SQUEEZE.sub("", line) for line in out.splitlines()]
    cut = [t for t in _shown_texts(path) if not _whole(_SQUEEZE.sub("", t), lines)]
    assert cut == []


def _whole(text: str, lines: list[str]) -> bool:
    """Whether ``text`` (spaces removed) is shown whole: inside one line, or
    begun at the end of a line and continued at the end of the next ones (its
    cell in a table: the columns on its left may hold something, a folded
    metavar) and ended in a line."""
    for i, line in enumerate(lines):
        if text in line:
            return True
        for start in range(len(line)):
            if text.startswith(line[start:]) and line[start:]:
                rest = text[len(line) - start:]
                for following in lines[i + 1:]:
                    if rest in following:
                        return True
                    tail = next((following[q:] for q in range(len(following)) if rest.startswith(following[q:])), "")
                    if not tail:
                        break
                    rest = rest[len(tail):]
                break
    return False


def test_a_long_chinese_text_without_spaces_wraps_by_character(run, monkeypatch):
    """rich breaks at spaces only: a long Chinese help was cut with "…"."""
    from rich.console import Console
    from rich.table import Table

    from weimai_cli.cli import translate

    translate.wrap_cjk()
    long = "界面语言：zh 或 en（默认：WEIMAI_LANG，其次配置文件中的界面语言设置，再其次是系统区域设置）。" * 2
    table = Table(show_header=False, box=None)
    table.add_column(width=10)
    table.add_column(ratio=10)
    table.add_row("--lang", long)
    console = Console(width=40, record=True, file=io.StringIO())
    console.print(table)
    lines = console.export_text().splitlines()
    assert "…" not in "".join(lines)
    assert "".join(line[11:].strip() for line in lines).replace(" ", "") == long.replace(" ", "")
    assert all(len(line.rstrip()) <= 40 for line in lines)
    # closing punctuation stays with the character before it
    assert not any(line[11:].lstrip().startswith(("，", "。", "）", "：")) for line in lines)


def test_root_help_in_chinese_at_80_columns(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("--lang", "zh", "--help").stdout
    assert "界面语言：zh 或 en（默认：" in out and "…" not in out
