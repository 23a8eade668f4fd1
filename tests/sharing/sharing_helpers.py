"""Shared set-up for the sharing tests: a fixed code secret and a few goods.

The ``shop`` fixture is registered in this folder's conftest.py."""

from __future__ import annotations

from weimai_cli.config import load_config, save_config

SECRET_HEX = "5e" * 32
FROZEN_NOW = "2026-11-20T10:00:00+08:00"  # as the root conftest freezes it

GOODS = [
    # sku, title, price, original, rate, platform, url, tags, selling points
    ("NX-GQ-500", "宁夏中宁特级枸杞 500g 头茬免洗", "59.90", "89.00", "20%", "taobao",
     "https://item.taobao.com/item.htm?id=675012340001", "枸杞|养生", "头茬鲜果 颗颗饱满 免洗即食"),
    ("WC-DM-5KG", "五常稻花香大米 5kg 当季新米", "69.90", "99.00", "12.5%", "jd",
     "https://item.jd.com/100012345678.html", "大米|新米", "当季新米 粒粒飘香"),
    ("YN-SJ-1KG", "云南高山小粒咖啡豆 1kg 中度烘焙", "118.00", "168.00", "18%", "amazon",
     "https://www.amazon.com/dp/B0DEMO0030", "咖啡|云南", "阿拉比卡 坚果可可风味"),
    ("TW-FLS-10", "台湾凤梨酥 礼盒 10入", "58.00", None, "20%", "shopify",
     "https://shop.example.com/products/pineapple-cake-10?variant=7#reviews", "凤梨酥|伴手礼", "土凤梨内馅 酸甜不腻"),
]


def set_secret(hexed: str = SECRET_HEX) -> bytes:
    cfg = load_config()
    cfg.setdefault("codes", {})["secret"] = hexed
    save_config(cfg)
    return bytes.fromhex(hexed)


def set_config(section: str, values: dict) -> None:
    cfg = load_config()
    cfg[section] = values
    save_config(cfg)


def add_goods(run) -> None:
    for sku, title, price, orig, rate, platform, url, tags, points in GOODS:
        args = ["goods", "add", sku, "--title", title, "--price", price, "--rate", rate,
                "--platform", platform, "--url", url, "--tags", tags, "--selling-points", points]
        if orig:
            args += ["--original-price", orig]
        run(*args)


def share_count(db) -> int:
    return db.execute("SELECT count(*) FROM shares").fetchone()[0]



def dump(conn, sql: str, params=()) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, params)]


# 淘宝联盟 links of NX-GQ-500 for slot (adzone) 108000000001 of the PID mm_12345678_2233445_108000000001
SLOT = "108000000001"
PID = f"mm_12345678_2233445_{SLOT}"
COUPON_LINK = f"https://uland.taobao.com/coupon/edetail?e=Xk2cQ8Zm%2BaA%3D&traceId=213e&pid={PID}"
TAOKE_LINK = "https://s.click.taobao.com/t?e=m%3D2%26s%3DqWz9Yb1KfE0cQipKwQzePOeEDrYVVa64K7Vc7tFgwiHjf2vlNIV67"
SHORT_LINK = "https://s.click.taobao.com/Xy7pQ2u"
TKL = "￥AbCd1234XyZ￥"


def add_link(db, sku: str, slot: str, kind: str, value: str, expires_on: str | None = None) -> None:
    """One goods_links row, as the 选品库 import or `goods link` would leave it."""
    from weimai_cli.catalog.offers import set_link

    set_link(db, sku, slot, kind, value, pid=f"mm_12345678_2233445_{slot}" if slot else None,
             expires_on=expires_on, source="test")


def add_coupon(db, text: str = "满50元减10元", *, sku: str = "NX-GQ-500", start: str | None = "2026-11-01",
               end: str | None = "2026-11-30", remaining: int | None = 800) -> None:
    """A coupon on the goods row, as the 选品库 import fills it."""
    from weimai_cli.catalog.offers import parse_face

    off, threshold = parse_face(text)
    db.execute(
        "UPDATE goods SET coupon_fen = ?, coupon_threshold_fen = ?, coupon_text = ?, coupon_start = ?, "
        "coupon_end = ?, coupon_total = 1000, coupon_remaining = ?, coupon_url = ? WHERE sku = ?",
        (off, threshold, text, start, end, remaining, "https://uland.taobao.com/quan/detail?activityId=1", sku),
    )


def add_union_links(db, sku: str = "NX-GQ-500", slot: str = SLOT, expires_on: str | None = "2027-09-15") -> None:
    """The four links a 选品库 row gives for one slot."""
    for kind, value in (("coupon_link", COUPON_LINK), ("link", TAOKE_LINK), ("short", SHORT_LINK), ("tkl", TKL)):
        add_link(db, sku, slot, kind, value, expires_on)


def rows_of(db, table: str = "shares") -> list[tuple]:
    return dump(db, f"SELECT * FROM {table} ORDER BY rowid")
