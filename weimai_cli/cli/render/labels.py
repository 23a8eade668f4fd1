"""The labels every rendering uses, in English here and in Simplified Chinese
through the catalog (weimai_cli/locale, see weimai_cli/i18n.py).

One set: statements (``weimai earnings``) and reports (``weimai report``) share
their common words; a report's own rows are ``new_orders`` and
``commission_reversed``. The default language is the interface language.
"""

from __future__ import annotations

from weimai_cli import i18n
from weimai_cli.i18n import ptr

LABELS = {
    "en": {
        "title": "Statement {period} · {who}",
        "all": "all distributors",
        "closed": "closed",
        "open": "open",
        "orders": "orders",
        "gmv": "GMV",
        "accrued": "accrued commission",
        "reversed": "reversed",
        "adjustments": "adjustments from closed months",
        "estimated": "estimated (paid, not yet received)",
        "confirmed": "confirmed (buyer received)",
        "settled": "settled (paid out by the platform)",
        "net": "net commission",
        "paid_out": "paid out",
        "brought_forward": "balance brought forward",
        "outstanding": "outstanding",
        "spend": "promotion spend",
        "net_after_spend": "net after spend",
        "roi": "ROI",
        "breakdown": "by {by}",
        "more_rows": "({n:,} more)",
        "unattributed": "unattributed orders",
        "findings": "reconciliation findings (reported rate ≠ expected)",
        "adjustment_lines": "adjustments carried in",
        "trend": "last 6 months (net, CNY)",
        "none": "none",
        "title_col": "title",
        "cur": "cur",
        "col_orders": "orders",
        "col_gmv": "GMV",
        "col_accrued": "accrued",
        "col_estimated": "estimated",
        "col_confirmed": "confirmed",
        "col_settled": "settled",
        "col_reversed": "reversed",
        "col_adjustments": "adjustments",
        "col_net": "net",
        "col_spend": "spend",
        "col_roi": "ROI",
        "col_clicks": "clicks",
        "col_conversion": "conversion",
        "col_per_click": "per click",
        "kind": "kind",
        "note": "note",
        "platform": "platform",
        "line": "line",
        "sku": "SKU",
        "reported": "reported",
        "expected": "expected",
        "from_period": "month",
        "amount": "amount",
        "reason": "reason",
        "period": "month",
        "note_affiliate": "earns, under (no share)",
        "note_shop": "sales with no commission owed",
        "more": "… and {n} more",
        "daily": "Daily report {period} · {who}",
        "weekly": "Weekly report {period} · {who}",
        "monthly": "Monthly statement {period} · {who}",
        "so_far": "so far: the period is not over yet",
        "nothing": "Nothing happened: no orders, commission or imports.",
        "nothing_month": "Nothing happened: no orders or commission this month.",
        "new_orders": "new orders",
        "commission": "estimated commission",
        "commission_reversed": "commission reversed",
        "refunds": "refunded orders",
        "refunded": "refunded amount",
        "this_week": "this week",
        "previous": "previous week",
        "change": "change",
        "top_shares": "top shares",
        "top_skus": "top goods",
        "imports": "imports",
        "share": "share",
        "channel": "channel",
        "col_commission": "commission",
        "file": "file",
        "format": "format",
        "rows": "rows",
        "new": "new",
        "changed": "changed",
        "rejected": "rejected",
        "at": "at",
        "item_orders": "{n} orders",
        "sep": ", ",
        "top_clicked": "top shares by clicks",
        "not_converting": "clicked but not converting",
        "item_clicks": "{n} clicks",
    },
}


# words inside the data that a rendering shows in its language (context "word")
WORDS = (ptr("word", "(no share)", "en"), ptr("word", "(none)", "en"), ptr("word", "(nobody)", "en"),
         ptr("word", "affiliate", "en"), ptr("word", "shop", "en"))

# the --by dimensions as a column title (context "by")
BY = (ptr("by", "sku", "en"), ptr("by", "share", "en"), ptr("by", "channel", "en"), ptr("by", "campaign", "en"),
      ptr("by", "platform", "en"), ptr("by", "day", "en"), ptr("by", "distributor", "en"))

_cache: dict[str, dict] = {}


def by_title(by: str, lang: str) -> str:
    return ptr("by", by, lang)


def labels(lang: str) -> dict:
    """The labels in a language: the English above, translated through the
    catalog with each key as its context (one English word can have two
    Chinese ones)."""
    if lang not in _cache:
        _cache[lang] = {k: ptr(k, v, lang) for k, v in LABELS["en"].items()} | {"_lang": lang}
    return _cache[lang]


def default_lang() -> str:
    """The interface language (--lang, WEIMAI_LANG, [ui] lang, the locale)."""
    return i18n.lang()


def word(text: str, L: dict) -> str:
    """A word of the data (a kind, "(no share)") in the labels' language."""
    return ptr("word", text, L["_lang"])
