"""``LANG=zh_CN.UTF-8 weimai demo`` shows no English sentence (issue 14).

Data stays as it is (the goods' and orders' titles, codes), and so do the
machine formats (a step with ``--format csv|tsv|json|nl``) and the command
lines the demo prints (``$ weimai …``). Every area's texts meet here: this
test passes once all of them are translated."""

from __future__ import annotations

import re
import sqlite3

import pytest
from i18n_util import english_sentences


@pytest.fixture(autouse=True)
def demo_time(monkeypatch):
    monkeypatch.delenv("WEIMAI_NOW", raising=False)


def _readable(stdout: str) -> str:
    """The demo's output without its machine-format steps and command lines."""
    kept = []
    for block in re.split(r"(?m)^(?=\$ weimai )", stdout):
        command, _nl, rest = block.partition("\n")
        if not command.startswith("$ weimai "):
            kept.append(block)
        elif not re.search(r"--format (csv|tsv|json|nl)\b", command):
            kept.append(rest)
    return "".join(kept)


def test_the_demo_in_chinese_has_no_english_sentence(run, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    home = tmp_path / "demo-home"
    r = run("demo", "--home", home)
    assert f"演示目录：{home}" in r.stderr
    conn = sqlite3.connect(home / "weimai.db")
    data = {t for (t,) in conn.execute("SELECT title FROM goods UNION SELECT title FROM orders") if t}
    text = _readable(r.stdout) + r.stderr
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "\x00")
    found = english_sentences(text)
    assert found == [], "English left in the demo under zh:\n" + "\n".join(found)


def test_the_demo_narration_in_chinese(run, tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    r = run("demo", "--home", tmp_path / "demo-home")
    assert "# 导入供应商的商品表（30 件中国商品，CSV）：\n$ weimai goods import <catalogue.csv>\n" in r.stdout
    assert "# 127.0.0.1 上的接收端收到（日报 2026-11-05 · me）：\n" in r.stdout
    assert "（想自己动手试试：export WEIMAI_HOME=" in r.stderr
