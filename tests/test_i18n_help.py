"""Every command's ``--help`` under zh: no English sentence left, and the
Chinese wraps in 80 columns without a "…" cutting a text (issue 14); the
English help too (it names 淘口令, 联盟 …).

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
def help_in(monkeypatch):
    from rich import _wrap, text
    from typer.testing import CliRunner

    from weimai_cli.cli import translate
    from weimai_cli.cli.app import app

    monkeypatch.setenv("COLUMNS", "80")
    if translate._unwrapped:  # rich as it comes: the command must set the wrapping itself
        monkeypatch.setattr(_wrap, "words", translate._unwrapped[0])
        monkeypatch.setattr(text.Text, "rstrip_end", translate._unwrapped[1])

    def show(path, language="zh"):
        r = CliRunner().invoke(app, ["--lang", language, *path, "--help"], prog_name="weimai")
        assert r.exit_code == 0, r.output
        return r.stdout

    return show


@pytest.fixture
def zh_help(help_in):
    return help_in


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


def _shown_texts(path, language="zh") -> list[str]:
    """The help texts a help page shows whole, in ``language``, as plain text."""
    from rich.text import Text

    from weimai_cli.cli.app import COMMANDS
    from weimai_cli.i18n import tr

    cmd = _command(path)
    # a command's help is translated whole, then typer shows its first paragraph
    texts = [_first_paragraph(tr(cmd.help or "", language))]
    texts += [tr(p.help, language) for p in cmd.params if getattr(p, "help", None) and not getattr(p, "hidden", False)]
    if path:
        subs = getattr(cmd, "commands", None) or {}
        texts += [_first_paragraph(tr(s.short_help or s.help or "", language)) for s in subs.values() if not s.hidden]
    else:
        texts += [tr(spec[2], language) for spec in COMMANDS.values()]
    return [Text.from_markup(t).plain for t in texts if t]


_SQUEEZE = re.compile(r"[\s│╭╮╰╯─]+")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_help_wraps_in_80_columns_without_cutting_a_text(help_in, path, language):
    out = help_in(path, language)
    assert max(len(line) for line in out.splitlines()) <= 80
    lines = [_SQUEEZE.sub("", line) for line in out.splitlines()]
    cut = [t for t in _shown_texts(path, language) if not _whole(_SQUEEZE.sub("", t), lines)]
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


def test_english_help_wraps_chinese_words_in_a_fresh_process(tmp_path):
    """The English help names 淘口令, 联盟 …: rich cut such a line with "…"
    (its trailing space measured in characters, not cells). A fresh process,
    as a user's: nothing set up by an earlier test."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80", "WEIMAI_HOME": str(tmp_path), "WEIMAI_LANG": "en"}
    out = subprocess.run([sys.executable, "-m", "weimai_cli", "goods", "link", "--help"],
                         capture_output=True, text=True, env=env, check=True).stdout
    shown = _SQUEEZE.sub("", out)
    assert "(s.click/uland/m.tb.cn/u.jd.com…)ora淘口令." in shown
