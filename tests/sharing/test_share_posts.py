"""Posts: golden files per channel, hashtags, length budget, user templates."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.golden_util import check_golden
from tests.sharing.sharing_helpers import dump, set_config, share_count
from weimai_cli.sharing import posts


def _share(run, *args) -> dict:
    return json.loads(run("share", *args, "--format", "json").stdout)


def _golden(name: str, text: str) -> None:
    check_golden(f"posts/{name}", text)


@pytest.mark.parametrize("channel", posts.CHANNELS)
def test_post_per_channel_matches_golden(run, shop, channel):
    s = _share(run, "NX-GQ-500", "--channel", channel, "--campaign", "双11")
    _golden(f"{channel}.txt", s["post"] + "\n")
    assert s["code"] in s["post"] or channel == "link"
    assert s["link"] in s["post"]


def test_post_without_original_price_drops_that_line(run, shop):
    s = _share(run, "TW-FLS-10", "--channel", "wechat")
    _golden("wechat-no-original-price.txt", s["post"] + "\n")
    assert "原价" not in s["post"]


def test_same_share_renders_the_same_text(run, db, shop):
    s = _share(run, "NX-GQ-500", "--channel", "xiaohongshu")
    goods = dict(db.execute("SELECT * FROM goods WHERE sku = 'NX-GQ-500'").fetchone())
    tmpl = posts.parse_template(posts.BUILTIN_TEMPLATES["xiaohongshu"], "xiaohongshu")
    values = posts.values_for(goods, channel="xiaohongshu", link=s["link"], code=s["code"], campaign=None)
    again = [posts.compose(tmpl, values, 1000, "chars").text for _ in range(3)]
    assert again == [s["post"]] * 3


def test_hashtag_syntax_per_channel():
    assert posts.hashtags("枸杞|养生, 宁夏", "weibo") == "#枸杞# #养生# #宁夏#"
    assert posts.hashtags("枸杞|养生, 宁夏", "xiaohongshu") == "#枸杞 #养生 #宁夏"
    assert posts.hashtags("#枸杞#|枸杞", "douyin") == "#枸杞"
    assert posts.hashtags(None, "weibo") == ""


@pytest.mark.parametrize(
    "text,n",
    [("Test", 2), ("用于开发测试评论功能的微博", 13), ("我司CEO与我司吉祥物...好大一坨！", 16), ("a", 1), ("", 0)],
)
def test_weibo_length_vectors(text, n):
    assert posts.weibo_length(text) == n


def test_discount_text():
    assert posts.discount_text(5990, 8900) == "6.7折"
    assert posts.discount_text(7000, 10000) == "7折"
    assert posts.discount_text(9999, 10000) == ""  # rounds to 10折: no discount
    assert posts.discount_text(5000, None) == ""


def test_weibo_overflow_shortens_title_never_link_or_code(run, shop):
    long_title = "宁夏中宁特级枸杞" * 20
    run("goods", "edit", "NX-GQ-500", "--title", long_title)
    s = _share(run, "NX-GQ-500", "--channel", "weibo", "--campaign", "双十一预热")
    assert s["post_length"] <= 140 and s["post_counter"] == "weibo"
    assert posts.weibo_length(s["post"]) == s["post_length"]
    assert s["shortened"][0] == "title"
    assert "…" in s["post"]
    assert s["link"] in s["post"] and s["code"] in s["post"]
    _golden("weibo-long-title.txt", s["post"] + "\n")


def test_budget_override_from_config(run, shop):
    set_config("share", {"budget": {"wechat": 196}})
    s = _share(run, "NX-GQ-500", "--channel", "wechat")
    assert s["post_limit"] == 196 and 190 < s["post_length"] <= 196
    assert s["shortened"] == ["title"]
    assert s["link"] in s["post"] and s["code"] in s["post"]


def test_post_that_cannot_fit_warns(run, shop):
    set_config("share", {"budget": {"weibo": 20}})
    r = run("share", "NX-GQ-500")
    assert "warning: post is " in r.stderr and "/20 even shortened; edit it before posting" in r.stderr


@settings(max_examples=60, deadline=None)
@given(
    title=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=200),
    points=st.text(alphabet="好吃不贵 ab", max_size=80),
)
def test_fitting_keeps_link_and_code_whole(title, points):
    goods = {"sku": "S1", "title": title.strip() or "x", "price_fen": 1990, "original_price_fen": 2990,
             "selling_points": points, "tags": "a|b|零食"}
    link = "https://item.taobao.com/item.htm?id=1&wm=wm0001ABCD&utm_source=weibo"
    values = posts.values_for(goods, channel="weibo", link=link, code="wm0001ABCD", campaign=None)
    tmpl = posts.parse_template(posts.BUILTIN_TEMPLATES["weibo"], "weibo")
    post = posts.compose(tmpl, values, 140, "weibo")
    assert link in post.text and "wm0001ABCD" in post.text
    assert post.length == posts.weibo_length(post.text)
    assert post.length <= 140 or post.shortened[-1:] == ("title",)


def test_user_template_file(run, tmp_path, shop):
    f = tmp_path / "mine.txt"
    f.write_text(
        "{short_title}｜{price}（{original_price}，{discount}）\n{selling_points}\n{hashtags}\n"
        "{campaign}\n{sku} {link} {code}\n{{literal}}\n", encoding="utf-8")
    s = _share(run, "NX-GQ-500", "--channel", "douyin", "--template", str(f), "--campaign", "春")
    assert s["post"] == (
        "宁夏中宁特级枸杞｜¥59.90（¥89.00，6.7折）\n头茬鲜果 颗颗饱满 免洗即食\n#枸杞 #养生\n春\n"
        f"NX-GQ-500 {s['link']} {s['code']}\n{{literal}}"
    )
    assert s["template"] == str(f)


def test_user_template_by_name_in_home(run, home, shop):
    (home / "templates").mkdir()
    (home / "templates" / "short.txt").write_text("{title} {link}\n", encoding="utf-8")
    s = _share(run, "NX-GQ-500", "--template", "short")
    assert s["post"] == f"宁夏中宁特级枸杞 500g 头茬免洗 {s['link']}" and s["template"] == "short"


def test_default_template_per_channel_from_config(run, home, shop):
    (home / "templates").mkdir()
    (home / "templates" / "brief.txt").write_text("买 {link}\n", encoding="utf-8")
    set_config("share", {"templates": {"qq": "brief"}})
    assert _share(run, "NX-GQ-500", "--channel", "qq")["post"].startswith("买 https://")


def test_unknown_placeholder_is_exit_1_and_records_nothing(run, db, tmp_path, shop):
    f = tmp_path / "bad.txt"
    f.write_text("{title}\n{price} {voucher}\n{link}\n", encoding="utf-8")
    r = run("share", "NX-GQ-500", "--template", str(f), code=1)
    assert f"error: {f}:2: unknown placeholder {{voucher}}" in r.stderr
    assert "hint: placeholders are: {title} {short_title} {price}" in r.stderr
    assert share_count(db) == 0


@pytest.mark.parametrize(
    "text,message",
    [("{price:>10} {link}", "format specs and conversions are not supported"),
     ("{title {link}", "unexpected '{' in field name"),
     ("{title}", "template has no {link}")],
)
def test_bad_templates_are_exit_1(run, db, tmp_path, shop, text, message):
    f = tmp_path / "t.txt"
    f.write_text(text, encoding="utf-8")
    r = run("share", "NX-GQ-500", "--template", str(f), code=1)
    assert message in r.stderr
    assert share_count(db) == 0


def test_unknown_template_name_is_exit_1(run, db, shop):
    r = run("share", "NX-GQ-500", "--template", "weibbo", code=1)
    assert "error: unknown template 'weibbo'" in r.stderr
    assert "hint: did you mean weibo? templates: weibo, wechat" in r.stderr
    r = run("share", "NX-GQ-500", "--template", "nothere/x.txt", code=1)
    assert "error: nothere/x.txt: template file not found" in r.stderr
    assert share_count(db) == 0


def test_post_and_card_in_the_goods_currency(run, db, shop, tmp_path):
    """An Amazon item priced in USD posts as $34.99; the share keeps its currency."""
    run("goods", "edit", "YN-SJ-1KG", "--price", "34.99", "--original-price", "49.99", "--currency", "usd")
    card = tmp_path / "card.svg"
    s = _share(run, "YN-SJ-1KG", "--channel", "wechat", "--slot", "me-20", "--card", card)
    _golden("wechat-usd.txt", s["post"] + "\n")
    assert "到手价 $34.99\n原价 $49.99（7折）\n" in s["post"] and "¥" not in s["post"]
    assert s["currency"] == "USD"
    svg = card.read_text(encoding="utf-8")
    assert ">$34.99</text>" in svg and ">$49.99</text>" in svg
    # the goods change currency later: the share's snapshot keeps the one it was made in
    run("goods", "edit", "YN-SJ-1KG", "--currency", "EUR", "--price", "32.00")
    assert dump(db, "SELECT price_fen, currency FROM shares") == [(3499, "USD")]
    r = run("shares", "show", s["code"])
    assert "price     34.99 USD\n" in r.stdout
    assert r.stdout.endswith(
        "terms\n"
        "               price  cur    rate  fixed  status\n"
        "-------------  -----  ---  ------  -----  ------\n"
        "at share time  34.99  USD  18.00%\n"
        "now (goods)    32.00  EUR  18.00%         active\n"
    )
    r = run("shares", "list", "--format", "csv")
    assert r.stdout.splitlines()[0] == "code,created,SKU,title,as,channel,campaign,price,cur,rate,link"
    assert ",34.99,USD,18.00%," in r.stdout


def test_currency_without_a_sign_is_written_out(run, db, shop):
    run("goods", "edit", "TW-FLS-10", "--currency", "SGD")
    s = _share(run, "TW-FLS-10", "--channel", "wechat")
    assert "到手价 SGD 58.00\n" in s["post"]
