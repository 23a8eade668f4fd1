"""The report's funnel from clicks (issue 15): "top shares by clicks" and
"clicked but not converting" in a daily or weekly report, in text, md, json,
csv and a chat robot's shape, in both languages. Clicks are inserted as
`weimai clicks sync` stores them."""

from __future__ import annotations

import json

import pytest

from tests import netutil
from tests.orders_helpers import add_share
from tests.reports.test_report import code, report, seed
from tests.reports.test_report_chat import robots

shared_server = netutil.shared_server
server = netutil.server
fast_network = netutil.fast_network


@pytest.fixture(autouse=True)
def _fast(fast_network):
    """Short network timeouts (netutil.fast_network)."""


def with_clicks(db):
    """test_report's seed (share 1: me, TEA-1, one order on 2026-11-05; share 2:
    anna), plus shares 3 and 4 of mine that sell nothing; clicks on the 5th and
    around it."""
    seed(db)
    add_share(db, 3, "TEA-2")
    add_share(db, 4, "TEA-1")
    db.executemany(
        "INSERT INTO share_clicks (share_id, day, clicks, source, synced_at) "
        "VALUES (?, ?, ?, 'shlink', '2026-11-20T10:00:00+08:00')",
        [(1, "2026-11-05", 40), (1, "2026-11-04", 99), (1, "2026-11-06", 7),
         (3, "2026-11-05", 12), (4, "2026-11-05", 3), (2, "2026-11-05", 30), (4, "2026-10-31", 500)])
    db.commit()


def test_daily_text_shows_both_sections(run, db):
    """The 5th's clicks only (not the 4th's 99 nor the 6th's 7); mine only (not anna's 30)."""
    with_clicks(db)
    out = report(run, "daily", "--date", "2026-11-05").stdout
    assert (
        "B0KETTLE  好茶 B0KETTLE       1  10.00 USD    0.40 USD\n"
        "\n"
        "top shares by clicks\n"
        "share       channel  clicks  orders  conversion  commission\n"
        "----------  -------  ------  ------  ----------  ----------\n"
        f"{code(1)}  weibo        40       1       2.50%       20.00\n"
        f"{code(3)}  weibo        12       0       0.00%        0.00\n"
        f"{code(4)}  weibo         3       0       0.00%        0.00\n"
        "\n"
        "clicked but not converting\n"
        "share       channel  SKU    clicks\n"
        "----------  -------  -----  ------\n"
        f"{code(3)}  weibo    TEA-2      12\n"
        f"{code(4)}  weibo    TEA-1       3\n"
        "\n"
        "unattributed orders\n"
    ) in out


def test_daily_md(run, db):
    with_clicks(db)
    out = report(run, "daily", "--date", "2026-11-05", "-f", "md").stdout
    assert (
        "**top shares by clicks**\n"
        "\n"
        f"1. `{code(1)}` weibo: **40 clicks**, 1 orders, conversion 2.50%, commission 20.00\n"
        f"2. `{code(3)}` weibo: **12 clicks**, 0 orders, conversion 0.00%, commission 0.00\n"
        f"3. `{code(4)}` weibo: **3 clicks**, 0 orders, conversion 0.00%, commission 0.00\n"
        "\n"
        "**clicked but not converting**\n"
        "\n"
        f"1. `{code(3)}` weibo · TEA-2: **12 clicks**\n"
        f"2. `{code(4)}` weibo · TEA-1: **3 clicks**\n"
    ) in out


def test_daily_json_and_csv(run, db):
    with_clicks(db)
    d = json.loads(report(run, "daily", "--date", "2026-11-05", "-f", "json", "--all-distributors").stdout)
    assert [(r["code"], r["clicks"], r["orders"], r["commission_fen"], r["conversion_bp"],
             r["commission_per_click_fen"]) for r in d["top_clicked"]] == [
        (code(1), 40, 1, 2000, 250, 50), (code(2), 30, 0, 0, 0, 0), (code(3), 12, 0, 0, 0, 0),
        (code(4), 3, 0, 0, 0, 0)]
    assert [(r["code"], r["clicks"]) for r in d["not_converting"]] == [(code(2), 30), (code(3), 12), (code(4), 3)]
    assert set(d["top_clicked"][0]) == {"share_id", "code", "channel", "sku", "currency", "orders", "gmv_fen",
                                        "commission_fen", "clicks", "conversion_bp", "commission_per_click_fen"}
    lines = report(run, "daily", "--date", "2026-11-05", "-f", "csv").stdout.splitlines()
    assert [line for line in lines if line.startswith(("clicked,", "not_converting,"))] == [
        f"clicked,{code(1)},weibo,CNY,1,100.00,20.00,,,,40",
        f"clicked,{code(3)},weibo,CNY,0,0.00,0.00,,,,12",
        f"clicked,{code(4)},weibo,CNY,0,0.00,0.00,,,,3",
        f"not_converting,{code(3)},weibo,CNY,0,0.00,0.00,,,,12",
        f"not_converting,{code(4)},weibo,CNY,0,0.00,0.00,,,,3",
    ]


def test_top_five_by_clicks_and_the_rest_left_out(run, db):
    seed(db)
    for sid in range(3, 10):
        add_share(db, sid, "TEA-2")
    db.executemany(
        "INSERT INTO share_clicks (share_id, day, clicks, source, synced_at) VALUES (?, '2026-11-05', ?, 'x', 'x')",
        [(sid, sid) for sid in range(1, 10)])
    db.commit()
    d = json.loads(report(run, "daily", "--date", "2026-11-05", "-f", "json").stdout)
    assert [r["clicks"] for r in d["top_clicked"]] == [9, 8, 7, 6, 5]
    assert [r["clicks"] for r in d["not_converting"]] == [9, 8, 7, 6, 5]


def test_clicks_alone_make_a_report_not_empty(run, db):
    add_share(db, 1, "TEA-1")
    db.execute("INSERT INTO share_clicks (share_id, day, clicks, source, synced_at) "
               "VALUES (1, '2026-11-05', 2, 'x', 'x')")
    db.commit()
    d = json.loads(report(run, "daily", "--date", "2026-11-05", "-f", "json").stdout)
    assert d["empty"] is False and d["not_converting"][0]["clicks"] == 2
    d = json.loads(report(run, "daily", "--date", "2026-11-06", "-f", "json").stdout)
    assert d["empty"] is True and d["top_clicked"] == d["not_converting"] == []
    out = report(run, "daily", "--date", "2026-11-06").stdout
    assert "top shares by clicks\nnone\n\nclicked but not converting\nnone\n" in out


def test_weekly_in_chinese(run, db):
    """A week counts the clicks of its seven days: 99 + 40 + 7 for share 1."""
    with_clicks(db)
    out = run("report", "weekly", "--date", "2026-11-05", "--lang", "zh").stdout
    assert (
        "点击最多的分享\n"
        "分享        渠道   点击  订单  转化率   佣金\n"
        "----------  -----  ----  ----  ------  -----\n"
        f"{code(1)}  weibo   146     1   0.68%  20.00\n"
        f"{code(3)}  weibo    12     0   0.00%   0.00\n"
        f"{code(4)}  weibo     3     0   0.00%   0.00\n"
        "\n"
        "有点击未成交\n"
        "分享        渠道   商品编码  点击\n"
        "----------  -----  --------  ----\n"
        f"{code(3)}  weibo  TEA-2       12\n"
        f"{code(4)}  weibo  TEA-1        3\n"
    ) in out
    md = run("report", "weekly", "--date", "2026-11-05", "--lang", "zh", "-f", "md").stdout
    assert f"1. `{code(1)}` weibo: **146 次点击**，1 单，转化率 0.68%，佣金 20.00\n" in md


def test_wecom_markdown_lines(run, db, server):
    with_clicks(db)
    r = robots(run, server, ("wecom",))
    run("report", "daily", "--date", "2026-11-05", "--lang", "zh", "--notify", "wecom")
    run("report", "daily", "--date", "2026-11-05", "--lang", "en", "--notify", "wecom")
    zh, en = (b["markdown"]["content"] for b in r["wecom"].accepted)
    assert (
        "**点击最多的分享**\n"
        f"1. {code(1)} weibo: 点击 **40** · 订单 1 · 转化率 2.50% · 佣金 20.00\n"
        f"2. {code(3)} weibo: 点击 **12** · 订单 0 · 转化率 0.00% · 佣金 0.00\n"
        f"3. {code(4)} weibo: 点击 **3** · 订单 0 · 转化率 0.00% · 佣金 0.00\n"
        "\n"
        "**有点击未成交**\n"
        f"1. {code(3)} weibo · TEA-2: 点击 **12**\n"
        f"2. {code(4)} weibo · TEA-1: 点击 **3**\n"
    ) in zh
    assert (
        "**top shares by clicks**\n"
        f"1. {code(1)} weibo: clicks **40** · orders 1 · conversion 2.50% · commission 20.00\n"
    ) in en and f"**clicked but not converting**\n1. {code(3)} weibo · TEA-2: clicks **12**\n" in en
