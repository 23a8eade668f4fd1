"""Fixtures of the showcase tests: goods, a coupon, 淘宝联盟 links and four shares."""

from __future__ import annotations

import pytest

from tests.sharing.sharing_helpers import SLOT, add_coupon, add_goods, add_union_links, set_secret

IMAGE = "https://img.example.com/gq.jpg"
SHORT = "https://s.wm.example/gq1"


@pytest.fixture
def shop(run, db) -> dict[str, str]:
    """Shares (by name -> code): gq (weibo, short link), rice (campaign 双11),
    cake, gq2 (the newest share of the goji: its card on the index)."""
    set_secret()
    add_goods(run)
    with db:
        add_coupon(db)  # 满50元减10元, 2026-11-01 … 2026-11-30: valid on the frozen day
        add_union_links(db)
        db.execute("UPDATE goods SET image_url = ? WHERE sku = 'NX-GQ-500'", (IMAGE,))
        db.execute("UPDATE goods SET image_url = 'https://img.example.com/rice.jpg', "
                   "selling_points = '当季新米；粒粒飘香' WHERE sku = 'WC-DM-5KG'")
    codes = {}
    for name, args in (
        ("gq", ["NX-GQ-500", "--slot", SLOT]),
        ("rice", ["WC-DM-5KG", "--campaign", "双11"]),
        ("cake", ["TW-FLS-10"]),
        ("gq2", ["NX-GQ-500", "--slot", SLOT, "--channel", "moments"]),
    ):
        run("share", *args)
        codes[name] = db.execute("SELECT code FROM shares ORDER BY id DESC LIMIT 1").fetchone()[0]
    with db:
        db.execute("UPDATE shares SET short_link = ? WHERE code = ?", (SHORT, codes["gq"]))
    return codes
