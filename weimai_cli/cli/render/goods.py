"""Goods for people: list columns, one item's details, its coupon and its links.

Plain data in (rows of ``goods`` / ``goods_links``, catalog/offers.py for what
a coupon or link is worth today), strings and column lists out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from weimai_cli.catalog.offers import LINK_KIND_NAMES, coupon_of, coupon_price_fen, link_usable
from weimai_cli.cli.output import Col
from weimai_cli.i18n import N_, _, pgettext
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


def state_text(state: str) -> str:
    """A coupon's or link's state for people (JSON and CSV keep the English value)."""
    words = {
        "valid": lambda: pgettext("coupon state", "valid"),
        "expired": lambda: pgettext("coupon state", "expired"),
        "not started": lambda: pgettext("coupon state", "not started"),
        "none left": lambda: pgettext("coupon state", "none left"),
        "ok": lambda: pgettext("link state", "ok"),
    }
    return words[state]() if state in words else state


def status_text(status: str) -> str:
    """A goods status (active, archived) for people: the status words of every table."""
    from weimai_cli.cli.output import status_word

    return status_word(status)


def coupon_cell(item: Mapping, day: str, *, text_format: bool = False) -> str:
    """A coupon in one cell: ``满50元减10元, ends 2026-12-15``; a coupon not usable
    today says why (``expired 2026-11-10``). ``text_format``: in the interface
    language (table and md), else English (JSON, CSV)."""
    c = coupon_of(item)
    if c is None:
        return ""
    t = _ if text_format else str
    state = coupon_state(item, day)
    text = c.text or t(N_("{amount} off")).format(amount=f"{c.off_fen / 100:.2f}")
    if state == "valid":
        return t(N_("{coupon}, ends {day}")).format(coupon=text, day=c.end) if c.end else text
    if state == "expired":
        return t(N_("{coupon}, expired {day}")).format(coupon=text, day=c.end)
    if state == "not started":
        return t(N_("{coupon}, from {day}")).format(coupon=text, day=c.start)
    return t(N_("{coupon}, none left")).format(coupon=text)


def list_rows(data: Sequence[dict], day: str, *, text_format: bool = False) -> list[dict]:
    """list-goods rows with their coupon cell (``coupon``) and, for the text formats,
    the 券后价 only where a coupon lowers the price (``coupon_price_shown``).
    ``text_format`` (table, md): the coupon in the interface language (the status
    column's words are output's "status" kind)."""
    return [
        {**r, "coupon": coupon_cell(r, day, text_format=text_format) or None,
         "coupon_price_shown": r["coupon_price_fen"] if r["coupon_price_fen"] < r["price_fen"] else None}
        for r in data
    ]


def list_cols(*, with_status: bool, with_currency: bool, with_coupon: bool, json_like: bool) -> list[Col]:
    cols = [
        Col("sku", "SKU"),
        Col("title", N_("title")),
        Col("price_fen", N_("price"), "money"),
        *([Col("currency", N_("cur"))] if with_currency else []),
        *([Col("coupon_price_shown", N_("coupon price"), "money")] if with_coupon and not json_like else []),
        Col("commission_bp", N_("rate"), "rate"),
        Col("unit_commission_fen", N_("commission"), "money"),
        Col("category", N_("category")),
        Col("supplier", N_("supplier")),
        Col("stock", N_("stock"), "int"),
        *([Col("coupon", N_("coupon"))] if with_coupon and not json_like else []),
    ]
    if with_status:
        cols.append(Col("status", N_("status"), "status"))
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
        state = _("valid; the price is under its threshold")
    else:
        state = state_text(state)
    window = f"{c.start or '…'} – {c.end or '…'}"
    left = "" if c.remaining is None else str(c.remaining)
    if item.get("coupon_total") is not None:
        left = _("{left} of {total}").format(left=left or "?", total=item["coupon_total"])
    return [
        (_("coupon"), _("{coupon} ({state})").format(coupon=c.text, state=state)),
        (_("coupon price"), format_amount(coupon_price_fen(item, day), cur)),
        (_("coupon dates"), window),
        (_("coupons left"), left),
        (_("coupon url"), c.url or ""),
    ]


def link_rows(links: Sequence[Mapping], day: str, *, text_format: bool = False) -> list[dict]:
    """An item's links with their kind's name and ``expired`` marked;
    ``text_format`` (table, md): ``(any)`` and the state in the interface language."""
    rows = [
        {
            **link,
            "slot": link["slot"] or "(any)",
            "kind_name": LINK_KIND_NAMES.get(link["kind"], link["kind"]),
            "state": "ok" if link_usable(link, day) else "expired",
        }
        for link in links
    ]
    if text_format:
        for r in rows:
            if r["slot"] == "(any)":
                r["slot"] = _("(any)")
            r["state"] = state_text(r["state"])
    return rows


LINK_COLS = [
    Col("slot", N_("slot")),
    Col("kind", N_("kind")),
    Col("kind_name", N_("name")),
    Col("value", N_("link / 淘口令")),
    Col("expires_on", N_("expires")),
    Col("state", N_("state")),
]


def item_pairs(item: Mapping) -> list[tuple[str, str]]:
    """`goods show`'s lines before the coupon."""
    cur = item["currency"]  # amounts in CNY read 59.90, others 34.99 USD
    return [
        ("SKU", item["sku"]),
        (_("title"), item["title"]),
        (_("price"), format_amount(item["price_fen"], cur)),
        (_("original price"), format_amount(item["original_price_fen"], cur)),
        (_("rate"), format_rate(item["commission_bp"])),
        (_("fixed commission"), format_amount(item["commission_fen"], cur)),
        (_("commission/unit"), format_amount(item["unit_commission_fen"], cur)),
        (_("supplier"), item["supplier"] or ""),
        (_("category"), item["category"] or ""),
        (_("platform"), item["platform"] or ""),
        (_("monthly sales"), "" if item.get("monthly_sales") is None else str(item["monthly_sales"])),
        (_("url"), item["url"] or ""),
        (_("image"), item["image_url"] or ""),
        (_("stock"), "" if item["stock"] is None else str(item["stock"])),
        (_("tags"), item["tags"] or ""),
        (_("selling points"), item["selling_points"] or ""),
    ]


def item_tail(item: Mapping) -> list[tuple[str, str]]:
    return [
        (_("status"), status_text(item["status"])),
        (_("source"), item["source"] or ""),
        (_("created"), item["created_at"]),
        (_("updated"), item["updated_at"]),
    ]


# the history table's columns (goods show)
def history_cols(with_currency: bool) -> list[Col]:
    return [
        Col("changed_at", N_("changed")),
        Col("price_fen", N_("price"), "money"),
        *([Col("currency", N_("cur"))] if with_currency else []),
        Col("commission_bp", N_("rate"), "rate"),
        Col("commission_fen", N_("fixed"), "money"),
        Col("status", N_("status"), "status"),
        Col("source", N_("source")),
    ]

