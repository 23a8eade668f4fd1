"""One set of labels for every rendering (cli/render/labels.py)."""

from __future__ import annotations

import pytest

from weimai_cli.cli.render.labels import LABELS, default_lang, word


def test_both_languages_have_every_label():
    assert sorted(LABELS["en"]) == sorted(LABELS["zh"])
    assert len(LABELS["en"]) == 82


def test_report_rows_and_statement_rows_are_apart():
    assert (LABELS["en"]["orders"], LABELS["en"]["new_orders"]) == ("orders", "new orders")
    assert (LABELS["zh"]["reversed"], LABELS["zh"]["commission_reversed"]) == ("冲回", "佣金冲回")
    assert (LABELS["zh"]["title"], LABELS["zh"]["title_col"]) == ("佣金对账单 {period} · {who}", "商品名称")


def test_words_of_the_data_in_chinese_only():
    assert word("(no share)", LABELS["zh"]) == "（无分享）"
    assert word("(no share)", LABELS["en"]) == "(no share)"
    assert word("shop", LABELS["zh"]) == "店铺"


@pytest.mark.parametrize("env, lang", [
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"), ({}, "en"),
])
def test_default_lang_follows_the_locale(monkeypatch, env, lang):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert default_lang() == lang
