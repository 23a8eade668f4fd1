"""weimai demo runs end to end in a fresh home."""

from __future__ import annotations

import sqlite3


def test_demo_builds_a_home_and_shows_the_catalogue(run, tmp_path):
    home = tmp_path / "demo-home"
    r = run("demo", "--home", home)
    assert f"demo home: {home}" in r.stderr
    assert "$ weimai list-goods --sort commission --desc --limit 10" in r.stdout
    assert "HZ-LJ-250   杭州西湖龙井 明前特级 250g" in r.stdout
    conn = sqlite3.connect(home / "weimai.db")
    assert conn.execute("SELECT count(*) FROM goods").fetchone()[0] == 30
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
    assert got.startswith("### 日报 2026-11-05 · me\n\n- **新订单**: 2\n- **成交额**: 247.80\n")
    assert r.stdout.count("# the receiver on 127.0.0.1 got") == 1  # the re-run sent nothing
    assert "already sent to demo-hook" in r.stderr
    conn = sqlite3.connect(home / "weimai.db")
    assert conn.execute("SELECT report_key, status FROM deliveries").fetchall() == [("daily:2026-11-05:me:zh", "sent")]
