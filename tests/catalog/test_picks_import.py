"""The 淘宝联盟 选品库 export as goods: coupons, monthly sales and affiliate links
per slot (catalog/picks.py), in every format variant the 联盟 downloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.golden_util import check_golden

GOODS = DATA / "goods"
XLS, XLSX, VARIANT = GOODS / "picks_2026-11.xls", GOODS / "picks_2026-11.xlsx", GOODS / "picks_variant.csv"
BIFF = GOODS / "picks_2026-11_biff.xls"  # a real Excel 97 workbook


def dump(db) -> str:
    """Every imported goods column and link, read back."""
    goods = [dict(r) for r in db.execute(
        "SELECT sku, title, price_fen, currency, commission_bp, commission_fen, supplier, category, platform, url, "
        "image_url, monthly_sales, coupon_fen, coupon_threshold_fen, coupon_text, coupon_start, coupon_end, "
        "coupon_total, coupon_remaining, coupon_url, status, source FROM goods ORDER BY sku")]
    links = [dict(r) for r in db.execute(
        "SELECT sku, slot, kind, value, pid, expires_on, source FROM goods_links ORDER BY sku, slot, kind")]
    return json.dumps({"goods": goods, "goods_links": links}, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize(("path", "container"), [(XLS, "csv, gb18030"), (XLSX, "xlsx"), (BIFF, "xls")])
def test_picks_export_golden(run, db, path, container):
    r = run("goods", "import", path, "--source", "picks")
    # GBK text with an .xls name is read by its content; 卖家旺旺, 佣金 … are left out quietly
    assert r.stderr == (
        f"imported {path} ({container}, 淘宝联盟 选品库): 6 rows: 6 added, 0 changed, 0 unchanged, "
        "0 archived; 22 links\n"
    )
    check_golden("goods/picks_2026-11.json", dump(db), json.loads)


def test_reimport_changes_nothing(run, db):
    run("goods", "import", XLS)
    before = dump(db)
    r = run("goods", "import", XLS)
    assert "6 unchanged" in r.stderr
    assert dump(db) == before


def test_later_download_with_other_columns_refreshes(run, db):
    """The variant: another column order, 商品价格(单位:元) with an ASCII colon, no
    short link or 淘口令 column, unknown columns. Item …567 lost its coupon."""
    run("goods", "import", XLS)
    r = run("goods", "import", VARIANT)
    assert r.stderr == (
        f"warning: {VARIANT}: ignoring unknown column '推荐理由'\n"
        f"imported {VARIANT} (csv, gb18030, 淘宝联盟 选品库): 3 rows: 1 added, 2 changed, 0 unchanged, "
        "0 archived; 5 links\n"
    )
    check_golden("goods/picks_variant.json", dump(db), json.loads)
    got = {(s, k) for s, k in db.execute("SELECT sku, kind FROM goods_links WHERE sku = '620001234567'")}
    # its coupon link went with the coupon; short link and 淘口令 stay (the file has no such columns)
    assert got == {("620001234567", "link"), ("620001234567", "short"), ("620001234567", "tkl")}
    (coupon,) = db.execute("SELECT coupon_fen FROM goods WHERE sku = '620001234567'").fetchone()
    assert coupon is None
    # a change of price goes into the history, as for any goods file
    prices = [p for (p,) in db.execute("SELECT price_fen FROM goods_history WHERE sku = '620001234567' ORDER BY id")]
    assert prices == [5990, 5790]


def test_slot_option_names_the_links_slot(run, db):
    r = run("goods", "import", XLS, "--slot", "555")
    assert "the links carry the PID mm_12345678_2345678_111111111, kept under --slot 555" in r.stderr
    assert {s for (s,) in db.execute("SELECT DISTINCT slot FROM goods_links")} == {"555"}
    # a re-import for another slot adds that slot's links; the first slot's stay
    run("goods", "import", XLS)
    assert {s for (s,) in db.execute("SELECT DISTINCT slot FROM goods_links")} == {"555", "111111111", "222222222"}


def test_slot_without_link_columns_warns(run, tmp_path):
    f = write(tmp_path, "a.csv", "商品编码,商品名称,售价\nA1,茶,12.50\n")
    assert f"warning: {f}: --slot 5: the file has no link columns\n" in run("goods", "import", f, "--slot", "5").stderr


def test_dry_run_writes_no_goods_or_links(run, db):
    r = run("goods", "import", XLS, "--dry-run")
    assert r.stderr.startswith(f"would import {XLS} (csv, gb18030, 淘宝联盟 选品库): 6 rows")
    assert db.execute("SELECT count(*) FROM goods").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM goods_links").fetchone()[0] == 0


def test_json_summary(run):
    (s,) = json.loads(run("goods", "import", XLS, "--json").stdout)
    assert (s["kind"], s["rows"], s["added"], s["links"], s["warnings"]) == ("taobao-picks", 6, 6, 22, [])


def write(tmp_path, name, text, encoding="utf-8"):
    f = tmp_path / name
    f.write_bytes(text.encode(encoding))
    return f


def test_price_header_with_unit_auto_and_by_map(run, db, tmp_path):
    # a plain goods file whose price column is the 选品库's
    f = write(tmp_path, "a.csv", "商品编码,商品名称,商品价格(单位：元)\nA1,茶,12.50\n")
    run("goods", "import", f)
    # an unknown price header mapped by hand, and the 选品库's header named in --map
    g = write(tmp_path, "b.csv", "货号,名称,价(元)\nB1,米,8.00\n")
    run("goods", "import", g, "--map", "货号=sku", "--map", "价(元)=price")
    h = write(tmp_path, "c.csv", "货号,商品名称,商品价格(单位：元),收入比率(%)\nC1,糖,3.00,10\n")
    run("goods", "import", h, "--map", "货号=sku", "--map", "商品价格（单位：元）=price")
    got = [tuple(r) for r in db.execute("SELECT sku, price_fen, commission_bp FROM goods ORDER BY sku")]
    assert got == [("A1", 1250, None), ("B1", 800, None), ("C1", 300, 1000)]


def test_map_coupon_and_links_of_a_plain_file(run, db, tmp_path):
    f = write(tmp_path, "mine.csv", (
        "货号,名称,价格,券,券止,口令(7天内有效),推广\n"
        "K1,枸杞,59.90,满50减10,2026-11-30,￥Ab12Cd34Ef5￥,https://s.click.taobao.com/x?pid=mm_1_2_777\n"
    ))
    run("goods", "import", f, "--map", "货号=sku", "--map", "券=coupon", "--map", "券止=coupon_end",
        "--map", "口令(7天内有效)=tkl", "--map", "推广=link")
    assert tuple(db.execute("SELECT coupon_fen, coupon_threshold_fen, coupon_end FROM goods").fetchone()) == (
        1000, 5000, "2026-11-30")
    links = [tuple(r) for r in db.execute("SELECT slot, kind, value, expires_on FROM goods_links ORDER BY kind")]
    assert links == [
        ("777", "link", "https://s.click.taobao.com/x?pid=mm_1_2_777", None),
        ("777", "tkl", "￥Ab12Cd34Ef5￥", "2026-11-27"),  # 7 days after the import (2026-11-20)
    ]


def test_map_refuses_unknown_field(run, tmp_path):
    f = write(tmp_path, "a.csv", "商品编码,商品名称,售价\nA1,茶,12.50\n")
    r = run("goods", "import", f, "--map", "售价=coupon_price", code=1)
    assert "unknown field 'coupon_price'" in r.stderr


@pytest.mark.parametrize(
    ("platform", "currency"),
    [("amazon", "USD"), ("amazon.com", "USD"), ("Amazon.co.uk", "GBP"), ("天猫", "CNY"), ("jd", "CNY"),
     ("shopify", "CNY")],
)
def test_currency_from_platform(run, db, tmp_path, platform, currency):
    f = write(tmp_path, "a.csv", f"sku,title,price,platform\nX1,t,9.99,{platform}\n")
    run("goods", "import", f)
    assert db.execute("SELECT currency FROM goods").fetchone()[0] == currency


def test_platform_currency_keeps_a_given_or_own_currency(run, db, tmp_path):
    # a currency cell wins; an empty one is the platform's
    f = write(tmp_path, "a.csv", "sku,title,price,platform,currency\nX1,t,9.99,amazon,EUR\nX2,t,1,amazon,\n")
    run("goods", "import", f)
    # an item of a platform that implies no currency keeps its own when the file names none
    run("goods", "add", "S1", "--title", "t", "--price", "5", "--platform", "shopify", "--currency", "USD")
    g = write(tmp_path, "b.csv", "sku,title,price,platform\nS1,t,6,shopify\n")
    run("goods", "import", g)
    got = [tuple(r) for r in db.execute("SELECT sku, currency FROM goods ORDER BY sku")]
    assert got == [("S1", "USD"), ("X1", "EUR"), ("X2", "USD")]


def test_goods_add_amazon_is_usd(run, db):
    run("goods", "add", "AZ", "--title", "t", "--price", "5", "--platform", "amazon")
    assert db.execute("SELECT currency FROM goods").fetchone()[0] == "USD"


def test_the_demo_picks_are_the_same_in_xls_and_xlsx(tmp_path):
    """The demo ships its 选品库 export twice (GBK text named .xls, and .xlsx), made by
    tests/data/make_demo_xuanpinku.py: both import to the same goods and links."""
    from weimai_cli.catalog.goods_import import import_goods
    from weimai_cli.db.store import connect

    data = Path(__file__).resolve().parents[2] / "weimai_cli" / "data"
    got = []
    for name in ("demo_xuanpinku.xls", "demo_xuanpinku.xlsx"):
        conn = connect(tmp_path / f"{name}.db")
        summary = import_goods(conn, data / name)
        assert (summary.kind, summary.added, summary.links) == ("taobao-picks", 5, 19)
        got.append((
            conn.execute("SELECT sku, title, price_fen, commission_bp, platform, coupon_fen, coupon_threshold_fen, "
                         "coupon_start, coupon_end, coupon_remaining FROM goods ORDER BY sku").fetchall(),
            conn.execute("SELECT sku, slot, kind, value, expires_on FROM goods_links ORDER BY 1, 2, 3").fetchall(),
        ))
    assert got[0] == got[1]
