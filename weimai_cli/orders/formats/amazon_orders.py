"""Amazon Associates Fee-Orders report (FORMATS.md §3).

Items *ordered* through the user's links, before shipping: no earnings yet.
They are kept as ``pending`` lines (nothing is earned until the item appears
in Fee-Earnings, which is its own line: Amazon gives no order id to join
them). Line key: date × Tag × ASIN × device × link type × indirect flag.
"""

from __future__ import annotations

from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.amazon_earnings import currency
from weimai_cli.orders.formats.convert import Description, Id, Int, Money, Text, Time

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


def _derive(b) -> None:
    b["line_key"] = [
        "|".join(("O", (at or "")[:10], tag or "", item, dev or "", link or "", (indirect or "").lower()))
        for at, tag, item, dev, link, indirect in zip(b["created_at"], b["slot"], b["sku"], b["device"],
                                                      b["link"], b["indirect"], strict=True)
    ]
    b["paid_fen"] = [None if unit is None or n is None else unit * n
                     for unit, n in zip(b["unit_price_fen"], b["quantity"], strict=True)]


DESCRIPTION = Description(
    reads={
        "created_at": Time("ordered_at"),
        "sku": Id("sku", required=True),
        "slot": Id("slot"),
        "quantity": Int("quantity"),
        "unit_price_fen": Money("unit_price"),
        "device": Text("device"),
        "link": Text("link_type"),
        "indirect": Text("indirect"),
        "title": Text("title"),
    },
    # (the currency: --currency, else the header's)
    fixed={"status": "pending", "raw_status": "ordered"},
    derive=_derive,
    derives=("line_key", "paid_fen"),
)


FORMAT = Format(
    name="amazon-orders",
    platform="amazon",
    kind="affiliate",
    title="Amazon Associates Fee-Orders (ordered, not yet shipped)",
    columns=COLUMNS,
    required=("sku", "ordered_at", "quantity", "slot"),
    build=DESCRIPTION.build,
    currency=None,
    decimal_comma_columns=DECIMAL_COMMA,
    currency_of=currency,
)
