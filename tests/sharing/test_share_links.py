"""Links: templates per platform, encoding, kept query and fragment, product url checks."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.sharing.sharing_helpers import set_config, share_count
from weimai_cli.sharing import links


def _link(run, *args):
    return run("share", *args, "--format", "json").stdout


def _share(run, *args) -> dict:
    import json

    return json.loads(_link(run, *args))


def test_default_template_adds_code_and_utm(run, shop):
    s = _share(run, "NX-GQ-500", "--channel", "moments", "--campaign", "双11 大促")
    parts = urlsplit(s["link"])
    assert parts.netloc == "item.taobao.com"
    assert parse_qsl(parts.query) == [
        ("id", "675012340001"),
        ("wm", s["code"]),
        ("utm_source", "moments"),
        ("utm_medium", "social"),
        ("utm_campaign", "双11 大促"),
        ("utm_content", s["code"]),
    ]
    assert "utm_campaign=%E5%8F%8C11%20%E5%A4%A7%E4%BF%83" in s["link"]
    assert s["link"].isascii()


def test_default_template_keeps_query_and_fragment(run, shop):
    s = _share(run, "TW-FLS-10")
    assert s["link"] == (
        "https://shop.example.com/products/pineapple-cake-10?variant=7"
        f"&wm={s['code']}&utm_source=weibo&utm_medium=social&utm_content={s['code']}#reviews"
    )


def test_jd_carries_code_as_subunionid(run, shop):
    s = _share(run, "WC-DM-5KG")
    assert s["link"] == f"https://item.jd.com/100012345678.html?subUnionId={s['code']}"


def test_amazon_carries_slot_as_tag_and_code_as_ascsubtag(run, shop):
    s = _share(run, "YN-SJ-1KG", "--slot", "weimai-23")
    assert s["link"] == f"https://www.amazon.com/dp/B0DEMO0030?tag=weimai-23&ascsubtag={s['code']}"
    assert s["slot"] == "weimai-23"


def test_amazon_without_slot_warns(run, shop):
    r = run("share", "YN-SJ-1KG")
    assert "warning: Amazon credits you through your tracking id: give it with --slot" in r.stderr
    assert r.stdout.startswith("link  https://www.amazon.com/dp/B0DEMO0030?ascsubtag=wm")


def test_build_link_replaces_existing_params_and_encodes():
    url = "https://例子.测试/商品/1?wm=old&a=%2F&utm_source=x#frag 1"
    out = links.build_link(url, links.DEFAULT_TEMPLATE, {"code": "wm0001ABCD", "channel": "qq", "campaign": "春节"})
    assert out == (
        "https://xn--fsqu00a.xn--0zwm56d/%E5%95%86%E5%93%81/1?a=%2F&wm=wm0001ABCD&utm_source=qq"
        "&utm_medium=social&utm_campaign=%E6%98%A5%E8%8A%82&utm_content=wm0001ABCD#frag%201"
    )


def test_user_link_templates_from_config(run, shop):
    set_config("share", {"links": {
        "taobao": {"pid": "{slot}", "sub": "{code}", "src": "{channel}-{campaign}"},
        "shopify": "https://go.example.com/r?u={url}&c={code}",
    }})
    s = _share(run, "NX-GQ-500", "--slot", "mm_1_2_3", "--campaign", "秋")
    assert s["link"] == (
        f"https://item.taobao.com/item.htm?id=675012340001&pid=mm_1_2_3&sub={s['code']}&src=weibo-%E7%A7%8B"
    )
    s = _share(run, "TW-FLS-10")
    assert s["link"] == (
        "https://go.example.com/r?u=https%3A%2F%2Fshop.example.com%2Fproducts%2Fpineapple-cake-10"
        f"%3Fvariant%3D7%23reviews&c={s['code']}"
    )


def test_user_link_template_unknown_placeholder_is_exit_1(run, db, shop):
    set_config("share", {"links": {"taobao": {"sub": "{coupon}"}}})
    r = run("share", "NX-GQ-500", code=1)
    assert "error: link template 'taobao': unknown placeholder {coupon}" in r.stderr
    assert "hint: use one of:" in r.stderr
    assert share_count(db) == 0


@pytest.mark.parametrize("url", [None, "item.taobao.com/item.htm?id=1", "ftp://example.com/x", "javascript:alert(1)"])
def test_goods_url_missing_or_not_http(run, db, shop, url):
    run("goods", "add", "NO-URL", "--title", "无链接商品", "--price", "9.90", *(["--url", url] if url else []))
    r = run("share", "NO-URL", code=1)
    assert "error: goods 'NO-URL' has " in r.stderr
    assert "hint: set the product's url: weimai goods edit NO-URL --url https://…" in r.stderr
    assert share_count(db) == 0
