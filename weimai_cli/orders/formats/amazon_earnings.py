"""Amazon Associates Fee-Earnings report (FORMATS.md §3).

A title line (``Fee-Earnings reports from …``) may stand above the header;
US headers carry ``($)``, UK ones do not, Italian ones are translated and use
comma decimals. The currency: a row's Seller that is an Amazon store
(``Amazon.co.uk``) names it; else ``--currency``; else the header's ($) /
(€) or the columns only one marketplace writes. There is no order id: one row per ASIN × Tracking ID × ship
date × device, so that is the line key (with ``return`` for return rows).
Returned items come as negative Revenue / Ad Fees, often in a later report;
such a row is its own line with negative amounts, so a month's sum nets out.
Rows are shipped items: status ``confirmed``. Attribution: the Tracking ID
is the slot.
"""

from __future__ import annotations

from weimai_cli.money import marketplace_currency
from weimai_cli.orders.formats import Format
from weimai_cli.orders.formats.convert import Description, Id, Int, Money, Text, Time

COLUMNS = {
    "category": ("Category", "Categoria"),
    "title": ("Name", "Nome", "Product Name"),
    "sku": ("ASIN",),
    "seller": ("Seller", "Venditore"),
    "slot": ("Tracking ID", "Tracking Id", "Monitoraggio ID", "ID di monitoraggio"),
    "shipped_at": ("Date Shipped", "Data spedizione"),
    "unit_price": ("Price($)", "Price", "Prezzo", "Prezzo(€)"),
    "quantity": ("Items Shipped", "Articoli spediti"),
    "returns": ("Returns", "Resi"),
    "revenue": ("Revenue($)", "Revenue", "Entrate", "Entrate(€)"),
    "fees": ("Ad Fees($)", "Ad Fees", "Commissioni pubblicitarie", "Commissioni pubblicitarie(€)"),
    "device": ("Device Type Group", "Gruppo tipo di dispositivo"),
    "direct": ("Direct Sale", "Direct", "Vendita diretta"),
}
DECIMAL_COMMA = ("Data spedizione", "Commissioni pubblicitarie", "Monitoraggio ID", "Entrate")


# headers only one marketplace writes (FORMATS.md §3): the UK's Orders report
# says "Orders through product links", its Earnings report ends with "Direct";
# the Italian ones are translated
_UK_COLUMNS = ("orders through product links", "direct")
_IT_COLUMNS = ("data spedizione", "commissioni pubblicitarie", "tipo di link", "entrate", "prezzo",
               "monitoraggio id", "ordini attraverso il link")


def currency(header: list[str]) -> str | None:
    """The report's currency from its header: USD when the money columns say
    ($), EUR for (€), GBP for (£); else the marketplace its column names are
    peculiar to (UK: GBP, Italy: EUR); else unknown."""
    text = "".join(h or "" for h in header)
    for sign, code in (("($)", "USD"), ("(€)", "EUR"), ("(£)", "GBP")):
        if sign in text:
            return code
    names = {(h or "").strip().lower() for h in header}
    if names.intersection(_UK_COLUMNS):
        return "GBP"
    if names.intersection(_IT_COLUMNS):
        return "EUR"
    return None


def _derive(b) -> None:
    """A row with returns or a negative Revenue is a return: its own line
    (``return`` in the key), quantity net of the returns."""
    shipped, returned, revenue = b["shipped"], b["returns"], b["paid_fen"]
    is_return = [r > 0 or (rev is not None and rev < 0) for r, rev in zip(returned, revenue, strict=True)]
    when = b["created_at"]
    b["is_return"] = is_return
    b["line_key"] = [
        "|".join(("E", (at or "")[:10], tag or "", item, dev or "", seller or "", "return" if ret else "sale"))
        for at, tag, item, dev, seller, ret in zip(when, b["slot"], b["sku"], b["device"], b["seller"],
                                                    is_return, strict=True)
    ]
    b["quantity"] = [s - r if ret else s for s, r, ret in zip(shipped, returned, is_return, strict=True)]
    # (no Amazon store named: --currency, else the header's)
    b["currency"] = list(map(marketplace_currency, b["seller"]))
    b["raw_status"] = ["return" if ret else "shipped" for ret in is_return]
    b["paid_at"] = b["confirmed_at"] = when


DESCRIPTION = Description(
    reads={
        "shipped": Int("quantity", negative=True, default=0, absent=0),
        "returns": Int("returns", negative=True, default=0, absent=0),
        "paid_fen": Money("revenue", negative=True),
        "reported_commission_fen": Money("fees", negative=True),
        "created_at": Time("shipped_at"),
        "sku": Id("sku", required=True),
        "slot": Id("slot"),
        "device": Text("device"),
        "seller": Text("seller"),
        "title": Text("title"),
        "unit_price_fen": Money("unit_price", negative=True),
    },
    fixed={"status": "confirmed"},
    derive=_derive,
    derives=("line_key", "quantity", "currency", "raw_status", "paid_at", "confirmed_at"),
)


FORMAT = Format(
    name="amazon-earnings",
    platform="amazon",
    kind="affiliate",
    title="Amazon Associates Fee-Earnings (CSV, TSV, zip or XLSX sheet)",
    columns=COLUMNS,
    required=("sku", "slot", "shipped_at", "fees"),
    build=DESCRIPTION.build,
    currency=None,
    decimal_comma_columns=DECIMAL_COMMA,
    priority=1,
    currency_of=currency,
)
