"""Control and bidi characters in data (a supplier feed's titles) never reach the
terminal raw: tables, fields and messages show them escaped as repr() does;
json, nl, csv and tsv keep the data exact (issue #11, item 13)."""

from __future__ import annotations

import csv
import json

import pytest

from weimai_cli.cli.output import shown

# ESC + an OSC 8 hyperlink + a colour, a right-to-left override, a CR, a newline, rich markup
EVIL = "Tea\x1b]8;;http://evil\x07Buy\x1b[31mRED\u202egpj.exe\rX\nY[/]"
SHOWN = "Tea\\x1b]8;;http://evil\\x07Buy\\x1b[31mRED\\u202egpj.exe\\rX\\nY[/]"


def test_shown_escapes_like_repr_and_keeps_spaces_and_newlines_when_asked():
    assert shown(EVIL) == SHOWN == repr(EVIL)[1:-1]
    assert shown("普洱\u3000茶\xa0饼 👨\u200d👩") == "普洱\u3000茶\xa0饼 👨\u200d👩"
    for bidi in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029":
        assert shown(f"a{bidi}b") == f"a\\u{ord(bidi):04x}b"
    assert shown("a\nb\x1bc\td", newlines=True) == "a\nb\\x1bc\\td"


@pytest.fixture
def evil(run):
    run("goods", "add", "EV-1", "--title", EVIL, "--price", "9.90", "--rate", "10", "--supplier", "x\u202ey",
        "--url", "https://item.example.com/1")


def test_goods_add_message_escapes(run):
    r = run("goods", "add", "EV-1", "--title", EVIL, "--price", "9.90", "--rate", "10")
    assert r.stderr == f"added EV-1: {SHOWN}\n"


def test_list_goods_table_escapes(run, evil):
    r = run("list-goods")
    assert r.stdout.splitlines()[2] == (
        f"EV-1  {SHOWN}   9.90  10.00%        0.99            x\\u202ey"
    )
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and len(r.stdout.splitlines()) == 3


def test_list_goods_rich_table_escapes_and_takes_no_markup(run, evil, monkeypatch):
    monkeypatch.setenv("WEIMAI_FORCE_TERMINAL", "1")
    monkeypatch.setenv("COLUMNS", "400")
    r = run("list-goods")
    assert "\x1b]8" not in r.stdout and "\u202e" not in r.stdout and "\x07" not in r.stdout
    assert SHOWN in r.stdout  # "[/]" is text, not a rich closing tag


def test_list_goods_md_escapes(run, evil):
    r = run("list-goods", "--format", "md")
    assert r.stdout.splitlines()[2].startswith(f"| EV-1 | {SHOWN} | 9.90 |")


def test_machine_formats_keep_data_exact(run, evil):
    for fmt in ("json", "nl"):
        out = run("list-goods", "--format", fmt).stdout
        data = json.loads(out)
        assert (data[0] if fmt == "json" else data)["title"] == EVIL
        # JSON escapes control and bidi characters (\u001b, \u202e): exact data, nothing raw
        assert "\x1b" not in out and "\u202e" not in out and "\\u202egpj" in out
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(csv.reader(run("list-goods", "--format", fmt).stdout.splitlines(True), delimiter=delimiter))
        assert rows[1][1] == EVIL  # quoted by the csv writer, newline and all


def test_goods_show_fields_escape(run, evil):
    r = run("goods", "show", "EV-1")
    assert r.stdout.splitlines()[1] == f"title            {SHOWN}"
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    assert json.loads(run("goods", "show", "EV-1", "--format", "json").stdout)["title"] == EVIL


def test_orders_list_escapes(run, tmp_path):
    f = tmp_path / "o.csv"
    with f.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["order_id", "line_key", "sku", "title", "quantity", "unit_price", "paid", "status",
                    "created_at", "paid_at"])
        w.writerow(["W1", "W1-1", "EV-1", EVIL, "1", "9.90", "9.90", "paid", "2026-11-12 10:00:00",
                    "2026-11-12 10:01:00"])
    run("orders", "import", f)
    r = run("orders", "list")
    assert SHOWN in r.stdout and "\x1b" not in r.stdout and "\u202e" not in r.stdout
    assert len(r.stdout.splitlines()) == 3
    shown_line = run("orders", "show", "W1-1").stdout
    assert SHOWN in shown_line and "\x1b" not in shown_line
    assert json.loads(run("orders", "list", "--format", "json").stdout)[0]["title"] == EVIL


def test_share_post_keeps_newlines_but_escapes_controls(run, evil):
    from tests.orders_helpers import use_secret

    use_secret()
    r = run("share", "EV-1", "--channel", "wechat")
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout and "\r" not in r.stdout
    assert "Tea\\x1b]8;;http://evil\\x07Buy\\x1b[31mRED\\u202egpj.exe\\rX\nY[/]" in r.stdout
    assert "\n" in r.stdout.split("code  ")[1].strip()  # the post's own lines stay lines
    data = json.loads(run("share", "EV-1", "--channel", "wechat", "--format", "json").stdout)
    assert EVIL in data["post"]


def test_error_messages_escape(run):
    r = run("goods", "show", "NO\x1b[2J\u202e", code=1)
    assert "\x1b" not in r.stderr and "\u202e" not in r.stderr
    assert r.stderr.startswith("error: no goods with SKU 'NO\\x1b[2J\\u202e'")


def test_list_goods_quiet_one_sku_a_line(run):
    run("goods", "add", "A\nB\x1b", "--title", "t", "--price", "1", "--rate", "1")
    assert run("list-goods", "-q").stdout == "A\\nB\\x1b\n"
