"""Errors, hints and usage messages under zh (issue 14): click's own words
read back into Chinese; the English stays as it was."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from i18n_util import english_sentences

from weimai_cli import i18n
from weimai_cli.cli import failures


@pytest.mark.parametrize(("args", "stderr"), [
    (["list-goods", "--archived"],
     "错误：没有这个选项：--archived（可用的选项：--include-archived, --search）\n"
     "提示：参见 `weimai list-goods --help`\n"),
    (["goods", "show"], "错误：缺少参数 'sku'。\n提示：参见 `weimai goods show --help`\n"),
    (["list-goods", "--format", "xml"],
     "错误：'--format' / '-f' 的值无效：'xml' 不是以下之一：'table', 'json', 'nl', 'csv', 'tsv', 'md'。\n"
     "提示：参见 `weimai list-goods --help`\n"),
    (["list-goods", "--limit", "abc"],
     "错误：'--limit' / '-n' 的值无效：应为整数，无法把输入解析为整数\n提示：参见 `weimai list-goods --help`\n"),
    (["list-goods", "--limit", "-3"], "错误：'--limit' / '-n' 的值无效：应大于或等于 0\n提示：参见 `weimai list-goods --help`\n"),
    (["lst-goods"], "错误：没有命令 'lst-goods'。您是不是要用 'list-goods', 'goods'？\n提示：参见 `weimai --help`\n"),
    (["goods", "lst"], "错误：没有命令 'lst'。您是不是要用 'list'？\n提示：参见 `weimai goods --help`\n"),
    (["nosuch"], "错误：没有命令 'nosuch'。\n提示：参见 `weimai --help`\n"),
    (["list-goods", "extra", "a"], "错误：多余的参数（extra a）\n提示：参见 `weimai list-goods --help`\n"),
    (["list-goods", "--desc=3"], "错误：选项 '--desc' 不接受值。\n提示：参见 `weimai --help`\n"),
])
def test_usage_errors_in_chinese(run, args, stderr):
    r = run("--lang", "zh", *args, code=2)
    assert _as_weimai(r.stderr) == stderr
    assert english_sentences(r.stderr) == []


def _as_weimai(stderr: str) -> str:
    """CliRunner runs the app as `root`."""
    return stderr.replace("`root", "`weimai")


def test_english_usage_errors_are_unchanged_and_the_root_suggests(run):
    assert _as_weimai(run("list-goods", "--archived", code=2).stderr) == (
        "error: No such option: --archived (Possible options: --include-archived, --search)\n"
        "hint: see `weimai list-goods --help`\n")
    assert run("lst-goods", code=2).stderr.splitlines()[0] == (
        "error: No such command 'lst-goods'. Did you mean 'list-goods', 'goods'?")


@pytest.fixture
def zh():
    i18n.set_lang("zh")
    yield
    i18n.set_lang("en")


@pytest.mark.parametrize(("exc", "expected"), [
    (sqlite3.OperationalError("database is locked"),
     ("数据库正忙（另一个 weimai 正在写入）", "请重试，或调大 WEIMAI_BUSY_TIMEOUT_MS", 3)),
    (sqlite3.DatabaseError("file is not a database"),
     ("数据库错误：file is not a database", "运行 `weimai db check`，或恢复一份备份", 5)),
    (OSError(errno.ENOENT, "No such file or directory", "/x/y"),
     ("/x/y: 没有那个文件或目录", "请检查路径、所在文件夹的权限和剩余空间", 1)),
    (OSError(errno.EACCES, "Permission denied", "/x"), ("/x: 权限不够", "请检查路径、所在文件夹的权限和剩余空间", 5)),
    (KeyError("secret"),
     ("意外错误（KeyError）", "这是 weimai 的缺陷：请报告所运行的命令；设置 WEIMAI_DEBUG=1 可显示调用栈", 1)),
])
def test_describe_in_chinese(zh, exc, expected):
    assert failures.describe(exc) == expected


def test_prefixes_in_chinese(zh, capsys):
    from weimai_cli.cli import output

    output.error("坏了", "这样修")
    output.warn("小心")
    assert capsys.readouterr().err == "错误：坏了\n提示：这样修\n警告：小心\n"


def test_did_you_mean_in_chinese(run):
    run("goods", "add", "NX-GQ-500", "--title", "枸杞", "--price", "59.9")
    r = run("--lang", "zh", "goods", "show", "NX-GQ-50", code=1)
    assert r.stderr.splitlines()[1] == "提示：你是不是要找 NX-GQ-500？"
    assert run("goods", "show", "NX-GQ-50", code=1).stderr.splitlines()[1] == "hint: did you mean NX-GQ-500?"
