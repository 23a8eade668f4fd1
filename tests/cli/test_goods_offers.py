"""list-goods with coupons (--with-coupon, --sort coupon_price), goods show's coupon
and links, and `goods link` (one affiliate link by hand, checked against the platform)."""

from __future__ import annotations

import json

import pytest

from tests.catalog.test_catalog_bad_input import db_fingerprint, one_error
from tests.conftest import DATA

XLS = DATA / "goods" / "picks_2026-11.xls"


@pytest.fixture
def picks(run, home):
    run("goods", "import", XLS)
    return db_fingerprint(home)


def test_list_with_coupon_sorted_by_coupon_price(run, picks):
    r = run("list-goods", "--with-coupon", "--sort", "coupon_price", "--format", "tsv")
    # valid today (2026-11-20): not the expired 满30元减5元, not the goods without one;
    # 满99元减15元 is valid but 45.80 is under its threshold: 券后价 is the price (left blank)
    assert r.stdout.splitlines() == [
        "SKU\ttitle\tprice\tcoupon price\trate\tcommission\tcategory\tsupplier\tstock\tcoupon",
        "620001234572\t新疆若羌红枣 1kg\t45.80\t\t18.00%\t8.24\t食品/保健\t若羌枣园旗舰店\t\t满99元减15元, ends 2026-12-31",
        "620001234567\t宁夏枸杞 特级 500g\t59.90\t49.90\t20.00%\t11.98\t食品/保健\t杞乡旗舰店\t\t满50元减10元, ends 2026-12-15",
        "620001234568\t云南普洱茶饼 357g\t128.00\t108.00\t15.00%\t19.20\t茶\t勐海茶叶店\t\t20元无条件券, ends 2026-11-30",
    ]


def test_list_marks_expired_coupon_and_json_carries_coupons(run, picks):
    r = run("list-goods", "--format", "csv")
    (row,) = [x for x in r.stdout.splitlines() if "木耳" in x]
    assert row.endswith(",35.00,,30.00%,10.50,食品/保健,长白山特产,,\"满30元减5元, expired 2026-11-10\"")
    # an expired coupon alone adds no coupon columns
    assert run("list-goods", "--search", "木耳", "--format", "csv").stdout.splitlines()[0] == (
        "SKU,title,price,rate,commission,category,supplier,stock")
    (item,) = json.loads(run("list-goods", "--search", "枸杞", "--format", "json").stdout)
    assert {k: item[k] for k in ("price_fen", "coupon_price_fen", "coupon_fen", "coupon_threshold_fen",
                                 "coupon_text", "coupon_end", "coupon_remaining", "monthly_sales", "platform")} == {
        "price_fen": 5990, "coupon_price_fen": 4990, "coupon_fen": 1000, "coupon_threshold_fen": 5000,
        "coupon_text": "满50元减10元", "coupon_end": "2026-12-15", "coupon_remaining": 8560,
        "monthly_sales": 12034, "platform": "tmall",
    }


def test_sort_by_coupon_price_desc(run, picks):
    r = run("list-goods", "--sort", "coupon_price", "--desc", "-q")
    assert r.stdout.split() == [
        "620001234568", "620001234569", "620001234567", "620001234572", "620001234570", "620001234571"]


def test_show_coupon_and_links(run, picks):
    r = run("goods", "show", "620001234570")
    assert (
        "coupon           满30元减5元 (expired)\n"
        "coupon price     35.00\n"
        "coupon dates     2026-10-01 – 2026-11-10\n"
        "coupons left     120 of 500\n"
    ) in r.stdout
    assert "links\n" in r.stdout
    lines = [x.split() for x in r.stdout.split("links\n")[1].split("\n\n")[0].splitlines()[2:]]
    assert [(x[0], x[1], x[-1]) for x in lines] == [
        ("111111111", "coupon_link", "expired"), ("111111111", "link", "ok"),
        ("111111111", "short", "ok"), ("111111111", "tkl", "ok")]
    assert lines[0][-2] == "2026-11-10" and lines[3][3:] == ["￥Me4RtS5uV6w￥", "2027-09-16", "ok"]
    data = json.loads(run("goods", "show", "620001234567", "--format", "json").stdout)
    assert (data["coupon_price_fen"], data["coupon_state"]) == (4990, "valid")
    assert [(x["slot"], x["kind"], x["expires_on"], x["state"]) for x in data["links"]] == [
        ("111111111", "coupon_link", "2026-12-15", "ok"), ("111111111", "link", None, "ok"),
        ("111111111", "short", "2027-09-16", "ok"), ("111111111", "tkl", "2027-09-16", "ok")]


def test_show_under_threshold(run, picks):
    assert "coupon           满99元减15元 (valid; the price is under its threshold)\n" in run(
        "goods", "show", "620001234572").stdout


@pytest.mark.parametrize(
    ("args", "message", "slot", "kind", "value", "expires"),
    [
        (["￥Ab12Cd34Ef5￥", "--slot", "333"], "620001234569: 淘口令 (tkl) for slot 333",
         "333", "tkl", "￥Ab12Cd34Ef5￥", None),
        (["复制这段描述€Zx9Yw8Vu7T€后到淘宝"], "620001234569: 淘口令 (tkl) for any slot", "", "tkl", "€Zx9Yw8Vu7T€", None),
        (["https://uland.taobao.com/coupon/edetail?e=x&pid=mm_1_2_444", "--expires", "2026-12-01"],
         "620001234569: 券链接 (coupon_link) for slot 444, until 2026-12-01", "444", "coupon_link",
         "https://uland.taobao.com/coupon/edetail?e=x&pid=mm_1_2_444", "2026-12-01"),
        (["https://s.click.taobao.com/t?e=abc"], "620001234569: 淘客链接 (link) for any slot", "", "link",
         "https://s.click.taobao.com/t?e=abc", None),
        (["https://m.tb.cn/h.abc", "--slot", "9"], "620001234569: 短链接 (short) for slot 9", "9", "short",
         "https://m.tb.cn/h.abc", None),
        (["https://s.click.taobao.com/abc", "--kind", "short"], "620001234569: 短链接 (short) for any slot", "",
         "short", "https://s.click.taobao.com/abc", None),
    ],
)
def test_goods_link_records(run, db, picks, args, message, slot, kind, value, expires):
    r = run("goods", "link", "620001234569", *args)
    assert r.stderr == message + "\n"
    row = db.execute("SELECT value, expires_on, source FROM goods_links WHERE sku = '620001234569' AND slot = ? "
                     "AND kind = ?", (slot, kind)).fetchone()
    assert tuple(row) == (value, expires, "link")


def test_goods_link_replaces_same_slot_and_kind(run, db, picks):
    run("goods", "link", "620001234569", "https://s.click.taobao.com/new?pid=mm_12345678_2345678_111111111")
    (value,) = db.execute("SELECT value FROM goods_links WHERE sku = '620001234569' AND slot = '111111111' "
                          "AND kind = 'link'").fetchone()
    assert value == "https://s.click.taobao.com/new?pid=mm_12345678_2345678_111111111"


def test_goods_link_other_platforms(run, db):
    run("goods", "add", "J1", "--title", "t", "--price", "10", "--platform", "京东")
    run("goods", "link", "J1", "https://u.jd.com/AbC", "--slot", "s1")
    run("goods", "add", "AZ", "--title", "t", "--price", "10", "--platform", "amazon")
    r = run("goods", "link", "AZ", "https://www.amazon.com/dp/B0X?tag=me-20")
    assert r.stderr == "AZ: link for slot me-20\n"  # the Associates tracking id is the slot
    run("goods", "add", "S1", "--title", "t", "--price", "10", "--platform", "shopify")
    run("goods", "link", "S1", "https://shop.example.com/p/1?ref=me")
    got = [tuple(x) for x in db.execute("SELECT sku, slot, kind FROM goods_links ORDER BY sku")]
    assert got == [("AZ", "me-20", "link"), ("J1", "s1", "link"), ("S1", "", "link")]


@pytest.mark.parametrize(
    ("sku", "value", "error", "hint"),
    [
        ("620001234569", "https://item.taobao.com/item.htm?id=1",
         "https://item.taobao.com/item.htm?id=1 is the item's own page: a link without your PID earns nothing",
         "give the 联盟's link"),
        ("620001234569", "https://detail.tmall.com/item.htm?id=620001234569", "is the item's own page", "give the 联盟's link"),
        ("620001234569", "https://u.jd.com/abc",
         "https://u.jd.com/abc is not a Taobao/Tmall link; goods 620001234569 is on tmall", "give the 联盟's link"),
        ("J1", "https://s.click.taobao.com/abc", "is not a JD link; goods J1 is on jd", "give the 京东联盟's link"),
        ("J1", "https://item.jd.com/100.html", "is the item's own page", "give the 京东联盟's link"),
        ("J1", "￥Ab12Cd34Ef5￥", "a 淘口令 is for Taobao/Tmall goods; goods J1 is on jd", "give the platform's"),
        ("AZ", "https://www.amazon.com/dp/B0X", "has no tracking id (tag=): it earns nothing", "copy the link"),
        ("AZ", "https://s.click.taobao.com/abc", "is not an Amazon link", "give the item's Amazon link"),
        ("620001234569", "not a link", "'not a link' is neither a link nor a 淘口令", "give an https:// link"),
        ("620001234569", "复制打开淘宝", "'复制打开淘宝' is neither a link nor a 淘口令", "give an https:// link"),
    ],
)
def test_goods_link_refused(run, home, picks, sku, value, error, hint):
    if sku != "620001234569":
        run("goods", "add", sku, "--title", "t", "--price", "10", "--platform", "jd" if sku == "J1" else "amazon")
    before = db_fingerprint(home)
    err, h = one_error(run("goods", "link", sku, value, code=1))
    assert error in err and h.startswith(f"hint: {hint}"), (err, h)
    assert db_fingerprint(home) == before


def test_goods_link_usage(run, picks):
    assert "--kind 'bogus' is not one of" in run("goods", "link", "620001234569", "https://s.click.taobao.com/a",
                                                 "--kind", "bogus", code=2).stderr
    assert "--expires '2026-13-01' is not a date" in run("goods", "link", "620001234569",
                                                         "https://s.click.taobao.com/a", "--expires", "2026-13-01",
                                                         code=2).stderr
    assert "no goods with SKU 'NOPE'" in run("goods", "link", "NOPE", "https://s.click.taobao.com/a", code=1).stderr


def test_goods_link_kind_tkl_needs_one(run, picks):
    err, _ = one_error(run("goods", "link", "620001234569", "https://s.click.taobao.com/a", "--kind", "tkl", code=1))
    assert "no 淘口令 in 'https://s.click.taobao.com/a'" in err
