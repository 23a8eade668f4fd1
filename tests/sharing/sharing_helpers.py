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
