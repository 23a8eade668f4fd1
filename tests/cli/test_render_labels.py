"""One set of labels for every rendering (cli/render/labels.py), Chinese from the catalog."""

from __future__ import annotations

import pytest

from weimai_cli import i18n
from weimai_cli.cli.render.labels import LABELS, by_title, default_lang, labels, word


def test_both_languages_have_every_label():
    assert len(LABELS["en"]) == 88  # 82 + 6 for the funnel from clicks (issue 15)
    zh = labels("zh")
    untranslated = [k for k, v in LABELS["en"].items() if zh[k] == v and v not in ("GMV", "ROI", "SKU")]
    assert untranslated == []


def test_report_rows_and_statement_rows_are_apart():
    en, zh = labels("en"), labels("zh")
    assert (en["orders"], en["new_orders"]) == ("orders", "new orders")
    assert (zh["reversed"], zh["commission_reversed"]) == ("冲回", "佣金冲回")
    # one English word, two Chinese ones: the key is the catalog's context
    assert (en["orders"], en["col_orders"]) == ("orders", "orders")
    assert (zh["orders"], zh["col_orders"]) == ("订单数", "订单")
    assert (zh["title"], zh["title_col"]) == ("佣金对账单 {period} · {who}", "商品名称")


def test_words_of_the_data_in_chinese_only():
    assert word("(no share)", labels("zh")) == "（无分享）"
    assert word("(no share)", labels("en")) == "(no share)"
    assert word("shop", labels("zh")) == "店铺"
    assert (by_title("share", "zh"), by_title("share", "en")) == ("分享", "share")


@pytest.mark.parametrize("env, lang", [
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"), ({}, "en"),
    ({"WEIMAI_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"), ({"WEIMAI_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
])
def test_default_lang_follows_weimai_lang_then_the_locale(monkeypatch, env, lang):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "WEIMAI_LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(i18n, "_lang", None)
    assert default_lang() == lang
