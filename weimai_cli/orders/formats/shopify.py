"""Shopify Admin → Orders → Export CSV (FORMATS.md §4).

One row per line item; order-level fields (Financial Status, Paid at,
Discount Code, Refunded Amount, Id …) are on the order's first row only and
continuation rows inherit them. Rows of one order are consecutive (grouped
by ``Name``) and held until the order ends, so the order's Refunded Amount
can be shared out over its lines in proportion to their amounts. The line
key is ``Name:n``, n the line item's position in the order.

This is the one format that keeps a row-by-row parser rather than a
description for the column-wise converter (convert.py): its lines are
grouped rows. A line's order-level fields come from the order's first row,
which may lie in an earlier batch, and its refunded amount is a share of the
order's refund weighted by every line of the order, including lines in rows
after it (possibly in the next batch); a line is known only once its order
ends, which a stateless batch of rows cannot tell.

Status (FORMATS.md §7): a filled Cancelled at → cancelled; refunded and
voided → refunded; partially_refunded → paid with the refund recorded;
pending / authorized / partially_paid → pending. Attribution: a tracking
code in Discount Code, Note Attributes (``ref: wm…``) or Tags; else the
discount code itself is the slot.
"""

from __future__ import annotations

from weimai_cli.i18n import _
from weimai_cli.orders.formats import Format, Parser

STATUSES = {
    "pending": "pending",
    "authorized": "pending",
    "partially_paid": "pending",
    "paid": "paid",
    "partially_refunded": "paid",
    "refunded": "refunded",
    "voided": "refunded",
}

COLUMNS = {
    "name": ("Name",),
    "order_id": ("Id",),
    "status": ("Financial Status",),
    "paid_at": ("Paid at",),
    "fulfillment": ("Fulfillment Status",),
    "fulfilled_at": ("Fulfilled at", "Fulfillment Date"),
    "currency": ("Currency",),
    "discount_code": ("Discount Code",),
    "created_at": ("Created at",),
    "quantity": ("Lineitem quantity",),
    "title": ("Lineitem name",),
    "unit_price": ("Lineitem price",),
    "sku": ("Lineitem sku",),
    "line_discount": ("Lineitem discount",),
    "note_attributes": ("Note Attributes",),
    "notes": ("Notes",),
    "cancelled_at": ("Cancelled at",),
    "refunded": ("Refunded Amount",),
    "tags": ("Tags",),
    "source": ("Source",),
}
# order-level fields a continuation row inherits from the order's first row
ORDER_LEVEL = ("order_id", "status", "paid_at", "fulfilled_at", "currency", "discount_code",
               "created_at", "note_attributes", "cancelled_at", "refunded", "tags")


def _share(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over lines in proportion to ``weights`` (largest remainder)."""
    whole = sum(weights)
    if whole <= 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // whole for w in weights]
    rest = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in order[:rest]:
        parts[i] += 1
    return parts


def build(c, ctx) -> Parser:
    name = c.text("name")
    name_col = c.index("name")
    get = {f: c.raw(f) for f in ORDER_LEVEL}
    order_id = c.id("order_id")
    status = c.status("status", STATUSES)
    paid_at = c.time("paid_at")
    created = c.time("created_at")
    cancelled = c.time("cancelled_at")
    currency = c.text("currency")
    refunded = c.money("refunded")
    code_text = (c.text("discount_code"), c.text("note_attributes"), c.text("tags"))
    discount = c.text("discount_code")
    qty = c.int("quantity")
    title = c.text("title")
    price = c.money("unit_price")
    sku = c.text("sku")
    line_disc = c.money("line_discount")
    codes = ctx.codes
    state: dict = {"name": None, "first": None, "lines": []}

    def finish() -> list:
        lines = state["lines"]
        state["lines"] = []
        if not lines:
            return []
        refund = state["refund"] or 0
        canon = state["status"]
        if canon == "refunded":
            for _, line in lines:
                line["refunded_fen"] = line["paid_fen"]
        elif refund:
            for (_, line), part in zip(lines, _share(refund, [ln["paid_fen"] for _, ln in lines]), strict=True):
                line["refunded_fen"] = part
        return lines

    def feed(rownum, v):
        order_name = name(v)
        if not order_name:
            from weimai_cli.orders.values import FieldError

            raise FieldError(name_col, _("Name (the order) is empty"), _("every row needs its order's Name"))
        out = []
        if order_name != state["name"]:
            out = finish()
            state["name"] = order_name
            state["first"] = list(v)
        else:
            first = state["first"]
            v = list(v)
            for f in ORDER_LEVEL:
                i = c.index(f)
                if i is not None and get[f](v) in ("", None):
                    v[i] = first[i]
        canon, raw = status(v)
        if cancelled(v):
            canon = "cancelled"
        state["status"], state["refund"] = canon, refunded(v)
        n, unit = qty(v), price(v)
        amount = (unit or 0) * (n or 0) - (line_disc(v) or 0)
        disc = discount(v)
        found = codes(*(g(v) for g in code_text))
        state["lines"].append((rownum, {
            "line_key": f"{order_name}:{len(state['lines']) + 1}",
            "order_id": order_id(v) or order_name,
            "sku": sku(v),
            "title": title(v),
            "quantity": n,
            "unit_price_fen": unit,
            "paid_fen": amount,
            "refunded_fen": 0,
            "currency": currency(v) or ctx.currency,
            "status": canon,
            "raw_status": raw,
            "created_at": created(v),
            "paid_at": paid_at(v),
            "slot": disc.split(",")[0].strip() if disc and not found.get("tracking_code") else None,
            "extra": {"order_name": order_name, "cancelled_at": cancelled(v)},
            **found,
        }))
        return out

    return Parser(feed, finish)


FORMAT = Format(
    name="shopify",
    platform="shopify",
    kind="shop",
    title="Shopify orders export CSV",
    columns=COLUMNS,
    required=("name", "status", "quantity", "unit_price"),
    build=build,
    statuses=STATUSES,
    currency=None,
    priority=1,
)
