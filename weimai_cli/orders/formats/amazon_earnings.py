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
from weimai_cli.orders.formats import Format, Parser

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


def build(c, ctx) -> Parser:
    title = c.text("title")
    asin = c.id("sku", required=True)
    seller = c.text("seller")
    slot = c.id("slot")
    shipped = c.time("shipped_at")
    price = c.money("unit_price", negative=True)
    qty = c.int("quantity", negative=True)
    returns = c.int("returns", negative=True)
    revenue = c.money("revenue", negative=True)
    fees = c.money("fees", negative=True)
    device = c.text("device")
    cur = ctx.currency

    def feed(rownum, v):
        shipped_n, returned_n = qty(v) or 0, returns(v) or 0
        rev, fee = revenue(v), fees(v)
        is_return = returned_n > 0 or (rev is not None and rev < 0)
        when, item, tag, dev, sold_by = shipped(v), asin(v), slot(v), device(v), seller(v)
        line = {
            "line_key": "|".join(
                ("E", (when or "")[:10], tag or "", item, dev or "", sold_by or "",
                 "return" if is_return else "sale")
            ),
            "sku": item,
            "title": title(v),
            "quantity": shipped_n - returned_n if is_return else shipped_n,
            "unit_price_fen": price(v),
            "paid_fen": rev,
            "currency": marketplace_currency(sold_by) or cur,
            "status": "confirmed",
            "raw_status": "return" if is_return else "shipped",
            "created_at": when,
            "paid_at": when,
            "confirmed_at": when,
            "slot": tag,
            "reported_commission_fen": fee,
            "is_return": is_return,
        }
        return [(rownum, line)]

    return Parser(feed)


FORMAT = Format(
    name="amazon-earnings",
    platform="amazon",
    kind="affiliate",
    title="Amazon Associates Fee-Earnings (CSV, TSV, zip or XLSX sheet)",
    columns=COLUMNS,
    required=("sku", "slot", "shipped_at", "fees"),
    build=build,
    currency=None,
    decimal_comma_columns=DECIMAL_COMMA,
    priority=1,
    currency_of=currency,
)
