"""weimai demo runs end to end in a fresh home."""

from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture(autouse=True)
def demo_time(monkeypatch):
    """The demo runs in its own story time (1 November 2026), as it does for a user."""
    monkeypatch.delenv("WEIMAI_NOW", raising=False)


def test_demo_builds_a_home_and_shows_the_catalogue(run, tmp_path):
    home = tmp_path / "demo-home"
    r = run("demo", "--home", home)
    assert f"demo home: {home}" in r.stderr
    assert "$ weimai list-goods --sort commission --desc --limit 10" in r.stdout
    assert "HZ-LJ-250   杭州西湖龙井 明前特级 250g" in r.stdout
    conn = sqlite3.connect(home / "weimai.db")
    assert conn.execute("SELECT count(*) FROM goods").fetchone()[0] == 35  # 30 + 5 picks of the 选品库
    assert conn.execute(
        "SELECT price_fen FROM goods_history WHERE sku = 'NX-GQ-500' ORDER BY id"
    ).fetchall() == [(5990,), (6490,)]


def test_demo_refuses_a_non_empty_home(run, tmp_path):
    (tmp_path / "x").write_text("keep me")
    r = run("demo", "--home", tmp_path, code=1)
    assert "folder is not empty" in r.stderr
    assert (tmp_path / "x").read_text() == "keep me"


def test_demo_orders_are_attributed_and_shown_under_their_share(run, tmp_path, monkeypatch):
    home = tmp_path / "demo-home"
    r = run("demo", "--home", home)
    assert "$ weimai orders import <demo_taobao_union.csv>" in r.stdout
    monkeypatch.setenv("WEIMAI_HOME", str(home))
    conn = sqlite3.connect(home / "weimai.db")
    code = conn.execute("SELECT code FROM shares WHERE sku = 'NX-GQ-500'").fetchone()[0]
    attributed = conn.execute(
        "SELECT line_key FROM orders o JOIN shares s ON s.id = o.share_id WHERE s.code = ? ORDER BY line_key",
        (code,),
    ).fetchall()
    assert [k for (k,) in attributed] == [
        "3401234567890000001", "3401234567890000002", "3401234567890000003", "3401234567890000006",
    ]
    shown = run("shares", "show", code).stdout
    orders = shown.split("\norders\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert orders[0].split() == ["platform", "line", "paid", "at", "qty", "paid", "refunded", "status", "commission", "(reported)"]
    assert [line.split()[1] for line in orders[2:]] == [k for (k,) in attributed]


def test_demo_delivers_a_daily_report_to_its_own_receiver(run, tmp_path):
    home = tmp_path / "demo-home"
    r = run("demo", "--home", home)
    assert "$ weimai report daily --date 2026-11-05 --lang zh --notify demo-hook" in r.stdout
    got = r.stdout.split("# the receiver on 127.0.0.1 got (日报 2026-11-05 · me):\n", 1)[1]
    assert got.startswith("### 日报 2026-11-05 · me\n\n> (统计中：本期尚未结束)\n\n- **新订单**: 2\n- **成交额**: 247.80\n")
    assert r.stdout.count("# the receiver on 127.0.0.1 got") == 1  # the re-run sent nothing
    assert "already sent to demo-hook" in r.stderr
    conn = sqlite3.connect(home / "weimai.db")
    assert conn.execute("SELECT report_key, target, status FROM deliveries ORDER BY rowid").fetchall() == [
        ("daily:2026-11-05:me:zh", "demo-hook", "sent"),
        ("monthly:2026-11:me:zh", "demo-wecom", "sent"),
        ("monthly:2026-11:xiaohong:zh", "demo-wecom", "sent"),
    ]


def test_demo_takes_a_pick_from_the_xuanpinku_to_a_wechat_group_and_it_earns(run, tmp_path):
    """The 淘客 path end to end: 选品库 export → coupon and 淘口令 → a WeChat post that
    carries the 淘口令 (no Taobao link) → the order through 推广位 108000000003 is
    attributed to that share → statements reach WeCom as lines, never as tables."""
    home = tmp_path / "demo-home"
    r = run("demo", "--home", home)
    conn = sqlite3.connect(home / "weimai.db")
    assert conn.execute(
        "SELECT coupon_fen, coupon_threshold_fen, coupon_end FROM goods WHERE sku = '675012398001'"
    ).fetchone() == (1000, 3900, "2026-11-11")
    code, slot, link, post = conn.execute(
        "SELECT code, slot, link, post FROM shares WHERE sku = '675012398001' AND channel = 'wechat'").fetchone()
    assert slot == "108000000003"
    assert link.startswith("https://uland.taobao.com/coupon/edetail?") and "pid=mm_26880001_3110002_108000000003" in link
    assert "复制 ￥Xa8bC3dEf9Q￥ 打开手机淘宝" in post and "taobao.com" not in post
    assert "券后价 ¥29.90（满39元减10元）\n领券截止 2026-11-11" in post
    assert conn.execute(
        "SELECT s.code FROM orders o JOIN shares s ON s.id = o.share_id WHERE o.line_key = '3401234567890000007'"
    ).fetchone() == (code,)
    # the dry run recorded nothing and spent no id: the next share (the short-linked
    # tea pick) follows the WeChat one
    wechat_id = conn.execute("SELECT id FROM shares WHERE code = ?", (code,)).fetchone()[0]
    assert conn.execute("SELECT id, sku, short_link IS NOT NULL FROM shares WHERE id > ?", (wechat_id,)).fetchall() == [
        (wechat_id + 1, "675012398005", 1)]
    # its clicks, synced from the demo's Shlink, per Asia/Shanghai day
    assert conn.execute("SELECT day, clicks FROM share_clicks WHERE share_id = ? ORDER BY day",
                        (wechat_id + 1,)).fetchall() == [("2026-11-02", 2), ("2026-11-03", 3), ("2026-11-04", 2)]
    wecom = r.stdout.split("# the WeCom robot on 127.0.0.1 got a markdown message:\n")[1:]
    assert len(wecom) == 2 and wecom[1].startswith("### 月度对账单 2026-11 · xiaohong\n")
    assert not any("|" in part.split("\n# ", 1)[0] for part in wecom)


def test_demo_builds_a_showcase_and_says_where(run, tmp_path):
    home = tmp_path / "demo-home"
    r = run("demo", "--home", home)
    assert f"{home}/showcase/index.html\n" in r.stdout
    index = (home / "showcase" / "index.html").read_text(encoding="utf-8")
    conn = sqlite3.connect(home / "weimai.db")
    (code,) = conn.execute("SELECT code FROM shares WHERE channel = 'wechat'").fetchone()
    assert f"{code}.html" in index and "云南古树红茶 滇红 100g" in index
    page = (home / "showcase" / f"{code}.html").read_text(encoding="utf-8")
    assert "￥Xa8bC3dEf9Q￥" in page and "去购买" in page
