"""Coupons and affiliate links (catalog/offers.py)."""

import pytest

from weimai_cli.catalog import offers
from weimai_cli.db.store import connect


@pytest.mark.parametrize(
    ("text", "face"),
    [
        ("满50元减10元", (1000, 5000)),
        ("满100元减20元", (2000, 10000)),
        ("满99.5元减5.5元", (550, 9950)),
        ("满100减20", (2000, 10000)),
        ("20元无条件券", (2000, 0)),
        ("3元", (300, 0)),
        ("无", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_face(text, face):
    assert offers.parse_face(text) == face


@pytest.mark.parametrize("text", ["满10元减20元", "打八折", "满abc元减1元", "0元无条件券"])
def test_parse_face_refuses(text):
    with pytest.raises(offers.CouponError):
        offers.parse_face(text)


def goods(**kw):
    row = {"price_fen": 5990, "coupon_fen": 1000, "coupon_threshold_fen": 5000,
           "coupon_start": "2026-12-01", "coupon_end": "2026-12-31", "coupon_remaining": 10}
    row.update(kw)
    return row


def test_coupon_price():
    assert offers.coupon_price_fen(goods(), "2026-12-03") == 4990
    assert offers.coupon_price_fen(goods(), "2027-01-01") == 5990  # expired
    assert offers.coupon_price_fen(goods(), "2026-11-30") == 5990  # not started
    assert offers.coupon_price_fen(goods(coupon_remaining=0), "2026-12-03") == 5990
    assert offers.coupon_price_fen(goods(price_fen=4999), "2026-12-03") == 4999  # below threshold
    assert offers.coupon_price_fen(goods(coupon_fen=None), "2026-12-03") == 5990


def test_coupon_price_sql_agrees(tmp_path):
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    conn.execute("CREATE TABLE g (price_fen, coupon_fen, coupon_threshold_fen, coupon_start, coupon_end, coupon_remaining)")
    cases = [goods(), goods(coupon_remaining=0), goods(price_fen=4999), goods(coupon_fen=None),
             goods(coupon_start=None, coupon_end=None, coupon_remaining=None, coupon_threshold_fen=None),
             goods(coupon_fen=9000, coupon_threshold_fen=0)]
    for day in ("2026-11-30", "2026-12-03", "2027-01-01"):
        for c in cases:
            conn.execute("DELETE FROM g")
            conn.execute("INSERT INTO g VALUES (:price_fen, :coupon_fen, :coupon_threshold_fen, :coupon_start, "
                         ":coupon_end, :coupon_remaining)", c)
            (got,) = conn.execute(f"SELECT {offers.coupon_price_sql()} FROM g", {"day": day}).fetchone()
            assert got == offers.coupon_price_fen(c, day), (c, day)


def test_pid_and_tkl():
    assert offers.slot_of_pid("https://uland.taobao.com/coupon/edetail?e=x&pid=mm_123_456_789&af=1") == (
        "mm_123_456_789", "789")
    assert offers.slot_of_pid("https://s.click.taobao.com/t?e=abc") is None
    assert offers.find_tkl("￥AbCd1234XyZ￥") == "￥AbCd1234XyZ￥"
    assert offers.find_tkl("复制这段描述€Zx9Yw8Vu7T€后到◇綯℡寳◇") == "€Zx9Yw8Vu7T€"
    assert offers.find_tkl("no token here") is None


def test_pick_and_set_link(tmp_path):
    conn = connect(tmp_path / "w.db")
    conn.execute("INSERT INTO goods (sku, title, price_fen, status, created_at, updated_at) "
                 "VALUES ('A', 't', 100, 'active', 'x', 'x')")
    offers.set_link(conn, "A", "789", "link", "https://s.click.taobao.com/L", pid="mm_1_2_789")
    offers.set_link(conn, "A", "789", "coupon_link", "https://uland.taobao.com/C", expires_on="2026-12-31")
    offers.set_link(conn, "A", "789", "tkl", "￥AbCd1234XyZ￥", expires_on="2026-12-01")
    offers.set_link(conn, "A", "", "short", "https://s.click.taobao.com/S")
    links = offers.links_of(conn, "A")
    assert [(r["slot"], r["kind"]) for r in links] == [("", "short"), ("789", "coupon_link"), ("789", "link"), ("789", "tkl")]
    link, tkl = offers.pick(links, "789", coupon_ok=True, day="2026-12-03")
    assert link["kind"] == "coupon_link" and tkl is None  # the 淘口令 expired
    link, _ = offers.pick(links, "789", coupon_ok=False, day="2026-12-03")
    assert link["kind"] == "link"
    link, _ = offers.pick(links, "555", coupon_ok=True, day="2026-12-03")
    assert link["value"] == "https://s.click.taobao.com/S"  # slot '' serves any slot
    offers.set_link(conn, "A", "789", "link", "https://s.click.taobao.com/L2")
    assert [r["value"] for r in offers.links_of(conn, "A") if r["kind"] == "link"] == ["https://s.click.taobao.com/L2"]
