"""catalog/picks.py: the 选品库's cells, header suffixes and link kinds."""

from datetime import date, datetime

import pytest

from weimai_cli.catalog import picks


@pytest.mark.parametrize(
    ("value", "day"),
    [("2026-11-30", "2026-11-30"), ("2026/11/30", "2026-11-30"), ("2026-11-30 23:59:59", "2026-11-30"),
     ("2026-1-5", "2026-01-05"), (datetime(2026, 11, 30, 0, 0), "2026-11-30"), (date(2026, 11, 30), "2026-11-30"),
     ("", None), ("无", None), ("--", None), (None, None)],
)
def test_parse_day(value, day):
    assert picks.parse_day(value) == day


@pytest.mark.parametrize("value", ["下周", "2026-13-01", "30/11/2026"])
def test_parse_day_refuses(value):
    with pytest.raises(ValueError):
        picks.parse_day(value)


def test_counts_links_and_tkl():
    assert [picks.parse_count(v) for v in ("8560", "1,000", "", "--", 12.0)] == [8560, 1000, None, None, 12]
    with pytest.raises(ValueError):
        picks.parse_count("1.5万")
    assert picks.parse_link("//s.click.taobao.com/a") == "https://s.click.taobao.com/a"
    assert picks.parse_link("s.click.taobao.com/a") == "https://s.click.taobao.com/a"
    assert picks.parse_link("") is None
    assert picks.parse_tkl("复制这段描述￥AbCd1234XyZ￥后到淘宝") == "￥AbCd1234XyZ￥"


def test_split_validity_and_header():
    names, days = picks.split_validity(["淘口令(300天内有效)", "淘宝客短链接(30天内有效)", "商品id"])
    assert (names, days) == (["淘口令", "淘宝客短链接", "商品id"], {0: 300, 1: 30})
    assert picks.is_picks_header(["商品id", "商品名称", "收入比率(%)", "优惠券面额"])
    assert not picks.is_picks_header(["商品id", "商品名称", "售价"])


@pytest.mark.parametrize(
    ("value", "kind"),
    [("￥AbCd1234XyZ￥", "tkl"), ("https://uland.taobao.com/coupon/edetail?e=x", "coupon_link"),
     ("https://s.click.taobao.com/t?e=x", "link"), ("https://m.tb.cn/h.abc", "short"),
     ("https://u.jd.com/abc", "link")],
)
def test_link_kind(value, kind):
    assert picks.link_kind(value) == kind


def test_row_slot():
    links = {"link": "https://s.click.taobao.com/t?e=x&pid=mm_1_2_333"}
    assert picks.row_slot(None, links) == ("333", "mm_1_2_333")
    assert picks.row_slot("9", links) == ("9", "mm_1_2_333")
    assert picks.row_slot(None, {"short": "https://s.click.taobao.com/a"}) == ("", None)
