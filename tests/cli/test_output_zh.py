"""The output layer under zh (issue 14): column titles and status words in
text tables, English machine formats, ``--headers zh`` for CSV/TSV."""

from __future__ import annotations

import pytest

from weimai_cli import i18n
from weimai_cli.cli import output
from weimai_cli.cli.output import Col

DATA = [{"sku": "NX-GQ-500", "status": "paid", "n": 3}, {"sku": "QH-HG-500", "status": "refunded", "n": 1}]
# "Options" and "Commands" are in the catalog (typer's panels)
COLS = [Col("sku", "SKU"), Col("status", "Options", "status"), Col("n", "Commands", "int")]


@pytest.fixture
def zh():
    i18n.set_lang("zh")
    yield
    i18n.set_lang("en")
    output.state.headers = "en"


def test_a_text_table_in_chinese(zh, capsys):
    output.rows(DATA, COLS, "table")
    assert capsys.readouterr().out == (
        "SKU        选项    命令\n"
        "---------  ------  ----\n"
        "NX-GQ-500  已付款     3\n"
        "QH-HG-500  已退款     1\n"
    )


def test_markdown_in_chinese(zh, capsys):
    output.rows(DATA, COLS, "md")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "| SKU | 选项 | 命令 |"
    assert "| NX-GQ-500 | 已付款 | 3 |" in out


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "nl"])
def test_machine_formats_stay_english(zh, capsys, fmt):
    output.rows(DATA, COLS, fmt)
    out = capsys.readouterr().out
    assert "paid" in out and "已付款" not in out and "选项" not in out


def test_headers_zh_translates_csv_titles_only(zh, capsys):
    output.state.headers = "zh"
    output.rows(DATA, COLS, "csv")
    assert capsys.readouterr().out == "SKU,选项,命令\nNX-GQ-500,paid,3\nQH-HG-500,refunded,1\n"


def test_english_is_unchanged(capsys):
    output.rows(DATA, COLS, "table")
    assert capsys.readouterr().out.splitlines()[:3] == [
        "SKU        Options   Commands", "---------  --------  --------", "NX-GQ-500  paid             3"]


def test_the_status_words(zh):
    words = {"paid": "已付款", "confirmed": "已收货", "settled": "已结算", "cancelled": "已取消", "refunded": "已退款",
             "invalid": "已失效", "pending": "待付款", "active": "在售", "archived": "已归档"}
    assert {w: output.status_word(w) for w in words} == words
    assert output.status_word("something new") == "something new"


def test_empty_in_chinese(zh, capsys):
    output.rows([], COLS, "table")
    assert capsys.readouterr().err == "没有数据\n"


def test_headers_option_where_format_offers_csv(run, home):
    r = run("list-goods", "--format", "csv", "--headers", "zh")
    assert r.exit_code == 0
    assert "--headers" in run("orders", "list", "--help").stdout
    assert "--headers" not in run("report", "daily", "--help").stdout  # a report's csv has its own titles
    assert "--headers" not in run("goods", "add", "--help").stdout
    r = run("list-goods", "--headers", "fr", code=2)
    assert "fr" in r.stderr
