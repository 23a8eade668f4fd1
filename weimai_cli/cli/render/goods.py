"""Goods for people: list columns, one item's details, its coupon and its links.

Plain data in (rows of ``goods`` / ``goods_links``, catalog/offers.py for what
a coupon or link is worth today), strings and column lists out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from weimai_cli.catalog.offers import LINK_KIND_NAMES, coupon_of, coupon_price_fen, link_usable
from weimai_cli.cli.output import Col
from weimai_cli.money import format_amount, format_rate

# what list-goods --format json always carries besides its table columns
JSON_EXTRA = (
    "platform", "monthly_sales", "coupon_fen", "coupon_threshold_fen", "coupon_text", "coupon_start",
    "coupon_end", "coupon_total", "coupon_remaining", "coupon_url", "coupon_price_fen", "coupon",
)


def coupon_state(item: Mapping, day: str) -> str | None:
    """``valid``, ``expired``, ``not started``, ``none left``, or None without a coupon."""
    c = coupon_of(item)
    if c is None:
        return None
    if c.end is not None and day > c.end:
        return "expired"
    if c.start is not None and day < c.start:
        return "not started"
    if c.remaining == 0:
        return "none left"
    return "valid"


def coupon_cell(item: Mapping, day: str) -> str:
    """A coupon in one cell: ``满50元减10元, ends 2026-12-15``; a coupon not usable
    today says why (``expired 2026-11-10``)."""
    c = coupon_of(item)
    if c is None:
        return ""
    state = coupon_state(item, day)
    text = c.text or f"{c.off_fen / 100:.2f} off"
    if state == "valid":
        return f"{text}, ends {c.end}" if c.end else text
    if state == "expired":
        return f"{text}, expired {c.end}"
    if state == "not started":
        return f"{text}, from {c.start}"
    return f"{text}, none left"


def list_rows(data: Sequence[dict], day: str) -> list[dict]:
    """list-goods rows with their coupon cell (``coupon``) and, for the text formats,
    the 券后价 only where a coupon lowers the price (``coupon_price_shown``)."""
    return [
        {**r, "coupon": coupon_cell(r, day) or None,
         "coupon_price_shown": r["coupon_price_fen"] if r["coupon_price_fen"] < r["price_fen"] else None}
        for r in data
    ]


def list_cols(*, with_status: bool, with_currency: bool, with_coupon: bool, json_like: bool) -> list[Col]:
    cols = [
        Col("sku", "SKU"),
        Col("title", "title"),
        Col("price_fen", "price", "money"),
        *([Col("currency", "cur")] if with_currency else []),
        *([Col("coupon_price_shown", "coupon price", "money")] if with_coupon and not json_like else []),
        Col("commission_bp", "rate", "rate"),
        Col("unit_commission_fen", "commission", "money"),
        Col("category", "category"),
        Col("supplier", "supplier"),
        Col("stock", "stock", "int"),
        *([Col("coupon", "coupon")] if with_coupon and not json_like else []),
    ]
    if with_status:
        cols.append(Col("status", "status"))
    if json_like:
        have = {c.key for c in cols}
        cols += [Col(k, k) for k in JSON_EXTRA if k not in have]
    return cols


def coupon_pairs(item: Mapping, day: str) -> list[tuple[str, str]]:
    """`goods show`'s coupon lines: text and state, 券后价, window, counts, link."""
    c = coupon_of(item)
    if c is None:
        return []
    cur = item.get("currency")
    state = coupon_state(item, day)
    if state == "valid" and item["price_fen"] < c.threshold_fen:
        state = "valid; the price is under its threshold"
    window = f"{c.start or '…'} – {c.end or '…'}"
    left = "" if c.remaining is None else str(c.remaining)
    if item.get("coupon_total") is not None:
        left = f"{left or '?'} of {item['coupon_total']}"
    return [
        ("coupon", f"{c.text} ({state})"),
        ("coupon price", format_amount(coupon_price_fen(item, day), cur)),
        ("coupon dates", window),
        ("coupons left", left),
        ("coupon url", c.url or ""),
    ]


def link_rows(links: Sequence[Mapping], day: str) -> list[dict]:
    """An item's links with their kind's name and ``expired`` marked."""
    return [
        {
            **link,
            "slot": link["slot"] or "(any)",
            "kind_name": LINK_KIND_NAMES.get(link["kind"], link["kind"]),
            "state": "ok" if link_usable(link, day) else "expired",
        }
        for link in links
    ]


LINK_COLS = [
    Col("slot", "slot"),
    Col("kind", "kind"),
    Col("kind_name", "name"),
    Col("value", "link / 淘口令"),
    Col("expires_on", "expires"),
    Col("state", "state"),
]


def item_pairs(item: Mapping) -> list[tuple[str, str]]:
    """`goods show`'s lines before the coupon."""
    cur = item["currency"]  # amounts in CNY read 59.90, others 34.99 USD
    return [
        ("SKU", item["sku"]),
        ("title", item["title"]),
        ("price", format_amount(item["price_fen"], cur)),
        ("original price", format_amount(item["original_price_fen"], cur)),
        ("rate", format_rate(item["commission_bp"])),
        ("fixed commission", format_amount(item["commission_fen"], cur)),
        ("commission/unit", format_amount(item["unit_commission_fen"], cur)),
        ("supplier", item["supplier"] or ""),
        ("category", item["category"] or ""),
        ("platform", item["platform"] or ""),
        ("monthly sales", "" if item.get("monthly_sales") is None else str(item["monthly_sales"])),
        ("url", item["url"] or ""),
        ("image", item["image_url"] or ""),
        ("stock", "" if item["stock"] is None else str(item["stock"])),
        ("tags", item["tags"] or ""),
        ("selling points", item["selling_points"] or ""),
    ]


def item_tail(item: Mapping) -> list[tuple[str, str]]:
    return [
        ("status", item["status"]),
        ("source", item["source"] or ""),
        ("created", item["created_at"]),
        ("updated", item["updated_at"]),
    ]
