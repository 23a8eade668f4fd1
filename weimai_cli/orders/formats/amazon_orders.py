"""Amazon Associates Fee-Orders report (FORMATS.md §3).

Items *ordered* through the user's links, before shipping: no earnings yet.
They are kept as ``pending`` lines (nothing is earned until the item appears
in Fee-Earnings, which is its own line: Amazon gives no order id to join
them). Line key: date × Tag × ASIN × device × link type × indirect flag.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format, Parser
from weimai_cli.orders.formats.amazon_earnings import currency

COLUMNS = {
    "category": ("Category", "Categoria"),
    "title": ("Name", "Nome", "Product Name"),
    "sku": ("ASIN",),
    "ordered_at": ("Date", "Data"),
    "quantity": ("Qty", "Quantity", "Quantità"),
    "unit_price": ("Price($)", "Price", "Prezzo", "Prezzo(€)"),
    "link_type": ("Link Type", "Tipo di link"),
    "slot": ("Tag", "Tracking ID", "Monitoraggio ID"),
    "indirect": ("Indirect Sales", "Orders through product links", "Ordini attraverso il link"),
    "device": ("Device Type Group", "Gruppo tipo di dispositivo"),
}
DECIMAL_COMMA = ("Tipo di link", "Ordini attraverso il link", "Monitoraggio ID")


def build(c, ctx) -> Parser:
    title = c.text("title")
    asin = c.id("sku", required=True)
    when = c.time("ordered_at")
    qty = c.int("quantity")
    price = c.money("unit_price")
    link = c.text("link_type")
    slot = c.id("slot")
    indirect = c.text("indirect")
    device = c.text("device")
    cur = ctx.currency

    def feed(rownum, v):
        at, item, tag, n, unit = when(v), asin(v), slot(v), qty(v), price(v)
        line = {
            "line_key": "|".join(
                ("O", (at or "")[:10], tag or "", item, device(v) or "", link(v) or "",
                 (indirect(v) or "").lower())
            ),
            "sku": item,
            "title": title(v),
            "quantity": n,
            "unit_price_fen": unit,
            "paid_fen": unit * n if unit is not None and n is not None else None,
            "currency": cur,
            "status": "pending",
            "raw_status": "ordered",
            "created_at": at,
            "slot": tag,
        }
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="amazon-orders",
    platform="amazon",
    kind="affiliate",
    title="Amazon Associates Fee-Orders (ordered, not yet shipped)",
    columns=COLUMNS,
    required=("sku", "ordered_at", "quantity", "slot"),
    build=build,
    currency=None,
    decimal_comma_columns=DECIMAL_COMMA,
    currency_of=currency,
)
