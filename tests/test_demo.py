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
