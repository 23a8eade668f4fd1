"""share with the 联盟's own links: affiliate link per slot, 淘口令 for WeChat channels,
coupons in posts, the warning for links that do not earn, deactivated distributors."""

from __future__ import annotations

import json

import pytest

from tests.golden_util import check_golden
from tests.sharing.sharing_helpers import (
    COUPON_LINK,
    SHORT_LINK,
    SLOT,
    TAOKE_LINK,
    TKL,
    add_coupon,
    add_link,
    add_union_links,
    rows_of,
    share_count,
)
from weimai_cli.sharing import codes

NO_EARN_TAOBAO = (
    "warning: this link of NX-GQ-500 will not earn: {why}; import your 选品库 export "
    "(`weimai goods import FILE`) or add one: `weimai goods link NX-GQ-500 --slot 推广位ID URL`\n"
)


def _share(run, *args) -> dict:
    return json.loads(run("share", *args, "--format", "json").stdout)


# --- the affiliate link of the slot ----------------------------------------------------


def test_links_of_one_slot_are_used_unchanged_and_the_slot_recorded(run, db, shop):
    add_union_links(db)
    r = run("share", "NX-GQ-500", "--channel", "weibo")
    code = codes.make_code(1, shop)
    # no valid coupon: the 淘客链接, byte for byte (nothing appended to an s.click link)
    assert r.stdout.startswith(f"link  {TAOKE_LINK}\ncode  {code}\n")
    assert r.stderr.startswith("shared NX-GQ-500 on weibo as me: ")  # it earns: no warning
    assert rows_of(db)[0][1:7] == (code, "NX-GQ-500", "me", "weibo", None, TAOKE_LINK)
    assert db.execute("SELECT slot, post FROM shares").fetchone()[0] == SLOT
    assert f"👉{TAOKE_LINK}\n" in db.execute("SELECT post FROM shares").fetchone()[0]


def test_coupon_link_first_when_the_coupon_is_valid(run, db, shop):
    add_union_links(db)
    add_coupon(db)
    s = _share(run, "NX-GQ-500", "--channel", "xiaohongshu", "--slot", SLOT)
    assert (s["link"], s["slot"], s["warnings"]) == (COUPON_LINK, SLOT, [])
    assert f"🔗 {COUPON_LINK}\n" in s["post"]


@pytest.mark.parametrize(
    "coupon", [{"end": "2026-11-19"}, {"start": "2026-11-21"}, {"remaining": 0}],
    ids=["ended", "not-started", "none-left"],
)
def test_coupon_that_is_not_valid_gives_the_taoke_link_and_the_plain_price(run, db, shop, coupon):
    add_union_links(db)
    add_coupon(db, **coupon)
    s = _share(run, "NX-GQ-500", "--channel", "weibo")
    assert s["link"] == TAOKE_LINK
    assert "券" not in s["post"] and "到手价¥59.90\n" in s["post"]


def test_short_link_when_it_is_the_only_one_left(run, db, shop):
    add_link(db, "NX-GQ-500", SLOT, "link", TAOKE_LINK, expires_on="2026-11-19")  # expired yesterday
    add_link(db, "NX-GQ-500", SLOT, "short", SHORT_LINK, expires_on="2026-11-20")  # last day today
    assert _share(run, "NX-GQ-500")["link"] == SHORT_LINK


def test_links_of_no_named_slot_serve_every_slot(run, db, shop):
    add_link(db, "NX-GQ-500", "", "link", TAOKE_LINK)
    s = _share(run, "NX-GQ-500")
    assert (s["link"], s["slot"]) == (TAOKE_LINK, None)
    s = _share(run, "NX-GQ-500", "--slot", "77")
    assert (s["link"], s["slot"]) == (TAOKE_LINK, "77")


def test_several_slots_need_slot_exit_2_nothing_recorded(run, db, shop):
    add_union_links(db)
    add_link(db, "NX-GQ-500", "108000000002", "link", TAOKE_LINK + "2")
    add_link(db, "NX-GQ-500", "", "tkl", TKL)  # no named slot: never makes it ambiguous
    r = run("share", "NX-GQ-500", code=2)
    assert r.stderr == (
        "error: goods 'NX-GQ-500' has affiliate links for 2 slots: 108000000001, 108000000002\n"
        "hint: say which one the share goes through: --slot 108000000001\n"
    )
    assert r.stdout == "" and share_count(db) == 0
    s = _share(run, "NX-GQ-500", "--slot", "108000000002")
    assert (s["link"], s["slot"], s["id"]) == (TAOKE_LINK + "2", "108000000002", 1)


def test_jd_affiliate_link(run, db, shop):
    union = "https://u.jd.com/AbC9xYz"
    add_link(db, "WC-DM-5KG", "3003001", "link", union)
    r = run("share", "WC-DM-5KG", "--channel", "link")
    assert r.stdout == f"link  {union}\ncode  {codes.make_code(1, shop)}\n\n{union}\n"
    assert "warning" not in r.stderr


# --- links that will not earn: a warning, the share still made ---------------------------


def test_taobao_without_links_warns_and_shares_as_before(run, db, shop):
    r = run("share", "NX-GQ-500", "--campaign", "双11")
    assert r.stderr.startswith(NO_EARN_TAOBAO.format(why="it has no 淘宝联盟 link"))
    assert share_count(db) == 1
    assert "&wm=wm" in db.execute("SELECT link FROM shares").fetchone()[0]


def test_tmall_without_links_warns(run, db, shop):
    run("goods", "edit", "NX-GQ-500", "--platform", "tmall")
    assert NO_EARN_TAOBAO.format(why="it has no 淘宝联盟 link") in run("share", "NX-GQ-500").stderr


def test_other_platforms_do_not_warn(run, shop):
    assert "warning" not in run("share", "TW-FLS-10").stderr


def test_expired_links_warn_with_their_date(run, db, shop):
    add_union_links(db, expires_on="2026-11-19")
    s = _share(run, "NX-GQ-500")
    assert s["link"].startswith("https://item.taobao.com/item.htm?id=675012340001&wm=")
    assert s["warnings"] == [NO_EARN_TAOBAO.format(
        why=f"its 淘宝联盟 links for slot {SLOT} expired on 2026-11-19").removeprefix("warning: ").rstrip("\n")]


def test_a_slot_without_links_warns_naming_the_slots_that_have_them(run, db, shop):
    add_union_links(db)
    s = _share(run, "NX-GQ-500", "--slot", "999")
    assert s["slot"] == "999" and "&wm=" in s["link"]
    assert f"it has no 淘宝联盟 link for slot 999 (links for: {SLOT})" in s["warnings"][0]


def test_only_a_coupon_link_and_no_valid_coupon_warns(run, db, shop):
    add_link(db, "NX-GQ-500", SLOT, "coupon_link", COUPON_LINK)
    s = _share(run, "NX-GQ-500")
    assert "&wm=" in s["link"]
    assert f"its only 淘宝联盟 link for slot {SLOT} is a coupon link and the coupon is not valid" in s["warnings"][0]


# --- 淘口令 in WeChat, Moments and QQ posts ------------------------------------------------


@pytest.mark.parametrize("channel", ["wechat", "moments", "qq"])
def test_wechat_channels_carry_the_taokouling_not_the_link(run, db, shop, channel):
    add_union_links(db)
    add_coupon(db)
    r = run("share", "NX-GQ-500", "--channel", channel, "--campaign", "双11")
    row = dict(db.execute("SELECT * FROM shares").fetchone())
    assert row["link"] == COUPON_LINK and row["slot"] == SLOT  # the share's link: QR, card, history
    assert TKL in row["post"] and "http" not in row["post"]
    assert r.stdout.startswith(f"link  {COUPON_LINK}\ntkl   {TKL}\ncode  {row['code']}\n\n{row['post']}\n")
    assert "warning" not in r.stderr
    check_golden(f"posts/{channel}-tkl-coupon.txt", row["post"] + "\n")


def test_weibo_and_others_carry_the_link_and_a_coupon(run, db, shop):
    add_union_links(db)
    add_coupon(db)
    s = _share(run, "NX-GQ-500", "--channel", "weibo", "--campaign", "双11")
    assert TKL not in s["post"] and s["link"] in s["post"] and "tkl" not in s
    check_golden("posts/weibo-coupon.txt", s["post"] + "\n")
    s = _share(run, "NX-GQ-500", "--channel", "douyin")
    check_golden("posts/douyin-coupon.txt", s["post"] + "\n")


def test_weibo_coupon_post_keeps_its_budget(run, db, shop):
    add_link(db, "NX-GQ-500", SLOT, "short", SHORT_LINK)
    add_coupon(db, "10元无条件券", end=None)
    run("goods", "edit", "NX-GQ-500", "--title", "宁夏中宁特级枸杞 500g 头茬免洗 " * 4)
    s = _share(run, "NX-GQ-500", "--channel", "weibo")
    assert s["post_length"] <= 140 and s["shortened"][0] == "title"
    assert "券后价¥49.90 10元无条件券\n" in s["post"] and "领券截止" not in s["post"]
    assert s["link"] in s["post"] and s["code"] in s["post"]


def test_jd_and_amazon_goods_on_wechat_keep_the_link(run, db, shop):
    s = _share(run, "WC-DM-5KG", "--channel", "wechat")
    assert "下单链接：https://item.jd.com/" in s["post"]


def test_wechat_without_taokouling_carries_the_link_and_warns(run, db, shop):
    add_link(db, "NX-GQ-500", SLOT, "link", TAOKE_LINK)
    s = _share(run, "NX-GQ-500", "--channel", "moments")
    assert f"👇 戳链接\n{TAOKE_LINK}\n" in s["post"]
    assert s["warnings"] == [
        f"WeChat blocks Taobao links and NX-GQ-500 has no 淘口令 for slot {SLOT}: the post carries the link; "
        "refresh the export: `weimai goods import <选品库 file>` or "
        "`weimai goods link NX-GQ-500 --slot 推广位ID ￥…￥`"
    ]


def test_taokouling_alone_earns_in_wechat_posts(run, db, shop):
    add_link(db, "NX-GQ-500", SLOT, "tkl", TKL)
    s = _share(run, "NX-GQ-500", "--channel", "qq")
    assert s["warnings"] == [] and s["tkl"] == TKL and f"复制 {TKL} 打开手机淘宝\n" in s["post"]
    # a Weibo post of the same goods has only the plain link: it warns
    assert "will not earn" in _share(run, "NX-GQ-500", "--channel", "weibo")["warnings"][0]


@pytest.mark.parametrize("channel", ["wechat", "moments", "qq"])
def test_expired_taokouling_is_refused_for_wechat_channels(run, db, shop, channel):
    add_link(db, "NX-GQ-500", SLOT, "link", TAOKE_LINK)
    add_link(db, "NX-GQ-500", SLOT, "tkl", TKL, expires_on="2026-11-19")
    r = run("share", "NX-GQ-500", "--channel", channel, code=1)
    assert r.stderr == (
        f"error: the 淘口令 of 'NX-GQ-500' for slot {SLOT} expired on 2026-11-19, and WeChat blocks Taobao links, "
        f"so a {channel} post needs one\n"
        "hint: refresh the export: `weimai goods import <选品库 file>`, or add a new one: "
        "`weimai goods link NX-GQ-500 --slot 推广位ID ￥…￥`\n"
    )
    assert r.stdout == "" and share_count(db) == 0
    run("share", "NX-GQ-500", "--channel", channel, "--dry-run", code=1)
    # other channels do not need it
    assert _share(run, "NX-GQ-500", "--channel", "weibo")["link"] == TAOKE_LINK


def test_user_template_without_tkl_is_refused_for_a_taokouling_post(run, db, tmp_path, shop):
    add_union_links(db)
    f = tmp_path / "mine.txt"
    f.write_text("{title} {price}\n{link}\n", encoding="utf-8")
    r = run("share", "NX-GQ-500", "--channel", "wechat", "--template", str(f), code=1)
    assert r.stderr == (
        f"error: {f}: template has no {{tkl}}, and this post carries the 淘口令 (WeChat blocks Taobao links)\n"
        "hint: put {tkl} where the 淘口令 goes\n"
    )
    assert share_count(db) == 0
    # the same template serves a Weibo post
    assert _share(run, "NX-GQ-500", "--template", str(f))["post"].endswith(TAOKE_LINK)


def test_template_with_only_tkl_serves_only_taokouling_posts(run, db, tmp_path, shop):
    add_union_links(db)
    f = tmp_path / "kl.txt"
    f.write_text("{short_title} {coupon_price}\n{tkl}\n", encoding="utf-8")
    add_coupon(db)
    s = _share(run, "NX-GQ-500", "--channel", "wechat", "--template", str(f))
    assert s["post"] == f"宁夏中宁特级枸杞 ¥49.90\n{TKL}"
    r = run("share", "NX-GQ-500", "--channel", "weibo", "--template", str(f), code=1)
    assert r.stderr == (
        f"error: {f}: template has no {{link}}\n"
        "hint: put {link} where the tracked link goes ({tkl} alone serves only WeChat, Moments and QQ posts "
        "of Taobao/Tmall goods with a 淘口令)\n"
    )
    assert share_count(db) == 1


# --- coupons in posts ---------------------------------------------------------------------


def test_coupon_placeholders(run, db, tmp_path, shop):
    add_coupon(db, "满50元减10元", end="2026-11-30")
    f = tmp_path / "c.txt"
    f.write_text("{price}→{coupon_price} {coupon} 至{coupon_end} [{tkl}]\n{link}\n", encoding="utf-8")
    s = _share(run, "NX-GQ-500", "--template", str(f))
    assert s["post"].splitlines()[0] == "¥59.90→¥49.90 满50元减10元 至2026-11-30 []"


def test_coupon_price_in_the_goods_currency_and_threshold_not_met(run, db, tmp_path, shop):
    run("goods", "edit", "YN-SJ-1KG", "--price", "34.99", "--currency", "usd")
    db.execute("UPDATE goods SET coupon_fen = 500, coupon_threshold_fen = 3000, coupon_text = '' WHERE sku = 'YN-SJ-1KG'")
    s = _share(run, "YN-SJ-1KG", "--channel", "wechat", "--slot", "me-20")
    assert "券后价 $29.99（满30元减5元）\n" in s["post"] and "领券截止" not in s["post"]
    db.execute("UPDATE goods SET coupon_threshold_fen = 5000 WHERE sku = 'YN-SJ-1KG'")
    s = _share(run, "YN-SJ-1KG", "--channel", "wechat", "--slot", "me-20")
    assert "券后价 $34.99（满50元减5元）\n" in s["post"]  # 券后价 is the price below the threshold


def test_goods_without_coupon_render_as_before(run, db, shop):
    """The built-in templates' new lines are all left out: the goldens of test_share_posts hold."""
    add_coupon(db, end="2026-11-19")  # expired: never posted
    expired = _share(run, "NX-GQ-500", "--channel", "wechat")
    db.execute("UPDATE goods SET coupon_fen = NULL WHERE sku = 'NX-GQ-500'")
    plain = _share(run, "NX-GQ-500", "--channel", "wechat")
    assert expired["post"].replace(expired["code"], "X") == plain["post"].replace(plain["code"], "X")
    assert "券" not in plain["post"]


@pytest.mark.parametrize(
    "coupon,why",
    [({"end": "2026-11-19"}, "expired on 2026-11-19"), ({"start": "2026-11-25"}, "starts on 2026-11-25"),
     ({"remaining": 0}, "has none left")],
)
def test_user_template_asking_for_an_expired_coupon_is_refused(run, db, tmp_path, shop, coupon, why):
    add_coupon(db, **coupon)
    f = tmp_path / "c.txt"
    f.write_text("{title}\n{coupon} {coupon_end}\n{link}\n", encoding="utf-8")
    r = run("share", "NX-GQ-500", "--template", str(f), code=1)
    assert r.stderr == (
        f"error: the coupon of 'NX-GQ-500' {why} and is never posted, but template {f} uses {{coupon}} and "
        "{coupon_end}\n"
        "hint: refresh the export: `weimai goods import <选品库 file>`, or share with a template without "
        "{coupon} and {coupon_end}\n"
    )
    assert share_count(db) == 0
    # {coupon_price} alone is not refused: it is the plain price
    f.write_text("{coupon_price}|{price}\n{link}\n", encoding="utf-8")
    assert _share(run, "NX-GQ-500", "--template", str(f))["post"].startswith("|¥59.90\n")


# --- deactivated distributors ---------------------------------------------------------------


def test_deactivated_distributor_cannot_share(run, db, shop):
    run("distributors", "add", "xiaohong", "--name", "小红")
    db.execute("UPDATE distributors SET active = 0 WHERE handle = 'xiaohong'")
    r = run("share", "NX-GQ-500", "--as", "xiaohong", code=1)
    assert r.stderr == (
        "error: distributor 'xiaohong' is deactivated\n"
        "hint: reactivate with `weimai distributors edit xiaohong --active`\n"
    )
    run("share", "NX-GQ-500", "--as", "xiaohong", "--dry-run", code=1)
    assert share_count(db) == 0


def test_goods_without_url_share_their_affiliate_link(run, db, shop):
    run("goods", "add", "TB-NEW-1", "--title", "联盟App里选的商品", "--price", "19.90", "--platform", "taobao")
    r = run("share", "TB-NEW-1", code=1)
    assert r.stderr.startswith("error: goods 'TB-NEW-1' has no product url\n")
    add_link(db, "TB-NEW-1", SLOT, "short", SHORT_LINK)
    s = _share(run, "TB-NEW-1", "--channel", "link")
    assert (s["link"], s["post"], s["slot"], s["warnings"]) == (SHORT_LINK, SHORT_LINK, SLOT, [])
